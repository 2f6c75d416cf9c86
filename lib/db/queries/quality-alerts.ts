import 'server-only';
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, like, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accounts, qualityAlerts, trunkGroups, type QualityAlert } from '@/lib/db/schema';
import { PDD_BUCKET_COUNT } from '@/lib/quality/metrics';

type Executor = Db | Tx;

const PDD_COLUMNS = Array.from({ length: PDD_BUCKET_COUNT }, (_, i) => `pdd_b${i}`);
const SAMPLE_SUMS = sql.raw(
  ['sum(r.attempts)::bigint AS attempts', 'sum(r.answered)::bigint AS answered', 'sum(r.pdd_known)::bigint AS pdd_known', ...PDD_COLUMNS.map((c) => `sum(r.${c})::bigint AS ${c}`)].join(', '),
);

/** A period to sum 5-minute rollups over; `week` 0 is the window, 1–4 the weeks before. */
export interface SampleRange {
  week: number;
  start: Date;
  end: Date;
}

export interface RollupSampleRow {
  week: number;
  attempts: number;
  answered: number;
  pddKnown: number;
  pddHistogram: number[];
}

type RawSample = { week: number | string; attempts: string | number; answered: string | number; pdd_known: string | number; [column: string]: unknown };

function sampleOf(row: RawSample): RollupSampleRow {
  return {
    week: Number(row.week),
    attempts: Number(row.attempts ?? 0),
    answered: Number(row.answered ?? 0),
    pddKnown: Number(row.pdd_known ?? 0),
    pddHistogram: PDD_COLUMNS.map((c) => Number(row[c] ?? 0)),
  };
}

const rangesJson = (ranges: SampleRange[]) => JSON.stringify(ranges.map((range) => ({ week: range.week, start: range.start.toISOString(), end: range.end.toISOString() })));

/**
 * Every account's 5-minute rollups summed per (account, trunk group, destination) and range, all
 * directions and upstreams together. Reads by account, grain and bucket (the rollups' key), one
 * index range per account and range.
 */
export async function getQualitySamplesForAllAccounts(
  db: Executor,
  { ranges }: { ranges: SampleRange[] },
): Promise<({ accountId: string; trunkGroupId: string | null; destination: string } & RollupSampleRow)[]> {
  const result = await db.execute(sql`
    WITH w AS (SELECT * FROM jsonb_to_recordset(${rangesJson(ranges)}::jsonb) AS w(week int, start timestamptz, "end" timestamptz))
    SELECT r.account_id::text AS account_id, r.trunk_group_id::text AS trunk_group_id, r.destination, w.week, ${SAMPLE_SUMS}
    FROM accounts a CROSS JOIN w
    JOIN cdr_rollups r ON r.account_id = a.id AND r.grain = '5m' AND r.bucket_start >= w.start AND r.bucket_start < w."end"
    GROUP BY 1, 2, 3, 4`);
  return rowsOf<RawSample & { account_id: string; trunk_group_id: string | null; destination: string }>(result).map((row) => ({
    accountId: row.account_id,
    trunkGroupId: row.trunk_group_id,
    destination: row.destination,
    ...sampleOf(row),
  }));
}

/** One (account, trunk group, destination)'s 5-minute buckets in each range; a null trunk group means calls without one. */
export async function getQualityBucketsByKey(
  db: Executor,
  { accountId, trunkGroupId, destination, ranges }: { accountId: string; trunkGroupId: string | null; destination: string; ranges: SampleRange[] },
): Promise<({ bucketStart: Date } & RollupSampleRow)[]> {
  const result = await db.execute(sql`
    WITH w AS (SELECT * FROM jsonb_to_recordset(${rangesJson(ranges)}::jsonb) AS w(week int, start timestamptz, "end" timestamptz))
    SELECT w.week, r.bucket_start, ${SAMPLE_SUMS}
    FROM w JOIN cdr_rollups r ON r.account_id = ${accountId}::uuid AND r.grain = '5m' AND r.bucket_start >= w.start AND r.bucket_start < w."end"
    WHERE r.destination = ${destination} AND ${trunkGroupId === null ? sql`r.trunk_group_id IS NULL` : sql`r.trunk_group_id = ${trunkGroupId}::uuid`}
    GROUP BY 1, 2 ORDER BY 1, 2`);
  return rowsOf<RawSample & { bucket_start: string | Date }>(result).map((row) => ({ bucketStart: new Date(row.bucket_start), ...sampleOf(row) }));
}

/** Open alerts, and those resolved at or after `since` (a later evaluation already judged that time). */
export async function getCurrentQualityAlerts(db: Executor, { since }: { since: Date }): Promise<QualityAlert[]> {
  return db
    .select()
    .from(qualityAlerts)
    .where(or(isNull(qualityAlerts.resolvedAt), gte(qualityAlerts.resolvedAt, since)));
}

