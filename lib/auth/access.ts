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
}

export interface AccountAccess {
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
