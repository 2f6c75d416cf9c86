'use server';

import { cookies } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { accountCookieOptions } from '@/lib/auth/cookies';
import { authorize, authorizeUser, CURRENT_ACCOUNT_COOKIE, getCurrentAccess, requireUser } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { markAllNotificationsRead, markNotificationRead } from '@/lib/services/notifications';
import { notificationIdSchema } from '@/lib/validations/notifications';

/** Notifications are the user's own: no account is involved, so these are not accountActions. */
export async function markNotificationReadAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const user = await authorizeUser();
    const { notificationId } = notificationIdSchema.parse(formToObject(formData));
    await markNotificationRead(user, notificationId);
    revalidatePath('/notifications');
    return { status: 'success' };
  } catch (error) {
    return errorState(error);
  }
}

export async function markAllNotificationsReadAction(): Promise<ActionState> {
  try {
    const marked = await markAllNotificationsRead(await authorizeUser());
    revalidatePath('/notifications');
    return { status: 'success', message: marked === 0 ? 'Nothing was unread.' : `${marked} notification${marked === 1 ? '' : 's'} marked read.` };
  } catch (error) {
    return errorState(error);
  }
}

/**
 * Opens a notification: marks it read, moves the user into the account it is about (its page is
 * that account's), and goes to its page. An unknown or foreign id lands on the notifications list.
 */
export async function openNotificationAction(formData: FormData): Promise<void> {
  const user = await requireUser();
  const parsed = notificationIdSchema.safeParse(formToObject(formData));
  let destination = '/notifications';
  if (parsed.success) {
    try {
      const notification = await markNotificationRead(user, parsed.data.notificationId);
      await workInAccount(notification.accountId);
      if (notification.link.startsWith('/') && !notification.link.startsWith('//')) destination = notification.link;
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'not_found') throw error;
    }
  }
  redirect(destination);
}

/** As the account switcher does, for a member; staff acting as an account stay where they act. */
async function workInAccount(accountId: string) {
  const current = await getCurrentAccess();
  if (!current || current.account.id === accountId || current.actingAsStaff) return;
  try {
    const access = await authorize('account.read', accountId);
    if (access.actingAsStaff) return;
    (await cookies()).set(CURRENT_ACCOUNT_COOKIE, accountId, await accountCookieOptions());
  } catch (error) {
    // Membership gone since the notification: its page will say "not found" in the current account.
    if (!isAppError(error) || error.kind !== 'not_found') throw error;
  }
}