/** A new open alert; undefined when one is already open for the key (another evaluation got there first). */
export async function insertQualityAlert(db: Executor, alert: typeof qualityAlerts.$inferInsert): Promise<QualityAlert | undefined> {
  const [row] = await db.insert(qualityAlerts).values(alert).onConflictDoNothing().returning();
  return row;
}

export async function updateOpenQualityAlert(
  db: Executor,
  { accountId, alertId, changes }: { accountId: string; alertId: string; changes: Partial<Pick<QualityAlert, 'windowStart' | 'windowEnd' | 'observed' | 'baseline' | 'spread' | 'threshold' | 'volume' | 'baselineWeeks' | 'worstObserved' | 'evaluatedAt' | 'resolvedAt'>> },
): Promise<QualityAlert | undefined> {
  const [row] = await db
    .update(qualityAlerts)
    .set(changes)
    .where(and(eq(qualityAlerts.accountId, accountId), eq(qualityAlerts.id, alertId), isNull(qualityAlerts.resolvedAt)))
    .returning();
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The accounts under (and including) the one at `accountPath`. */
const subtreeOf = (db: Executor, accountPath: string) => db.select({ id: accounts.id }).from(accounts).where(like(accounts.path, `${accountPath}%`));

const alertColumns = {
  alert: qualityAlerts,
  accountName: accounts.name,
  trunkGroupName: trunkGroups.name,
};

export type QualityAlertWithNames = { alert: QualityAlert; accountName: string; trunkGroupName: string | null };

/** The subtree's alerts, open ones first, newest first. */
export async function getQualityAlertsBySubtree(
  db: Executor,
  { accountPath, status, limit, offset }: { accountPath: string; status: 'open' | 'resolved' | 'all'; limit: number; offset: number },
): Promise<{ rows: QualityAlertWithNames[]; total: number }> {
  const where = and(
    inArray(qualityAlerts.accountId, subtreeOf(db, accountPath)),
    status === 'open' ? isNull(qualityAlerts.resolvedAt) : status === 'resolved' ? isNotNull(qualityAlerts.resolvedAt) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select(alertColumns)
      .from(qualityAlerts)
      .innerJoin(accounts, eq(accounts.id, qualityAlerts.accountId))
      .leftJoin(trunkGroups, eq(trunkGroups.id, qualityAlerts.trunkGroupId))
      .where(where)
      .orderBy(sql`${qualityAlerts.resolvedAt} IS NULL DESC`, desc(qualityAlerts.openedAt), desc(qualityAlerts.id))
      .limit(limit)
      .offset(offset),
    db.select({ count: count() }).from(qualityAlerts).where(where),
  ]);
  return { rows, total: Number(total?.count ?? 0) };
}

/** An alert of the subtree; another tenant's id (or no id at all) is undefined. */
export async function getQualityAlertBySubtree(db: Executor, { alertId, accountPath }: { alertId: string; accountPath: string }): Promise<QualityAlertWithNames | undefined> {
  if (!UUID.test(alertId)) return undefined;
  const [row] = await db
    .select(alertColumns)
    .from(qualityAlerts)
    .innerJoin(accounts, eq(accounts.id, qualityAlerts.accountId))
    .leftJoin(trunkGroups, eq(trunkGroups.id, qualityAlerts.trunkGroupId))
    .where(and(eq(qualityAlerts.id, alertId), like(accounts.path, `${accountPath}%`)))
    .limit(1);
  return row;
}

/** Marks an alert acknowledged (the first acknowledgement stands). */
export async function acknowledgeQualityAlertById(
  db: Executor,
  { accountId, alertId, userId, by, at }: { accountId: string; alertId: string; userId: string | null; by: string; at: Date },
): Promise<QualityAlert | undefined> {
  const [row] = await db
    .update(qualityAlerts)
    .set({ acknowledgedAt: at, acknowledgedByUserId: userId, acknowledgedBy: by })
    .where(and(eq(qualityAlerts.accountId, accountId), eq(qualityAlerts.id, alertId), isNull(qualityAlerts.acknowledgedAt)))
    .returning();
  return row;
}

/** Names of these trunk groups, for the words of an alert. */
export async function getTrunkGroupNamesByIds(db: Executor, { trunkGroupIds }: { trunkGroupIds: string[] }): Promise<Map<string, string>> {
  if (trunkGroupIds.length === 0) return new Map();
  const rows = await db.select({ id: trunkGroups.id, name: trunkGroups.name }).from(trunkGroups).where(inArray(trunkGroups.id, trunkGroupIds));
  return new Map(rows.map((row) => [row.id, row.name]));
}
