/**
 * Server-side sign-in sessions. The session cookie (an Auth.js JWT) carries only a session id;
 * the `user_sessions` row decides on every request whether it still holds: not signed out, not
 * ended by a password change or by removal, within its absolute lifetime and its idle window.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '@/lib/db/client';
import { getUserBySessionId, insertUserSession, revokeUserSession, revokeUserSessionsByUser, touchUserSession } from '@/lib/db/queries/sessions';
import { getEnv } from '@/lib/env';

/** The idle clock moves at most this often, so a busy session writes once a minute, not per request. */
const TOUCH_INTERVAL_MS = 60_000;

/** `secondFactorAt`: the session starts with an authenticator code just confirmed (the sign-in's second step). */
export async function startUserSession(db: Db, { userId, ip, userAgent, secondFactorAt }: { userId: string; ip?: string; userAgent?: string; secondFactorAt?: Date }): Promise<string> {
  const sessionId = randomBytes(32).toString('base64url');
  await insertUserSession(db, { id: sessionId, userId, expiresAt: new Date(Date.now() + getEnv().sessionMaxAgeSeconds * 1000), ip, userAgent, secondFactorAt });
  return sessionId;
}

/** The user a session id stands for, with their 2FA standing, or undefined when the session no longer holds. */
export async function getLiveSessionUser(db: Db, sessionId: string | undefined, now = new Date()) {
  if (!sessionId || !/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return undefined;
  const row = await getUserBySessionId(db, { sessionId, idleSince: new Date(now.getTime() - getEnv().sessionIdleSeconds * 1000) });
  if (!row || row.user.disabledAt) return undefined;
  if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchUserSession(db, { sessionId });
  return { ...row.user, twoFactor: { enabled: Boolean(row.twoFactor.twoFactorEnabled), requiredByPolicy: Boolean(row.twoFactor.twoFactorRequiredByPolicy) } };
}

export async function endUserSession(db: Db, sessionId: string | undefined): Promise<void> {
  if (sessionId) await revokeUserSession(db, { sessionId });
}

/** Ends every session of a user (removed from an account, password changed), optionally but one. */
export async function endUserSessions(db: Db, userId: string, keepSessionId?: string): Promise<number> {
  return revokeUserSessionsByUser(db, { userId, keepSessionId });
}
