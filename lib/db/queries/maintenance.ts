import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';

/** Fresh planner statistics and visibility map for every table (what autovacuum does on a server). */
export async function vacuumAnalyze(db: Db) {
  await db.execute(sql`vacuum analyze`);
}
