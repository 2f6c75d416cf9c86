import 'server-only';
import { rowsOf } from '@/lib/db/rows';

/**
 * pg-boss's own tables (its schema is named by the caller): read for the staff jobs page, never
 * written here; pg-boss writes them.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';


export async function getJobCountsByQueueState(db: Db, { schema, names }: { schema: string; names: string[] }) {
  return rowsOf<{ name: string; state: string; count: number }>(
    await db.execute(sql`
    select name, state::text as state, count(*)::int as count
    from ${sql.raw(schema)}.job
    where name in ${names}
    group by name, state`),
  );
}

/** pg-boss moves finished jobs to the archive after a while: both tables answer "recently". */
export async function getRecentCompletionsByQueue(db: Db, { schema, names, since }: { schema: string; names: string[]; since: string }) {
  return rowsOf<{ name: string; count: number; last_completed_at: string | Date | null }>(
    await db.execute(sql`
    select name, count(*)::int as count, max(completed_on) as last_completed_at from (
      select name, completed_on from ${sql.raw(schema)}.job where name in ${names} and state = 'completed' and completed_on > ${since}::timestamptz
      union all
      select name, completed_on from ${sql.raw(schema)}.archive where name in ${names} and state = 'completed' and completed_on > ${since}::timestamptz
    ) recent group by name`),
  );
}

export async function getRecentFailedJobs(db: Db, { schema, names, limit }: { schema: string; names: string[]; limit: number }) {
  return rowsOf<{ id: string; name: string; completed_on: string | Date; retry_count: number; message: string | null }>(
    await db.execute(sql`
    select id::text as id, name, completed_on, retry_count, output->>'message' as message
    from ${sql.raw(schema)}.job
    where name in ${names} and state = 'failed'
    order by completed_on desc
    limit ${limit}`),
  );
}
