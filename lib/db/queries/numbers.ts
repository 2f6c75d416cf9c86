import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, like, lt, ne, notExists, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { accountNumberCounts, accounts, auditEvents, numberOrderLines, numberOrders, phoneNumbers, providerConnections } from '@/lib/db/schema';
import type { NumberInventoryFilter, NumberSort } from '@/lib/validations/number-inventory';
import { e164PrefixOf } from '@/lib/validations/number-inventory';
import { isUuid } from './accounts';
import { routingCondition } from './number-routing';

type Executor = Db | Tx;

/**
 * Whose numbers: one account, or an account and everything under it (its materialized path is a
 * prefix of theirs). Always taken from the session's access, never from the request alone.
 */
export interface NumberScope {
  accountId: string;
  accountPath: string;
  subtree: boolean;
}

function scopeCondition(scope: NumberScope): SQL {
  if (!scope.subtree) return eq(phoneNumbers.accountId, scope.accountId);
  // An array, not `in (select …)`: the subtree's ids become an index condition instead of a hash
  // join over every number (the capped count of a 50k inventory: 2x faster).
  return sql`${phoneNumbers.accountId} = any(array(select ${accounts.id} from ${accounts} where ${accounts.path} like ${`${scope.accountPath}%`}))`;
}

/** The smallest string above every string that starts with `prefix` (digits only): `+1319` → `+132`. */
function prefixUpperBound(prefix: string): string | undefined {
  let head = prefix;
  while (head.length > 0) {
    const last = head.at(-1)!;
    if (last >= '0' && last < '9') return head.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
    head = head.slice(0, -1);
  }
  return undefined;
}

/** The filters, without the scope. */
function numberConditions(filter: Partial<NumberInventoryFilter>): SQL[] {
  const conditions: SQL[] = [];
  if (filter.q) {
    if (filter.match === 'prefix') {
      // A range on e164 (rather than LIKE alone) lets the (account, e164) index do the work under any collation.
      const prefix = e164PrefixOf(filter.q);
      const upper = prefixUpperBound(prefix);
      conditions.push(gte(phoneNumbers.e164, prefix));
      if (upper) conditions.push(lt(phoneNumbers.e164, upper));
      conditions.push(like(phoneNumbers.e164, `${prefix}%`));
    } else {
      conditions.push(like(phoneNumbers.e164, `%${filter.q}%`));
    }
  }
  if (filter.state) conditions.push(eq(phoneNumbers.state, filter.state));
  if (filter.npa) conditions.push(eq(phoneNumbers.npa, filter.npa));
  if (filter.trunk) {
    const trunk = filter.trunk.toLowerCase();
    // A reference that is no trunk group id matches no number (and is not a uuid cast error).
    conditions.push(trunk === 'none' ? isNull(phoneNumbers.trunkGroupRef) : isUuid(trunk) ? eq(phoneNumbers.trunkGroupRef, trunk) : sql`false`);
  }
  if (filter.e911) conditions.push(eq(phoneNumbers.e911Status, filter.e911));
  if (filter.routing) conditions.push(routingCondition(filter.routing));
  if (filter.status) conditions.push(eq(phoneNumbers.status, filter.status));
  else if (!filter.released) conditions.push(ne(phoneNumbers.status, 'released'));
  if (filter.account && isUuid(filter.account)) conditions.push(eq(phoneNumbers.accountId, filter.account));
  if (filter.connection && isUuid(filter.connection)) conditions.push(eq(phoneNumbers.connectionId, filter.connection));
  return conditions;
}

function filterConditions(scope: NumberScope, filter: Partial<NumberInventoryFilter>): SQL[] {
  return [scopeCondition(scope), ...numberConditions(filter)];
}

type SortColumns = Record<'state' | 'npa' | 'activatedAt' | 'monthly' | 'e164' | 'id', AnyColumn | SQL.Aliased>;

