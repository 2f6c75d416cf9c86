import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withIdempotency } from '@/lib/api/idempotency';
import { takeApiToken, apiRateLimits } from '@/lib/api/rate-limit';
import { apiIdempotencyKeys, apiRateBuckets } from '@/lib/db/schema';
import { JOBS } from '@/lib/jobs';
import { purgeApiLeftovers } from '@/lib/services/api-housekeeping';
import { useTestDatabase } from '../support/db';

const HOUR_MS = 60 * 60 * 1000;

describe('API housekeeping: old idempotency answers and idle rate buckets go, in batches', () => {
  const test = useTestDatabase();
  const now = new Date();
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);

  it('is scheduled as a job', () => {
    expect(JOBS.find((job) => job.name === 'purge-api-leftovers')).toMatchObject({ cron: expect.any(String) });
  });

  it('deletes answers older than 24 hours and keeps younger ones, finishing what a bounded run left', async () => {
    await test.db.delete(apiIdempotencyKeys);
    const old = Array.from({ length: 7 }, (_, index) => ({ principal: 'key:old', key: `old-${index}`, requestHash: 'h', status: 201, body: { n: index }, createdAt: hoursAgo(25 + index) }));
    const young = [
      { principal: 'key:young', key: 'young-1', requestHash: 'h', status: 201, body: null, createdAt: hoursAgo(23) },
      // Still in flight (no answer yet) and young: it must stay, or a retry would run the request twice.
      { principal: 'key:young', key: 'young-2', requestHash: 'h', status: null, body: null, createdAt: hoursAgo(1) },
    ];
    await test.db.insert(apiIdempotencyKeys).values([...old, ...young]);

    // 2 batches of 3: six go now, the seventh on the next run.
    expect(await purgeApiLeftovers(now, { batchSize: 3, maxBatches: 2 })).toMatchObject({ idempotencyKeys: 6 });
    expect((await test.db.select().from(apiIdempotencyKeys)).map((row) => row.key).sort()).toHaveLength(3);
    expect(await purgeApiLeftovers(now, { batchSize: 3, maxBatches: 2 })).toMatchObject({ idempotencyKeys: 1 });
    expect((await test.db.select().from(apiIdempotencyKeys)).map((row) => row.key).sort()).toEqual(['young-1', 'young-2']);
    expect(await purgeApiLeftovers(now)).toEqual({ idempotencyKeys: 0, rateBuckets: 0 });
  });

  it('a purged answer no longer replays: the same key runs the request again', async () => {
    await test.db.delete(apiIdempotencyKeys);
    let runs = 0;
    const call = () => withIdempotency(test.db, { principal: 'key:replay', key: 'k1', fingerprint: 'f' }, async () => ({ status: 201, body: { run: ++runs } }));
    expect(await call()).toMatchObject({ replayed: false, body: { run: 1 } });
    expect(await call()).toMatchObject({ replayed: true, body: { run: 1 } });
    await test.db.execute(sql`update api_idempotency_keys set created_at = now() - interval '25 hours'`);
    expect(await purgeApiLeftovers(now)).toMatchObject({ idempotencyKeys: 1 });
    expect(await call()).toMatchObject({ replayed: false, body: { run: 2 } });
  });

  it('deletes rate buckets idle for more than a day, keeps those in use, and a deleted bucket counts as full', async () => {
    await test.db.delete(apiRateBuckets);
    const accountId = '11111111-1111-4111-8111-111111111111';
    const keyId = '22222222-2222-4222-8222-222222222222';
    // A bucket just drained by a request, and five left idle for two days.
    await takeApiToken(test.db, { keyId, accountId });
    await test.db.insert(apiRateBuckets).values(Array.from({ length: 5 }, (_, index) => ({ bucket: `key:idle-${index}`, tokens: 0, updatedAt: hoursAgo(48 + index) })));
    await test.db.insert(apiRateBuckets).values({ bucket: 'key:recent', tokens: 0, updatedAt: hoursAgo(23) });

    expect(await purgeApiLeftovers(now, { batchSize: 2 })).toMatchObject({ rateBuckets: 5 });
    expect((await test.db.select().from(apiRateBuckets)).map((row) => row.bucket).sort()).toEqual([`account:${accountId}`, `key:${keyId}`, 'key:recent'].sort());

    // The next request on a purged bucket starts from a full burst, as the idle bucket would have.
    await test.db.execute(sql`update api_rate_buckets set updated_at = now() - interval '2 days' where bucket = ${`key:${keyId}`}`);
    expect(await purgeApiLeftovers(new Date())).toMatchObject({ rateBuckets: 1 });
    const state = await takeApiToken(test.db, { keyId, accountId });
    const limits = apiRateLimits();
    const [keyBucket] = await test.db.select().from(apiRateBuckets).where(sql`bucket = ${`key:${keyId}`}`);
    expect(keyBucket!.tokens).toBe(limits.key.burst - 1);
    expect(state.remaining).toBeLessThanOrEqual(limits.key.burst - 1);
  });
});
