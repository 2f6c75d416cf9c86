import 'server-only';
import { sql } from 'drizzle-orm';
import { check, date, index, integer, numeric, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { providerConnections } from './providers';

/**
 * What each upstream says it charged us (migration 0029), as last fetched, so the reconciliation
 * page never waits on an upstream: `usage` is a day's call charges from the upstream's ledger;
 * `invoice_usage` the calls part of an itemized invoice, `invoice_total` the whole of an invoice
 * that is not itemized.
 */
export const upstreamStatementKind = pgEnum('upstream_statement_kind', ['usage', 'invoice_usage', 'invoice_total']);

export const upstreamStatementLines = pgTable(
  'upstream_statement_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id, { onDelete: 'cascade' }),
    /** `usage`: the UTC day charged. An invoice: the first day of the period it bills. */
    day: date('day', { mode: 'string' }).notNull(),
    /** An invoice: the last day of its period (inclusive); null for `usage`. */
    periodEnd: date('period_end', { mode: 'string' }),
    kind: upstreamStatementKind('kind').notNull(),
    /** The upstream's own id of the entry or invoice. */
    reference: text('reference').notNull(),
    description: text('description').notNull().default(''),
    /** Positive is a charge to us. */
    amount: numeric('amount', { precision: 14, scale: 6 }).notNull(),
    currency: text('currency').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    unique('upstream_statement_lines_reference_key').on(table.connectionId, table.reference),
    index('upstream_statement_lines_day_idx').on(table.connectionId, table.day),
    check('upstream_statement_lines_currency_check', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check('upstream_statement_lines_period_check', sql`(${table.kind} = 'usage') = (${table.periodEnd} IS NULL) AND (${table.periodEnd} IS NULL OR ${table.periodEnd} >= ${table.day})`),
  ],
);

/** The last fetch of one connection's statement for one month: when it worked, and why it last failed. */
export const upstreamStatementFetches = pgTable(
  'upstream_statement_fetches',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => providerConnections.id, { onDelete: 'cascade' }),
    /** The first day of the month. */
    period: date('period', { mode: 'string' }).notNull(),
    /** How the upstream bills: `daily_usage` (ledger, day by day) or `invoices` (month level). */
    basis: text('basis').notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lines: integer('lines').notNull().default(0),
    /** `malformed`, `rate_limited`, `unavailable`, …: the kind of the last failure, cleared by a success. */
    lastErrorKind: text('last_error_kind'),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ name: 'upstream_statement_fetches_pkey', columns: [table.connectionId, table.period] }),
    check('upstream_statement_fetches_basis_check', sql`${table.basis} IN ('daily_usage', 'invoices')`),
  ],
);

export type UpstreamStatementLine = typeof upstreamStatementLines.$inferSelect;
export type UpstreamStatementFetch = typeof upstreamStatementFetches.$inferSelect;
