import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';

export interface MarginTotalsRow {
  /** The destination country, or the upstream connection's id; null: calls with no upstream. */
  key: string | null;
  calls: number;
  answered: number;
  billedSeconds: number;
  /** Decimal strings, six places. */
  charge: string;
  cost: string;
  unrated: number;
}

export interface UpstreamMarginRow extends MarginTotalsRow {
  provider: string | null;
  connectionName: string | null;
  /** Whether the connection has a cost deck: without one its calls cost nothing here. */
  hasCostDeck: boolean;
}

interface RawRow {
  key: string | null;
  calls: string | number;
  answered: string | number;
  billed_seconds: string | number;
  charge: string | null;
  cost: string | null;
  unrated: string | number;
}

const SUMS = sql.raw(
  'sum(attempts)::bigint AS calls, sum(answered)::bigint AS answered, sum(billed_seconds)::bigint AS billed_seconds, coalesce(sum(charge), 0)::text AS charge, coalesce(sum(cost), 0)::text AS cost, sum(unrated)::bigint AS unrated',
);

function totalsOf(row: RawRow): MarginTotalsRow {
  return {
    key: row.key,
    calls: Number(row.calls ?? 0),
    answered: Number(row.answered ?? 0),
    billedSeconds: Number(row.billed_seconds ?? 0),
    charge: row.charge ?? '0',
    cost: row.cost ?? '0',
    unrated: Number(row.unrated ?? 0),
  };
}

export interface MarginFilter {
  /** Whole UTC days: midnight to midnight. */
  from: Date;
  to: Date;
  direction?: 'inbound' | 'outbound';
}

function marginWhere({ from, to, direction }: MarginFilter): SQL {
  const parts = [sql`grain = '1d'`, sql`bucket_start >= ${from.toISOString()}::timestamptz`, sql`bucket_start < ${to.toISOString()}::timestamptz`];
  if (direction) parts.push(sql`direction = ${direction}::cdr_direction`);
  return sql.join(parts, sql` AND `);
}

/** Calls, billed seconds, charges and costs per destination country across every account (operator staff), from the daily rollups. */
export async function getMarginsByDestination(db: Db, filter: MarginFilter): Promise<MarginTotalsRow[]> {
  const result = await db.execute(sql`
    SELECT destination AS key, ${SUMS} FROM cdr_rollups WHERE ${marginWhere(filter)}
    GROUP BY destination ORDER BY sum(charge) DESC, destination`);
  return rowsOf<RawRow>(result).map(totalsOf);
}

/** The same per upstream connection, with its provider, name and whether it has a cost deck. */
export async function getMarginsByUpstream(db: Db, filter: MarginFilter): Promise<UpstreamMarginRow[]> {
  const result = await db.execute(sql`
    WITH totals AS (
      SELECT connection_id, ${SUMS} FROM cdr_rollups WHERE ${marginWhere(filter)} GROUP BY connection_id
    )
    SELECT t.connection_id::text AS key, t.calls, t.answered, t.billed_seconds, t.charge, t.cost, t.unrated,
      pc.provider, pc.name AS connection_name, EXISTS (SELECT 1 FROM rate_decks d WHERE d.connection_id = t.connection_id) AS has_cost_deck
    FROM totals t LEFT JOIN provider_connections pc ON pc.id = t.connection_id
    ORDER BY t.charge::numeric DESC, t.connection_id`);
  return rowsOf<RawRow & { provider: string | null; connection_name: string | null; has_cost_deck: boolean }>(result).map((row) => ({
    ...totalsOf(row),
    provider: row.provider ?? null,
    connectionName: row.connection_name ?? null,
    hasCostDeck: Boolean(row.has_cost_deck),
  }));
}
