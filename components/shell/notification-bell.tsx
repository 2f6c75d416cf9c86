'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Popover } from 'radix-ui';
import { useActionState, useEffect, useRef, useState } from 'react';
import { cn } from '@/components/ui/cn';
import type { ActionState } from '@/lib/auth/action';
import { formatDateTime } from '@/lib/format';

interface BellItem {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  read: boolean;
}

/** The badge on the bell: nothing at 0, "9+" above 9. */
export function unreadBadge(count: number): string | null {
  if (count <= 0) return null;
  return count > 9 ? '9+' : String(count);
}

/** When a notification was made, in UTC and labelled so, as every other time in the portal. */
export function notificationTime(createdAt: string): string {
  return formatDateTime(new Date(createdAt));
}

const COUNT_KEY = ['notifications', 'unread-count'] as const;
const LATEST_KEY = ['notifications', 'latest'] as const;
/** The count is polled no more often than this; the list is read when the bell opens. */
const POLL_MS = 60_000;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json() as Promise<T>;
}

/**
 * The header's bell: the unread count (read after the page loads, so the layout pays nothing for
 * it), and on open the latest notifications; opening one marks it read and goes to its page.
 */
export function NotificationBell({
  openAction,
  markAllReadAction,
}: {
  openAction: (formData: FormData) => Promise<void>;
  markAllReadAction: (state: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const openedOne = useRef(false);
  const count = useQuery({ queryKey: COUNT_KEY, queryFn: () => getJson<{ count: number }>('/api/v1/notifications/unread-count'), refetchInterval: POLL_MS, staleTime: POLL_MS });
  const latest = useQuery({ queryKey: LATEST_KEY, queryFn: () => getJson<{ data: BellItem[]; unread: number }>('/api/v1/notifications'), enabled: open, staleTime: 0 });
  const [markState, markAll, marking] = useActionState<ActionState, FormData>(markAllReadAction, { status: 'idle' });

  useEffect(() => {
    if (markState.status === 'success') void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  }, [markState, queryClient]);

  // Opening a notification marks it read on the server, then navigates: re-read the count once there.
  useEffect(() => {
    if (!openedOne.current) return;
    openedOne.current = false;
    void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  }, [pathname, queryClient]);

  const unread = latest.data?.unread ?? count.data?.count ?? 0;
  const badge = unreadBadge(unread);
  const items = latest.data?.data ?? [];

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        className="relative flex size-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-700"
      >
        <Bell aria-hidden="true" className="size-5" />
        {badge ? (
          <span data-testid="notification-badge" aria-hidden="true" className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs leading-5 font-semibold text-white">
            {badge}
          </span>
        ) : null}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 max-w-[calc(100vw-1rem)] rounded-md border border-slate-200 bg-white shadow-lg" aria-label="Latest notifications">
          <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-3 py-2">
            <p className="text-sm font-semibold text-slate-900">Notifications</p>
            {unread > 0 ? (
              <form action={markAll}>
                <button type="submit" disabled={marking} className="text-xs font-medium text-indigo-800 underline disabled:text-slate-500">
                  {marking ? 'Marking…' : 'Mark all read'}
                </button>
              </form>
            ) : null}
          </div>
          {markState.status === 'error' ? (
            <p role="status" className="px-3 py-2 text-xs text-red-700">
              {markState.message}
            </p>
          ) : null}
          <div className="max-h-96 overflow-y-auto">
            {latest.isPending ? (
              <p className="px-3 py-4 text-sm text-slate-600">Loading…</p>
            ) : latest.isError ? (
              <p className="px-3 py-4 text-sm text-red-700">Notifications could not be loaded; try again in a moment.</p>
            ) : items.length === 0 ? (
              <p className="px-3 py-4 text-sm text-slate-600">Nothing yet. We tell you here when an order finishes or something needs your attention.</p>
            ) : (
              <ul aria-label="Latest notifications" className="divide-y divide-slate-100">
                {items.map((item) => (
                  <li key={item.id}>
                    <form action={openAction} onSubmit={() => (openedOne.current = true)}>
                      <input type="hidden" name="notificationId" value={item.id} />
                      <button type="submit" className={cn('block w-full px-3 py-2 text-left hover:bg-slate-50', !item.read && 'bg-indigo-50/60')}>
                        <span className={cn('block text-sm text-slate-900', !item.read && 'font-semibold')}>
                          {item.title}
                          {item.read ? null : <span className="sr-only"> (unread)</span>}
                        </span>
                        <span className="block text-xs text-slate-700">{item.body}</span>
                        <span className="block text-xs text-slate-600">{notificationTime(item.createdAt)}</span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="flex items-center justify-between border-t border-slate-100 px-3 py-2 text-sm">
            <Link href="/notifications" onClick={() => setOpen(false)} className="font-medium text-indigo-800 underline">
              See all
            </Link>
            <Link href="/profile/notifications" onClick={() => setOpen(false)} className="text-slate-700 underline">
              Settings
            </Link>
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
