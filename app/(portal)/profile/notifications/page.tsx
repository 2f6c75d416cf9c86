import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui/card';
import { ACCOUNT_EVENT_TYPES } from '@/lib/api/events';
import { requireUser } from '@/lib/auth/guard';
import { getNotificationPreferences } from '@/lib/services/notifications';
import { preferenceFieldKey } from '@/lib/validations/notifications';
import { NOTIFICATION_TYPE_LABELS } from '@/lib/views/notifications';
import { saveNotificationPreferencesAction } from './actions';
import { NotificationPreferencesForm } from './preferences-form';

export const metadata: Metadata = { title: 'Notification settings' };
export const dynamic = 'force-dynamic';

export default async function NotificationSettingsPage() {
  const user = await requireUser();
  const preferences = await getNotificationPreferences(user);
  const rows = ACCOUNT_EVENT_TYPES.map((type) => ({ key: preferenceFieldKey(type), ...NOTIFICATION_TYPE_LABELS[type], ...preferences[type] }));
  return (
    <>
      <PageHeader
        title="Notification settings"
        description={`What reaches you about the accounts you belong to, in the portal’s bell and by e-mail to ${user.email}. You hear only about what your role lets you see.`}
        actions={
          <Link href="/notifications" className="text-sm font-medium text-indigo-800 underline">
            Your notifications
          </Link>
        }
      />
      <Card>
        <NotificationPreferencesForm rows={rows} action={saveNotificationPreferencesAction} />
      </Card>
    </>
  );
}
