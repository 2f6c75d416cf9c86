import 'server-only';
import type { Db } from '@/lib/db/client';
import type { Account } from '@/lib/db/schema';
import { getApiKeyForAuthentication, touchApiKey } from '@/lib/db/queries/api-keys';
import { AppError } from '@/lib/errors';
import { creatorStopsKey } from '@/lib/views/api-keys';
import type { ApiKeyActor } from './access';
import { hashApiKeySecret, looksLikeApiKey } from './api-key-secret';
import type { Role } from './permissions';

/** Last use moves at most once a minute, so a busy key writes once a minute, not per request. */
const TOUCH_INTERVAL_MS = 60_000;

const INVALID_KEY = 'The API key is not valid: it may be mistyped, revoked or expired. Create a new key in the portal under Developers → API keys.';

/**
 * The key a Bearer secret stands for, or `unauthorized:api_key`. A key stops working when it is
 * revoked or expired, when its creator is disabled, no longer a member on the key's account path, or
 * no longer holds every right of the key's role (operator staff keep theirs), and while its account
 * or an ancestor is suspended (403).
 */
export async function authenticateApiKey(db: Db, secret: string, ip: string | undefined, now = new Date()): Promise<ApiKeyActor> {
  return (await authenticateApiKeyWithAccount(db, secret, ip, now)).key;
}

/** The same, with the key's account as the lookup read it (the route wrapper's access needs no second read). */
export async function authenticateApiKeyWithAccount(db: Db, secret: string, ip: string | undefined, now = new Date()): Promise<{ key: ApiKeyActor; account: Account }> {
  if (!looksLikeApiKey(secret)) throw new AppError('unauthorized:api_key', INVALID_KEY);
  const row = await getApiKeyForAuthentication(db, { secretHash: hashApiKeySecret(secret) });
  if (!row) throw new AppError('unauthorized:api_key', INVALID_KEY);
  const { key, account } = row;
  if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) throw new AppError('unauthorized:api_key', INVALID_KEY);
  const stopped = creatorStopsKey({ ...row, role: key.role, createdByUserId: key.createdByUserId });
  if (stopped) throw new AppError('unauthorized:api_key', `The API key no longer works. ${stopped}`);
  if (row.suspendedAccountName) {
    throw new AppError('forbidden:suspended', `${row.suspendedAccountName} is suspended: its API keys do not work until it is reactivated.`);
  }
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) await touchApiKey(db, { keyId: key.id, ip: ip ?? null });
  return { key: { id: key.id, name: key.name, prefix: key.prefix, role: key.role as Role, scopes: key.scopes, accountId: key.accountId, createdByUserId: key.createdByUserId }, account };
}
