import type { Metadata } from 'next';
import Link from 'next/link';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { describeInvitation } from '@/lib/services/users';
import { AcceptInvitationForm } from './accept-form';

export const metadata: Metadata = { title: 'Accept invitation' };
export const dynamic = 'force-dynamic';

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await describeInvitation(token);
  if (invitation.state === 'invalid') {
    return (
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-2 text-xl font-semibold">This invitation cannot be used</h1>
        <p className="text-sm text-slate-700">The link is invalid, has expired, or was already used. Ask the person who invited you for a new one.</p>
        <Link href="/login" className="mt-4 inline-block text-sm font-medium text-indigo-800 underline">
          Go to sign in
        </Link>
      </div>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Join {invitation.accountName}</h1>
      <p className="mb-4 text-sm text-slate-700">
        You are invited as <strong>{ROLE_LABELS[invitation.role]}</strong>.
      </p>
      <AcceptInvitationForm token={token} email={invitation.email} existingUser={invitation.existingUser} />
    </div>
  );
}
