import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm } from '@/components/profile/change-password-form';
import { Card, PageHeader } from '@/components/ui/card';
import { requireUser } from '@/lib/auth/guard';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Your profile' };

export default async function ProfilePage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Your profile" description={`${user.name} · ${user.email}`} />
      <Card title="Password" description="Changing it signs you out everywhere else.">
        <ChangePasswordForm action={changePasswordAction} />
      </Card>
      <Card title="Notifications" description="What reaches you in the portal’s bell and by e-mail, per kind of event." className="mt-6">
        <Link href="/profile/notifications" className="text-sm font-medium text-indigo-800 underline">
          Notification settings
        </Link>
      </Card>
    </>
  );
}
