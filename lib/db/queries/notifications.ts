import 'server-only';
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, memberships, notificationMails, notificationPreferences, notifications, phoneNumbers, users } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

const target = alias(accounts, 'target');

/**
 * Everyone holding a membership on the account's path (the account itself or an ancestor: a role
 * reaches the subtree), enabled users only, one row per membership, with the user's choice for
 * `eventType` when they made one. Operator staff acting as the account hold no membership here.
 */
export async function getEventRecipientsByAccount(db: Executor, { accountId, eventType }: { accountId: string; eventType: string }) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      role: memberships.role,
      inApp: notificationPreferences.inApp,
      emailChoice: notificationPreferences.email,
    })
    .from(target)
    .innerJoin(memberships, sql`${memberships.accountId} = any(string_to_array(trim(both '/' from ${target.path}), '/')::uuid[])`)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(notificationPreferences, and(eq(notificationPreferences.userId, users.id), eq(notificationPreferences.eventType, eventType)))
    .where(and(eq(target.id, accountId), isNull(users.disabledAt)));
}

/** The newest row of a number in the account (live or released), for a link to its page. */
export async function getNumberIdByAccountE164(db: Executor, { accountId, e164 }: { accountId: string; e164: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), eq(phoneNumbers.e164, e164)))
    .orderBy(sql`${phoneNumbers.releasedAt} desc nulls first`)
    .limit(1);
  return row?.id;
}

/** One row per user and event: a second dispatch of the same event adds nothing. */
export async function insertNotifications(db: Executor, rows: (typeof notifications.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(notifications).values(rows).onConflictDoNothing({ target: [notifications.userId, notifications.eventId] });
}

/** Claims the e-mail of (user, event); the users returned had none yet and get one now. */
export async function claimNotificationMails(db: Executor, { eventId, userIds }: { eventId: string; userIds: string[] }): Promise<string[]> {
  if (userIds.length === 0) return [];
  const claimed = await db
    .insert(notificationMails)
    .values(userIds.map((userId) => ({ userId, eventId })))
    .onConflictDoNothing({ target: [notificationMails.userId, notificationMails.eventId] })
    .returning({ userId: notificationMails.userId });
  return claimed.map((row) => row.userId);
}

export async function setNotificationMailMessage(db: Executor, { userId, eventId, outboxMessageId }: { userId: string; eventId: string; outboxMessageId: string }): Promise<void> {
  await db.update(notificationMails).set({ outboxMessageId }).where(and(eq(notificationMails.userId, userId), eq(notificationMails.eventId, eventId)));
}

/** Served by the partial index on unread rows alone. */
export async function countUnreadNotificationsByUser(db: Executor, { userId }: { userId: string }): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.count ?? 0);
}

export async function countNotificationsByUser(db: Executor, { userId, unreadOnly }: { userId: string; unreadOnly: boolean }): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined));
  return Number(row?.count ?? 0);
}

/** Newest first. */
export async function getNotificationsByUser(db: Executor, { userId, unreadOnly, limit, offset = 0 }: { userId: string; unreadOnly: boolean; limit: number; offset?: number }) {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .offset(offset);
}

export async function getNotificationByIdForUser(db: Executor, { notificationId, userId }: { notificationId: string; userId: string }) {
  if (!isUuid(notificationId)) return undefined;
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)))
    .limit(1);
  return row;
}

/** Marks the user's own notification read (kept as first read); undefined when it is not theirs. */
export async function markNotificationReadForUser(db: Executor, { notificationId, userId }: { notificationId: string; userId: string }) {
  if (!isUuid(notificationId)) return undefined;
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)))
    .returning();
  return row;
}

export async function markAllNotificationsReadForUser(db: Executor, { userId }: { userId: string }): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function getNotificationPreferencesByUser(db: Executor, { userId }: { userId: string }) {
  return db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
}

export async function upsertNotificationPreferences(db: Executor, { userId, choices }: { userId: string; choices: { eventType: string; inApp: boolean; email: boolean }[] }): Promise<void> {
  if (choices.length === 0) return;
  await db
    .insert(notificationPreferences)
    .values(choices.map((choice) => ({ userId, ...choice, updatedAt: new Date() })))
    .onConflictDoUpdate({
      target: [notificationPreferences.userId, notificationPreferences.eventType],
      set: { inApp: sql`excluded.in_app`, email: sql`excluded.email`, updatedAt: sql`excluded.updated_at` },
    });
}
