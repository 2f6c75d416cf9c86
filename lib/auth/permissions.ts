/**
 * What each role may do (DESIGN.md §1). A role in an account reaches its subtree; permissions from
 * several memberships on the path add up.
 */
import type { MemberRole } from '@/lib/db/schema';

export const ROLES = ['owner', 'admin', 'technical', 'finance', 'viewer'] as const satisfies readonly MemberRole[];
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  technical: 'Technical',
  finance: 'Finance',
  viewer: 'Viewer',
};

export type Permission =
  | 'account.read'
  | 'subaccounts.manage'
  | 'users.manage'
  | 'owners.manage'
  | 'audit.read'
  | 'technical.read'
  | 'technical.write'
  | 'billing.read'
  | 'usage.read';

/** Permissions that change something; none of them hold in a suspended account. */
export const WRITE_PERMISSIONS: ReadonlySet<Permission> = new Set(['subaccounts.manage', 'users.manage', 'owners.manage', 'technical.write']);

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: ['account.read', 'subaccounts.manage', 'users.manage', 'owners.manage', 'audit.read', 'technical.read', 'technical.write', 'billing.read', 'usage.read'],
  admin: ['account.read', 'subaccounts.manage', 'users.manage', 'audit.read', 'technical.read', 'technical.write', 'billing.read', 'usage.read'],
  technical: ['account.read', 'technical.read', 'technical.write', 'usage.read'],
  finance: ['account.read', 'billing.read', 'usage.read'],
  viewer: ['account.read', 'technical.read', 'usage.read'],
};

const RANK: Record<Role, number> = { owner: 5, admin: 4, technical: 3, finance: 2, viewer: 1 };

export function permissionsFor(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((role) => GRANTS[role]));
}

export function strongestRole(roles: readonly Role[]): Role | undefined {
  return [...roles].sort((a, b) => RANK[b] - RANK[a])[0];
}

/** Roles a user may hand out: only owners make owners. */
export function assignableRoles(permissions: ReadonlySet<Permission>): Role[] {
  return ROLES.filter((role) => role !== 'owner' || permissions.has('owners.manage'));
}
