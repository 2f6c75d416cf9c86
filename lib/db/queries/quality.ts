import 'server-only';
import { asc, inArray } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { trunkGroups } from '@/lib/db/schema';

type Executor = Db | Tx;

/** Trunk groups of these accounts (an account's subtree), by name: the quality filters and breakdown labels. */
export async function getTrunkGroupNamesByAccounts(db: Executor, { accountIds }: { accountIds: string[] }) {
  if (accountIds.length === 0) return [];
  return db
    .select({ id: trunkGroups.id, name: trunkGroups.name, accountId: trunkGroups.accountId })
    .from(trunkGroups)
    .where(inArray(trunkGroups.accountId, accountIds))
    .orderBy(asc(trunkGroups.name), asc(trunkGroups.id));
}
