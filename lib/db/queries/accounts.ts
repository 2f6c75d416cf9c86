import 'server-only';
import { and, asc, eq, inArray, like, ne, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { accountLedger, accountNumberCounts, accounts, memberships, numberOrderLines, numberOrders, trunkGroups, type Account, type Membership } from '@/lib/db/schema';
import { getRatedUsageBySubtreesSince } from './spend-limits';

type Executor = Db | Tx;

export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export async function getAccountById(db: Executor, { accountId }: { accountId: string }): Promise<Account | undefined> {
  if (!isUuid(accountId)) return undefined;
  const [row] = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return row;
}

/** The account and everything under it, ordered so parents come before children (one round trip when the caller knows its path). */
export async function getSubtreeByAccount(db: Executor, { accountId, accountPath, limit }: { accountId: string; accountPath?: string; limit?: number }) {
  const path = accountPath ?? (await getAccountById(db, { accountId }))?.path;
  if (!path) return [];
  const query = db
    .select()
    .from(accounts)
    .where(like(accounts.path, `${path}%`))
    .orderBy(asc(accounts.depth), asc(accounts.name));
  return limit === undefined ? query : query.limit(limit);
}

/** One page of the subtree under `accountPath` (itself included), parents before children, by path. */
export async function getSubtreePageByPath(db: Executor, { accountPath, afterPath, limit }: { accountPath: string; afterPath?: string; limit: number }) {
  return db
    .select()
    .from(accounts)
    .where(and(like(accounts.path, `${accountPath}%`), afterPath === undefined ? undefined : sql`${accounts.path} > ${afterPath}`))
    .orderBy(asc(accounts.path))
    .limit(limit);
}

/**
 * Accounts of the subtree with their direct sub-account and member counts, in one round trip when
 * the caller knows the account's path (every caller holding an AccountAccess does). The counts are
 * per row, through the parent and membership indexes, so other tenants' accounts are never read.
 */
export async function getSubtreeWithCountsByAccount(db: Executor, { accountId, accountPath }: { accountId: string; accountPath?: string }) {
  const path = accountPath ?? (await getAccountById(db, { accountId }))?.path;
  if (!path) return [];
  const child = alias(accounts, 'child');
  const rows = await db
    .select({
      account: accounts,
      children: sql<number>`(${db.select({ count: sql`count(*)` }).from(child).where(eq(child.parentId, accounts.id))})::int`,
      members: sql<number>`(${db.select({ count: sql`count(*)` }).from(memberships).where(eq(memberships.accountId, accounts.id))})::int`,
    })
    .from(accounts)
    .where(like(accounts.path, `${path}%`));
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

const target = alias(accounts, 'target');

/**
 * The account and every account on its path (itself included), each with the role `userId` holds
 * there, if any: what deciding access needs, in one round trip since every page request asks it.
 */
export async function getAccountChainWithRoles(db: Executor, { accountId, userId }: { accountId: string; userId: string }): Promise<{ account: Account; role: Membership['role'] | null }[]> {
  if (!isUuid(accountId)) return [];
  return db
    .select({ account: accounts, role: memberships.role })
    .from(target)
    .innerJoin(accounts, sql`${accounts.id} = any(string_to_array(trim(both '/' from ${target.path}), '/')::uuid[])`)
    .leftJoin(memberships, and(eq(memberships.accountId, accounts.id), eq(memberships.userId, userId)))
    .where(eq(target.id, accountId));
}

const top = alias(accounts, 'top');

/**
 * For each membership of `userId`: the account it is on and that account's subtree, at most
 * `limitPerMembership` accounts each (parents before children, siblings by name). Memberships come
 * highest in the tree first, then by name. One round trip: the layout asks it on every page.
 */
export async function getMembershipSubtreesByUser(db: Executor, { userId, limitPerMembership }: { userId: string; limitPerMembership: number }) {
  const subtree = db
    .select({ id: accounts.id, name: accounts.name, depth: accounts.depth })
    .from(accounts)
    .where(sql`${accounts.path} like ${top.path} || '%'`)
    .orderBy(asc(accounts.depth), asc(accounts.name))
    .limit(limitPerMembership)
    .as('sub');
  return db
    .select({ membershipAccountId: top.id, membershipDepth: top.depth, role: memberships.role, id: subtree.id, name: subtree.name, depth: subtree.depth })
    .from(memberships)
    .innerJoin(top, eq(top.id, memberships.accountId))
    .crossJoinLateral(subtree)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(top.depth), asc(top.name), asc(top.id), asc(subtree.depth), asc(subtree.name));
}

export async function getAccountsByIds(db: Executor, { accountIds }: { accountIds: string[] }) {
  if (accountIds.length === 0) return [];
  return db.select().from(accounts).where(inArray(accounts.id, accountIds));
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

/** The accounts from the root down to the one `path` names (itself included), root first. */
export async function getAccountsOnPath(db: Executor, { path }: { path: string }): Promise<Account[]> {
  const ids = pathIds(path);
  const rows = await getAccountsByIds(db, { accountIds: ids });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Locks the billing (root) account's row until the transaction ends. Limit changes, trunk group
 * channel totals and checkouts of one account tree take it, so their checks cannot interleave.
 * `no key update`: rows that merely reference the account (ledger entries, orders) are not held up.
 */
export async function lockBillingAccount(tx: Executor, { billingAccountId }: { billingAccountId: string }) {
  await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, billingAccountId)).for('no key update');
}

const ancestor = alias(accounts, 'ancestor');
const member = alias(accounts, 'member');

/**
 * For each of `accountIds` (of one billing tree): the channels the trunk groups of its subtree
 * promise in total, and the highest calls-per-second of one of them. Groups without a limit count 0.
 */
export async function getTrunkLimitTotalsBySubtrees(
  db: Executor,
  { billingAccountId, accountIds, exceptTrunkGroupId }: { billingAccountId: string; accountIds: string[]; exceptTrunkGroupId?: string },
): Promise<Map<string, { channels: number; maxCps: number }>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .select({
      accountId: ancestor.id,
      channels: sql<number>`coalesce(sum(${trunkGroups.maxChannels}), 0)::int`,
      maxCps: sql<number>`coalesce(max(${trunkGroups.maxCps}), 0)::int`,
    })
    .from(ancestor)
    .innerJoin(member, sql`${member.path} like ${ancestor.path} || '%'`)
    .innerJoin(trunkGroups, eq(trunkGroups.accountId, member.id))
    .where(and(inArray(ancestor.id, accountIds), eq(member.billingAccountId, billingAccountId), exceptTrunkGroupId ? ne(trunkGroups.id, exceptTrunkGroupId) : undefined))
    .groupBy(ancestor.id);
  return new Map(rows.map((row) => [row.accountId, { channels: Number(row.channels), maxCps: Number(row.maxCps) }]));
}

