import type { Metadata } from 'next';
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
    </>
  );
}
