import 'server-only';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { assertCan, reachAccount, type AccountAccess } from '@/lib/auth/access';
import { permissionsFor, type Role } from '@/lib/auth/permissions';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { Account } from '@/lib/db/schema';
import {
  getAccountById,
  getAccountsByIds,
  getAccountsOnPath,
  getSiblingByName,
  getSubtreeByAccount,
  getSubtreePageByPath,
  getSubtreeWithCountsByAccount,
  getTrunkLimitTotalsBySubtrees,
  insertAccount,
  lockBillingAccount,
  pathIds,
  updateAccount,
} from '@/lib/db/queries/accounts';
import { getMembersByAccount, getMembershipsByUserOnAccounts, getPendingInvitationsByAccount } from '@/lib/db/queries/users';
import { AppError, isAppError } from '@/lib/errors';
import type { accountLimitsSchema } from '@/lib/validations/account';
import { recordAudit } from './audit';
import { formatMoney, toUnits } from './pricing';

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

// --- Limits ----------------------------------------------------------------------------------
//
// An account's limits are set one level up (by whoever manages its parent; a top-level account's by
// the carrier) and never exceed its parent's effective limits. An account's effective limit is the
// tightest one along its path from the billing account; a blank limit adds none of its own.
// Lowering a limit below what a sub-account (or the trunk groups under it) already has is refused,
// naming them, so stored limits stay within their parents' and nothing is silently cut.

type Executor = Db | Tx;

export interface EffectiveLimit<T> {
  value: T;
  /** The account on the path whose own setting binds; absent when nothing on the path limits it. */
  setBy?: { id: string; name: string };
}

export interface EffectiveLimits {
  maxConcurrentCalls: EffectiveLimit<number | null>;
  maxCallsPerSecond: EffectiveLimit<number | null>;
  monthlySpendCap: EffectiveLimit<string | null>;
  internationalAllowed: EffectiveLimit<boolean>;
}

const NO_LIMITS: EffectiveLimits = {
  maxConcurrentCalls: { value: null },
  maxCallsPerSecond: { value: null },
  monthlySpendCap: { value: null },
  internationalAllowed: { value: true },
};

/**
 * The effective limits of the last account of `chain` (root first): the tightest along the path; on
 * a tie, the nearest account's. International calls are allowed only where nothing on the path forbids them.
 */
export function effectiveLimitsOf(chain: readonly Pick<Account, 'id' | 'name' | 'maxConcurrentCalls' | 'maxCallsPerSecond' | 'monthlySpendCap' | 'internationalAllowed'>[]): EffectiveLimits {
  const result: EffectiveLimits = structuredClone(NO_LIMITS);
  for (const account of chain) {
    const by = { id: account.id, name: account.name };
    if (account.maxConcurrentCalls !== null && (result.maxConcurrentCalls.value === null || account.maxConcurrentCalls <= result.maxConcurrentCalls.value)) {
      result.maxConcurrentCalls = { value: account.maxConcurrentCalls, setBy: by };
    }
    if (account.maxCallsPerSecond !== null && (result.maxCallsPerSecond.value === null || account.maxCallsPerSecond <= result.maxCallsPerSecond.value)) {
      result.maxCallsPerSecond = { value: account.maxCallsPerSecond, setBy: by };
    }
    if (account.monthlySpendCap !== null && (result.monthlySpendCap.value === null || toUnits(account.monthlySpendCap) <= toUnits(result.monthlySpendCap.value))) {
      result.monthlySpendCap = { value: account.monthlySpendCap, setBy: by };
    }
    // The highest account that forbids it: nothing below can allow it again.
    if (!account.internationalAllowed && result.internationalAllowed.value) result.internationalAllowed = { value: false, setBy: by };
  }
  return result;
}

/** The effective limits of `account`, from its path to the billing account. */
export async function getEffectiveLimits(db: Executor, account: Pick<Account, 'path'>): Promise<EffectiveLimits> {
  return effectiveLimitsOf(await getAccountsOnPath(db, { path: account.path }));
}