/**
 * For each of `accountIds` (of one billing tree): what its subtree has spent since `since`, as
 * positive decimal strings: the charges in the ledger (a reversed charge counts as never made), the
 * rated usage of its calls, and order lines placed but not settled yet (they are charged when they
 * turn active, so a second checkout must already count them). Usage is counted from the rollups
 * even where an invoice has posted it since: callers ask about the current month, which no issued
 * invoice covers.
 */
export async function getSubtreeSpendSince(
  db: Executor,
  { billingAccountId, accountIds, since }: { billingAccountId: string; accountIds: string[]; since: Date },
): Promise<Map<string, { charged: string; usage: string; outstanding: string }>> {
  if (accountIds.length === 0) return new Map();
  const usage = await getRatedUsageBySubtreesSince(db, { billingAccountId, accountIds, since });
  const charged = await db
    .select({ accountId: ancestor.id, amount: sql<string>`coalesce(-sum(${accountLedger.amount}), 0)::text` })
    .from(ancestor)
    .innerJoin(member, sql`${member.path} like ${ancestor.path} || '%'`)
    .innerJoin(accountLedger, eq(accountLedger.accountId, member.id))
    .where(
      and(
        inArray(ancestor.id, accountIds),
        eq(accountLedger.billingAccountId, billingAccountId),
        eq(accountLedger.kind, 'charge'),
        sql`${accountLedger.createdAt} >= ${since.toISOString()}::timestamptz`,
        sql`not exists (select 1 from ${accountLedger} r where r.reverses_id = ${accountLedger.id})`,
      ),
    )
    .groupBy(ancestor.id);
  const outstanding = await db
    .select({ accountId: ancestor.id, amount: sql<string>`coalesce(sum(${numberOrderLines.setup} + ${numberOrderLines.monthly}), 0)::text` })
    .from(ancestor)
    .innerJoin(member, sql`${member.path} like ${ancestor.path} || '%'`)
    .innerJoin(numberOrders, eq(numberOrders.accountId, member.id))
    .innerJoin(numberOrderLines, eq(numberOrderLines.orderId, numberOrders.id))
    .where(
      and(
        inArray(ancestor.id, accountIds),
        eq(member.billingAccountId, billingAccountId),
        inArray(numberOrderLines.status, ['pending', 'submitted']),
        sql`not exists (select 1 from ${accountLedger} where ${accountLedger.orderLineId} = ${numberOrderLines.id})`,
      ),
    )
    .groupBy(ancestor.id);
  const result = new Map<string, { charged: string; usage: string; outstanding: string }>();
  for (const id of accountIds) {
    result.set(id, {
      charged: charged.find((row) => row.accountId === id)?.amount ?? '0',
      usage: usage.get(id) ?? '0',
      outstanding: outstanding.find((row) => row.accountId === id)?.amount ?? '0',
    });
  }
  return result;
}

