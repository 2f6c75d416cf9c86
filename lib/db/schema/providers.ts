import 'server-only';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * One upstream account the carrier buys from. Credentials are AES-256-GCM ciphertext
 * (lib/services/secret-box.ts) and never leave the server.
 */
export const providerConnections = pgTable(
  'provider_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    credentialsCiphertext: text('credentials_ciphertext').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    lastTestOk: boolean('last_test_ok'),
    lastTestDetail: text('last_test_detail'),
    /** Why a disabled connection is off: its connection test failed, or staff turned it off. */
    disabledReason: text('disabled_reason', { enum: ['test_failed', 'staff'] }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('provider_connections_provider_idx').on(table.provider), uniqueIndex('provider_connections_name_key').on(sql`lower(${table.name})`)],
);

/** Small per-connection state the adapters keep: API keys, rate budgets, cursors. Survives restarts. */
export const providerConnectionState = pgTable(
  'provider_connection_state',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.key] })],
);

export const providerCallOutcome = pgEnum('provider_call_outcome', ['success', 'refused', 'auth_rejected', 'rate_limited', 'timeout', 'server_error', 'unreachable', 'malformed']);

/**
 * The last real upstream calls of a connection, as lib/providers/http.ts saw them (`refused`: the
 * upstream answered and turned one request down, so it is up). One row per connection, written in
 * batches, so the Providers page's health says what the last call did on any app instance.
 */
export const providerCallHealth = pgTable('provider_call_health', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => providerConnections.id, { onDelete: 'cascade' }),
  lastCallAt: timestamp('last_call_at', { withTimezone: true }).notNull(),
  lastOutcome: providerCallOutcome('last_outcome').notNull(),
  lastOperation: text('last_operation'),
  lastMessage: text('last_message'),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
  lastFailureOutcome: providerCallOutcome('last_failure_outcome'),
  lastFailureMessage: text('last_failure_message'),
  /** Failed calls since the last one that worked. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ProviderConnection = typeof providerConnections.$inferSelect;
export type ProviderCallOutcome = (typeof providerCallOutcome.enumValues)[number];
export type ProviderCallHealth = typeof providerCallHealth.$inferSelect;
