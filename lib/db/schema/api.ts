import 'server-only';
import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { memberRole, users } from './users';

/**
 * Keys programs use against /api/v1. The secret (`cp_live_…`) is shown once; only its SHA-256 is
 * kept, with a visible prefix to tell keys apart. A key acts in its account's subtree with its role.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: memberRole('role').notNull(),
    /** Extra rights beyond the role, issued by operator staff only (`cdr:write`). */
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    /** The first characters of the secret, shown in lists (`cp_live_AbCd12`). */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
  },
  (table) => [uniqueIndex('api_keys_secret_hash_key').on(table.secretHash), index('api_keys_account_idx').on(table.accountId, table.createdAt)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * Answers kept for `Idempotency-Key` (24 h): the same key with the same request gets the stored
 * answer; a different request under a used key is refused. `status` is null while the first
 * request is still running.
 */
export const apiIdempotencyKeys = pgTable(
  'api_idempotency_keys',
  {
    /** Who sent it: `key:<api key id>`, or `user:<user id>:<account id>` (staff: `user:<user id>`); keys never collide across callers. */
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    body: jsonb('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.principal, table.key] }), index('api_idempotency_keys_created_idx').on(table.createdAt)],
);

/** Token buckets for API rate limits, one row per key or account, refilled on read. */
export const apiRateBuckets = pgTable('api_rate_buckets', {
  bucket: text('bucket').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  /** Whether the request that last touched the bucket got a token (set by the same statement). */
  allowed: boolean('allowed').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What happened in an account that programs and people may want to hear about (webhooks,
 * notifications): written in the transaction of the change, dispatched after.
 */
export const accountEvents = pgTable(
  'account_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Public id (`evt_…`), the webhook-id of every delivery of this event. */
    publicId: text('public_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('account_events_public_id_key').on(table.publicId),
    index('account_events_account_created_idx').on(table.accountId, table.createdAt),
    index('account_events_undispatched_idx').on(table.id).where(sql`"dispatched_at" IS NULL`),
  ],
);

export type AccountEventRow = typeof accountEvents.$inferSelect;