export async function insertAccount(db: Executor, account: typeof accounts.$inferInsert) {
  const [row] = await db.insert(accounts).values(account).returning();
  return row;
}

/** Name, limits, e911 rule or status; `updatedAt` is stamped here. */
export async function updateAccount(
  db: Executor,
  { accountId, changes }: { accountId: string; changes: Partial<Pick<typeof accounts.$inferInsert, 'name' | 'status' | 'maxConcurrentCalls' | 'maxCallsPerSecond' | 'monthlySpendCap' | 'internationalAllowed' | 'requireE911ForRouting'>> },
) {
  const [row] = await db.update(accounts).set({ ...changes, updatedAt: new Date() }).where(eq(accounts.id, accountId)).returning();
  return row;
}

/** Sets the account's status unless it already has it: answers the updated row, or undefined when nothing changed (or no such account). */
export async function updateAccountStatusIfChanged(db: Executor, { accountId, status }: { accountId: string; status: Account['status'] }): Promise<Account | undefined> {
  if (!isUuid(accountId)) return undefined;
  const [row] = await db
    .update(accounts)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(accounts.id, accountId), ne(accounts.status, status)))
    .returning();
  return row;
}

/** The first of the given accounts (a path) that requires a registered e911 address before routing. */
export async function getAccountRequiringE911(db: Executor, { accountIds }: { accountIds: string[] }) {
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(inArray(accounts.id, accountIds), eq(accounts.requireE911ForRouting, true)))
    .limit(1);
  return row;
}

export type StaffAccountSort = 'name' | 'balance' | 'numbers' | 'status';

const pathIdArray = (path: SQL | AnyPgColumn) => sql`string_to_array(trim(both '/' from ${path}), '/')::uuid[]`;

/**
 * Platform-level, for operator staff only: one page of every customer account, top-level and
 * sub-accounts. `name` sorts as a tree (the names from the root down, compared level by level, so
 * a parent comes right before its sub-accounts). Numbers are the live numbers of the account and
 * everything below it, from the per-account counters; the balance is the billing account's own
 * (a sub-account is billed to its top-level account). An account counts as suspended when it or
 * an account above it is.
 */
