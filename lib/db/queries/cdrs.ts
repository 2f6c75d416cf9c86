import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { NER_USER_Q850_CAUSES, NER_USER_SIP_CODES, PDD_BUCKET_BOUNDS_MS, PDD_BUCKET_COUNT, SHORT_CALL_SECONDS, type QualityCounters } from '@/lib/quality/metrics';

type Executor = Db | Tx;

/** One call, normalised and attributed, as the store keeps it. */
export interface CdrRecord {
  accountId: string;
  source: string;
  sourceId: string;
  direction: 'inbound' | 'outbound';
  fromE164: string;
  toE164: string;
  destinationCountry: string;
  destinationPrefix: string;
  trunkGroupId: string | null;
  connectionId: string | null;
  inviteAt: Date;
  ringingAt: Date | null;
  answerAt: Date | null;
  endAt: Date | null;
  sipCode: number;
  q850Cause: number | null;
  billsec: number;
  mos: number | null;
  /** Decimal string, six places at most. */
  upstreamCost: string | null;
  /** The call's price (lib/services/rating.ts); absent: stored unrated. */
  rating?: CdrRating;
}

/** What rating found for a call: the sell deck's price and the upstream's cost, decimal strings. */
export interface CdrRating {
  billedSeconds: number | null;
  rateVersionId: string | null;
  ratePrefix: string | null;
  rateDestination: string | null;
  rate: string | null;
  connectionFee: string | null;
  charge: string | null;
  costVersionId: string | null;
  costRate: string | null;
  cost: string | null;
  ratingError: string | null;
}

const PDD_COLUMNS = Array.from({ length: PDD_BUCKET_COUNT }, (_, i) => `pdd_b${i}`);
const SUMMED_COLUMNS = ['attempts', 'answered', 'ner_ok', 'billsec', 'short_calls', 'pdd_known', ...PDD_COLUMNS, 'mos_sum', 'mos_count', 'upstream_cost', 'billed_seconds', 'charge', 'cost', 'unrated'];
const PDD_BOUNDS_SQL = `ARRAY[${PDD_BUCKET_BOUNDS_MS.join(',')}]::double precision[]`;

/** The columns rating writes (lib/services/rating.ts); a re-rating rewrites exactly these. */
export const RATING_COLUMNS = sql.raw(
  'billed_seconds, rate_version_id, rate_prefix, rate_destination, rate, connection_fee, charge, cost_version_id, cost_rate, cost, rating_error',
);

/** Creates the month partitions these calls fall in, where missing. */
export async function ensureCdrPartitions(db: Executor, inviteTimes: Date[]): Promise<void> {
  const months = [...new Set(inviteTimes.map((at) => `${at.toISOString().slice(0, 7)}-01T00:00:00Z`))];
  if (months.length === 0) return;
  await db.execute(sql`SELECT cdr_ensure_partition(m::timestamptz) FROM jsonb_array_elements_text(${JSON.stringify(months)}::jsonb) AS m`);
}

/** The columns of a call the rollups are built from. */
const CALL_FACT_COLUMNS = sql.raw(
  'account_id, invite_at, trunk_group_id, connection_id, destination_country, direction, ringing_at, answer_at, sip_code, q850_cause, billsec, mos, upstream_cost, billed_seconds, charge, cost, rating_error',
);

/**
 * CTEs `facts`, `totals` and `rolled` adding the calls of `calls` (a relation with
 * CALL_FACT_COLUMNS) to the 5-minute, hourly and daily rollups: the one definition of what a
 * rollup counts, for ingest and for a rebuild alike.
 */
