import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { apiIdempotencyKeys } from '@/lib/db/schema';
import { rowsOf } from '@/lib/db/rows';

type Executor = Db | Tx;

export interface BucketSpec {
  bucket: string;
  perSecond: number;
  burst: number;
}

/**
 * Takes one token from each bucket in one statement (refilled for the time since its last use,
 * capped at its burst); a bucket without a whole token gives none and says so. Answers each
 * bucket's tokens left and whether it gave one.
 */
export async function takeRateTokens(db: Executor, specs: readonly BucketSpec[]): Promise<{ bucket: string; tokens: number; allowed: boolean }[]> {
  const values = sql.join(
    specs.map((spec) => sql`(${spec.bucket}, ${spec.burst - 1}::double precision, now(), true, ${spec.perSecond}::double precision, ${spec.burst}::double precision)`),
    sql`, `,
  );
  // Asynchronous commit for this statement's transaction alone: a crash may forget the last few
  // hundred milliseconds of token counts (callers get those tokens again), and no request waits on
  // a WAL flush, the largest cost of an API key's request on a PostgreSQL server.
  const rows = await db.execute(sql`
    with spec(bucket, tokens, updated_at, allowed, per_second, burst) as (values ${values})
    insert into api_rate_buckets as b (bucket, tokens, updated_at, allowed)
    select bucket, tokens, updated_at, allowed from spec
    where (select set_config('synchronous_commit', 'off', true)) is not null
    on conflict (bucket) do update set
      tokens = (
        select case when refilled >= 1 then refilled - 1 else refilled end
        from (select least(s.burst, b.tokens + greatest(0, extract(epoch from (now() - b.updated_at))) * s.per_second) as refilled
              from spec s where s.bucket = b.bucket) r
      ),
      allowed = (
        select least(s.burst, b.tokens + greatest(0, extract(epoch from (now() - b.updated_at))) * s.per_second) >= 1
        from spec s where s.bucket = b.bucket
      ),
      updated_at = now()
    returning b.bucket, b.tokens, b.allowed`);
  return rowsOf<{ bucket: string; tokens: number; allowed: boolean }>(rows).map((row) => ({ bucket: row.bucket, tokens: Number(row.tokens), allowed: Boolean(row.allowed) }));
}

export async function getRateBucketTokens(db: Executor, { buckets }: { buckets: string[] }) {
  const rows = await db.execute(
    sql`select bucket, tokens, updated_at from api_rate_buckets where bucket in (${sql.join(buckets.map((bucket) => sql`${bucket}`), sql`, `)})`,
  );
  return rowsOf<{ bucket: string; tokens: number; updated_at: string }>(rows).map((row) => ({ bucket: row.bucket, tokens: Number(row.tokens), updatedAt: new Date(row.updated_at) }));
}

/** Claims an idempotency key for a first request; undefined when the key is already held. */
export async function claimIdempotencyKey(db: Executor, values: { principal: string; key: string; requestHash: string }) {
  const [row] = await db.insert(apiIdempotencyKeys).values(values).onConflictDoNothing().returning();
  return row;
}

export async function getIdempotencyKey(db: Executor, { principal, key }: { principal: string; key: string }) {
  const [row] = await db
    .select()
    .from(apiIdempotencyKeys)
    .where(and(eq(apiIdempotencyKeys.principal, principal), eq(apiIdempotencyKeys.key, key)))
    .limit(1);
  return row;
}

export async function completeIdempotencyKey(db: Executor, values: { principal: string; key: string; status: number; body: unknown }) {
  await db
    .update(apiIdempotencyKeys)
    .set({ status: values.status, body: values.body ?? null })
    .where(and(eq(apiIdempotencyKeys.principal, values.principal), eq(apiIdempotencyKeys.key, values.key)));
}

/** Releases the key; with `claimedAt`, only that claim (another request may have claimed it since). */
export async function releaseIdempotencyKey(db: Executor, { principal, key, claimedAt }: { principal: string; key: string; claimedAt?: Date }) {
  await db
    .delete(apiIdempotencyKeys)
    .where(and(eq(apiIdempotencyKeys.principal, principal), eq(apiIdempotencyKeys.key, key), claimedAt ? eq(apiIdempotencyKeys.createdAt, claimedAt) : undefined));
}

/** Up to `limit` answers created before `before` (a short statement: housekeeping loops over batches). */
export async function deleteIdempotencyKeysBefore(db: Executor, { before, limit }: { before: Date; limit: number }): Promise<number> {
  const rows = await db.execute(sql`
    delete from api_idempotency_keys
    where (principal, key) in (select principal, key from api_idempotency_keys where created_at < ${before.toISOString()}::timestamptz limit ${limit})
    returning 1`);
  return rowsOf(rows).length;
}

/**
 * Up to `limit` buckets untouched since `before`: a bucket idle that long has refilled to its burst,
 * which is what a missing row stands for. The outer condition is checked again on a row a request
 * refilled meanwhile, so a bucket in use is never reset.
 */
export async function deleteRateBucketsIdleSince(db: Executor, { before, limit }: { before: Date; limit: number }): Promise<number> {
  const rows = await db.execute(sql`
    delete from api_rate_buckets
    where updated_at < ${before.toISOString()}::timestamptz
      and bucket in (select bucket from api_rate_buckets where updated_at < ${before.toISOString()}::timestamptz limit ${limit})
    returning 1`);
  return rowsOf(rows).length;
}
