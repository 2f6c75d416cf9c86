import 'server-only';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, apiKeys, memberships, users } from '@/lib/db/schema';

type Executor = Db | Tx;

/** Whether a key's creator still holds it up (columns of a query joining `accounts` and `users` on the key; `creatorStopsKey` reads them). */
const creatorState = {
  creatorDisabled: sql<boolean>`${users.disabledAt} is not null`,
  creatorIsStaff: users.isOperatorStaff,
  /** The creator's roles on the key's account path now: none once they left it. */
  creatorRoles: sql<string[]>`array(
    select ${memberships.role}::text from ${memberships}
    where ${memberships.userId} = ${apiKeys.createdByUserId}
      and ${memberships.accountId} = any(string_to_array(trim(both '/' from ${accounts.path}), '/')::uuid[])
  )`,
};

/**
 * The key behind a secret's hash, with what decides whether it still works: its creator (disabled,
 * staff, still a member on the key's account path) and whether the key's account or an ancestor is
 * suspended. One query: it runs on every API request.
 */
export async function getApiKeyForAuthentication(db: Executor, { secretHash }: { secretHash: string }) {
  const [row] = await db
    .select({
      key: apiKeys,
      account: accounts,
      ...creatorState,
      suspendedAccountName: sql<string | null>`(
        select a.name from ${accounts} a
        where a.id = any(string_to_array(trim(both '/' from ${accounts.path}), '/')::uuid[]) and a.status = 'suspended'
        limit 1
      )`,
    })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .leftJoin(users, eq(users.id, apiKeys.createdByUserId))
    .where(eq(apiKeys.secretHash, secretHash))
    .limit(1);
  return row;
}

export async function touchApiKey(db: Executor, { keyId, ip }: { keyId: string; ip: string | null }): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date(), lastUsedIp: ip }).where(eq(apiKeys.id, keyId));
}

export async function insertApiKey(db: Executor, values: typeof apiKeys.$inferInsert) {
  const [row] = await db.insert(apiKeys).values(values).returning();
  return row!;
}

/** The keys of one account, newest first (revoked ones included, marked). */
export async function getApiKeysByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db
    .select({ key: apiKeys, creatorEmail: users.email })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdByUserId))
    .where(eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function getApiKeyByAccount(db: Executor, { accountId, keyId }: { accountId: string; keyId: string }) {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.accountId, accountId)))
    .limit(1);
  return row;
}

export async function revokeApiKeyByAccount(db: Executor, { accountId, keyId }: { accountId: string; keyId: string }) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

/** A key as its lists and pages show it: the key, who made it and whether they still hold it up. */
function selectApiKeysWithCreator(db: Executor) {
  return db
    .select({ key: apiKeys, creatorEmail: users.email, ...creatorState })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .leftJoin(users, eq(users.id, apiKeys.createdByUserId));
}

export type ApiKeyWithCreator = NonNullable<Awaited<ReturnType<typeof getApiKeyWithCreatorByAccount>>>;

/**
 * One page of an account's keys, newest first; `afterKeyId` is the last key of the previous page
 * (its position is read from the table, so timestamps keep their full precision).
 */
export async function getApiKeyPageByAccount(db: Executor, { accountId, afterKeyId, limit }: { accountId: string; afterKeyId?: string; limit: number }) {
  const after = afterKeyId
    ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (select k.created_at, k.id from ${apiKeys} k where k.id = ${afterKeyId} and k.account_id = ${accountId})`
    : undefined;
  return selectApiKeysWithCreator(db)
    .where(and(eq(apiKeys.accountId, accountId), after))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit);
}

export async function getApiKeyWithCreatorByAccount(db: Executor, { accountId, keyId }: { accountId: string; keyId: string }) {
  const [row] = await selectApiKeysWithCreator(db)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.accountId, accountId)))
    .limit(1);
  return row;
}

/** A key of the account with this name (any case) that is neither revoked nor expired at `now`. */
export async function getLiveApiKeyByName(db: Executor, { accountId, name, now }: { accountId: string; name: string; now: Date }) {
  const [row] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.accountId, accountId),
        sql`lower(${apiKeys.name}) = lower(${name})`,
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      ),
    )
    .limit(1);
  return row;
}

/** Serializes key creation per account, so two requests cannot both take one name. */
export async function lockAccountForApiKeys(tx: Tx, { accountId }: { accountId: string }): Promise<void> {
  await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('no key update');
}
