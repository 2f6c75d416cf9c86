import { redirect } from 'next/navigation';
import { signOutAction } from '@/app/(portal)/actions';
import { getCurrentAccess, requireUser } from '@/lib/auth/guard';

export const dynamic = 'force-dynamic';

export default async function NoAccountPage() {
  const user = await requireUser();
  if (await getCurrentAccess()) redirect('/dashboard');
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">No account yet</h1>
      <p className="mt-2 text-slate-700">
        {user.email} is not a member of any account. Ask an admin of your company&apos;s account to invite you.
      </p>
      <form action={signOutAction} className="mt-6">
        <button type="submit" className="font-medium text-indigo-800 underline">
          Sign out
        </button>
      </form>
    </main>
  );
}
