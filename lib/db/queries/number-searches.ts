import 'server-only';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { numberSearches } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export async function getFreshSearchByKey(db: Executor, { accountId, queryKey }: { accountId: string; queryKey: string }) {
  const [row] = await db
    .select()
    .from(numberSearches)
    .where(and(eq(numberSearches.accountId, accountId), eq(numberSearches.queryKey, queryKey), gt(numberSearches.expiresAt, new Date())))
    .limit(1);
  return row;
}

export async function getSearchById(db: Executor, { searchId, accountId }: { searchId: string; accountId: string }) {
  if (!isUuid(searchId)) return undefined;
  const [row] = await db
    .select()
    .from(numberSearches)
    .where(and(eq(numberSearches.id, searchId), eq(numberSearches.accountId, accountId)))
    .limit(1);
  return row;
}

export async function deleteExpiredSearches(db: Executor, { before }: { before: Date }) {
  await db.delete(numberSearches).where(lt(numberSearches.expiresAt, before));
}

/** The account's cached searches list numbers it has just bought: the next search asks again. */
export async function deleteSearchesByAccount(db: Executor, { accountId }: { accountId: string }) {
  await db.delete(numberSearches).where(eq(numberSearches.accountId, accountId));
}

export async function insertSearch(db: Executor, search: typeof numberSearches.$inferInsert) {
  const [row] = await db.insert(numberSearches).values(search).returning();
  return row;
}

/** Everything known so far: each write holds every answer that has arrived. */
export async function updateSearchResults(db: Executor, { searchId, results, providers }: { searchId: string; results: unknown; providers: unknown }) {
  await db.update(numberSearches).set({ results, providers }).where(eq(numberSearches.id, searchId));
}