/** Sort keys end in (e164, id) so the order is total and matches the (account, column, e164) indexes. */
function orderOf(sort: NumberSort, dir: 'asc' | 'desc', columns: SortColumns = phoneNumbers) {
  const by = (column: AnyColumn | SQL.Aliased) => (dir === 'asc' ? asc(column as AnyColumn) : desc(column as AnyColumn));
  const leading = {
    number: [],
    state: [by(columns.state)],
    npa: [by(columns.npa)],
    activated: [by(columns.activatedAt)],
    monthly: [by(columns.monthly)],
  }[sort];
  return [...leading, by(columns.e164), by(columns.id)];
}

const numberColumns = {
  id: phoneNumbers.id,
  accountId: phoneNumbers.accountId,
  e164: phoneNumbers.e164,
  kind: phoneNumbers.kind,
  state: phoneNumbers.state,
  npa: phoneNumbers.npa,
  rateCenter: phoneNumbers.rateCenter,
  connectionId: phoneNumbers.connectionId,
  status: phoneNumbers.status,
  trunkGroupRef: phoneNumbers.trunkGroupRef,
  e911Status: phoneNumbers.e911Status,
  e911AddressId: phoneNumbers.e911AddressId,
  e911Detail: phoneNumbers.e911Detail,
  monthly: phoneNumbers.monthly,
  activatedAt: phoneNumbers.activatedAt,
  releasedAt: phoneNumbers.releasedAt,
  billedUntil: phoneNumbers.billedUntil,
  lastSeenUpstreamAt: phoneNumbers.lastSeenUpstreamAt,
};

const rowColumns = {
  ...numberColumns,
  accountName: accounts.name,
  provider: providerConnections.provider,
  connectionName: providerConnections.name,
};

export type NumberRow = {
  id: string;
  accountId: string;
  accountName: string;
  e164: string;
  kind: 'local' | 'tollfree';
  state: string | null;
  npa: string;
  rateCenter: string | null;
  connectionId: string;
  provider: string;
  connectionName: string;
  status: 'active' | 'released' | 'missing_upstream';
  trunkGroupRef: string | null;
  e911Status: string;
  e911AddressId: string | null;
  e911Detail: string | null;
  monthly: string;
  activatedAt: Date;
  releasedAt: Date | null;
  billedUntil: Date | null;
  lastSeenUpstreamAt: Date | null;
};

/**
 * Up to this many rows deep, a subtree is read account by account (a LATERAL join: one ordered
 * index scan per account, then a merge of a few hundred rows) instead of sorting every number of
 * the subtree; deeper pages fall back to one query over the whole subtree.
 */
const PER_ACCOUNT_MAX_ROWS = 1_000;

/** One page of the scope's numbers, filtered and sorted in SQL. */
export async function getNumbersByAccountScope(
  db: Executor,
  { scope, filter, sort, dir, limit, offset = 0 }: { scope: NumberScope; filter: Partial<NumberInventoryFilter>; sort: NumberSort; dir: 'asc' | 'desc'; limit: number; offset?: number },
): Promise<NumberRow[]> {
  // "Contains" cannot use an index either way; one scan of the subtree beats one per account.
  const perAccountPays = !(filter.q && filter.match !== 'prefix');
  if (scope.subtree && perAccountPays && offset + limit <= PER_ACCOUNT_MAX_ROWS) {
    const perAccount = db
      .select(numberColumns)
      .from(phoneNumbers)
      .where(and(sql`${phoneNumbers.accountId} = ${accounts.id}`, ...numberConditions(filter)))
      .orderBy(...orderOf(sort, dir))
      .limit(offset + limit)
      .as('pn');
    // The subquery's columns under the same names (typed as the table's, which they mirror).
    const fromPerAccount = Object.fromEntries(Object.keys(numberColumns).map((key) => [key, perAccount[key as keyof typeof numberColumns]])) as unknown as typeof numberColumns;
    return db
      .select({ ...fromPerAccount, accountName: accounts.name, provider: providerConnections.provider, connectionName: providerConnections.name })
      .from(accounts)
      .crossJoinLateral(perAccount)
      .innerJoin(providerConnections, eq(providerConnections.id, perAccount.connectionId))
      .where(like(accounts.path, `${scope.accountPath}%`))
      .orderBy(...orderOf(sort, dir, perAccount))
      .limit(limit)
      .offset(offset);
  }
  return db
    .select(rowColumns)
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .innerJoin(providerConnections, eq(providerConnections.id, phoneNumbers.connectionId))
    .where(and(...filterConditions(scope, filter)))
    .orderBy(...orderOf(sort, dir))
    .limit(limit)
    .offset(offset);
}

