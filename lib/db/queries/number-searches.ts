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
