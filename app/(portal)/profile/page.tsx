import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm } from '@/components/profile/change-password-form';
import { Card, PageHeader } from '@/components/ui/card';
import { requireUser } from '@/lib/auth/guard';
import { hasTwoFactorEnabled } from '@/lib/services/two-factor';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Your profile' };

export default async function ProfilePage() {
  const user = await requireUser();
  const twoFactor = await hasTwoFactorEnabled(user.id);
  return (
    <>
      <PageHeader title="Your profile" description={`${user.name} · ${user.email}`} />
      <Card title="Password" description="Changing it signs you out everywhere else.">
        <ChangePasswordForm action={changePasswordAction} />
      </Card>
      <Card title="Security" description="Two-factor authentication: a code from an authenticator app after your password, and before changing roles or creating API keys." className="mt-6">
        <p className="text-sm text-slate-800" data-testid="profile-two-factor">
          {twoFactor ? 'Two-factor authentication is on. ' : 'Two-factor authentication is off. '}
          <Link href="/profile/security" className="font-medium text-indigo-800 underline">
            {twoFactor ? 'Manage two-factor authentication' : 'Set up two-factor authentication'}
          </Link>
        </p>
      </Card>
      <Card title="Notifications" description="What reaches you in the portal’s bell and by e-mail, per kind of event." className="mt-6">
        <Link href="/profile/notifications" className="text-sm font-medium text-indigo-800 underline">
          Notification settings
        </Link>
      </Card>
    </>
  );
}
