import 'server-only';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, memberships, signInChallenges, userRecoveryCodes, users, userTwoFactor } from '@/lib/db/schema';

type Executor = Db | Tx;

export async function getTwoFactorByUser(db: Executor, { userId }: { userId: string }) {
  const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, userId)).limit(1);
  return row;
}

/** Starts (or restarts) enrolment with a new sealed secret; undefined when 2FA is already on. */
export async function upsertPendingTwoFactor(db: Executor, { userId, secretSealed, pendingSessionId }: { userId: string; secretSealed: string; pendingSessionId: string | null }) {
  const [row] = await db
    .insert(userTwoFactor)
    .values({ userId, secretSealed, pendingSessionId })
    .onConflictDoUpdate({ target: userTwoFactor.userId, set: { secretSealed, pendingSessionId, lastTimeStep: null, updatedAt: new Date() }, setWhere: isNull(userTwoFactor.enabledAt) })
    .returning();
  return row;
}

/** Turns pending enrolment on with the step of the code that confirmed it; false when it was not pending. */
export async function enableTwoFactor(db: Executor, { userId, timeStep }: { userId: string; timeStep: number }): Promise<boolean> {
  const rows = await db
    .update(userTwoFactor)
    .set({ enabledAt: new Date(), lastTimeStep: timeStep, pendingSessionId: null, updatedAt: new Date() })
    .where(and(eq(userTwoFactor.userId, userId), isNull(userTwoFactor.enabledAt)))
    .returning({ userId: userTwoFactor.userId });
  return rows.length > 0;
}

/**
 * Records the step of an accepted code, only if it is newer than the last one: of two requests
 * racing with the same code, one wins.
 */
export async function advanceTwoFactorTimeStep(db: Executor, { userId, timeStep }: { userId: string; timeStep: number }): Promise<boolean> {
  const rows = await db
    .update(userTwoFactor)
    .set({ lastTimeStep: timeStep, updatedAt: new Date() })
    .where(and(eq(userTwoFactor.userId, userId), or(isNull(userTwoFactor.lastTimeStep), lt(userTwoFactor.lastTimeStep, timeStep))))
    .returning({ userId: userTwoFactor.userId });
  return rows.length > 0;
}

export async function deleteTwoFactor(db: Executor, { userId }: { userId: string }): Promise<void> {
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
  await db.delete(userTwoFactor).where(eq(userTwoFactor.userId, userId));
}

export async function replaceRecoveryCodes(db: Executor, { userId, codeHashes }: { userId: string; codeHashes: string[] }): Promise<void> {
  await db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
  if (codeHashes.length > 0) await db.insert(userRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Uses up an unused recovery code; false when it is unknown or already used. */
export async function spendRecoveryCode(db: Executor, { userId, codeHash }: { userId: string; codeHash: string }): Promise<boolean> {
  const rows = await db
    .update(userRecoveryCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(userRecoveryCodes.userId, userId), eq(userRecoveryCodes.codeHash, codeHash), isNull(userRecoveryCodes.usedAt)))
    .returning({ id: userRecoveryCodes.id });
  return rows.length > 0;
}

export async function countUnusedRecoveryCodes(db: Executor, { userId }: { userId: string }): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(userRecoveryCodes)
    .where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
  return row?.count ?? 0;
}

const memberAccount = alias(accounts, 'member_account');

/**
 * The accounts whose "require 2FA" policy covers the user: an account they are a member of, or
 * one above it (a policy covers its subtree). Empty when none does.
 */
export async function getTwoFactorPolicyAccountsByUser(db: Executor, { userId }: { userId: string }): Promise<{ id: string; name: string }[]> {
  return db
    .selectDistinct({ id: accounts.id, name: accounts.name })
    .from(memberships)
    .innerJoin(memberAccount, eq(memberAccount.id, memberships.accountId))
    .innerJoin(accounts, sql`${accounts.id} = any(string_to_array(trim(both '/' from ${memberAccount.path}), '/')::uuid[])`)
    .where(and(eq(memberships.userId, userId), eq(accounts.requireTwoFactor, true)))
    .orderBy(accounts.name);
}

