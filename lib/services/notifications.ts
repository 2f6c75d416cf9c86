import 'server-only';
import { accountEventData, ACCOUNT_EVENT_TYPES, type AccountEventType } from '@/lib/api/events';
import type { SessionUser } from '@/lib/auth/access';
import { permissionsFor, type Permission, type Role } from '@/lib/auth/permissions';
import { getDb, type Tx } from '@/lib/db/client';
import { getAccountById } from '@/lib/db/queries/accounts';
import {
  claimNotificationMails,
  countNotificationsByUser,
  countUnreadNotificationsByUser,
  getEventRecipientsByAccount,
  getNotificationPreferencesByUser,
  getNotificationsByUser,
  getNumberIdByAccountE164,
  insertNotifications,
  markAllNotificationsReadForUser,
  markNotificationReadForUser,
  setNotificationMailMessage,
  upsertNotificationPreferences,
} from '@/lib/db/queries/notifications';
import type { AccountEventRow, Notification } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { NotificationPreferencesInput } from '@/lib/validations/notifications';
import { DEFAULT_NOTIFICATION_CHOICE, NOTIFICATION_PERMISSION, notificationMail, notificationMessage, type ChannelChoice, type NotificationTargets } from '@/lib/views/notifications';
import { queueMail, type MailMessage } from './mail';

const isKnownType = (type: string): type is AccountEventType => type in accountEventData;

/**
 * In-app notifications and e-mail for the members who may see this event and want it: members of
 * the event's account or an ancestor whose roles grant the event's permission, enabled users only.
 * Called by the dispatcher once per event, in its transaction; a second call for the same event adds
 * no row and queues no mail. E-mail lands in the outbox; the caller sends what this answers once its transaction commits.
 */
export async function notifyAccountEvent(tx: Tx, event: AccountEventRow): Promise<QueuedMail[]> {
  if (!isKnownType(event.type)) return [];
  const type = event.type;
  const parsed = accountEventData[type].safeParse(event.data);
  if (!parsed.success) {
    log.warn('notifications.event_unreadable', { eventId: event.publicId, type });
    return [];
  }
  const rows = await getEventRecipientsByAccount(tx, { accountId: event.accountId, eventType: type });
  const recipients = recipientsOf(rows, NOTIFICATION_PERMISSION[type], DEFAULT_NOTIFICATION_CHOICE[type]);
  if (recipients.length === 0) return [];

  const account = await getAccountById(tx, { accountId: event.accountId });
  if (!account) return [];
  const message = notificationMessage(type, parsed.data, { accountName: account.name, ...(await targetsOf(tx, type, parsed.data as Record<string, unknown>, event.accountId)) });

  await insertNotifications(
    tx,
    recipients
      .filter((recipient) => recipient.choice.inApp)
      .map((recipient) => ({ userId: recipient.userId, accountId: event.accountId, eventId: event.publicId, type, ...message, createdAt: event.createdAt })),
  );

  const mailTo = new Map(recipients.filter((recipient) => recipient.choice.email).map((recipient) => [recipient.userId, recipient.email]));
  const claimed = await claimNotificationMails(tx, { eventId: event.publicId, userIds: [...mailTo.keys()] });
  const mail = notificationMail(message, { appUrl: getEnv().appUrl, accountName: account.name });
  const queued: QueuedMail[] = [];
  for (const userId of claimed) {
    const message = { to: mailTo.get(userId)!, ...mail };
    const outboxMessageId = await queueMail(tx, message);
    await setNotificationMailMessage(tx, { userId, eventId: event.publicId, outboxMessageId });
    queued.push({ messageId: outboxMessageId, message });
  }
  return queued;
}

/** A message in the outbox, to be sent once the transaction that queued it has committed. */
export interface QueuedMail {
  messageId: string;
  message: MailMessage;
}

interface Recipient {
  userId: string;
  email: string;
  choice: ChannelChoice;
}