export async function getAccountsPageForStaff(
  db: Executor,
  { search, status, sort, dir, limit, offset }: { search?: string; status?: 'active' | 'suspended'; sort: StaffAccountSort; dir: 'asc' | 'desc'; limit: number; offset: number },
) {
  const onPath = sql`p.id = any(${pathIdArray(accounts.path)})`;
  const suspendedBy = sql<string | null>`(select p.name from ${accounts} p where ${onPath} and p.status = 'suspended' order by p.depth limit 1)`;
  const namePath = sql<string[]>`(select array_agg(p.name order by p.depth) from ${accounts} p where ${onPath})`;
  const treeKey = sql`(select array_agg(lower(p.name) order by p.depth) from ${accounts} p where ${onPath})`;
  const balance = sql<string | null>`case when ${accounts.parentId} is null then (select coalesce(sum(${accountLedger.amount}), 0) from ${accountLedger} where ${accountLedger.billingAccountId} = ${accounts.id})::text end`;
  // Every account's live numbers added to each account on its path: one pass over the counters.
  const subtreeTotals = db.$with('subtree_totals').as(
    db
      .select({ accountId: sql<string>`above.id`.as('subtree_account_id'), live: sql<number>`sum(${accountNumberCounts.live})::int`.as('subtree_live') })
      .from(accountNumberCounts)
      .innerJoin(member, eq(member.id, accountNumberCounts.accountId))
      .innerJoin(sql`unnest(${pathIdArray(member.path)}) as above(id)`, sql`true`)
      .groupBy(sql`above.id`),
  );
  const conditions: SQL[] = [];
  const needle = search?.trim();
  if (needle) {
    const byId = isUuid(needle) ? sql`${accounts.id} = ${needle}::uuid` : /^[0-9a-f-]{4,}$/i.test(needle) ? sql`${accounts.id}::text like ${`${needle.toLowerCase()}%`}` : undefined;
    const byName = sql`${accounts.name} ilike ${`%${needle.replace(/[\\%_]/g, (character) => `\\${character}`)}%`}`;
    conditions.push(byId ? sql`(${byName} or ${byId})` : byName);
  }
  if (status === 'suspended') conditions.push(sql`${suspendedBy} is not null`);
  if (status === 'active') conditions.push(sql`${suspendedBy} is null`);
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const numbers = sql<number>`coalesce(${subtreeTotals.live}, 0)`;
  const order = (expression: SQL) => (dir === 'asc' ? sql`${expression} asc nulls last` : sql`${expression} desc nulls last`);
  const orderBy: SQL[] =
    sort === 'balance' ? [order(sql`(${balance})::numeric`), sql`${treeKey} asc`] : sort === 'numbers' ? [order(numbers), sql`${treeKey} asc`] : sort === 'status' ? [order(sql`(${suspendedBy} is not null)`), sql`${treeKey} asc`] : [order(treeKey)];

  const [rows, [counted]] = await Promise.all([
    db
      .with(subtreeTotals)
      .select({
        id: accounts.id,
        name: accounts.name,
        parentId: accounts.parentId,
        billingAccountId: accounts.billingAccountId,
        depth: accounts.depth,
        status: accounts.status,
        createdAt: accounts.createdAt,
        namePath,
        suspendedBy,
        balance,
        ownNumbers: sql<number>`coalesce(${accountNumberCounts.live}, 0)`,
        numbers,
        subAccounts: sql<number>`(select count(*) from ${accounts} c where c.parent_id = ${accounts.id})::int`,
      })
      .from(accounts)
      .leftJoin(accountNumberCounts, eq(accountNumberCounts.accountId, accounts.id))
      .leftJoin(subtreeTotals, eq(subtreeTotals.accountId, accounts.id))
      .where(where)
      .orderBy(...orderBy, asc(accounts.id))
      .limit(limit)
      .offset(offset),
    db.select({ total: sql<number>`count(*)::int` }).from(accounts).where(where),
  ]);
  return {
    rows: rows.map((row) => ({ ...row, ownNumbers: Number(row.ownNumbers), numbers: Number(row.numbers), subAccounts: Number(row.subAccounts), namePath: row.namePath ?? [row.name] })),
    total: Number(counted?.total ?? 0),
  };
}
