import type { Metadata } from 'next';
import { Card, PageHeader } from '@/components/ui/card';
import { requireSignedInUser } from '@/lib/auth/guard';
import { getPendingEnrolment, getTwoFactorStatus } from '@/lib/services/two-factor';
import { EnrolTwoFactor, ManageTwoFactor } from './two-factor-panel';

export const metadata: Metadata = { title: 'Security' };
export const dynamic = 'force-dynamic';

export default async function SecurityPage() {
  // Not requireUser: this is where users who owe the 2FA set-up are sent.
  const user = await requireSignedInUser();
  const status = await getTwoFactorStatus(user);
  const requiredBy = status.requiredBy.staff
    ? 'Carrier staff always sign in with two-factor authentication.'
    : status.requiredBy.accounts.length > 0
      ? `${status.requiredBy.accounts.map((account) => account.name).join(', ')} require${status.requiredBy.accounts.length === 1 ? 's' : ''} two-factor authentication for every member.`
      : undefined;
  const pending = status.enabled ? undefined : await getPendingEnrolment(user);
  return (
    <>
      <PageHeader title="Security" description={`${user.name} · ${user.email}`} />
      {!status.enabled && requiredBy ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="two-factor-required">
          {requiredBy} Set it up to continue.
        </div>
      ) : null}
      <Card title="Two-factor authentication" description="A code from an authenticator app on your phone, asked after your password and before changing roles or creating API keys.">
        {status.enabled ? (
          <ManageTwoFactor recoveryCodesLeft={status.recoveryCodesLeft} lockedReason={requiredBy ? `${requiredBy} It stays on.` : undefined} />
        ) : (
          <EnrolTwoFactor pending={pending ? { secret: pending.secret, qrSvg: pending.qrSvg } : undefined} />
        )}
      </Card>
    </>
  );
}