function rollupUpsert(calls: SQL): SQL {
  const histogram = PDD_COLUMNS.map((column, i) => `count(*) FILTER (WHERE pdd_bucket = ${i}) AS ${column}`).join(', ');
  return sql`
    facts AS (
      SELECT *, answer_at IS NOT NULL AS is_answered,
        CASE WHEN ringing_at IS NULL THEN NULL
          ELSE width_bucket(extract(epoch FROM ringing_at - invite_at) * 1000, ${sql.raw(PDD_BOUNDS_SQL)}) END AS pdd_bucket
      FROM ${calls}
    ),
    five AS (
      SELECT account_id, date_bin('5 minutes', invite_at, timestamptz '2000-01-01 00:00:00+00') AS bucket_start,
        trunk_group_id, connection_id, destination_country AS destination, direction,
        count(*) AS attempts,
        count(*) FILTER (WHERE is_answered) AS answered,
        count(*) FILTER (WHERE is_answered OR sip_code IN (${sql.raw(NER_USER_SIP_CODES.join(','))}) OR q850_cause IN (${sql.raw(NER_USER_Q850_CAUSES.join(','))})) AS ner_ok,
        coalesce(sum(billsec) FILTER (WHERE is_answered), 0) AS billsec,
        count(*) FILTER (WHERE is_answered AND billsec < ${sql.raw(String(SHORT_CALL_SECONDS))}) AS short_calls,
        count(pdd_bucket) AS pdd_known,
        ${sql.raw(histogram)},
        coalesce(sum(mos), 0)::double precision AS mos_sum,
        count(mos) AS mos_count,
        coalesce(sum(upstream_cost), 0) AS upstream_cost,
        coalesce(sum(billed_seconds), 0) AS billed_seconds,
        coalesce(sum(charge), 0) AS charge,
        coalesce(sum(cost), 0) AS cost,
        count(*) FILTER (WHERE rating_error IS NOT NULL OR charge IS NULL) AS unrated
      FROM facts
      GROUP BY 1, 2, 3, 4, 5, 6
    ),
    -- Hours and days are sums of the 5-minute totals (far fewer rows than calls).
    totals AS (
      SELECT account_id, '5m'::cdr_rollup_grain AS grain, bucket_start, trunk_group_id, connection_id, destination, direction, ${sql.raw(SUMMED_COLUMNS.join(', '))} FROM five
      UNION ALL
      SELECT account_id, g.grain,
        CASE g.grain WHEN '1h' THEN date_trunc('hour', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          ELSE date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' END,
        trunk_group_id, connection_id, destination, direction, ${sql.raw(SUMMED_COLUMNS.map((c) => `sum(${c})`).join(', '))}
      FROM five CROSS JOIN (VALUES ('1h'::cdr_rollup_grain), ('1d'::cdr_rollup_grain)) AS g(grain)
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    rolled AS (
      INSERT INTO cdr_rollups AS r (account_id, grain, bucket_start, trunk_group_id, connection_id, destination, direction,
        ${sql.raw(SUMMED_COLUMNS.join(', '))})
      SELECT account_id, grain, bucket_start, trunk_group_id, connection_id, destination, direction, ${sql.raw(SUMMED_COLUMNS.join(', '))}
      FROM totals ORDER BY account_id, grain, bucket_start, trunk_group_id, connection_id, destination, direction
      ON CONFLICT ON CONSTRAINT cdr_rollups_key DO UPDATE SET
        attempts = r.attempts + excluded.attempts,
        answered = r.answered + excluded.answered,
        ner_ok = r.ner_ok + excluded.ner_ok,
        billsec = r.billsec + excluded.billsec,
        short_calls = r.short_calls + excluded.short_calls,
        pdd_known = r.pdd_known + excluded.pdd_known,
        ${sql.raw(PDD_COLUMNS.map((c) => `${c} = r.${c} + excluded.${c}`).join(', '))},
        mos_sum = r.mos_sum + excluded.mos_sum,
        mos_count = r.mos_count + excluded.mos_count,
        upstream_cost = r.upstream_cost + excluded.upstream_cost,
        billed_seconds = r.billed_seconds + excluded.billed_seconds,
        charge = r.charge + excluded.charge,
        cost = r.cost + excluded.cost,
        unrated = r.unrated + excluded.unrated
      RETURNING 1
    )`;
}

/**
 * Rebuilds one account's rollups for [from, to) from its stored calls (whole UTC days: `from` and
 * `to` at midnight), for calls written around the ingest path (a bulk load, a repair).
 */
export async function rebuildCdrRollups(db: Executor, { accountId, from, to }: { accountId: string; from: Date; to: Date }): Promise<void> {
  await db.execute(sql`DELETE FROM cdr_rollups WHERE account_id = ${accountId}::uuid AND bucket_start >= ${from.toISOString()}::timestamptz AND bucket_start < ${to.toISOString()}::timestamptz`);
  await db.execute(sql`
    WITH calls AS (
      SELECT ${CALL_FACT_COLUMNS} FROM cdrs
      WHERE account_id = ${accountId}::uuid AND invite_at >= ${from.toISOString()}::timestamptz AND invite_at < ${to.toISOString()}::timestamptz
    ),
    ${rollupUpsert(sql`calls`)}
    SELECT count(*) FROM rolled`);
}

