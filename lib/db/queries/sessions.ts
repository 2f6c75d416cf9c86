import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { userSessions, users } from '@/lib/db/schema';
import { twoFactorStandingColumns } from './two-factor';

type Executor = Db | Tx;

export async function insertUserSession(
  db: Executor,
  values: { id: string; userId: string; expiresAt: Date; ip?: string; userAgent?: string; secondFactorAt?: Date },
): Promise<void> {
  await db.insert(userSessions).values({ ...values, userAgent: values.userAgent?.slice(0, 300) });
}

/**
 * The user behind a live session: not revoked, within its absolute lifetime, and seen within the
 * idle window, with the user's 2FA standing. One query, since it runs on every request.
 */
export async function getUserBySessionId(db: Executor, { sessionId, idleSince }: { sessionId: string; idleSince: Date }) {
  const [row] = await db
    .select({ user: users, session: { id: userSessions.id, lastSeenAt: userSessions.lastSeenAt }, twoFactor: twoFactorStandingColumns })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        isNull(userSessions.revokedAt),
        sql`${userSessions.expiresAt} > now()`,
        sql`${userSessions.lastSeenAt} > ${idleSince.toISOString()}::timestamptz`,
      ),
    )
    .limit(1);
  return row;
}

/** Whether the session is still signed in (not signed out, ended or expired) and its user not disabled. */
export async function isSessionLive(db: Executor, { sessionId }: { sessionId: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: userSessions.id })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt), sql`${userSessions.expiresAt} > now()`, isNull(users.disabledAt)))
    .limit(1);
  return Boolean(row);
}

/** Moves the idle clock; callers skip it while the last touch is recent, so most requests write nothing. */
export async function touchUserSession(db: Executor, { sessionId }: { sessionId: string }): Promise<void> {
  await db.update(userSessions).set({ lastSeenAt: new Date() }).where(eq(userSessions.id, sessionId));
}

export async function revokeUserSession(db: Executor, { sessionId }: { sessionId: string }): Promise<void> {
  await db.update(userSessions).set({ revokedAt: new Date() }).where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/** Ends every session of a user, except `keepSessionId` (the one changing its own password). */
export async function revokeUserSessionsByUser(db: Executor, { userId, keepSessionId }: { userId: string; keepSessionId?: string }): Promise<number> {
  const revoked = await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        keepSessionId ? sql`${userSessions.id} <> ${keepSessionId}` : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return revoked.length;
}

/** The customer account a live session of operator staff is acting as, if any. */
export async function getActingAsBySession(db: Executor, { sessionId }: { sessionId: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ accountId: userSessions.actingAsAccountId })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)))
    .limit(1);
  return row?.accountId ?? undefined;
}

/** Sets (or, with null, clears) what the session acts as; false when the session is not the user's live one. */
export async function setActingAsBySession(db: Executor, { sessionId, userId, accountId }: { sessionId: string; userId: string; accountId: string | null }): Promise<boolean> {
  const rows = await db
    .update(userSessions)
    .set({ actingAsAccountId: accountId })
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.length > 0;
}

/** Records that the session's user has just confirmed an authenticator code (step-up); false when the session is not theirs or ended. */
export async function stampSecondFactorBySession(db: Executor, { sessionId, userId, at }: { sessionId: string; userId: string; at: Date }): Promise<boolean> {
  const rows = await db
    .update(userSessions)
    .set({ secondFactorAt: at })
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.length > 0;
}

/** When the user's live session last confirmed a code, if ever. */
export async function getSecondFactorAtBySession(db: Executor, { sessionId, userId }: { sessionId: string; userId: string }): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: userSessions.secondFactorAt })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .limit(1);
  return row?.at ?? undefined;
}