/** Effective limits of every account of a subtree; `above` is the path to the subtree's root (itself included). */
export function effectiveLimitsOfTree(above: readonly Account[], subtree: readonly Account[]): Map<string, EffectiveLimits> {
  const byId = new Map([...above, ...subtree].map((account) => [account.id, account]));
  return new Map(subtree.map((account) => [account.id, effectiveLimitsOf(pathIds(account.path).flatMap((id) => byId.get(id) ?? []))]));
}

const possessive = (name: string) => (/s$/i.test(name) ? `${name}'` : `${name}'s`);
const count = (value: number) => value.toLocaleString('en-US');

interface LimitValues {
  maxConcurrentCalls: number | null;
  maxCallsPerSecond: number | null;
  monthlySpendCap: string | null;
  internationalAllowed: boolean;
}

function namesOf(list: { name: string; value: string }[]) {
  const shown = list.slice(0, 3).map((item) => `${item.name} (${item.value})`);
  return list.length > 3 ? `${shown.join(', ')} and ${list.length - 3} more` : shown.join(', ');
}

/**
 * Field errors for the limits that `changed` among `next`: above the parent's effective limits
 * (`ceiling`), or below what the account's sub-accounts or trunk groups already have. A value
 * left as it was is not judged again.
 */
export function limitErrors({
  accountName,
  ceiling,
  next,
  changed = new Set(Object.keys(next) as (keyof LimitValues)[]),
  descendants = [],
  trunks,
}: {
  accountName: string;
  ceiling: EffectiveLimits;
  next: LimitValues;
  changed?: ReadonlySet<keyof LimitValues>;
  descendants?: readonly Pick<Account, 'name' | 'maxConcurrentCalls' | 'maxCallsPerSecond' | 'monthlySpendCap' | 'internationalAllowed'>[];
  trunks?: { channels: number; maxCps: number };
}): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (field: keyof LimitValues, message: string) => (errors[field] ??= []).push(message);

  for (const field of ['maxConcurrentCalls', 'maxCallsPerSecond'] as const) {
    const value = next[field];
    if (value === null || !changed.has(field)) continue;
    const limit = ceiling[field];
    if (limit.value !== null && value > limit.value) add(field, `At most ${count(limit.value)}: ${possessive(limit.setBy!.name)} limit`);
    const above = descendants.filter((account) => account[field] !== null && account[field]! > value);
    if (above.length > 0) add(field, `Below what sub-accounts have: ${namesOf(above.map((account) => ({ name: account.name, value: count(account[field]!) })))}. Lower theirs first.`);
  }
  if (next.maxConcurrentCalls !== null && changed.has('maxConcurrentCalls') && trunks && trunks.channels > next.maxConcurrentCalls) {
    add('maxConcurrentCalls', `Trunk groups of ${accountName} and its sub-accounts allow ${count(trunks.channels)} channels in total. Lower them first.`);
  }
  if (next.maxCallsPerSecond !== null && changed.has('maxCallsPerSecond') && trunks && trunks.maxCps > next.maxCallsPerSecond) {
    add('maxCallsPerSecond', `A trunk group of ${accountName} or its sub-accounts allows ${count(trunks.maxCps)} calls per second. Lower it first.`);
  }

  if (next.monthlySpendCap !== null && changed.has('monthlySpendCap')) {
    const cap = toUnits(next.monthlySpendCap);
    const limit = ceiling.monthlySpendCap;
    if (limit.value !== null && cap > toUnits(limit.value)) add('monthlySpendCap', `At most ${formatMoney(limit.value)}: ${possessive(limit.setBy!.name)} spend cap`);
    const above = descendants.filter((account) => account.monthlySpendCap !== null && toUnits(account.monthlySpendCap) > cap);
    if (above.length > 0) add('monthlySpendCap', `Below what sub-accounts have: ${namesOf(above.map((account) => ({ name: account.name, value: formatMoney(account.monthlySpendCap!) })))}. Lower theirs first.`);
  }

  if (!changed.has('internationalAllowed')) return errors;
  if (next.internationalAllowed) {
    const limit = ceiling.internationalAllowed;
    if (!limit.value) add('internationalAllowed', `Not allowed: ${limit.setBy!.name} does not allow international calls`);
  } else {
    const allowing = descendants.filter((account) => account.internationalAllowed);
    if (allowing.length > 0) {
      const names = allowing.slice(0, 3).map((account) => account.name).join(', ') + (allowing.length > 3 ? ` and ${allowing.length - 3} more` : '');
      add('internationalAllowed', `Sub-accounts still allow international calls: ${names}. Turn it off there first.`);
    }
  }
  return errors;
}

