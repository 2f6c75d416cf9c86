import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import type { QualityCounters } from '@/lib/quality/metrics';
import { COUNTER_SELECT, countersOf, type CounterRow } from './cdrs';

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
      SELECT destination, connection_id, ${COUNTER_SELECT}
      FROM cdr_rollups
      WHERE direction = 'outbound' AND connection_id IS NOT NULL AND (${window})
      GROUP BY destination, connection_id
    )
    SELECT t.*, pc.provider, pc.name AS connection_name
    FROM totals t LEFT JOIN provider_connections pc ON pc.id = t.connection_id
    ORDER BY t.destination, t.connection_id`);
  return rowsOf<CounterRow & { destination: string; connection_id: string; provider: string | null; connection_name: string | null }>(result).map((row) => {
    const { upstreamCost, ...counters } = countersOf(row);
    return { destination: String(row.destination), connectionId: String(row.connection_id), provider: row.provider ?? null, connectionName: row.connection_name ?? null, counters, upstreamCost };
  });
}
