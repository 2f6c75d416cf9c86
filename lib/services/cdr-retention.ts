import 'server-only';

/**
 * Keeps the month-partitioned CDR store in shape, daily: the next months' partitions exist before a
 * call lands in them, and months wholly past the retention horizon leave as whole tables (detach,
 * then drop: no DELETE of millions of rows, no bloat, no vacuum), with the rollups of that time.
 */
import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { getEnv } from '@/lib/env';
import { log } from '@/lib/log';

export const PARTITION_MONTHS_AHEAD = 3;
const PARTITION_NAME = /^cdrs_(\d{4})_(\d{2})$/;

export interface CdrRetentionResult {
  /** Calls and rollups wholly before this are gone. */
  horizon: Date;
  created: string[];
  dropped: string[];
  rollupsDeleted: number;
}

async function partitionNames(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'cdrs'::regclass ORDER BY c.relname`);
  return rowsOf<{ name: string }>(result).map((row) => row.name);
}

/** The first instant after the month a `cdrs_YYYY_MM` partition holds; null for any other name. */
export function partitionEnd(name: string): Date | null {
  const match = PARTITION_NAME.exec(name);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
}

export async function applyCdrRetention({ now = new Date(), months = getEnv().cdrRetentionMonths, db }: { now?: Date; months?: number; db?: Db } = {}): Promise<CdrRetentionResult> {
  if (!Number.isInteger(months) || months < 1) throw new Error(`CDR retention must be a whole number of months, at least 1 (got ${months})`);
  const database = db ?? (await getDb());
  const before = new Set(await partitionNames(database));
  await database.execute(sql`
    SELECT cdr_ensure_partition((date_trunc('month', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC') + make_interval(months => k)) AT TIME ZONE 'UTC')
    FROM generate_series(0, ${PARTITION_MONTHS_AHEAD}::int) AS k`);
  // Calendar months in UTC (31 March less one month is 28 or 29 February, as PostgreSQL counts).
  const [horizonRow] = rowsOf<{ horizon: string | Date }>(
    await database.execute(sql`SELECT ((${now.toISOString()}::timestamptz AT TIME ZONE 'UTC') - make_interval(months => ${months}::int)) AT TIME ZONE 'UTC' AS horizon`),
  );
  const horizon = new Date(horizonRow!.horizon);
  const after = await partitionNames(database);
  const created = after.filter((name) => !before.has(name));
  const dropped: string[] = [];
  for (const name of after) {
    const end = partitionEnd(name);
    if (!end || end.getTime() > horizon.getTime()) continue;
    // The name matched PARTITION_NAME, so it is safe as a quoted identifier.
    await database.transaction(async (tx) => {
      await tx.execute(sql.raw(`ALTER TABLE "cdrs" DETACH PARTITION "${name}"`));
      await tx.execute(sql.raw(`DROP TABLE "${name}"`));
    });
    dropped.push(name);
  }
  const [deleted] = rowsOf<{ n: number }>(
    await database.execute(sql`
      WITH gone AS (
        DELETE FROM cdr_rollups
        WHERE bucket_start < ${horizon.toISOString()}::timestamptz
          AND bucket_start + CASE grain WHEN '5m' THEN interval '5 minutes' WHEN '1h' THEN interval '1 hour' ELSE interval '1 day' END <= ${horizon.toISOString()}::timestamptz
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM gone`),
  );
  const result = { horizon, created, dropped, rollupsDeleted: Number(deleted?.n ?? 0) };
  if (created.length || dropped.length || result.rollupsDeleted) log.info('cdr_retention.applied', { ...result, horizon: horizon.toISOString() });
  return result;
}
