import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, memberships, type Account } from '@/lib/db/schema';

type Executor = Db | Tx;

export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export async function getAccountById(db: Executor, { accountId }: { accountId: string }): Promise<Account | undefined> {
  if (!isUuid(accountId)) return undefined;
  const [row] = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return row;
}

/** The account and everything under it, ordered so parents come before children. */
export async function getSubtreeByAccount(db: Executor, { accountId }: { accountId: string }) {
  const root = await getAccountById(db, { accountId });
  if (!root) return [];
  return db
    .select()
    .from(accounts)
    .where(like(accounts.path, `${root.path}%`))
    .orderBy(asc(accounts.depth), asc(accounts.name));
}

/** Accounts of the subtree with their direct sub-account and member counts. */
export async function getSubtreeWithCountsByAccount(db: Executor, { accountId }: { accountId: string }) {
  const root = await getAccountById(db, { accountId });
  if (!root) return [];
  const childCounts = db
    .select({ parentId: accounts.parentId, children: sql<number>`count(*)::int`.as('children') })
    .from(accounts)
    .groupBy(accounts.parentId)
    .as('child_counts');
  const memberCounts = db
    .select({ accountId: memberships.accountId, members: sql<number>`count(*)::int`.as('members') })
    .from(memberships)
    .groupBy(memberships.accountId)
    .as('member_counts');
  const rows = await db
    .select({
      account: accounts,
      children: sql<number>`coalesce(${childCounts.children}, 0)`,
      members: sql<number>`coalesce(${memberCounts.members}, 0)`,
    })
    .from(accounts)
    .leftJoin(childCounts, eq(childCounts.parentId, accounts.id))
    .leftJoin(memberCounts, eq(memberCounts.accountId, accounts.id))
    .where(like(accounts.path, `${root.path}%`));
  return depthFirstByName(rows);
}

/** Orders tree rows parent-first, siblings by name, for an indented tree. */
export function depthFirstByName<T extends { account: Pick<Account, 'id' | 'parentId' | 'name' | 'depth'> }>(rows: T[]): T[] {
  const byParent = new Map<string | null, T[]>();
  for (const row of rows) {
    const siblings = byParent.get(row.account.parentId) ?? [];
    siblings.push(row);
    byParent.set(row.account.parentId, siblings);
  }
  const ids = new Set(rows.map((row) => row.account.id));
  const roots = rows.filter((row) => !row.account.parentId || !ids.has(row.account.parentId));
  const ordered: T[] = [];
  const visit = (row: T) => {
    ordered.push(row);
    const children = (byParent.get(row.account.id) ?? []).sort((a, b) => a.account.name.localeCompare(b.account.name));
    children.forEach(visit);
  };
  roots.sort((a, b) => a.account.name.localeCompare(b.account.name)).forEach(visit);
  return ordered;
}

export async function getAccountsByIds(db: Executor, { accountIds }: { accountIds: string[] }) {
  if (accountIds.length === 0) return [];
  return db.select().from(accounts).where(inArray(accounts.id, accountIds));
}

export async function getRootAccounts(db: Executor) {
  return db.select().from(accounts).where(sql`${accounts.parentId} is null`).orderBy(asc(accounts.name));
}

export async function getSiblingByName(db: Executor, { parentId, name }: { parentId: string; name: string }) {
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.parentId, parentId), sql`lower(${accounts.name}) = lower(${name})`))
    .limit(1);
  return row;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