/**
 * Inserts the calls not already stored (by account, source, source id and invite time) and adds
 * exactly those to the 5-minute, hourly and daily rollups, in one statement: a call is counted once
 * however often it is sent, and a late call lands in the bucket of its own time. `ingested_at` is
 * the clock at this statement, not the transaction's start: whether a call arrived before an
 * invoice's cutoff is decided by when it was written under the usage lock (lib/db/queries/usage-locks.ts).
 */
export async function insertCdrBatch(db: Executor, records: CdrRecord[]): Promise<{ accepted: number }> {
  if (records.length === 0) return { accepted: 0 };
  const payload = JSON.stringify(
    records.map((r) => ({
      account_id: r.accountId,
      invite_at: r.inviteAt.toISOString(),
      source: r.source,
      source_id: r.sourceId,
      direction: r.direction,
      from_e164: r.fromE164,
      to_e164: r.toE164,
      destination_country: r.destinationCountry,
      destination_prefix: r.destinationPrefix,
      trunk_group_id: r.trunkGroupId,
      connection_id: r.connectionId,
      ringing_at: r.ringingAt?.toISOString() ?? null,
      answer_at: r.answerAt?.toISOString() ?? null,
      end_at: r.endAt?.toISOString() ?? null,
      sip_code: r.sipCode,
      q850_cause: r.q850Cause,
      billsec: r.billsec,
      mos: r.mos,
      upstream_cost: r.upstreamCost,
      billed_seconds: r.rating?.billedSeconds ?? null,
      rate_version_id: r.rating?.rateVersionId ?? null,
      rate_prefix: r.rating?.ratePrefix ?? null,
      rate_destination: r.rating?.rateDestination ?? null,
      rate: r.rating?.rate ?? null,
      connection_fee: r.rating?.connectionFee ?? null,
      charge: r.rating?.charge ?? null,
      cost_version_id: r.rating?.costVersionId ?? null,
      cost_rate: r.rating?.costRate ?? null,
      cost: r.rating?.cost ?? null,
      rating_error: r.rating ? r.rating.ratingError : 'not_rated',
    })),
  );
  const result = await db.execute(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS r(
        account_id uuid, invite_at timestamptz, source text, source_id text, direction cdr_direction,
        from_e164 text, to_e164 text, destination_country text, destination_prefix text,
        trunk_group_id uuid, connection_id uuid, ringing_at timestamptz, answer_at timestamptz, end_at timestamptz,
        sip_code smallint, q850_cause smallint, billsec integer, mos numeric, upstream_cost numeric,
        billed_seconds integer, rate_version_id uuid, rate_prefix text, rate_destination text, rate numeric, connection_fee numeric,
        charge numeric, cost_version_id uuid, cost_rate numeric, cost numeric, rating_error text)
    ),
    inserted AS (
      INSERT INTO cdrs (account_id, invite_at, source, source_id, direction, from_e164, to_e164, destination_country,
        destination_prefix, trunk_group_id, connection_id, ringing_at, answer_at, end_at, sip_code, q850_cause, billsec, mos, upstream_cost,
        ${RATING_COLUMNS}, ingested_at)
      SELECT account_id, invite_at, source, source_id, direction, from_e164, to_e164, destination_country,
        destination_prefix, trunk_group_id, connection_id, ringing_at, answer_at, end_at, sip_code, q850_cause, billsec, mos, upstream_cost,
        ${RATING_COLUMNS}, (SELECT clock_timestamp())
      FROM input
      ON CONFLICT ON CONSTRAINT cdrs_source_key DO NOTHING
      RETURNING ${CALL_FACT_COLUMNS}
    ),
    ${rollupUpsert(sql`inserted`)}
    SELECT (SELECT count(*) FROM inserted)::int AS accepted, (SELECT count(*) FROM rolled)::int AS rollups`);
  const [row] = rowsOf<{ accepted: number }>(result);
  return { accepted: Number(row?.accepted ?? 0) };
}

export type RollupGrain = '5m' | '1h' | '1d';
export type RollupDimension = 'trunk_group_id' | 'connection_id' | 'destination' | 'direction';

export interface RollupFilter {
  /** The accounts whose calls count (an account and its subtree, resolved by the caller). */
  accountIds: string[];
  grain: RollupGrain;
  from: Date;
  to: Date;
  trunkGroupId?: string;
  connectionId?: string;
  destination?: string;
  direction?: 'inbound' | 'outbound';
}

/** Sums of every rollup counter, named as the columns (for `countersOf`). */
export const COUNTER_SELECT = sql.raw(
  [
    'sum(attempts)::bigint AS attempts',
    'sum(answered)::bigint AS answered',
    'sum(ner_ok)::bigint AS ner_ok',
    'sum(billsec)::bigint AS billsec',
    'sum(short_calls)::bigint AS short_calls',
    'sum(pdd_known)::bigint AS pdd_known',
    ...PDD_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`),
    'sum(mos_sum)::double precision AS mos_sum',
    'sum(mos_count)::bigint AS mos_count',
    'sum(upstream_cost)::text AS upstream_cost',
  ].join(', '),
);

