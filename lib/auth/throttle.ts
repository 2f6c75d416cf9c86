/**
 * Sign-in throttling per email and per IP: after too many failures in a window the key is locked
 * for a while, and the user is told how long, without saying whether the email exists.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { loginThrottles } from '@/lib/db/schema';

export const THROTTLE_POLICY = {
  email: { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  ip: { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const;

type KeyKind = keyof typeof THROTTLE_POLICY;

export function throttleKeys(email: string, ip: string | undefined): { kind: KeyKind; key: string }[] {
  const keys: { kind: KeyKind; key: string }[] = [{ kind: 'email', key: `email:${email.trim().toLowerCase()}` }];
  if (ip) keys.push({ kind: 'ip', key: `ip:${ip}` });
  return keys;
}

/** Milliseconds until the longest lock among the keys ends, or 0 when sign-in may proceed. */
export async function getLockRemainingMs(db: Db, keys: { key: string }[], now = new Date()): Promise<number> {
  let remaining = 0;
  for (const { key } of keys) {
    const [row] = await db.select().from(loginThrottles).where(eq(loginThrottles.key, key)).limit(1);
    if (row?.lockedUntil && row.lockedUntil > now) remaining = Math.max(remaining, row.lockedUntil.getTime() - now.getTime());
  }
  return remaining;
}

/** Counts a failure on every key in one statement each, so concurrent attempts cannot slip past. */
export async function recordFailure(db: Db, keys: { kind: KeyKind; key: string }[], now = new Date()): Promise<void> {
  for (const { kind, key } of keys) {
    const policy = THROTTLE_POLICY[kind];
    const windowStart = new Date(now.getTime() - policy.windowMs).toISOString();
    const nowText = now.toISOString();
    const lockUntil = new Date(now.getTime() + policy.lockMs);
    await db
      .insert(loginThrottles)
      .values({ key, failures: 1, windowStartedAt: now })
      .onConflictDoUpdate({
        target: loginThrottles.key,
        set: {
          failures: sql`case when ${loginThrottles.windowStartedAt} < ${windowStart}::timestamptz then 1 else ${loginThrottles.failures} + 1 end`,
          windowStartedAt: sql`case when ${loginThrottles.windowStartedAt} < ${windowStart}::timestamptz then ${nowText}::timestamptz else ${loginThrottles.windowStartedAt} end`,
        },
      });
    await db
      .update(loginThrottles)
      .set({ lockedUntil: lockUntil, failures: 0, windowStartedAt: now })
      .where(sql`${loginThrottles.key} = ${key} and ${loginThrottles.failures} >= ${policy.maxFailures}`);
  }
}

export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, `email:${email.trim().toLowerCase()}`));
}

export function minutesText(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
