/**
 * Password-guess throttling with exponential backoff, shared by every password check (sign-in,
 * password change). Three keys are counted: the email from one address, the email from anywhere,
 * and the address across emails. A few failures are free; after that each failure makes the key
 * wait twice as long, up to a cap. Backoff delays attempts rather than locking: once the wait is
 * over the right password works, so an attacker cannot keep the real owner out for long (the
 * email-wide key, which an attacker on other addresses also feeds, is capped at a minute).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { loginThrottles } from '@/lib/db/schema';

export const THROTTLE_POLICY = {
  /** One email from one address: the owner mistyping, or a guesser on one address. */
  emailIp: { freeFailures: 3, baseMs: 1_000, maxMs: 15 * 60_000 },
  /** One email from every address: a guesser spreading over many addresses. */
  email: { freeFailures: 10, baseMs: 1_000, maxMs: 60_000 },
  /** One address across emails: password spraying. */
  ip: { freeFailures: 20, baseMs: 1_000, maxMs: 15 * 60_000 },
  /** Failures are forgotten after this long without another. */
  forgetAfterMs: 60 * 60_000,
} as const;

type KeyKind = 'emailIp' | 'email' | 'ip';
export interface ThrottleKey {
  kind: KeyKind;
  key: string;
}

export function throttleKeys(email: string, ip: string | undefined): ThrottleKey[] {
  const normalized = email.trim().toLowerCase();
  const keys: ThrottleKey[] = [{ kind: 'email', key: `email:${normalized}` }];
  if (ip) keys.push({ kind: 'emailIp', key: `email-ip:${normalized}|${ip}` }, { kind: 'ip', key: `ip:${ip}` });
  return keys;
}

/** The wait after the `failures`-th failure in a row: none while free, then doubling to the cap. */
export function backoffMs(kind: KeyKind, failures: number): number {
  const policy = THROTTLE_POLICY[kind];
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(over - 1, 30));
}

/** Milliseconds until every key may try again, or 0 when an attempt may proceed now. */
export async function getWaitRemainingMs(db: Db | Tx, keys: ThrottleKey[], now = new Date()): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db
    .select({ lockedUntil: loginThrottles.lockedUntil })
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, keys.map((item) => item.key)));
  return rows.reduce((remaining, row) => (row.lockedUntil && row.lockedUntil > now ? Math.max(remaining, row.lockedUntil.getTime() - now.getTime()) : remaining), 0);
}

/**
 * Counts a failure on every key, each in one statement: the count restarts when the last failure
 * is older than `forgetAfterMs`, and the next attempt is pushed out by the backoff for the new
 * count. `windowStartedAt` holds the last failure's time.
 */
export async function recordFailure(db: Db | Tx, keys: ThrottleKey[], now = new Date()): Promise<void> {
  for (const key of keys) await countFailure(db, key, now, { unlessWaiting: false });
}

/**
 * Counts the attempt before it is checked, each key in one statement that refuses while the key
 * waits: concurrent guesses cannot all read "no wait" before any of them is counted, so a burst is
 * held to the free attempts like a sequence is. Answers 0 when the attempt may go on (it already
 * counts as a failure: a right answer gives it back with `refundAttempt`), else the wait in ms.
 */
export async function admitAttempt(db: Db | Tx, keys: ThrottleKey[], now = new Date()): Promise<number> {
  for (const key of keys) {
    if (!(await countFailure(db, key, now, { unlessWaiting: true }))) return Math.max(1, await getWaitRemainingMs(db, keys, now));
  }
  return 0;
}

async function countFailure(db: Db | Tx, { kind, key }: ThrottleKey, now: Date, { unlessWaiting }: { unlessWaiting: boolean }): Promise<boolean> {
  const policy = THROTTLE_POLICY[kind];
  const forgetBefore = new Date(now.getTime() - THROTTLE_POLICY.forgetAfterMs).toISOString();
  const nowText = now.toISOString();
  const failures = sql`case when ${loginThrottles.windowStartedAt} < ${forgetBefore}::timestamptz then 1 else ${loginThrottles.failures} + 1 end`;
  // The same doubling as backoffMs, in SQL, on the count this statement writes.
  const waitMs = sql`least(${policy.maxMs}::float8, ${policy.baseMs}::float8 * power(2::float8, least(greatest(${failures} - ${policy.freeFailures} - 1, 0), 30)))`;
  const rows = await db
    .insert(loginThrottles)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: backoffMs(kind, 1) > 0 ? new Date(now.getTime() + backoffMs(kind, 1)) : null })
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures,
        windowStartedAt: sql`${nowText}::timestamptz`,
        lockedUntil: sql`case when ${failures} > ${policy.freeFailures} then ${nowText}::timestamptz + ${waitMs} * interval '1 millisecond' else null end`,
      },
      ...(unlessWaiting ? { setWhere: sql`${loginThrottles.lockedUntil} is null or ${loginThrottles.lockedUntil} <= ${nowText}::timestamptz` } : {}),
    })
    .returning({ key: loginThrottles.key });
  return rows.length > 0;
}

/** A right answer after `admitAttempt`: the email's keys are cleared, and the address key gets its count back. */
export async function refundAttempt(db: Db | Tx, keys: ThrottleKey[]): Promise<void> {
  await clearFailures(db, keys);
  for (const { kind, key } of keys) {
    if (kind !== 'ip') continue;
    const failures = sql`greatest(${loginThrottles.failures} - 1, 0)`;
    await db
      .update(loginThrottles)
      .set({ failures, lockedUntil: sql`case when ${failures} > ${THROTTLE_POLICY.ip.freeFailures} then ${loginThrottles.lockedUntil} else null end` })
      .where(eq(loginThrottles.key, key));
  }
}

/** A right password clears the email's keys; the address key stays, so one good account cannot reset a sprayer's count. */
export async function clearFailures(db: Db | Tx, keys: ThrottleKey[]): Promise<void> {
  const cleared = keys.filter((item) => item.kind !== 'ip').map((item) => item.key);
  if (cleared.length > 0) await db.delete(loginThrottles).where(inArray(loginThrottles.key, cleared));
}

export function waitText(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
