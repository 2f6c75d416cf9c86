import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { PDD_BUCKET_COUNT, type QualityCounters } from '@/lib/quality/metrics';

const PDD_COLUMNS = Array.from({ length: PDD_BUCKET_COUNT }, (_, i) => `pdd_b${i}`);

export interface ConnectionDestinationCounters {
  destination: string;
  connectionId: string;
  provider: string | null;
  connectionName: string | null;
  counters: QualityCounters;
  upstreamCost: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Outbound counters per (destination, upstream connection) over [from, to) across every account
 * (operator staff only). Whole UTC days come from the daily rollups and the ragged ends from the
 * hourly ones, so a week reads about 7 rows per series, not 168; `from` and `to` are cut to hours.
 */
export async function getOutboundCountersByConnectionAndDestination(db: Db, { from, to }: { from: Date; to: Date }): Promise<ConnectionDestinationCounters[]> {
  const start = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS;
  const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(end / DAY_MS) * DAY_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  // Without a whole day inside the window, hours cover it all.
  const window =
    firstDay < lastDay
      ? sql`(grain = '1d' AND bucket_start >= ${iso(firstDay)}::timestamptz AND bucket_start < ${iso(lastDay)}::timestamptz)
          OR (grain = '1h' AND bucket_start >= ${iso(start)}::timestamptz AND bucket_start < ${iso(firstDay)}::timestamptz)
          OR (grain = '1h' AND bucket_start >= ${iso(lastDay)}::timestamptz AND bucket_start < ${iso(end)}::timestamptz)`
      : sql`grain = '1h' AND bucket_start >= ${iso(start)}::timestamptz AND bucket_start < ${iso(end)}::timestamptz`;
  const result = await db.execute(sql`
    WITH totals AS (
      SELECT destination, connection_id,
        sum(attempts)::bigint AS attempts, sum(answered)::bigint AS answered, sum(ner_ok)::bigint AS ner_ok,
        sum(billsec)::bigint AS billsec, sum(short_calls)::bigint AS short_calls, sum(pdd_known)::bigint AS pdd_known,
        ${sql.raw(PDD_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`).join(', '))},
        sum(mos_sum)::double precision AS mos_sum, sum(mos_count)::bigint AS mos_count, sum(upstream_cost)::text AS upstream_cost
      FROM cdr_rollups
      WHERE direction = 'outbound' AND connection_id IS NOT NULL AND (${window})
      GROUP BY destination, connection_id
    )
    SELECT t.*, pc.provider, pc.name AS connection_name
    FROM totals t LEFT JOIN provider_connections pc ON pc.id = t.connection_id
    ORDER BY t.destination, t.connection_id`);
  return rowsOf<Record<string, unknown>>(result).map((row) => ({
    destination: String(row.destination),
    connectionId: String(row.connection_id),
    provider: (row.provider as string | null) ?? null,
    connectionName: (row.connection_name as string | null) ?? null,
    counters: {
      attempts: Number(row.attempts ?? 0),
      answered: Number(row.answered ?? 0),
      nerOk: Number(row.ner_ok ?? 0),
      billsec: Number(row.billsec ?? 0),
      shortCalls: Number(row.short_calls ?? 0),
      pddKnown: Number(row.pdd_known ?? 0),
      pddHistogram: PDD_COLUMNS.map((c) => Number(row[c] ?? 0)),
      mosSum: Number(row.mos_sum ?? 0),
      mosCount: Number(row.mos_count ?? 0),
    },
    upstreamCost: (row.upstream_cost as string | null) ?? '0',
  }));
}
