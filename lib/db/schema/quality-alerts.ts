import 'server-only';
import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { users } from './users';

export const QUALITY_ALERT_METRICS = ['asr', 'pdd_p50'] as const;

/**
 * One episode of a quality metric out of its normal range for an (account, trunk group,
 * destination): opened when a window breaches its baseline, updated while it stays out, resolved
 * when it is back (lib/quality/baseline.ts says how). At most one open per key and metric; a
 * missing trunk group counts as one value. The trunk group has no foreign key: history outlives it.
 */
export const qualityAlerts = pgTable(
  'quality_alerts',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    metric: text('metric', { enum: QUALITY_ALERT_METRICS }).notNull(),
    trunkGroupId: uuid('trunk_group_id'),
    /** ISO country of the called numbers (`ZZ` when none), as in cdr_rollups. */
    destination: text('destination').notNull(),
    /** The latest window judged out of range. */
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    /** ASR as 0–1, PDD p50 in ms; from the latest breaching window. */
    observed: doublePrecision('observed').notNull(),
    baseline: doublePrecision('baseline').notNull(),
    /** 1.4826 × median absolute deviation of the baseline weeks. */
    spread: doublePrecision('spread').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    /** Attempts in the window. */
    volume: integer('volume').notNull(),
    baselineWeeks: smallint('baseline_weeks').notNull(),
    /** The furthest from normal this episode went (lowest ASR, highest PDD). */
    worstObserved: doublePrecision('worst_observed').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedByUserId: uuid('acknowledged_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who acknowledged, as shown (a user's name, or an API key's label). */
    acknowledgedBy: text('acknowledged_by'),
  },
  (table) => [
    primaryKey({ name: 'quality_alerts_pkey', columns: [table.accountId, table.id] }),
    check('quality_alerts_metric_check', sql`${table.metric} IN ('asr', 'pdd_p50')`),
    uniqueIndex('quality_alerts_open_key')
      .on(table.accountId, sql`coalesce(${table.trunkGroupId}, '00000000-0000-0000-0000-000000000000'::uuid)`, table.destination, table.metric)
      .where(sql`${table.resolvedAt} IS NULL`),
    index('quality_alerts_account_opened_idx').on(table.accountId, table.openedAt, table.id),
  ],
);

export type QualityAlert = typeof qualityAlerts.$inferSelect;
