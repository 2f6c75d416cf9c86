import { ChevronDown, KeyRound, LogOut, ShieldCheck } from 'lucide-react';
import Link from 'next/link';

export function UserMenu({ name, email, isStaff, signOut }: { name: string; email: string; isStaff: boolean; signOut: () => Promise<void> }) {
  return (
    <details className="relative">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100" aria-label={`User menu for ${name}`}>
        <span aria-hidden="true" className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-700 text-xs font-semibold text-white">
          {name
            .split(/\s+/)
            .map((part) => part[0])
            .join('')
            .slice(0, 2)
            .toUpperCase()}
        </span>
        <span className="hidden sm:inline">{name}</span>
        <ChevronDown aria-hidden="true" className="size-4 text-slate-500" />
      </summary>
      <div className="absolute right-0 z-10 mt-2 w-64 rounded-md border border-slate-200 bg-white p-3 shadow-lg">
        <p className="text-sm font-medium text-slate-900">{name}</p>
        <p className="truncate text-xs text-slate-600">{email}</p>
        {isStaff ? <p className="mt-1 text-xs font-medium text-indigo-800">Operator staff</p> : null}
        <Link href="/profile" className="mt-3 flex items-center gap-2 rounded-md border-t border-slate-100 px-2 pt-3 pb-1.5 text-sm text-slate-800 hover:bg-slate-100">
          <KeyRound aria-hidden="true" className="size-4 text-slate-500" />
          Your profile and password
        </Link>
        <Link href="/profile/security" className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-800 hover:bg-slate-100">
          <ShieldCheck aria-hidden="true" className="size-4 text-slate-500" />
          Security (two-factor)
        </Link>
        <form action={signOut} className="mt-1 border-t border-slate-100 pt-1">
          <button type="submit" className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-slate-800 hover:bg-slate-100">
            <LogOut aria-hidden="true" className="size-4 text-slate-500" />
            Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