/** For exports: the next `limit` rows after (e164, id), in number order, so paging never rescans. */
export async function getNumbersByAccountScopeAfter(
  db: Executor,
  { scope, filter, after, limit }: { scope: NumberScope; filter: Partial<NumberInventoryFilter>; after?: { e164: string; id: string }; limit: number },
): Promise<NumberRow[]> {
  const conditions = filterConditions(scope, filter);
  // The plain bound lets the (account, e164) index start at the cursor; the row comparison breaks ties.
  if (after) conditions.push(gte(phoneNumbers.e164, after.e164), sql`(${phoneNumbers.e164}, ${phoneNumbers.id}) > (${after.e164}, ${after.id}::uuid)`);
  return db
    .select(rowColumns)
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .innerJoin(providerConnections, eq(providerConnections.id, phoneNumbers.connectionId))
    .where(and(...conditions))
    .orderBy(asc(phoneNumbers.e164), asc(phoneNumbers.id))
    .limit(limit);
}

/** How many numbers match, counting no further than `cap` (a capped count stays cheap at any size). */
/** No filter but the default one: every live number (`match` only says how `q` matches). */
function isWholeLiveInventory(filter: Partial<NumberInventoryFilter>): boolean {
  return Object.entries(filter).every(([key, value]) => key === 'match' || !value);
}

export async function countNumbersByAccountScope(
  db: Executor,
  { scope, filter, cap }: { scope: NumberScope; filter: Partial<NumberInventoryFilter>; cap: number },
): Promise<{ count: number; capped: boolean }> {
  if (isWholeLiveInventory(filter)) {
    // Every live number of the scope: the counters the phone_numbers triggers keep say it at once.
    const accountsOfScope = scope.subtree
      ? sql`${accountNumberCounts.accountId} = any(array(select ${accounts.id} from ${accounts} where ${accounts.path} like ${`${scope.accountPath}%`}))`
      : eq(accountNumberCounts.accountId, scope.accountId);
    const [live] = await db.select({ count: sql<number>`coalesce(sum(${accountNumberCounts.live}), 0)::int` }).from(accountNumberCounts).where(accountsOfScope);
    const count = live?.count ?? 0;
    return count > cap ? { count: cap, capped: true } : { count, capped: false };
  }
  const limited = db
    .select({ one: sql`1`.as('one') })
    .from(phoneNumbers)
    .where(and(...filterConditions(scope, filter)))
    .limit(cap + 1)
    .as('limited');
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(limited);
  const count = row?.count ?? 0;
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}

/** A number of the account or its subtree (released ones included), or undefined: never another tenant's. */
export async function getPhoneNumberById(db: Executor, { numberId, accountPath }: { numberId: string; accountPath: string }): Promise<(NumberRow & { orderLineId: string | null; accountPath: string; e911UpstreamDetail: string | null }) | undefined> {
  if (!isUuid(numberId)) return undefined;
  const [row] = await db
    .select({ ...rowColumns, orderLineId: phoneNumbers.orderLineId, accountPath: accounts.path, e911UpstreamDetail: phoneNumbers.e911UpstreamDetail })
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .innerJoin(providerConnections, eq(providerConnections.id, phoneNumbers.connectionId))
    .where(and(eq(phoneNumbers.id, numberId), like(accounts.path, `${accountPath}%`)))
    .limit(1);
  return row;
}

/**
 * The id of the number `e164` in the account or its subtree: the live one, else the last released
 * one (a number can be bought and released more than once). Never another tenant's.
 */
