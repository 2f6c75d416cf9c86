import type { AccountAccess, SessionUser } from '@/lib/auth/access';
import { startUserSession } from '@/lib/auth/sessions';
import { newTotpSecret } from '@/lib/auth/totp';
import type { Db } from '@/lib/db/client';
import { userTwoFactor } from '@/lib/db/schema';
import { sealSecret } from '@/lib/services/secret-box';

/** Turns 2FA on for a user directly (no enrolment flow), answering the secret to compute codes with. */
export async function enableTwoFactorFor(db: Db, userId: string): Promise<string> {
  const secret = newTotpSecret();
  await db
    .insert(userTwoFactor)
    .values({ userId, secretSealed: sealSecret(secret), enabledAt: new Date() })
    .onConflictDoUpdate({ target: userTwoFactor.userId, set: { secretSealed: sealSecret(secret), enabledAt: new Date(), lastTimeStep: null } });
  return secret;
}

/** The same access in a sign-in session that has just confirmed an authenticator code (step-up passed). */
export async function steppedUp(db: Db, access: AccountAccess, at = new Date()): Promise<AccountAccess> {
  if (access.actor.kind !== 'user') throw new Error('only a user steps up');
  await enableTwoFactorFor(db, access.actor.user.id);
  const sessionId = await startUserSession(db, { userId: access.actor.user.id, secondFactorAt: at });
  const user: SessionUser = { ...access.actor.user, sessionId };
  return { ...access, user, actor: { kind: 'user', user } };
}