/** One recipient per user: the roles of all their memberships on the path add up (as for access). */
export function recipientsOf(
  rows: { userId: string; email: string; role: string; inApp: boolean | null; emailChoice: boolean | null }[],
  permission: Permission,
  defaults: ChannelChoice,
): Recipient[] {
  const byUser = new Map<string, { email: string; roles: Role[]; choice: ChannelChoice }>();
  for (const row of rows) {
    const entry = byUser.get(row.userId) ?? { email: row.email, roles: [], choice: { inApp: row.inApp ?? defaults.inApp, email: row.emailChoice ?? defaults.email } };
    entry.roles.push(row.role as Role);
    byUser.set(row.userId, entry);
  }
  return [...byUser].filter(([, entry]) => permissionsFor(entry.roles).has(permission)).map(([userId, entry]) => ({ userId, email: entry.email, choice: entry.choice }));
}

async function targetsOf(tx: Tx, type: AccountEventType, data: Record<string, unknown>, accountId: string): Promise<NotificationTargets> {
  if ((type === 'number.released' || type === 'e911.registration_failed') && typeof data.e164 === 'string') {
    return { numberId: await getNumberIdByAccountE164(tx, { accountId, e164: data.e164 }) };
  }
  return {};
}

export interface NotificationView {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string;
  accountId: string;
  createdAt: string;
  read: boolean;
}

function viewOf(row: Notification): NotificationView {
  return { id: row.id, type: row.type, title: row.title, body: row.body, link: row.link, accountId: row.accountId, createdAt: row.createdAt.toISOString(), read: row.readAt !== null };
}

/** Notifications are the user's own, whatever account they work in. */
export async function getUnreadNotificationCount(user: SessionUser): Promise<number> {
  return countUnreadNotificationsByUser(await getDb(), { userId: user.id });
}

/** What the bell shows when opened: the latest few and the unread count. */
export async function getLatestNotifications(user: SessionUser, { limit = 10 }: { limit?: number } = {}): Promise<{ data: NotificationView[]; unread: number }> {
  const db = await getDb();
  const [rows, unread] = await Promise.all([getNotificationsByUser(db, { userId: user.id, unreadOnly: false, limit }), countUnreadNotificationsByUser(db, { userId: user.id })]);
  return { data: rows.map(viewOf), unread };
}

export const NOTIFICATIONS_PAGE_SIZE = 25;

export async function listNotifications(user: SessionUser, { unreadOnly, page }: { unreadOnly: boolean; page: number }): Promise<{ data: NotificationView[]; total: number; unread: number }> {
  const db = await getDb();
  const [rows, total, unread] = await Promise.all([
    getNotificationsByUser(db, { userId: user.id, unreadOnly, limit: NOTIFICATIONS_PAGE_SIZE, offset: (page - 1) * NOTIFICATIONS_PAGE_SIZE }),
    countNotificationsByUser(db, { userId: user.id, unreadOnly }),
    countUnreadNotificationsByUser(db, { userId: user.id }),
  ]);
  return { data: rows.map(viewOf), total, unread };
}

/** Another user's notification is "not found", never "forbidden". */
export async function markNotificationRead(user: SessionUser, notificationId: string): Promise<NotificationView> {
  const row = await markNotificationReadForUser(await getDb(), { notificationId, userId: user.id });
  if (!row) throw new AppError('not_found:notification', 'No such notification.');
  return viewOf(row);
}

export async function markAllNotificationsRead(user: SessionUser): Promise<number> {
  return markAllNotificationsReadForUser(await getDb(), { userId: user.id });
}

export type NotificationPreferences = Record<AccountEventType, ChannelChoice>;

/** Every event type with the user's choice, or the default where they made none. */
export async function getNotificationPreferences(user: SessionUser): Promise<NotificationPreferences> {
  const rows = await getNotificationPreferencesByUser(await getDb(), { userId: user.id });
  const chosen = new Map(rows.map((row) => [row.eventType, { inApp: row.inApp, email: row.email }]));
  return Object.fromEntries(ACCOUNT_EVENT_TYPES.map((type) => [type, chosen.get(type) ?? DEFAULT_NOTIFICATION_CHOICE[type]])) as NotificationPreferences;
}

/**
 * The user's own choices (no account's data changes, so nothing goes to an account's audit log).
 * Applies to events dispatched from now on.
 */
export async function saveNotificationPreferences(user: SessionUser, input: NotificationPreferencesInput): Promise<void> {
  await upsertNotificationPreferences(await getDb(), { userId: user.id, choices: input });
}
