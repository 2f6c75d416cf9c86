import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { accounts, type Account } from '@/lib/db/schema';
import { getAccountById, getSiblingByName } from '@/lib/db/queries/accounts';
import { AppError } from '@/lib/errors';
import type { accountLimitsSchema } from '@/lib/validations/account';
import { recordAudit } from './audit';

export const MAX_ACCOUNT_DEPTH = 8;

type Limits = z.output<typeof accountLimitsSchema>;

function limitsOf(account: Account) {
  return {
    maxConcurrentCalls: account.maxConcurrentCalls,
    maxCallsPerSecond: account.maxCallsPerSecond,
    monthlySpendCap: account.monthlySpendCap,
    internationalAllowed: account.internationalAllowed,
    requireE911ForRouting: account.requireE911ForRouting,
  };
}

function nameTaken(): never {
  throw new AppError('conflict:account_name', 'Another sub-account here already has that name.', {
    fieldErrors: { name: ['Another sub-account here already has that name'] },
  });
}

/** Creates a sub-account under the account `access` is for (the parent). */
export async function createSubAccount(access: AccountAccess, input: { name: string } & Limits): Promise<Account> {
  assertCan(access, 'subaccounts.manage');
  const parent = access.account;
  if (parent.depth + 1 > MAX_ACCOUNT_DEPTH) {
    throw new AppError('invalid:depth', `Sub-accounts can be nested at most ${MAX_ACCOUNT_DEPTH} levels deep.`);
  }
  const db = await getDb();
  return db.transaction(async (tx) => {
    if (await getSiblingByName(tx, { parentId: parent.id, name: input.name })) nameTaken();
    const id = randomUUID();
    const [created] = await tx
      .insert(accounts)
      .values({
        id,
        parentId: parent.id,
        billingAccountId: parent.billingAccountId,
        path: `${parent.path}${id}/`,
        depth: parent.depth + 1,
        name: input.name,
        maxConcurrentCalls: input.maxConcurrentCalls ?? null,
        maxCallsPerSecond: input.maxCallsPerSecond ?? null,
        monthlySpendCap: input.monthlySpendCap ?? null,
        internationalAllowed: input.internationalAllowed,
        requireE911ForRouting: input.requireE911ForRouting ?? false,
      })
      .returning();
    if (!created) throw new AppError('internal:account_create');
    await recordAudit(tx, access, {
      accountId: created.id,
      action: 'account.create',
      targetType: 'account',
      targetId: created.id,
      after: { name: created.name, parent: parent.name, ...limitsOf(created) },
    });
    return created;
  });
}

/** Renames the account `access` is for. */
export async function renameAccount(access: AccountAccess, name: string): Promise<Account> {
  assertCan(access, 'subaccounts.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const current = await getAccountById(tx, { accountId: access.account.id });
    if (!current) throw new AppError('not_found:account');
    if (current.parentId) {
      const sibling = await getSiblingByName(tx, { parentId: current.parentId, name });
      if (sibling && sibling.id !== current.id) nameTaken();
    }
    const [updated] = await tx.update(accounts).set({ name, updatedAt: new Date() }).where(eq(accounts.id, current.id)).returning();
    await recordAudit(tx, access, {
      accountId: current.id,
      action: 'account.rename',
      targetType: 'account',
      targetId: current.id,
      before: { name: current.name },
      after: { name },
    });
    return updated ?? current;
  });
}

export async function updateAccountLimits(access: AccountAccess, limits: Limits): Promise<Account> {
  assertCan(access, 'subaccounts.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const current = await getAccountById(tx, { accountId: access.account.id });
    if (!current) throw new AppError('not_found:account');
    const next = {
      maxConcurrentCalls: limits.maxConcurrentCalls ?? null,
      maxCallsPerSecond: limits.maxCallsPerSecond ?? null,
      monthlySpendCap: limits.monthlySpendCap ?? null,
      internationalAllowed: limits.internationalAllowed,
      // Left as it is when the form did not carry it.
      requireE911ForRouting: limits.requireE911ForRouting ?? current.requireE911ForRouting,
    };
    const [updated] = await tx.update(accounts).set({ ...next, updatedAt: new Date() }).where(eq(accounts.id, current.id)).returning();
    await recordAudit(tx, access, {
      accountId: current.id,
      action: 'account.limits',
      targetType: 'account',
      targetId: current.id,
      before: limitsOf(current),
      after: next,
    });
    return updated ?? current;
  });
}

/**
 * Suspends or reactivates a sub-account. `parentAccess` is the access to its parent: the decision
 * is made one level up, so a suspended account can be reactivated and nobody suspends the account
 * their own membership sits on.
 */
export async function setSubAccountStatus(parentAccess: AccountAccess, accountId: string, status: 'active' | 'suspended'): Promise<Account> {
  assertCan(parentAccess, 'subaccounts.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const target = await getAccountById(tx, { accountId });
    if (!target || target.parentId !== parentAccess.account.id) throw new AppError('not_found:account');
    if (target.status === status) return target;
    const [updated] = await tx.update(accounts).set({ status, updatedAt: new Date() }).where(eq(accounts.id, target.id)).returning();
    await recordAudit(tx, parentAccess, {
      accountId: target.id,
      action: status === 'suspended' ? 'account.suspend' : 'account.reactivate',
      targetType: 'account',
      targetId: target.id,
      before: { status: target.status },
      after: { status },
    });
    return updated ?? target;
  });
}
