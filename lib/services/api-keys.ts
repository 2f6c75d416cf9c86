import 'server-only';
import { z } from 'zod';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { describeApiKeyLimits } from '@/lib/api/rate-limit';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { generateApiKeySecret, hashApiKeySecret, visiblePrefix } from '@/lib/auth/api-key-secret';
import { permissionsFor, type Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import {
  getApiKeyPageByAccount,
  getApiKeyWithCreatorByAccount,
  getLiveApiKeyByName,
  insertApiKey,
  lockAccountForApiKeys,
  revokeApiKeyByAccount,
  type ApiKeyWithCreator,
} from '@/lib/db/queries/api-keys';
import { AppError } from '@/lib/errors';
import { API_KEY_ROLES, API_KEY_ROLE_MESSAGE, API_KEY_SCOPES, apiKeyExpiryProblem, apiKeyNameSchema, type ApiKeyRole, type CreateApiKeyInput } from '@/lib/validations/api-keys';
import { apiKeyStatusOf, type ApiKeyView } from '@/lib/views/api-keys';
import { recordAudit } from './audit';
import { assertRecentSecondFactor } from './two-factor';

export type { ApiKeyView };

function viewOf(row: ApiKeyWithCreator, now: Date): ApiKeyView {
  const { key } = row;
  const { status, detail } = apiKeyStatusOf({ ...key, ...row }, now);
  return {
    id: key.id,
    accountId: key.accountId,
    name: key.name,
    prefix: key.prefix,
    role: key.role as Role,
    scopes: [...key.scopes],
    status,
    statusDetail: detail,
    createdAt: key.createdAt,
    createdBy: key.createdByUserId && row.creatorEmail ? { id: key.createdByUserId, email: row.creatorEmail } : null,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
    lastUsedIp: key.lastUsedIp,
  };
}

/** Managing keys is for owners and admins; reading them stays possible while the account is suspended. */
function assertMayReadKeys(access: AccountAccess) {
  if (!access.permissions.has('users.manage')) throw new AppError('forbidden:role', 'Only owners and admins of the account manage its API keys.');
}

/**
 * Roles the caller may give a key: never owner, and only roles whose every right the caller holds
 * themselves (an admin may make admin keys; nobody hands out more than they have).
 */
export function grantableApiKeyRoles(access: Pick<AccountAccess, 'permissions'>): ApiKeyRole[] {
  return API_KEY_ROLES.filter((role) => [...permissionsFor([role])].every((permission) => access.permissions.has(permission)));
}

const cursorSchema = z.object({ id: z.string().uuid() });

/** The account's keys, newest first, revoked and expired ones included with their status. */
export async function listApiKeys(access: AccountAccess, { cursor, limit }: { cursor?: string; limit: number }): Promise<{ data: ApiKeyView[]; nextCursor: string | null }> {
  assertMayReadKeys(access);
  const after = decodeCursor(cursor, cursorSchema);
  const rows = await getApiKeyPageByAccount(await getDb(), { accountId: access.account.id, afterKeyId: after?.id, limit: limit + 1 });
  const now = new Date();
  return pageFrom(rows, limit, (row) => viewOf(row, now), (row) => ({ id: row.key.id }));
}

/** One key of the account; another account's key is "not found", as an unknown one is. */
export async function getApiKey(access: AccountAccess, keyId: string): Promise<ApiKeyView> {
  assertMayReadKeys(access);
  const row = z.string().uuid().safeParse(keyId).success ? await getApiKeyWithCreatorByAccount(await getDb(), { accountId: access.account.id, keyId }) : undefined;
  if (!row) throw new AppError('not_found:api_key', 'No API key with that id in this account.');
  return viewOf(row, new Date());
}

/** A key and its rate limits now (its own bucket and the account's, which all its keys share). */
export async function getApiKeyWithLimits(access: AccountAccess, keyId: string) {
  const key = await getApiKey(access, keyId);
  const limits = await describeApiKeyLimits(await getDb(), { keyId: key.id, accountId: key.accountId });
  return { key, limits };
}

const invalid = (field: keyof CreateApiKeyInput, message: string) => new AppError(`invalid:${field}`, message, { fieldErrors: { [field]: [message] } });

/**
 * Creates a key on the caller's account and answers its secret, the only time it exists outside
 * the caller's hands: the database keeps its SHA-256 and a visible prefix. A person creates keys,
 * with their second factor confirmed moments ago; a program with a key cannot make more keys.
 */
export async function createApiKey(access: AccountAccess, input: CreateApiKeyInput, now = new Date()): Promise<{ key: ApiKeyView; secret: string }> {
  if (access.actor.kind === 'api_key') {
    throw new AppError('forbidden:api_key_creation', 'API keys cannot create API keys: create keys in the portal (Developers → API keys), where a person confirms with their second factor.');
  }
  assertCan(access, 'users.manage');
  const name = apiKeyNameSchema.safeParse(input.name);
  if (!name.success) throw invalid('name', name.error.issues[0]!.message);
  if (!(API_KEY_ROLES as readonly string[]).includes(input.role)) throw invalid('role', API_KEY_ROLE_MESSAGE);
  if (!grantableApiKeyRoles(access).includes(input.role)) {
    throw new AppError('forbidden:role_ceiling', `You cannot create a key with more rights than your own role: choose ${grantableApiKeyRoles(access).join(', ')}.`, {
      fieldErrors: { role: ['Higher than your own role'] },
    });
  }
  const expiryProblem = input.expiresAt ? apiKeyExpiryProblem(input.expiresAt, now) : null;
  if (expiryProblem) throw invalid('expiresAt', expiryProblem);
  const scopes = [...new Set(input.scopes ?? [])];
  const unknownScope = scopes.find((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
  if (unknownScope) throw invalid('scopes', `There is no scope "${unknownScope}"; the scopes are ${API_KEY_SCOPES.join(', ')}.`);
  // A scope lets a program write what the carrier vouches for (pushed CDRs feed usage and billing): the carrier's staff grant it, customers cannot.
  if (scopes.length > 0 && !access.user.isOperatorStaff) {
    throw new AppError('forbidden:scope_grant', 'Only the carrier’s operator staff can give a key a scope such as cdr:write; ask them for such a key.', {
      fieldErrors: { scopes: ['Only operator staff can grant scopes'] },
    });
  }
  await assertRecentSecondFactor(access);

  const secret = generateApiKeySecret();
  const db = await getDb();
  const created = await db.transaction(async (tx) => {
    await lockAccountForApiKeys(tx, { accountId: access.account.id });
    if (await getLiveApiKeyByName(tx, { accountId: access.account.id, name: name.data, now })) {
      throw new AppError('conflict:api_key_name', `This account already has a working key named "${name.data}": choose another name or revoke that key first.`, {
        fieldErrors: { name: ['Another working key of this account has this name'] },
      });
    }
    const key = await insertApiKey(tx, {
      accountId: access.account.id,
      name: name.data,
      role: input.role,
      scopes,
      prefix: visiblePrefix(secret),
      secretHash: hashApiKeySecret(secret),
      createdByUserId: access.actor.kind === 'user' ? access.actor.user.id : null,
      expiresAt: input.expiresAt,
    });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: key.id,
      after: { name: key.name, role: key.role, scopes: key.scopes, prefix: key.prefix, expiresAt: key.expiresAt?.toISOString() ?? null },
    });
    return key;
  });
  return { key: await getApiKey(access, created.id), secret };
}

/**
 * Revokes a key of the account: programs using it are refused from the next request. Revoking a
 * revoked key changes nothing and answers it as it is (the first revocation's time and audit entry stay).
 */
export async function revokeApiKey(access: AccountAccess, keyId: string): Promise<{ key: ApiKeyView; alreadyRevoked: boolean }> {
  assertCan(access, 'users.manage');
  const existing = await getApiKey(access, keyId);
  if (existing.revokedAt) return { key: existing, alreadyRevoked: true };
  const db = await getDb();
  await db.transaction(async (tx) => {
    const revoked = await revokeApiKeyByAccount(tx, { accountId: access.account.id, keyId: existing.id });
    // Revoked by someone else a moment ago: theirs is the revocation on record.
    if (!revoked) return;
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: revoked.id,
      before: { name: revoked.name, role: revoked.role, prefix: revoked.prefix },
    });
  });
  return { key: await getApiKey(access, existing.id), alreadyRevoked: false };
}