export async function getNumberIdByE164InSubtree(db: Executor, { e164, accountPath }: { e164: string; accountPath: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .where(and(eq(phoneNumbers.e164, e164), like(accounts.path, `${accountPath}%`)))
    .orderBy(sql`(${phoneNumbers.status} = 'released')`, desc(phoneNumbers.activatedAt))
    .limit(1);
  return row?.id;
}

/** The order line that bought the number and its order (dates and statuses, not the order's totals). */
export async function getOrderLineByNumber(db: Executor, { orderLineId }: { orderLineId: string }) {
  const [row] = await db
    .select({
      lineId: numberOrderLines.id,
      lineStatus: numberOrderLines.status,
      lineReason: numberOrderLines.reason,
      lineMonthly: numberOrderLines.monthly,
      lineSetup: numberOrderLines.setup,
      lineUpdatedAt: numberOrderLines.updatedAt,
      orderId: numberOrders.id,
      orderStatus: numberOrders.status,
      orderCreatedAt: numberOrders.createdAt,
      orderCompletedAt: numberOrders.completedAt,
      orderAccountId: numberOrders.accountId,
    })
    .from(numberOrderLines)
    .innerJoin(numberOrders, eq(numberOrders.id, numberOrderLines.orderId))
    .where(eq(numberOrderLines.id, orderLineId))
    .limit(1);
  return row;
}

/** Audit events about one number, within the viewer's subtree, newest first. */
export async function getNumberEventsByAccountSubtree(db: Executor, { numberId, accountPath, limit = 20 }: { numberId: string; accountPath: string; limit?: number }) {
  return db
    .select({ event: auditEvents, accountName: accounts.name })
    .from(auditEvents)
    .innerJoin(accounts, eq(accounts.id, auditEvents.accountId))
    .where(and(eq(auditEvents.targetType, 'phone_number'), eq(auditEvents.targetId, numberId), like(accounts.path, `${accountPath}%`)))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

export async function markNumberReleased(db: Executor, { numberId, releasedAt, billedUntil }: { numberId: string; releasedAt: Date; billedUntil: Date }) {
  const [row] = await db
    .update(phoneNumbers)
    .set({ status: 'released', releasedAt, billedUntil })
    .where(and(eq(phoneNumbers.id, numberId), ne(phoneNumbers.status, 'released')))
    .returning({ id: phoneNumbers.id });
  return row;
}

/**
 * Undoes markNumberReleased when the upstream would not release it: only the release we wrote, and
 * only while no other row has taken the number live since (the release freed it); undefined otherwise.
 */
export async function restoreReleasedNumber(db: Executor, { numberId, releasedAt, status }: { numberId: string; releasedAt: Date; status: 'active' | 'missing_upstream' }) {
  const other = alias(phoneNumbers, 'other_holder');
  const [row] = await db
    .update(phoneNumbers)
    .set({ status, releasedAt: null, billedUntil: null })
    .where(
      and(
        eq(phoneNumbers.id, numberId),
        eq(phoneNumbers.status, 'released'),
        eq(phoneNumbers.releasedAt, releasedAt),
        notExists(db.select({ id: other.id }).from(other).where(and(eq(other.e164, phoneNumbers.e164), ne(other.id, phoneNumbers.id), ne(other.status, 'released')))),
      ),
    )
    .returning({ id: phoneNumbers.id });
  return row;
}

export async function moveNumberToAccount(db: Executor, { numberId, fromAccountId, toAccountId }: { numberId: string; fromAccountId: string; toAccountId: string }) {
  const [row] = await db
    .update(phoneNumbers)
    .set({ accountId: toAccountId })
    // Not while routed: a trunk group belongs to the account the number is leaving.
    .where(and(eq(phoneNumbers.id, numberId), eq(phoneNumbers.accountId, fromAccountId), ne(phoneNumbers.status, 'released'), isNull(phoneNumbers.trunkGroupRef)))
    .returning({ id: phoneNumbers.id });
  return row;
}

/** Numbers an upstream listed: seen now, and back to active if they had been flagged missing. */
export async function markNumbersSeenUpstream(db: Executor, { connectionId, e164s, seenAt }: { connectionId: string; e164s: string[]; seenAt: Date }): Promise<{ restored: number }> {
  if (e164s.length === 0) return { restored: 0 };
  const restored = await db
    .update(phoneNumbers)
    .set({ status: 'active', lastSeenUpstreamAt: seenAt })
    .where(and(eq(phoneNumbers.connectionId, connectionId), eq(phoneNumbers.status, 'missing_upstream'), inArray(phoneNumbers.e164, e164s)))
    .returning({ id: phoneNumbers.id });
  await db
    .update(phoneNumbers)
    .set({ lastSeenUpstreamAt: seenAt })
    .where(and(eq(phoneNumbers.connectionId, connectionId), eq(phoneNumbers.status, 'active'), inArray(phoneNumbers.e164, e164s)));
  return { restored: restored.length };
}

/**
 * After a complete listing: our active numbers on the connection it did not report are flagged
 * (never deleted). Numbers activated after the listing began are left alone.
 */
export async function flagNumbersUnseenSince(db: Executor, { connectionId, since }: { connectionId: string; since: Date }): Promise<{ flagged: number }> {
  const rows = await db
    .update(phoneNumbers)
    .set({ status: 'missing_upstream' })
    .where(
      and(
        eq(phoneNumbers.connectionId, connectionId),
        eq(phoneNumbers.status, 'active'),
        lt(phoneNumbers.activatedAt, since),
        or(isNull(phoneNumbers.lastSeenUpstreamAt), lt(phoneNumbers.lastSeenUpstreamAt, since)),
      ),
    )
    .returning({ id: phoneNumbers.id });
  return { flagged: rows.length };
}

/** Connections that carry at least one number of the scope, for the staff-only provider filter. */
export async function getConnectionsByAccountScope(db: Executor, { scope }: { scope: NumberScope }) {
  return db
    .select({ id: providerConnections.id, provider: providerConnections.provider, name: providerConnections.name })
    .from(providerConnections)
    .where(sql`exists (select 1 from ${phoneNumbers} where ${phoneNumbers.connectionId} = ${providerConnections.id} and ${scopeCondition(scope)})`)
    .orderBy(asc(providerConnections.provider), asc(providerConnections.name));
}

export interface LiveHolder {
  e164: string;
  accountId: string;
  orderLineId: string | null;
  connectionId: string;
}

/** Platform-wide: who holds each of these numbers now (at most one live row per number). */
export async function getLiveHoldersByE164s(db: Executor, { e164s }: { e164s: string[] }): Promise<LiveHolder[]> {
  if (e164s.length === 0) return [];
  return db
    .select({ e164: phoneNumbers.e164, accountId: phoneNumbers.accountId, orderLineId: phoneNumbers.orderLineId, connectionId: phoneNumbers.connectionId })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.e164, e164s), ne(phoneNumbers.status, 'released')));
}

