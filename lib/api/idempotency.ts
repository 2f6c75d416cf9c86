import 'server-only';
import { createHash } from 'node:crypto';
import type { Db } from '@/lib/db/client';
import { claimIdempotencyKey, completeIdempotencyKey, deleteIdempotencyKeysBefore, getIdempotencyKey, releaseIdempotencyKey } from '@/lib/db/queries/api-requests';
import { AppError } from '@/lib/errors';

/** How long an answer is kept for its key (as Stripe: 24 hours). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * A claim whose request never answered (the process died mid-request) is given up after this, so
 * the caller's retry runs instead of hearing "still being processed" for a day. Requests here
 * answer in seconds; the writes that matter (orders) have idempotency of their own below this.
 */
export const IDEMPOTENCY_CLAIM_LEASE_MS = 5 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export function requestFingerprint(method: string, url: URL, rawBody: string): string {
  return createHash('sha256').update(`${method} ${url.pathname}${url.search}\n${rawBody}`).digest('hex');
}

/**
 * Runs `run` once per (caller, Idempotency-Key): the first request runs and its answer is kept; the
 * same key with the same request answers the kept answer (`replayed`); with a different request,
 * 422; while the first is still running, 409. A failure on our side (5xx) is not kept, so the
 * caller can retry with the same key.
 */
export async function withIdempotency(
  db: Db,
  { principal, key, fingerprint }: { principal: string; key: string; fingerprint: string },
  run: () => Promise<StoredAnswer>,
  /** What of the answer is kept for replays, when not all of it may be stored (a secret). */
  keptBody: (body: unknown) => unknown = (body) => body,
): Promise<StoredAnswer & { replayed: boolean }> {
  if (!KEY_PATTERN.test(key)) {
    throw new AppError('invalid:idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters (a UUID is a good choice).', { fieldErrors: { 'Idempotency-Key': ['1–255 visible ASCII characters'] } });
  }
  let claimed = await claimIdempotencyKey(db, { principal, key, requestHash: fingerprint });
  if (!claimed) {
    const held = await getIdempotencyKey(db, { principal, key });
    const age = held ? Date.now() - held.createdAt.getTime() : 0;
    if (held && (age > IDEMPOTENCY_WINDOW_MS || (held.status === null && age > IDEMPOTENCY_CLAIM_LEASE_MS))) {
      await releaseIdempotencyKey(db, { principal, key, claimedAt: held.createdAt });
      claimed = await claimIdempotencyKey(db, { principal, key, requestHash: fingerprint });
    } else if (held) {
      if (held.requestHash !== fingerprint) {
        throw new AppError('unprocessable:idempotency_key', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
      }
      if (held.status === null) throw new AppError('conflict:idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry in a moment.');
      return { status: held.status, body: held.body, replayed: true };
    }
    if (!claimed) throw new AppError('conflict:idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry in a moment.');
  }
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (error) {
    await releaseIdempotencyKey(db, { principal, key });
    throw error;
  }
  if (answer.status >= 500) await releaseIdempotencyKey(db, { principal, key });
  else await completeIdempotencyKey(db, { principal, key, status: answer.status, body: keptBody(answer.body) });
  return { ...answer, replayed: false };
}

/** Housekeeping: up to `limit` answers past their 24 hours (lib/services/api-housekeeping.ts loops). */
export async function purgeIdempotencyKeys(db: Db, now = new Date(), limit = 1000): Promise<number> {
  return deleteIdempotencyKeysBefore(db, { before: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS), limit });
}
