import 'server-only';
import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { outboxMessages } from './auth';
import { users } from './users';

/**
 * The bell: one row per recipient of an account event (at most one per user and event), in the
 * customer's words, with the page it is about.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The account the event happened in (opening the notification switches to it). */
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** The event's public id (`evt_…`). */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A portal path (`/trunk-groups/<id>`). */
    link: text('link').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('notifications_user_event_key').on(table.userId, table.eventId),
    index('notifications_user_created_idx').on(table.userId, table.createdAt, table.id),
    index('notifications_user_unread_idx').on(table.userId, table.createdAt, table.id).where(sql`"read_at" IS NULL`),
  ],
);

export type Notification = typeof notifications.$inferSelect;

/** A user's choice per event type; no row means the defaults (lib/views/notifications.ts). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    inApp: boolean('in_app').notNull(),
    email: boolean('email').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.eventType] })],
);

export type NotificationPreference = typeof notificationPreferences.$inferSelect;

/** The e-mail queued for a user about an event: at most one, however often the event is dispatched. */
export const notificationMails = pgTable(
  'notification_mails',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    /** Set once the message is queued, right after the row claims the (user, event) pair. */
    outboxMessageId: text('outbox_message_id').references(() => outboxMessages.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.eventId] })],
);