function rollupWhere(filter: RollupFilter): SQL {
  const parts: SQL[] = [
    // A literal list, not a subquery: the planner then walks the rollup key's index per account.
    sql`account_id IN (${filter.accountIds.length ? sql.join(filter.accountIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`NULL`})`,
    sql`grain = ${filter.grain}::cdr_rollup_grain`,
    sql`bucket_start >= ${filter.from.toISOString()}::timestamptz`,
    sql`bucket_start < ${filter.to.toISOString()}::timestamptz`,
  ];
  if (filter.trunkGroupId) parts.push(sql`trunk_group_id = ${filter.trunkGroupId}::uuid`);
  if (filter.connectionId) parts.push(sql`connection_id = ${filter.connectionId}::uuid`);
  if (filter.destination) parts.push(sql`destination = ${filter.destination}`);
  if (filter.direction) parts.push(sql`direction = ${filter.direction}::cdr_direction`);
  return sql.join(parts, sql` AND `);
}

export interface CounterRow {
  attempts: string | number;
  answered: string | number;
  ner_ok: string | number;
  billsec: string | number;
  short_calls: string | number;
  pdd_known: string | number;
  mos_sum: string | number | null;
  mos_count: string | number;
  upstream_cost: string | null;
  [column: string]: unknown;
}

export interface RollupCounters extends QualityCounters {
  /** Decimal string. */
  upstreamCost: string;
}

export function countersOf(row: CounterRow): RollupCounters {
  return {
    attempts: Number(row.attempts ?? 0),
    answered: Number(row.answered ?? 0),
    nerOk: Number(row.ner_ok ?? 0),
    billsec: Number(row.billsec ?? 0),
    shortCalls: Number(row.short_calls ?? 0),
    pddKnown: Number(row.pdd_known ?? 0),
    pddHistogram: PDD_COLUMNS.map((c) => Number(row[c] ?? 0)),
    mosSum: Number(row.mos_sum ?? 0),
    mosCount: Number(row.mos_count ?? 0),
    upstreamCost: row.upstream_cost ?? '0',
  };
}

/** Counters per bucket, oldest first (buckets without calls are absent). */
export async function getRollupSeries(db: Executor, filter: RollupFilter): Promise<({ bucketStart: Date } & RollupCounters)[]> {
  const result = await db.execute(sql`
    SELECT bucket_start, ${COUNTER_SELECT} FROM cdr_rollups WHERE ${rollupWhere(filter)}
    GROUP BY bucket_start ORDER BY bucket_start`);
  return rowsOf<CounterRow & { bucket_start: string | Date }>(result).map((row) => ({ bucketStart: new Date(row.bucket_start), ...countersOf(row) }));
}

/** Counters per value of one dimension over the whole range, most attempts first. */
export async function getRollupBreakdown(
  db: Executor,
  filter: RollupFilter,
  dimension: RollupDimension,
  { limit = 50 }: { limit?: number } = {},
): Promise<({ key: string | null } & RollupCounters)[]> {
  const result = await db.execute(sql`
    SELECT ${sql.raw(dimension)}::text AS key, ${COUNTER_SELECT} FROM cdr_rollups WHERE ${rollupWhere(filter)}
    GROUP BY 1 ORDER BY sum(attempts) DESC, 1 LIMIT ${limit}`);
  return rowsOf<CounterRow & { key: string | null }>(result).map((row) => ({ key: row.key, ...countersOf(row) }));
}

/** Counters over the whole range. */
export async function getRollupTotals(db: Executor, filter: RollupFilter): Promise<RollupCounters> {
  const result = await db.execute(sql`SELECT ${COUNTER_SELECT} FROM cdr_rollups WHERE ${rollupWhere(filter)}`);
  const [row] = rowsOf<CounterRow>(result);
  return countersOf(row ?? ({} as CounterRow));
}
