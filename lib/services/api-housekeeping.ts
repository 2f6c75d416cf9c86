import 'server-only';
import { purgeIdempotencyKeys } from '@/lib/api/idempotency';
import { getDb } from '@/lib/db/client';
import { deleteRateBucketsIdleSince } from '@/lib/db/queries/api-requests';

/** A bucket untouched this long has refilled to its burst at any configurable rate (≥ 1 token a day). */
export const RATE_BUCKET_IDLE_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes in statements of `batchSize` rows, so no single statement holds many row locks or runs
 * long beside the API's own writes to these tables; `maxBatches` bounds one run (the next hourly
 * run goes on where it stopped).
 */
export async function purgeApiLeftovers(now = new Date(), { batchSize = 1000, maxBatches = 100 }: { batchSize?: number; maxBatches?: number } = {}) {
  const db = await getDb();
  const drain = async (deleteBatch: () => Promise<number>) => {
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < batchSize) break;
    }
    return total;
  };
  const idempotencyKeys = await drain(() => purgeIdempotencyKeys(db, now, batchSize));
  const idleBefore = new Date(now.getTime() - RATE_BUCKET_IDLE_MS);
  const rateBuckets = await drain(() => deleteRateBucketsIdleSince(db, { before: idleBefore, limit: batchSize }));
  return { idempotencyKeys, rateBuckets };
}