function refuseLimits(fieldErrors: Record<string, string[]>) {
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError('invalid:account_limits', 'Some limits are outside what is allowed here.', { fieldErrors });
  }
}

/** Who decides the limits of `access.account`, and whether the user of `access` is among them. */
export async function getLimitsAuthority(db: Executor, access: AccountAccess): Promise<{ editable: boolean; setBy: string }> {
  const parent = access.account.parentId ? await getAccountById(db, { accountId: access.account.parentId }) : undefined;
  if (!parent) return { editable: access.user.isOperatorStaff && !access.readOnly, setBy: 'the carrier' };
  try {
    const parentAccess = await reachAccount(db, access, parent.id);
    // A suspended account's limits wait until it is active again, like everything else in it.
    return { editable: parentAccess.permissions.has('subaccounts.manage') && !parentAccess.readOnly && !access.readOnly, setBy: parent.name };
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') return { editable: false, setBy: parent.name };
    throw error;
  }
}

/**
 * Who suspends and reactivates `access.account`, and whether the user of `access` is among them:
 * subaccounts.manage on its parent, while nothing above the account is suspended; for a top-level
 * account, the carrier's staff (from their customer accounts page, not this one).
 */
export async function getStatusAuthority(db: Executor, access: AccountAccess): Promise<{ editable: boolean; setBy: string; waitsFor?: string }> {
  const parent = access.account.parentId ? await getAccountById(db, { accountId: access.account.parentId }) : undefined;
  if (!parent) return { editable: false, setBy: 'the carrier' };
  try {
    const parentAccess = await reachAccount(db, access, parent.id);
    if (!parentAccess.permissions.has('subaccounts.manage')) return { editable: false, setBy: parent.name };
    // The account's own suspension never stops its reactivation; one above it does.
    if (parentAccess.readOnly) return { editable: false, setBy: parent.name, waitsFor: parentAccess.suspendedAccountName ?? parent.name };
    return { editable: true, setBy: parent.name };
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') return { editable: false, setBy: parent.name };
    throw error;
  }
}

/** Throws unless the user may set the limits of `account`: subaccounts.manage on its parent (operator staff for a top-level account). */
async function assertMaySetLimits(db: Executor, access: AccountAccess, account: Account, parent: Account | undefined) {
  if (!parent) {
    if (!access.user.isOperatorStaff) throw new AppError('forbidden:account_limits', `${account.name} is a top-level account: its limits are set by the carrier.`);
    return;
  }
  let parentAccess: AccountAccess | undefined;
  try {
    parentAccess = await reachAccount(db, access, parent.id);
  } catch (error) {
    if (!isAppError(error) || error.kind !== 'not_found') throw error;
  }
  if (!parentAccess?.permissions.has('subaccounts.manage')) {
    throw new AppError('forbidden:account_limits', `The limits of ${account.name} are set by ${parent.name}: ask an owner or admin of ${parent.name}.`);
  }
  assertCan(parentAccess, 'subaccounts.manage');
}

/**
 * Whether the user of `access` may see the billing account's own money (balance, credit limit):
 * billing.read held on the billing account itself, not only on a sub-account of it.
 */
