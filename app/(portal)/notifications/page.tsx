import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Pager, type SearchParams } from '@/components/ui/pager';
import { requireUser } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { listNotifications, NOTIFICATIONS_PAGE_SIZE } from '@/lib/services/notifications';
import { notificationListQuerySchema } from '@/lib/validations/notifications';
import { markAllNotificationsReadAction, markNotificationReadAction, openNotificationAction } from './actions';
import { MarkAllReadButton, MarkReadButton } from './notification-buttons';

export const metadata: Metadata = { title: 'Notifications' };
export const dynamic = 'force-dynamic';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'unread', label: 'Unread' },
] as const;

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const { filter, page } = notificationListQuerySchema.parse({ filter: params.filter, page: params.page });
  const unreadOnly = filter === 'unread';
  const { data, total, unread } = await listNotifications(user, { unreadOnly, page });

  return (
    <>
      <PageHeader
        title="Notifications"
        description={unread === 0 ? 'You have read everything.' : `${unread} unread.`}
        actions={
          <div className="flex flex-wrap items-start gap-3">
            <Link href="/profile/notifications" className="py-2 text-sm font-medium text-indigo-800 underline">
              Notification settings
            </Link>
            {unread > 0 ? <MarkAllReadButton action={markAllNotificationsReadAction} /> : null}
          </div>
        }
      />
      <nav aria-label="Show" className="mb-4 flex gap-2">
        {FILTERS.map((option) => (
          <Link
            key={option.value}
            href={option.value === 'all' ? '/notifications' : '/notifications?filter=unread'}
            aria-current={filter === option.value ? 'page' : undefined}
            className={cn('rounded-full border px-3 py-1 text-sm', filter === option.value ? 'border-indigo-700 bg-indigo-50 font-medium text-indigo-900' : 'border-slate-300 text-slate-700 hover:bg-slate-50')}
          >
            {option.label}
          </Link>
        ))}
      </nav>
      <Card>
        {data.length === 0 ? (
          <EmptyState title={unreadOnly ? 'No unread notifications' : 'No notifications yet'}>
            We tell you here when an order finishes, a number is released, or a trunk group or emergency address needs your attention. Choose what reaches you in{' '}
            <Link href="/profile/notifications" className="text-indigo-800 underline">
              notification settings
            </Link>
            .
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Notifications">
            {data.map((item) => (
              <li key={item.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start sm:justify-between">
                <form action={openNotificationAction} className="min-w-0 flex-1">
                  <input type="hidden" name="notificationId" value={item.id} />
                  <button type="submit" className="block w-full text-left">
                    <span className="flex items-center gap-2">
                      {item.read ? null : <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-indigo-700" />}
                      <span className={cn('text-sm text-slate-900 underline-offset-2 hover:underline', !item.read && 'font-semibold')}>{item.title}</span>
                      {item.read ? null : <span className="sr-only">(unread)</span>}
                    </span>
                    <span className="mt-0.5 block text-sm text-slate-700">{item.body}</span>
                    <span className="mt-0.5 block text-xs text-slate-600">{formatDateTime(new Date(item.createdAt))}</span>
                  </button>
                </form>
                {item.read ? null : <MarkReadButton action={markNotificationReadAction} notificationId={item.id} title={item.title} />}
              </li>
            ))}
          </ul>
        )}
        <Pager label="Pages of notifications" page={page} pageSize={NOTIFICATIONS_PAGE_SIZE} total={total} rowCount={data.length} noun={{ one: 'notification', many: 'notifications' }} pathname="/notifications" searchParams={params} />
      </Card>
    </>
  );
}
