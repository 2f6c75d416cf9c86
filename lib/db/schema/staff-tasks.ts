import 'server-only';
import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { providerConnections } from './providers';
import { users } from './users';

/** What only the operator's staff can do something about (lib/services/upstream-refusals.ts decides). */
export const staffTaskKind = pgEnum('staff_task_kind', ['link_trunk', 'credentials', 'number_not_on_account', 'upstream_setting', 'withdraw_port', 'release_at_carrier']);
export const staffTaskStatus = pgEnum('staff_task_status', ['open', 'done']);

/**
 * The staff queue: an upstream refusal that customers cannot act on. One open task per kind and
 * subject (and upstream connection): a refusal met again while its task is open adds nothing.
 */
export const staffTasks = pgTable(
  'staff_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The customer account that met the refusal; null for a platform-wide one (a connection's credentials). */
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    kind: staffTaskKind('kind').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    connectionId: uuid('connection_id').references(() => providerConnections.id, { onDelete: 'cascade' }),
    /** kind, subject and connection: unique among open tasks. */
    dedupeKey: text('dedupe_key').notNull(),
    title: text('title').notNull(),
    /** The carrier's own words: staff only. */
    detail: text('detail').notNull(),
    status: staffTaskStatus('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [
    uniqueIndex('staff_tasks_open_dedupe_key').on(table.dedupeKey).where(sql`"status" = 'open'`),
    index('staff_tasks_status_created_idx').on(table.status, table.createdAt),
    index('staff_tasks_subject_idx').on(table.subjectType, table.subjectId),
  ],
);

export type StaffTask = typeof staffTasks.$inferSelect;
export type StaffTaskKind = (typeof staffTaskKind.enumValues)[number];
