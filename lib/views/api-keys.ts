/**
 * How an API key reads to people and programs: its status (why it does or does not work) and its
 * JSON. Pure: the service, the pages and the API share them.
 */
import { permissionsFor, type Role } from '@/lib/auth/permissions';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked' | 'stopped';

export const API_KEY_STATUS_LABELS: Record<ApiKeyStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  stopped: 'Stopped',
};

/** What a key is, without its secret or hash. */
export interface ApiKeyView {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  role: Role;
  /** Rights beyond the role, granted by operator staff (`cdr:write`). */
  scopes: string[];
  status: ApiKeyStatus;
  /** Why a key that is not active does not work, in a sentence. */
  statusDetail: string | null;
  createdAt: Date;
  createdBy: { id: string; email: string } | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
}

export interface ApiKeyCreatorState {
  role: string;
  createdByUserId: string | null;
  creatorDisabled: boolean | null;
  creatorIsStaff: boolean | null;
  /** The creator's roles on the key's account path now. */
  creatorRoles: string[] | null;
}

export interface ApiKeyStatusInput extends ApiKeyCreatorState {
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * Why the key's creator no longer holds it up, in a sentence, or null: gone, disabled, left the
 * account, or no longer holding every right of the key's role (a demoted admin's admin key). Staff
 * keep theirs.
 */
export function creatorStopsKey(key: ApiKeyCreatorState): string | null {
  if (key.createdByUserId === null) return 'The person who created it no longer exists: create a new key.';
  if (key.creatorDisabled) return 'The person who created it is disabled: create a new key.';
  if (key.creatorIsStaff) return null;
  const roles = (key.creatorRoles ?? []) as Role[];
  if (roles.length === 0) return 'The person who created it has left the account: create a new key.';
  const held = permissionsFor(roles);
  if (![...permissionsFor([key.role as Role])].every((permission) => held.has(permission))) {
    return `The person who created it no longer has the rights of its role (${key.role}): create a new key with a role they hold.`;
  }
  return null;
}

/**
 * The rule `authenticateApiKey` applies, said as a status: revoked first (a person's decision),
 * then expired, then stopped because of its creator (`creatorStopsKey`).
 */
export function apiKeyStatusOf(key: ApiKeyStatusInput, now: Date): { status: ApiKeyStatus; detail: string | null } {
  if (key.revokedAt) return { status: 'revoked', detail: 'Revoked: programs using it are refused.' };
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return { status: 'expired', detail: 'Past its expiry: programs using it are refused.' };
  const stopped = creatorStopsKey(key);
  if (stopped) return { status: 'stopped', detail: stopped };
  return { status: 'active', detail: null };
}

/** The API's JSON of a key: ISO times, never the secret or its hash. */
export function apiKeyJson(view: ApiKeyView) {
  return {
    id: view.id,
    accountId: view.accountId,
    name: view.name,
    prefix: view.prefix,
    role: view.role as Exclude<Role, 'owner'>,
    scopes: view.scopes,
    status: view.status,
    createdAt: view.createdAt.toISOString(),
    createdBy: view.createdBy,
    expiresAt: view.expiresAt?.toISOString() ?? null,
    revokedAt: view.revokedAt?.toISOString() ?? null,
    lastUsedAt: view.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: view.lastUsedIp,
  };
}
