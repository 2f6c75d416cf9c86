import 'server-only';
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Failed sign-ins per key (`email:…` or `ip:…`) in the current window, and any lock. */
export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/** Mail that would go out: kept here always, and sent by SMTP when SMTP_URL is set. */
export const outboxMessages = pgTable('outbox_messages', {
  id: text('id').primaryKey(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  bodyText: text('body_text').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  sendError: text('send_error'),
});