export async function canSeeBillingAccountFunds(db: Executor, access: AccountAccess): Promise<boolean> {
  if (!access.permissions.has('billing.read')) return false;
  if (access.actingAsStaff || access.user.isOperatorStaff) return true;
  // In the billing account itself the roles behind `access` are those held there: nothing to read.
  if (access.account.id === access.account.billingAccountId) return true;
  // An API key reaches the billing account only if it was issued there (on a sub-account's key, no).
  if (access.actor.kind === 'api_key') return access.actor.apiKey.accountId === access.account.billingAccountId;
  const onBilling = await getMembershipsByUserOnAccounts(db, { userId: access.user.id, accountIds: [access.account.billingAccountId] });
  return onBilling.some((membership) => permissionsFor([membership.role as Role]).has('billing.read'));
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
    await lockBillingAccount(tx, { billingAccountId: parent.billingAccountId });
    refuseLimits(
      limitErrors({
        accountName: input.name,
        ceiling: await getEffectiveLimits(tx, parent),
        next: {
          maxConcurrentCalls: input.maxConcurrentCalls ?? null,
          maxCallsPerSecond: input.maxCallsPerSecond ?? null,
          monthlySpendCap: input.monthlySpendCap ?? null,
          internationalAllowed: input.internationalAllowed,
        },
      }),
    );
    if (await getSiblingByName(tx, { parentId: parent.id, name: input.name })) nameTaken();
    const id = randomUUID();
    const created = await insertAccount(tx, {
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
    });
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
    const updated = await updateAccount(tx, { accountId: current.id, changes: { name } });
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

/**
 * Sets the limits of the account `access` is for. Only someone who manages its parent may (operator
 * staff for a top-level account), within the parent's effective limits.
 */
export async function updateAccountLimits(access: AccountAccess, limits: Limits): Promise<Account> {
  assertCan(access, 'subaccounts.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    await lockBillingAccount(tx, { billingAccountId: access.account.billingAccountId });
    const chain = await getAccountsOnPath(tx, { path: access.account.path });
    const current = chain.at(-1);
    if (!current || current.id !== access.account.id) throw new AppError('not_found:account');
    await assertMaySetLimits(tx, access, current, chain.at(-2));
    const next = {
      maxConcurrentCalls: limits.maxConcurrentCalls ?? null,
      maxCallsPerSecond: limits.maxCallsPerSecond ?? null,
      monthlySpendCap: limits.monthlySpendCap ?? null,
      internationalAllowed: limits.internationalAllowed,
      // Left as it is when the form did not carry it.
      requireE911ForRouting: limits.requireE911ForRouting ?? current.requireE911ForRouting,
    };
    const changed = new Set((['maxConcurrentCalls', 'maxCallsPerSecond', 'monthlySpendCap', 'internationalAllowed'] as const).filter((field) => {
      if (field === 'monthlySpendCap') return (next.monthlySpendCap === null ? null : toUnits(next.monthlySpendCap)) !== (current.monthlySpendCap === null ? null : toUnits(current.monthlySpendCap));
      return next[field] !== current[field];
    }));
    if (changed.size > 0) {
      const descendants = (await getSubtreeByAccount(tx, { accountId: current.id })).filter((account) => account.id !== current.id);
      const trunks = (await getTrunkLimitTotalsBySubtrees(tx, { billingAccountId: current.billingAccountId, accountIds: [current.id] })).get(current.id);
      refuseLimits(limitErrors({ accountName: current.name, ceiling: effectiveLimitsOf(chain.slice(0, -1)), next, changed, descendants, trunks }));
    }
    const updated = await updateAccount(tx, { accountId: current.id, changes: next });
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
 * Whether numbers of the account `access` is for (and of its subtree) need a registered emergency
 * address before routing. A rule an account sets for itself: it only restricts its own subtree.
 */
export async function setRequireE911ForRouting(access: AccountAccess, required: boolean): Promise<Account> {
  assertCan(access, 'subaccounts.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const current = await getAccountById(tx, { accountId: access.account.id });
    if (!current) throw new AppError('not_found:account');
    if (current.requireE911ForRouting === required) return current;
    const updated = await updateAccount(tx, { accountId: current.id, changes: { requireE911ForRouting: required } });
    await recordAudit(tx, access, {
      accountId: current.id,
      action: 'account.e911_policy',
      targetType: 'account',
      targetId: current.id,
      before: { requireE911ForRouting: current.requireE911ForRouting },
      after: { requireE911ForRouting: required },
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
    const updated = await updateAccount(tx, { accountId: target.id, changes: { status } });
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

/**
 * Suspends or reactivates the account `access` is for, as a manager of its parent (the account page's
 * Status card). Anyone else is told who decides: the parent's owners and admins, or the carrier for a
 * top-level account.
 */
export async function setAccountStatusFromParent(access: AccountAccess, status: 'active' | 'suspended'): Promise<Account> {
  const { account } = access;
  if (!account.parentId) throw new AppError('forbidden:root_status', 'A top-level account is suspended and reactivated by the carrier, not from here.');
  const db = await getDb();
  const parent = await getAccountById(db, { accountId: account.parentId });
  if (!parent) throw new AppError('not_found:account');
  let parentAccess: AccountAccess | undefined;
  try {
    parentAccess = await reachAccount(db, access, parent.id);
  } catch (error) {
    if (!isAppError(error) || error.kind !== 'not_found') throw error;
  }
  if (!parentAccess?.permissions.has('subaccounts.manage')) {
    throw new AppError('forbidden:account_status', `${account.name} is suspended and reactivated by ${parent.name}: ask an owner or admin of ${parent.name}.`);
  }
  return setSubAccountStatus(parentAccess, account.id, status);
}

/** The account's subtree (each account with its counts) and the accounts above it, for effective limits. */
export async function getAccountTree(access: AccountAccess) {
  if (!access.permissions.has('account.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const [tree, above] = await Promise.all([getSubtreeWithCountsByAccount(db, { accountId: access.account.id }), getAccountsOnPath(db, { path: access.account.path })]);
  return { tree, above };
}

/**
 * The subtree of another account the same caller reaches (a key: only its own subtree; a session:
 * by its memberships), for `GET /accounts/{id}`; any other id is not found.
 */
export async function getReachableAccountTree(access: AccountAccess, accountId: string) {
  const target = accountId === access.account.id ? access : await reachAccount(await getDb(), access, accountId);
  return { access: target, ...(await getAccountTree(target)) };
}

/** One page of the caller's account and its subtree, parents first (the API's list), with each one's effective limits. */
export async function listAccountSubtreePage(access: AccountAccess, { afterPath, limit }: { afterPath?: string; limit: number }) {
  if (!access.permissions.has('account.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const [rows, above] = await Promise.all([getSubtreePageByPath(db, { accountPath: access.account.path, afterPath, limit: limit + 1 }), getAccountsOnPath(db, { path: access.account.path })]);
  // A page may start below accounts of an earlier page: their limits still bind, so they are read too.
  const known = new Set([...above, ...rows].map((account) => account.id));
  const missing = [...new Set(rows.flatMap((account) => pathIds(account.path)))].filter((id) => !known.has(id));
  const between = missing.length ? await getAccountsByIds(db, { accountIds: missing }) : [];
  return { rows, effective: effectiveLimitsOfTree([...above, ...between], rows) };
}

/** The settings page of the account `access` is for: members, open invitations, the path above it, who sets its limits and its status. */
export async function getAccountSettings(access: AccountAccess) {
  // Read-only while suspended, but readable: the page shows why nothing can be changed.
  if (!access.permissions.has('subaccounts.manage')) throw new AppError('forbidden:role');
  const db = await getDb();
  const [members, invitations, chain, authority, statusAuthority] = await Promise.all([
    getMembersByAccount(db, { accountId: access.account.id }),
    getPendingInvitationsByAccount(db, { accountId: access.account.id }),
    getAccountsOnPath(db, { path: access.account.path }),
    getLimitsAuthority(db, access),
    getStatusAuthority(db, access),
  ]);
  return { members, invitations, chain, authority, statusAuthority };
}

