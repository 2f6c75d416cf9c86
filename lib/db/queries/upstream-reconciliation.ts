import 'server-only';
import { and, eq, gte, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { upstreamStatementFetches, upstreamStatementLines } from '@/lib/db/schema';
import { withoutControlCharacters } from '@/lib/validations/common';

/**
 * Upstream reconciliation (issue 15.9) is a platform view for operator staff: these read every
 * account's rollups and every connection's statements, never one account's.
 */
type Executor = Db | Tx;

export type UpstreamStatementKind = (typeof upstreamStatementLines.$inferInsert)['kind'];
export type UpstreamStatementBasis = 'daily_usage' | 'invoices';

export interface UpstreamStatementLineInput {
  day: string;
  periodEnd: string | null;
  kind: UpstreamStatementKind;
  reference: string;
  description: string;
  amount: string;
  currency: string;
}

export interface StoredStatementLine extends UpstreamStatementLineInput {
  connectionId: string;
  fetchedAt: Date;
}

export interface StoredStatementFetch {
  connectionId: string;
  period: string;
  basis: UpstreamStatementBasis;
  lastAttemptAt: Date;
  lastSuccessAt: Date | null;
  lines: number;
  lastErrorKind: string | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** Days are `YYYY-MM-DD` (UTC); `to` is exclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * A successful fetch of one connection's month: its lines replace those stored for the month (an
 * upstream that corrected an entry leaves no stale one), in one transaction with the fetch's row.
 */
export async function replaceUpstreamStatement(
  tx: Tx,
  input: { connectionId: string; period: DayRange; basis: UpstreamStatementBasis; lines: readonly UpstreamStatementLineInput[]; fetchedAt: Date },
) {
  const references = input.lines.map((line) => line.reference);
  await tx
    .delete(upstreamStatementLines)
    .where(
      and(
        eq(upstreamStatementLines.connectionId, input.connectionId),
        gte(upstreamStatementLines.day, input.period.from),
        lt(upstreamStatementLines.day, input.period.to),
        ...(references.length > 0 ? [notInArray(upstreamStatementLines.reference, references)] : []),
      ),
    );
  if (input.lines.length > 0) {
    await tx
      .insert(upstreamStatementLines)
      .values(input.lines.map((line) => ({ ...line, connectionId: input.connectionId, fetchedAt: input.fetchedAt })))
      .onConflictDoUpdate({
        target: [upstreamStatementLines.connectionId, upstreamStatementLines.reference],
        set: {
          day: sql`excluded.day`,
          periodEnd: sql`excluded.period_end`,
          kind: sql`excluded.kind`,
          description: sql`excluded.description`,
          amount: sql`excluded.amount`,
          currency: sql`excluded.currency`,
          fetchedAt: sql`excluded.fetched_at`,
        },
      });
  }
  await tx
    .insert(upstreamStatementFetches)
    .values({ connectionId: input.connectionId, period: input.period.from, basis: input.basis, lastAttemptAt: input.fetchedAt, lastSuccessAt: input.fetchedAt, lines: input.lines.length })
    .onConflictDoUpdate({
      target: [upstreamStatementFetches.connectionId, upstreamStatementFetches.period],
      set: { basis: input.basis, lastAttemptAt: input.fetchedAt, lastSuccessAt: input.fetchedAt, lines: input.lines.length, lastErrorKind: null, lastError: null, lastErrorAt: null },
    });
}

/** A failed fetch: the lines of the last good one stay, and the failure is kept to be shown beside them. */
export async function recordUpstreamStatementFailure(
  db: Executor,
  input: { connectionId: string; period: string; basis: UpstreamStatementBasis; at: Date; kind: string; message: string },
) {
  const failure = { lastAttemptAt: input.at, lastErrorKind: input.kind, lastError: withoutControlCharacters(input.message).slice(0, 2000), lastErrorAt: input.at };
  await db
    .insert(upstreamStatementFetches)
    .values({ connectionId: input.connectionId, period: input.period, basis: input.basis, ...failure })
    .onConflictDoUpdate({ target: [upstreamStatementFetches.connectionId, upstreamStatementFetches.period], set: { basis: input.basis, ...failure } });
}

export async function getUpstreamStatementFetches(db: Executor, { period }: { period: string }): Promise<StoredStatementFetch[]> {
  const result = await db.execute(sql`
    SELECT connection_id::text AS connection_id, period::text AS period, basis, last_attempt_at, last_success_at, lines, last_error_kind, last_error, last_error_at
    FROM upstream_statement_fetches WHERE period = ${period}::date`);
  return rowsOf<{
    connection_id: string;
    period: string;
    basis: UpstreamStatementBasis;
    last_attempt_at: string | Date;
    last_success_at: string | Date | null;
    lines: number;
    last_error_kind: string | null;
    last_error: string | null;
    last_error_at: string | Date | null;
  }>(result).map((row) => ({
    connectionId: row.connection_id,
    period: row.period,
    basis: row.basis,
    lastAttemptAt: new Date(row.last_attempt_at),
    lastSuccessAt: row.last_success_at ? new Date(row.last_success_at) : null,
    lines: Number(row.lines),
    lastErrorKind: row.last_error_kind,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at ? new Date(row.last_error_at) : null,
  }));
}

/** Lines whose day (an invoice: its first day) lies in the range. */
export async function getUpstreamStatementLines(db: Executor, range: DayRange): Promise<StoredStatementLine[]> {
  const result = await db.execute(sql`
    SELECT connection_id::text AS connection_id, day::text AS day, period_end::text AS period_end, kind::text AS kind, reference, description,
      amount::text AS amount, currency, fetched_at
    FROM upstream_statement_lines WHERE day >= ${range.from}::date AND day < ${range.to}::date
    ORDER BY connection_id, day, reference`);
  return rowsOf<{
    connection_id: string;
    day: string;
    period_end: string | null;
    kind: UpstreamStatementKind;
    reference: string;
    description: string;
    amount: string;
    currency: string;
    fetched_at: string | Date;
  }>(result).map((row) => ({
    connectionId: row.connection_id,
    day: row.day,
    periodEnd: row.period_end,
    kind: row.kind,
    reference: row.reference,
    description: row.description,
    amount: row.amount,
    currency: row.currency,
    fetchedAt: new Date(row.fetched_at),
  }));
}

/**
 * The cost deck's rating of every account's calls per upstream connection and UTC day, summed from
 * the daily rollups (never the calls).
 */
export async function getPortalCostByConnectionDay(db: Executor, range: DayRange): Promise<{ connectionId: string; day: string; cost: string }[]> {
  const result = await db.execute(sql`
    SELECT connection_id::text AS connection_id, to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(cost)::text AS cost
    FROM cdr_rollups
    WHERE grain = '1d' AND connection_id IS NOT NULL
      AND bucket_start >= ${range.from}::date::timestamp AT TIME ZONE 'UTC' AND bucket_start < ${range.to}::date::timestamp AT TIME ZONE 'UTC'
    GROUP BY connection_id, bucket_start
    ORDER BY connection_id, bucket_start`);
  return rowsOf<{ connection_id: string; day: string; cost: string }>(result).map((row) => ({ connectionId: row.connection_id, day: row.day, cost: row.cost }));
}

/** Each connection's cost deck currency (a connection has at most one cost deck). */
export async function getCostDeckCurrencies(db: Executor, { connectionIds }: { connectionIds: string[] }): Promise<Map<string, string>> {
  if (connectionIds.length === 0) return new Map();
  const result = await db.execute(sql`
    SELECT connection_id::text AS connection_id, currency FROM rate_decks
    WHERE purpose = 'cost' AND connection_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(connectionIds)}::jsonb)::uuid)`);
  return new Map(rowsOf<{ connection_id: string; currency: string }>(result).map((row) => [row.connection_id, row.currency]));
}

/** Whether any fetch of these connections for the month was attempted since `since` (to pace "Fetch now"). */
export async function getRecentStatementAttempts(db: Executor, { period, connectionIds, since }: { period: string; connectionIds: string[]; since: Date }): Promise<Set<string>> {
  if (connectionIds.length === 0) return new Set();
  const rows = await db
    .select({ connectionId: upstreamStatementFetches.connectionId })
    .from(upstreamStatementFetches)
    .where(and(eq(upstreamStatementFetches.period, period), inArray(upstreamStatementFetches.connectionId, connectionIds), gte(upstreamStatementFetches.lastAttemptAt, since)));
  return new Set(rows.map((row) => row.connectionId));
}
