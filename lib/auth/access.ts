/**
 * The one place that decides what a user may do in an account: memberships on the account's path
 * (a role reaches the subtree), operator staff acting in any account, and suspension (read-only).
 */
import { AppError } from '@/lib/errors';
import type { Db, Tx } from '@/lib/db/client';
import type { Account } from '@/lib/db/schema';
import { depthFirstByName, getAccountChainWithRoles, getMembershipSubtreesByUser, getSubtreeByAccount, pathIds } from '@/lib/db/queries/accounts';
import { WRITE_PERMISSIONS, permissionsFor, strongestRole, type Permission, type Role } from './permissions';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isOperatorStaff: boolean;
  /** The sign-in session the request came with (absent for callers that are not a browser session). */
  sessionId?: string;
  /** Must set up 2FA before anything else; read with the session row (absent: ask the database). */
  owesTwoFactor?: boolean;
}

/** A program calling /api/v1 with an API key: it acts with the key's role, never its creator's. */
export interface ApiKeyActor {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  scopes: readonly string[];
  /** The key's own account: it reaches that account and its sub-accounts only. */
  accountId: string;
  createdByUserId: string | null;
}

/** Who is asking: a signed-in user, or a program with an API key. */
export type Actor = { kind: 'user'; user: SessionUser } | { kind: 'api_key'; apiKey: ApiKeyActor };

export interface AccountAccess {
  actor: Actor;
  /**
   * The person behind the request. For an API key: a stand-in that names the key (its id is the
   * key's creator, never used for rights: `reachAccount` and carts go by `actor`).
   */
  user: SessionUser;
  account: Account;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** The account or an ancestor is suspended: everything is read-only. */
  readOnly: boolean;
  suspendedAccountName?: string;
  /** Operator staff working in an account they hold no membership in; their changes say so. */
  actingAsStaff: boolean;
  ip?: string;
}

export async function resolveAccess(db: Db | Tx, user: SessionUser, accountId: string, ip?: string): Promise<AccountAccess> {
  const chain = await getAccountChainWithRoles(db, { accountId, userId: user.id });
  const account = chain.find((item) => item.account.id === accountId)?.account;
  if (!account) throw new AppError('not_found:account');
  const roles = chain.flatMap((item) => (item.role ? [item.role as Role] : []));
  const actingAsStaff = roles.length === 0 && user.isOperatorStaff;
  if (roles.length === 0 && !actingAsStaff) throw new AppError('not_found:account');
  const effectiveRoles: Role[] = actingAsStaff ? ['owner'] : roles;
  const suspended = chain.find((item) => item.account.status === 'suspended')?.account;
  return {
    actor: { kind: 'user', user },
    user,
    account,
    role: strongestRole(effectiveRoles) ?? 'viewer',
    permissions: permissionsFor(effectiveRoles),
    readOnly: Boolean(suspended),
    suspendedAccountName: suspended?.name,
    actingAsStaff,
    ip,
  };
}

/** How an API key's actor reads in audit trails and lists: `API key "deploy" (cp_live_AbCd12…)`. */
export function apiKeyLabel(key: Pick<ApiKeyActor, 'name' | 'prefix'>): string {
  return `API key "${key.name}" (${key.prefix}…)`;
}

function apiKeyStandIn(key: ApiKeyActor): SessionUser {
  return { id: key.createdByUserId ?? key.id, email: apiKeyLabel(key), name: apiKeyLabel(key), isOperatorStaff: false };
}

/**
 * Access for an API key in `accountId` (its own account by default): the key's account or one of
 * its sub-accounts, with the key's role; read-only while the account or an ancestor is suspended.
 */
export async function resolveApiKeyAccess(db: Db | Tx, key: ApiKeyActor, accountId: string = key.accountId, ip?: string): Promise<AccountAccess> {
  const chain = await getAccountChainWithRoles(db, { accountId, userId: ZERO_UUID });
  const account = chain.find((item) => item.account.id === accountId)?.account;
  if (!account || !chain.some((item) => item.account.id === key.accountId)) throw new AppError('not_found:account');
  return apiKeyAccessOf(key, account, chain.find((item) => item.account.status === 'suspended')?.account, ip);
}

