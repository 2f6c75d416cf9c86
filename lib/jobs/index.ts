import { sql } from 'drizzle-orm';
import { getDb, getDbHandle } from '@/lib/db/client';
import { deleteExpiredSearches } from '@/lib/db/queries/number-searches';
import { reconcileE911 } from '@/lib/services/e911';
import { expireCartHolds } from '@/lib/services/number-cart';
import { reconcileOrders } from '@/lib/services/number-orders';
import { checkTrunkDrift } from '@/lib/services/trunk-groups';
import { refreshOwnedNumbers } from './refresh-numbers';
import { startScheduler, type Job } from './scheduler';

export const JOBS: Job[] = [
  // At start: an order a crash left in flight is asked of the upstream and settled.
  { name: 'reconcile-orders', everyMs: 60_000, runAtStart: true, run: () => reconcileOrders() },
  { name: 'expire-cart-holds', everyMs: 60_000, run: () => expireCartHolds() },
  // Upstream listings are rate-limited (VoiceTel: 6 account reads an hour): a few times a day is enough.
  { name: 'refresh-owned-numbers', everyMs: 6 * 3600_000, run: () => refreshOwnedNumbers() },
  // Emergency records removed or changed upstream behind the portal's back: the number shows as failed.
  { name: 'reconcile-e911', everyMs: 6 * 3600_000, run: () => reconcileE911() },
  { name: 'check-trunk-drift', everyMs: 15 * 60_000, run: () => checkTrunkDrift() },
  // PGlite has no autovacuum: without fresh statistics the planner misjudges the large tables, and
  // without the visibility map the counts cannot be answered from an index alone.
  {
    name: 'vacuum-embedded-database',
    everyMs: 6 * 3600_000,
    runAtStart: true,
    run: async () => {
      const handle = await getDbHandle();
      if (handle.driver === 'pglite') await handle.db.execute(sql`vacuum analyze`);
    },
  },
  { name: 'purge-number-searches', everyMs: 15 * 60_000, run: async () => deleteExpiredSearches(await getDb(), { before: new Date() }) },
];

let stop: (() => void) | undefined;

export function startJobs() {
  stop ??= startScheduler(JOBS);
  return stop;
}
