/**
 * The one password check: sign-in and every other place that asks for a password go through it,
 * so they share the backoff of throttle.ts. An unknown email costs the same argon2 verify as a
 * known one and answers the same.
 */
import { verify } from '@node-rs/argon2';
import type { Db } from '@/lib/db/client';
import type { User } from '@/lib/db/schema';
import { getUserByEmail } from '@/lib/db/queries/users';
import { admitAttempt, refundAttempt, throttleKeys } from './throttle';

/** Verified against when the email is unknown, so both paths cost the same and say the same. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Q4/+l0QPSigKmX9sWZEbFg$hhX5FWMbit1pSZiA7Pat5vrGvsIPa6XCKhSAFeJ8jrY';

export type PasswordCheck = { ok: true; user: User } | { ok: false; reason: 'throttled'; waitMs: number } | { ok: false; reason: 'invalid' };

export async function checkPassword(db: Db, { email, password, ip }: { email: string; password: string; ip: string | undefined }): Promise<PasswordCheck> {
  const keys = throttleKeys(email, ip);
  // Counted before the hash is checked, so parallel guesses are held to the backoff too.
  const waitMs = await admitAttempt(db, keys);
  if (waitMs > 0) return { ok: false, reason: 'throttled', waitMs };

  const user = await getUserByEmail(db, { email });
  const valid = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
  if (!user || !valid || user.disabledAt) return { ok: false, reason: 'invalid' };
  await refundAttempt(db, keys);
  return { ok: true, user };
}
