import 'server-only';
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { apiKeys } from './api';
import { accounts } from './accounts';
import { users } from './users';

/** Append-only record of every change: who, acting as whom, what, before and after. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The account the change belongs to; null for platform-level changes by operator staff. */
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Set when the change came through the API with a key (`actor_email` then names the key). */
    actorApiKeyId: uuid('actor_api_key_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'set null' }),
    /** Kept as text so the trail survives the user's removal. */
    actorEmail: text('actor_email'),
    /** Set when operator staff act inside a customer account they are not a member of. */
    actingAsAccountId: uuid('acting_as_account_id').references(() => accounts.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('audit_events_account_created_idx').on(table.accountId, table.createdAt), index('audit_events_action_idx').on(table.action)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