/**
 * Access for an API key in its own account, from the account row its authentication has just read
 * (authenticateApiKey refuses a key while that account or an ancestor is suspended): no second
 * read of the chain on every request.
 */
export function apiKeyAccessInOwnAccount(key: ApiKeyActor, account: Account, ip?: string): AccountAccess {
  if (account.id !== key.accountId) throw new AppError('not_found:account');
  return apiKeyAccessOf(key, account, undefined, ip);
}

function apiKeyAccessOf(key: ApiKeyActor, account: Account, suspended: Account | undefined, ip?: string): AccountAccess {
  return {
    actor: { kind: 'api_key', apiKey: key },
    user: apiKeyStandIn(key),
    account,
    role: key.role,
    permissions: permissionsFor([key.role]),
    readOnly: Boolean(suspended),
    suspendedAccountName: suspended?.name,
    actingAsStaff: false,
    ip,
  };
}

/** No user has this id: the account chain without anyone's memberships. */
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The same caller's access to another account (moving a number, a parent's limits): by the
 * caller's own memberships, or for an API key by the key's subtree and role. Never the creator's.
 */
export function reachAccount(db: Db | Tx, access: AccountAccess, accountId: string): Promise<AccountAccess> {
  return access.actor.kind === 'api_key' ? resolveApiKeyAccess(db, access.actor.apiKey, accountId, access.ip) : resolveAccess(db, access.actor.user, accountId, access.ip);
}

/** The cart/order owner columns for the caller. */
export function actorOwner(access: Pick<AccountAccess, 'actor'>): { userId: string | null; apiKeyId: string | null } {
  return access.actor.kind === 'api_key' ? { userId: null, apiKeyId: access.actor.apiKey.id } : { userId: access.actor.user.id, apiKeyId: null };
}

export function can(access: AccountAccess, permission: Permission): boolean {
  return access.permissions.has(permission) && !(access.readOnly && WRITE_PERMISSIONS.has(permission));
}

/** Throws `forbidden:role` or `forbidden:suspended` unless the access allows the permission. */
export function assertCan(access: AccountAccess, permission: Permission): void {
  if (!access.permissions.has(permission)) throw new AppError('forbidden:role');
  if (access.readOnly && WRITE_PERMISSIONS.has(permission)) {
    throw new AppError('forbidden:suspended', `${access.suspendedAccountName ?? 'This account'} is suspended: changes are disabled until it is reactivated.`);
  }
}

/** At most this many accounts are offered in the switcher; deeper trees are reached from the Account page. */
const SWITCHER_LIMIT = 200;

export interface SwitchableAccount {
  id: string;
  name: string;
  role: Role;
  staff: boolean;
  depth: number;
}

/**
 * Accounts the user can switch to: each account they hold a membership in and its sub-accounts (a
 * role reaches the subtree). Operator staff reach customer accounts by acting as one (the customer
 * accounts page), not from here.
 */
export async function getSwitchableAccounts(db: Db | Tx, user: SessionUser): Promise<SwitchableAccount[]> {
  const rows = await getMembershipSubtreesByUser(db, { userId: user.id, limitPerMembership: SWITCHER_LIMIT });
  const seen = new Set<string>();
  const options: SwitchableAccount[] = [];
  for (const item of rows) {
    if (seen.has(item.id) || options.length >= SWITCHER_LIMIT) continue;
    seen.add(item.id);
    options.push({ id: item.id, name: item.name, role: item.role as Role, staff: false, depth: item.depth - item.membershipDepth });
  }
  return options;
}

/** While staff act as a customer account: that customer's whole tree, so they can move within it (each move audited). */
export async function getActingTreeOptions(db: Db | Tx, account: Account, except: ReadonlySet<string>): Promise<SwitchableAccount[]> {
  const rootId = pathIds(account.path)[0] ?? account.id;
  const tree = await getSubtreeByAccount(db, { accountId: rootId, accountPath: `/${rootId}/`, limit: SWITCHER_LIMIT });
  return depthFirstByName(tree.map((row) => ({ account: row })))
    .filter(({ account: row }) => !except.has(row.id))
    .map(({ account: row }) => ({ id: row.id, name: row.name, role: 'owner' as const, staff: true, depth: row.depth }));
}
