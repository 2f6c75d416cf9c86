import 'server-only';
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, numeric, pgEnum, pgTable, primaryKey, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { providerConnections } from './providers';

export const cdrDirection = pgEnum('cdr_direction', ['inbound', 'outbound']);
export const cdrRollupGrain = pgEnum('cdr_rollup_grain', ['5m', '1h', '1d']);

/**
 * One row per call, range-partitioned by month of `invite_at` (migration 0025 is hand-written: the
 * partitions, the `cdr_ensure_partition` function). Keys start with `account_id` for sharding by
 * account. Account, trunk group and connection carry no foreign keys: history outlives them.
 */
export const cdrs = pgTable(
  'cdrs',
  {
    accountId: uuid('account_id').notNull(),
    inviteAt: timestamp('invite_at', { withTimezone: true, precision: 3 }).notNull(),
    id: bigint('id', { mode: 'number' })
      .notNull()
      .default(sql`nextval('cdrs_id_seq')`),
    /** Who sent it: `conn:<connection id>` for an upstream pull, the switch's name for a push. */
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    direction: cdrDirection('direction').notNull(),
    fromE164: text('from_e164').notNull(),
    toE164: text('to_e164').notNull(),
    /** ISO region of the called number (`ZZ` when it has none). */
    destinationCountry: text('destination_country').notNull(),
    /** Country calling code and the first national digits of the called number (`1312`, `5255`). */
    destinationPrefix: text('destination_prefix').notNull(),
    trunkGroupId: uuid('trunk_group_id'),
    connectionId: uuid('connection_id'),
    /** The first 18x. */
    ringingAt: timestamp('ringing_at', { withTimezone: true, precision: 3 }),
    answerAt: timestamp('answer_at', { withTimezone: true, precision: 3 }),
    endAt: timestamp('end_at', { withTimezone: true, precision: 3 }),
    sipCode: smallint('sip_code').notNull(),
    q850Cause: smallint('q850_cause'),
    billsec: integer('billsec').notNull().default(0),
    mos: numeric('mos', { precision: 3, scale: 2 }),
    upstreamCost: numeric('upstream_cost', { precision: 14, scale: 6 }),
    ingestedAt: timestamp('ingested_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    // Rating (migration 0028): the sell deck's price at the INVITE and the upstream's cost deck.
    /** Seconds charged after increments and minimum duration; 0 for an unanswered call. */
    billedSeconds: integer('billed_seconds'),
    rateVersionId: uuid('rate_version_id'),
    ratePrefix: text('rate_prefix'),
    rateDestination: text('rate_destination'),
    /** Per minute. */
    rate: numeric('rate', { precision: 12, scale: 6 }),
    connectionFee: numeric('connection_fee', { precision: 12, scale: 6 }),
    /** What the customer is charged for the call, six places (invoice lines round their sums once). */
    charge: numeric('charge', { precision: 14, scale: 6 }),
    costVersionId: uuid('cost_version_id'),
    costRate: numeric('cost_rate', { precision: 12, scale: 6 }),
    /** What the upstream's cost deck says the call cost us. */
    cost: numeric('cost', { precision: 14, scale: 6 }),
    /** Why the call has no charge: `no_deck` (no sell deck in force) or `no_rate` (no prefix matched). */
    ratingError: text('rating_error'),
  },
  (table) => [
    primaryKey({ name: 'cdrs_pkey', columns: [table.accountId, table.inviteAt, table.id] }),
    unique('cdrs_source_key').on(table.accountId, table.source, table.sourceId, table.inviteAt),
    index('cdrs_to_idx').on(table.accountId, table.toE164, table.inviteAt),
    index('cdrs_from_idx').on(table.accountId, table.fromE164, table.inviteAt),
    // Calls that arrived after their month was invoiced are found by when they were stored (lib/db/queries/invoices.ts).
    index('cdrs_ingested_idx').on(table.accountId, table.ingestedAt),
  ],
);

/** Counters per bucket and dimension, kept at ingest; charts read these, never `cdrs`. */
export const cdrRollups = pgTable(
  'cdr_rollups',
  {
    accountId: uuid('account_id').notNull(),
    grain: cdrRollupGrain('grain').notNull(),
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
    trunkGroupId: uuid('trunk_group_id'),
    connectionId: uuid('connection_id'),
    destination: text('destination').notNull(),
    direction: cdrDirection('direction').notNull(),
    attempts: integer('attempts').notNull().default(0),
    answered: integer('answered').notNull().default(0),
    nerOk: integer('ner_ok').notNull().default(0),
    billsec: bigint('billsec', { mode: 'number' }).notNull().default(0),
    shortCalls: integer('short_calls').notNull().default(0),
    pddKnown: integer('pdd_known').notNull().default(0),
    pddB0: integer('pdd_b0').notNull().default(0),
    pddB1: integer('pdd_b1').notNull().default(0),
    pddB2: integer('pdd_b2').notNull().default(0),
    pddB3: integer('pdd_b3').notNull().default(0),
    pddB4: integer('pdd_b4').notNull().default(0),
    pddB5: integer('pdd_b5').notNull().default(0),
    pddB6: integer('pdd_b6').notNull().default(0),
    pddB7: integer('pdd_b7').notNull().default(0),
    pddB8: integer('pdd_b8').notNull().default(0),
    pddB9: integer('pdd_b9').notNull().default(0),
    pddB10: integer('pdd_b10').notNull().default(0),
    pddB11: integer('pdd_b11').notNull().default(0),
    pddB12: integer('pdd_b12').notNull().default(0),
    pddB13: integer('pdd_b13').notNull().default(0),
    pddB14: integer('pdd_b14').notNull().default(0),
    pddB15: integer('pdd_b15').notNull().default(0),
    mosSum: doublePrecision('mos_sum').notNull().default(0),
    mosCount: integer('mos_count').notNull().default(0),
    upstreamCost: numeric('upstream_cost', { precision: 16, scale: 6 }).notNull().default('0'),
    billedSeconds: bigint('billed_seconds', { mode: 'number' }).notNull().default(0),
    charge: numeric('charge', { precision: 16, scale: 6 }).notNull().default('0'),
    cost: numeric('cost', { precision: 16, scale: 6 }).notNull().default('0'),
    /** Calls without a charge (no deck or no rate). */
    unrated: integer('unrated').notNull().default(0),
  },
  (table) => [
    unique('cdr_rollups_key')
      .on(table.accountId, table.grain, table.bucketStart, table.trunkGroupId, table.connectionId, table.destination, table.direction)
      .nullsNotDistinct(),
  ],
);

/** Where each connection's CDR pull stands, so a stopped pull resumes where it was. */
export const cdrPullCursors = pgTable('cdr_pull_cursors', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => providerConnections.id, { onDelete: 'cascade' }),
  /** Calls that started before this are all in. */
  pulledUntil: timestamp('pulled_until', { withTimezone: true }).notNull(),
  /** Within the window being read: the upstream's cursor for the next page. */
  cursor: text('cursor'),
  windowEnd: timestamp('window_end', { withTimezone: true }),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  lastError: text('last_error'),
  lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  imported: bigint('imported', { mode: 'number' }).notNull().default(0),
  duplicates: bigint('duplicates', { mode: 'number' }).notNull().default(0),
  /** Calls on numbers no account holds: counted, never silently dropped. */
  unattributed: bigint('unattributed', { mode: 'number' }).notNull().default(0),
  /** Calls the store refused (unreadable numbers, impossible times), with the latest reason: never silently dropped. */
  rejected: bigint('rejected', { mode: 'number' }).notNull().default(0),
  lastRejection: text('last_rejection'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type CdrRow = typeof cdrs.$inferSelect;
export type CdrRollupRow = typeof cdrRollups.$inferSelect;
