import 'server-only';
import type { Db } from '@/lib/db/client';
import { getRateBucketTokens, takeRateTokens } from '@/lib/db/queries/api-requests';
import { getEnv, type RateLimit } from '@/lib/env';
import { AppError } from '@/lib/errors';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until a request would be allowed again (0 while tokens are left) or the bucket is full. */
  resetSeconds: number;
}

const keyBucket = (keyId: string) => `key:${keyId}`;
const accountBucket = (accountId: string) => `account:${accountId}`;

export function apiRateLimits(): { key: RateLimit; account: RateLimit } {
  return getEnv().apiRateLimits;
}

/**
 * One token from the key's bucket and one from its account's (shared by all the account's keys),
 * in PostgreSQL so every app instance counts together. Throws `rate_limited:api` (429, with the
 * seconds to wait) when either is empty; answers the tighter bucket's state for the headers.
 */
export async function takeApiToken(db: Db, { keyId, accountId }: { keyId: string; accountId: string }): Promise<RateLimitState> {
  const limits = apiRateLimits();
  const rows = await takeRateTokens(db, [
    { bucket: keyBucket(keyId), ...limits.key },
    { bucket: accountBucket(accountId), ...limits.account },
  ]);
  const states = rows.map((row) => {
    const limit = row.bucket.startsWith('key:') ? limits.key : limits.account;
    const remaining = Math.max(0, Math.floor(row.tokens));
    const resetSeconds = row.allowed ? Math.ceil((limit.burst - row.tokens) / limit.perSecond) : Math.ceil((1 - row.tokens) / limit.perSecond);
    return { allowed: row.allowed, state: { limit: limit.burst, remaining, resetSeconds: Math.max(0, resetSeconds) } };
  });
  const refused = states.find((item) => !item.allowed);
  if (refused) {
    const which = rows[states.indexOf(refused)]!.bucket.startsWith('key:') ? 'this API key' : 'this account';
    throw new AppError('rate_limited:api', `Rate limit reached for ${which}: wait ${Math.max(1, refused.state.resetSeconds)} s and retry.`, {
      retryAfterMs: Math.max(1, refused.state.resetSeconds) * 1000,
      rateLimit: refused.state,
    });
  }
  return states.map((item) => item.state).sort((a, b) => a.remaining - b.remaining)[0]!;
}

/** What the key's page shows: its limits and how full each bucket is now. */
export async function describeApiKeyLimits(db: Db, { keyId, accountId }: { keyId: string; accountId: string }) {
  const limits = apiRateLimits();
  const rows = await getRateBucketTokens(db, { buckets: [keyBucket(keyId), accountBucket(accountId)] });
  const now = Date.now();
  const level = (bucket: string, limit: RateLimit) => {
    const row = rows.find((item) => item.bucket === bucket);
    if (!row) return limit.burst;
    return Math.floor(Math.min(limit.burst, row.tokens + ((now - row.updatedAt.getTime()) / 1000) * limit.perSecond));
  };
  return {
    key: { ...limits.key, available: level(keyBucket(keyId), limits.key) },
    account: { ...limits.account, available: level(accountBucket(accountId), limits.account) },
  };
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
    ratelimit: `limit=${state.limit}, remaining=${state.remaining}, reset=${state.resetSeconds}`,
  };
}