/** Whether the user has 2FA on, and whether a policy says they must: one round trip, asked once per request. */
/**
 * Whether a user has 2FA on, and whether an account they belong to (or one above it) requires it,
 * as columns of a select from `users` (the session read takes them too, so a page needs no second
 * query). Spelled out: drizzle leaves columns unqualified inside a select's sql, and these
 * subqueries need the outer users.id.
 */
export const twoFactorStandingColumns = {
  twoFactorEnabled: sql<boolean>`exists (select 1 from user_two_factor tf where tf.user_id = users.id and tf.enabled_at is not null)`,
  twoFactorRequiredByPolicy: sql<boolean>`exists (
    select 1 from memberships m
    join accounts member_account on member_account.id = m.account_id
    join accounts policy_account on policy_account.id = any(string_to_array(trim(both '/' from member_account.path), '/')::uuid[])
    where m.user_id = users.id and policy_account.require_two_factor)`,
};

export async function getTwoFactorStandingByUser(db: Executor, { userId }: { userId: string }): Promise<{ enabled: boolean; requiredByPolicy: boolean }> {
  const [row] = await db.select(twoFactorStandingColumns).from(users).where(eq(users.id, userId)).limit(1);
  return { enabled: Boolean(row?.twoFactorEnabled), requiredByPolicy: Boolean(row?.twoFactorRequiredByPolicy) };
}

export async function insertSignInChallenge(db: Executor, values: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insert(signInChallenges).values(values);
}

export async function getLiveSignInChallenge(db: Executor, { tokenHash, now }: { tokenHash: string; now: Date }) {
  const [row] = await db
    .select()
    .from(signInChallenges)
    .where(and(eq(signInChallenges.tokenHash, tokenHash), isNull(signInChallenges.consumedAt), gt(signInChallenges.expiresAt, now)))
    .limit(1);
  return row;
}

/**
 * Counts an attempt on a live challenge before its code is checked, in one statement, so parallel
 * guesses share its `maxAttempts`; answers the attempt's number, or undefined when the challenge
 * is used up, expired, or out of attempts.
 */
export async function takeSignInChallengeAttempt(db: Executor, { challengeId, maxAttempts, now }: { challengeId: string; maxAttempts: number; now: Date }): Promise<number | undefined> {
  const [row] = await db
    .update(signInChallenges)
    .set({ failedAttempts: sql`${signInChallenges.failedAttempts} + 1` })
    .where(and(eq(signInChallenges.id, challengeId), isNull(signInChallenges.consumedAt), gt(signInChallenges.expiresAt, now), lt(signInChallenges.failedAttempts, maxAttempts)))
    .returning({ attempts: signInChallenges.failedAttempts });
  return row?.attempts;
}

/** Uses up the challenge; false when another request already did. */
export async function consumeSignInChallenge(db: Executor, { challengeId }: { challengeId: string }): Promise<boolean> {
  const rows = await db
    .update(signInChallenges)
    .set({ consumedAt: new Date() })
    .where(and(eq(signInChallenges.id, challengeId), isNull(signInChallenges.consumedAt)))
    .returning({ id: signInChallenges.id });
  return rows.length > 0;
}

export async function deleteExpiredSignInChallenges(db: Executor, { before }: { before: Date }): Promise<void> {
  await db.delete(signInChallenges).where(lt(signInChallenges.expiresAt, before));
}

export async function updateAccountRequireTwoFactor(db: Executor, { accountId, required }: { accountId: string; required: boolean }): Promise<void> {
  await db.update(accounts).set({ requireTwoFactor: required, updatedAt: new Date() }).where(eq(accounts.id, accountId));
}
