import 'server-only';
import { getDb, getDbHandle } from '@/lib/db/client';
import { vacuumAnalyze } from '@/lib/db/queries/maintenance';
import { deleteExpiredSearches } from '@/lib/db/queries/number-searches';

/**
 * PGlite has no autovacuum: without fresh statistics the planner misjudges the large tables, and
 * without the visibility map the counts cannot be answered from an index alone. A PostgreSQL
 * server does this itself.
 */
export async function vacuumEmbeddedDatabase(): Promise<{ vacuumed: boolean }> {
  const handle = await getDbHandle();
  if (handle.driver !== 'pglite') return { vacuumed: false };
  await vacuumAnalyze(handle.db);
  return { vacuumed: true };
}

/** Search results are kept for 10 minutes; older ones go. */
export async function purgeExpiredNumberSearches(now = new Date()) {
  await deleteExpiredSearches(await getDb(), { before: now });
}