export interface TakenNumber {
  e164: string;
  accountId: string;
  /** The order line that bought it, or is buying it. */
  orderLineId: string | null;
  /** `live`: in an account's numbers; `in_flight`: on an order line not yet settled. */
  how: 'live' | 'in_flight';
}

/**
 * Platform-wide: which of these numbers the portal already holds for some account, or is buying
 * for one right now. Search and cart leave them out; the caller decides what to tell whom.
 */
export async function getTakenNumbersByE164s(db: Executor, { e164s }: { e164s: string[] }): Promise<TakenNumber[]> {
  if (e164s.length === 0) return [];
  // One statement, one snapshot: a line that turns active between two reads would be seen by neither.
  const live = db
    .select({ e164: phoneNumbers.e164, accountId: phoneNumbers.accountId, orderLineId: phoneNumbers.orderLineId, how: sql<TakenNumber['how']>`'live'`.as('how') })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.e164, e164s), ne(phoneNumbers.status, 'released')));
  const inFlight = db
    .select({ e164: numberOrderLines.e164, accountId: numberOrders.accountId, orderLineId: numberOrderLines.id, how: sql<TakenNumber['how']>`'in_flight'`.as('how') })
    .from(numberOrderLines)
    .innerJoin(numberOrders, eq(numberOrders.id, numberOrderLines.orderId))
    .where(and(inArray(numberOrderLines.e164, e164s), inArray(numberOrderLines.status, ['pending', 'submitted'])));
  return live.unionAll(inFlight);
}

/** The number becomes the account's unless another row already holds it live (undefined then). */
export async function insertLiveNumberIfFree(db: Executor, number: typeof phoneNumbers.$inferInsert) {
  const [row] = await db.insert(phoneNumbers).values(number).onConflictDoNothing().returning({ id: phoneNumbers.id });
  return row;
}
