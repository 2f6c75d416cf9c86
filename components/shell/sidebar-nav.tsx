'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';

export interface NavItem {
  label: string;
  href: string;
  comingSoon?: boolean;
}

function NavList({ items, pathname }: { items: NavItem[]; pathname: string }) {
  return (
    <ul className="space-y-1">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        if (item.comingSoon) {
          return (
            <li key={item.href}>
              <span className="flex items-center justify-between rounded-md px-3 py-2 text-sm text-slate-400" aria-disabled="true">
                <span>{item.label}</span>
                <span className="rounded bg-slate-800 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-slate-300" aria-label="coming soon">Soon</span>
              </span>
            </li>
          );
        }
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={cn('block rounded-md px-3 py-2 text-sm font-medium', active ? 'bg-slate-800 text-white' : 'text-slate-200 hover:bg-slate-800 hover:text-white')}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function SidebarNav({ main, staff }: { main: NavItem[]; staff: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-6">
      <NavList items={main} pathname={pathname} />
      {staff.length > 0 ? (
        <div>
          <p className="mb-2 px-3 text-xs font-semibold uppercase tracking-wide text-slate-400">Operator</p>
          <NavList items={staff} pathname={pathname} />
        </div>
      ) : null}
    </nav>
  );
}
