import type { Metadata } from 'next';
import Link from 'next/link';
import { getSessionUser } from '@/lib/auth/guard';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { describeInvitation } from '@/lib/services/users';
import { signOutAction } from '@/app/(portal)/actions';
import { AcceptAsUserForm, NewUserForm } from './accept-form';

export const metadata: Metadata = { title: 'Accept invitation' };
export const dynamic = 'force-dynamic';

const linkClass = 'font-medium text-indigo-800 underline';

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await describeInvitation(token, await getSessionUser()) : ({ state: 'invalid' } as const);
  if (invitation.state === 'invalid') {
    return (
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">This invitation cannot be used</h1>
        <p className="text-sm text-slate-700">The link is invalid, has expired, or was already used. Ask the person who invited you for a new one.</p>
        <Link href="/login" className={`mt-4 inline-block text-sm ${linkClass}`}>
          Go to sign in
        </Link>
      </div>
    );
  }
  const signInHref = `/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Join {invitation.accountName}</h1>
      <p className="mb-4 text-sm text-slate-700">
        <strong>{invitation.email}</strong> is invited as <strong>{ROLE_LABELS[invitation.role]}</strong>.
      </p>
      {invitation.signedInAs?.matches ? (
        <AcceptAsUserForm token={token} />
      ) : invitation.signedInAs ? (
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            You are signed in as <strong>{invitation.signedInAs.email}</strong>. This invitation is for another email: sign out, then sign in as{' '}
            {invitation.email} or create a user for it, and open this link again.
          </p>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
              Sign out
            </button>
          </form>
        </div>
      ) : (
        <>
          <NewUserForm token={token} email={invitation.email} />
          <p className="mt-4 border-t border-slate-200 pt-4 text-sm text-slate-700">
            Already use Carrier Portal as {invitation.email}?{' '}
            <Link href={signInHref} className={linkClass}>
              Sign in
            </Link>{' '}
            and you come back here to accept.
          </p>
        </>
      )}
    </div>
  );
}
