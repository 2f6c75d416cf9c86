import 'server-only';
import { and, asc, desc, eq, gte, inArray, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountLedger, accounts, apiKeys, numberOrderLines, numberOrders, phoneNumbers, users, type NumberOrder } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export async function getOrderById(db: Executor, { orderId, accountId }: { orderId: string; accountId: string }) {
  if (!isUuid(orderId)) return undefined;
  const [row] = await db.select().from(numberOrders).where(and(eq(numberOrders.id, orderId), eq(numberOrders.accountId, accountId))).limit(1);
  return row;
}

export async function getOrderByIdempotencyKey(db: Executor, { accountId, idempotencyKey }: { accountId: string; idempotencyKey: string }) {
  const [row] = await db
    .select()
    .from(numberOrders)
    .where(and(eq(numberOrders.accountId, accountId), eq(numberOrders.idempotencyKey, idempotencyKey)))
    .limit(1);
  return row;
}

export async function getOrderLinesByOrder(db: Executor, { orderId }: { orderId: string }) {
  return db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, orderId)).orderBy(asc(numberOrderLines.e164));
}

export interface BoughtNumber {
  id: string;
  e164: string;
  accountId: string;
  orderLineId: string | null;
  connectionId: string;
  e911Status: string;
  e911Detail: string | null;
}

/** The live numbers an order bought (its active lines, as they are now in My numbers). */
export async function getNumbersBoughtByOrder(db: Executor, { orderId }: { orderId: string }): Promise<BoughtNumber[]> {
  return db
    .select({
      id: phoneNumbers.id,
      e164: phoneNumbers.e164,
      accountId: phoneNumbers.accountId,
      orderLineId: phoneNumbers.orderLineId,
      connectionId: phoneNumbers.connectionId,
      e911Status: phoneNumbers.e911Status,
      e911Detail: phoneNumbers.e911Detail,
    })
    .from(phoneNumbers)
    .innerJoin(numberOrderLines, eq(numberOrderLines.id, phoneNumbers.orderLineId))
    .where(and(eq(numberOrderLines.orderId, orderId), eq(numberOrderLines.status, 'active'), sql`${phoneNumbers.status} <> 'released'`))
    .orderBy(asc(phoneNumbers.e164));
}

/** What the ledger charged for each line of an order (positive amounts, net of a reversal: a refunded line shows 0), by line id. */
export async function getChargesByOrder(db: Executor, { orderId }: { orderId: string }): Promise<Map<string, string>> {
  const rows = await db
    .select({ orderLineId: accountLedger.orderLineId, charged: sql<string>`(-(${accountLedger.amount} + ${reversedAmount(sql`${accountLedger.id}`)}))::text` })
    .from(accountLedger)
    .innerJoin(numberOrderLines, eq(numberOrderLines.id, accountLedger.orderLineId))
    .where(and(eq(numberOrderLines.orderId, orderId), eq(accountLedger.kind, 'charge')));
  return new Map(rows.map((row) => [row.orderLineId!, row.charged]));
}

/** What reversals gave back of the ledger entry `entryId` names (0 when it stands). */
const reversedAmount = (entryId: SQL) => sql`coalesce((select r.amount from ${accountLedger} r where r.reverses_id = ${entryId}), 0)`;

/**
 * Whose orders: one account, or an account and its subtree (its materialized path is a prefix of
 * theirs), decided from the session's access as My numbers decides whose numbers.
 */
export interface OrderScope {
  accountId: string;
  accountPath: string;
  subtree: boolean;
}

const subtreeIds = (accountPath: string) => sql`any(array(select ${accounts.id} from ${accounts} where ${accounts.path} like ${`${accountPath}%`}))`;

function orderScopeCondition(scope: OrderScope): SQL {
  return scope.subtree ? sql`${numberOrders.accountId} = ${subtreeIds(scope.accountPath)}` : eq(numberOrders.accountId, scope.accountId);
}

/** An order in the scope, or undefined: never another tenant's. */
export async function getOrderByIdInScope(db: Executor, { orderId, scope }: { orderId: string; scope: OrderScope }) {
  if (!isUuid(orderId)) return undefined;
  const [row] = await db.select().from(numberOrders).where(and(eq(numberOrders.id, orderId), orderScopeCondition(scope))).limit(1);
  return row;
}

export interface OrderListFilter {
  status?: NumberOrder['status'];
  /** Placed at or after. */
  from?: Date;
  /** Placed before. */
  to?: Date;
  /** Digits anywhere in one of the order's numbers. */
  digits?: string;
}

function orderListConditions(scope: OrderScope, filter: OrderListFilter): SQL[] {
  const conditions = [orderScopeCondition(scope)];
  if (filter.status) conditions.push(eq(numberOrders.status, filter.status));
  if (filter.from) conditions.push(gte(numberOrders.createdAt, filter.from));
  if (filter.to) conditions.push(lt(numberOrders.createdAt, filter.to));
  if (filter.digits) {
    // Qualified by hand: in a one-table select (the count) Drizzle leaves columns unqualified.
    conditions.push(sql`exists (select 1 from ${numberOrderLines} ol where ol.order_id = "number_orders"."id" and ol.e164 like ${`%${filter.digits.replace(/\D/g, '')}%`})`);
  }
  return conditions;
}

const lineCountOf = (status?: string) =>
  sql<number>`(select count(*)::int from ${numberOrderLines} ol where ol.order_id = "number_orders"."id"${status ? sql` and ol.status = ${status}` : sql``})`;

export interface OrderListRow {
  id: string;
  accountId: string;
  accountName: string;
  status: NumberOrder['status'];
  createdAt: Date;
  completedAt: Date | null;
  /** The member's email; null for an API key's order or a member since deleted. */
  placedBy: string | null;
  /** The API key an order was placed with: its name and the start of its secret. */
  placedByKeyName: string | null;
  placedByKeyPrefix: string | null;
  lineCount: number;
  activeLines: number;
  failedLines: number;
  /** From the ledger (positive), only when asked for. */
  charged?: string;
}

/** An order as lists show it (joined with its account and placer); the ledger's charges only `withCharges`. */
function orderListColumns(withCharges: boolean) {
  const charged = sql<string>`(select coalesce(-sum(le.amount + ${reversedAmount(sql`le.id`)}), 0)::text from ${accountLedger} le inner join ${numberOrderLines} ol on ol.id = le.order_line_id where ol.order_id = "number_orders"."id" and le.kind = 'charge')`;
  return {
    id: numberOrders.id,
    accountId: numberOrders.accountId,
    accountName: accounts.name,
    status: numberOrders.status,
    createdAt: numberOrders.createdAt,
    completedAt: numberOrders.completedAt,
    placedBy: users.email,
    placedByKeyName: apiKeys.name,
    placedByKeyPrefix: apiKeys.prefix,
    lineCount: lineCountOf(),
    activeLines: lineCountOf('active'),
    failedLines: lineCountOf('failed'),
    ...(withCharges ? { charged } : {}),
  };
}

/** One page of the scope's orders, filtered and sorted in SQL; the ledger's charges only `withCharges`. */
export async function getOrdersByAccountScope(
  db: Executor,
  {
    scope,
    filter,
    sort,
    dir,
    limit,
    offset = 0,
    withCharges,
  }: { scope: OrderScope; filter: OrderListFilter; sort: 'placed' | 'status' | 'numbers'; dir: 'asc' | 'desc'; limit: number; offset?: number; withCharges: boolean },
): Promise<OrderListRow[]> {
  const by = (column: SQL | AnyColumn) => (dir === 'asc' ? asc(column) : desc(column));
  const lineCount = lineCountOf();
  const leading = { placed: [], status: [by(numberOrders.status)], numbers: [by(lineCount)] }[sort];
  const rows = await db
    .select({ ...orderListColumns(withCharges), lineCount })
    .from(numberOrders)
    .innerJoin(accounts, eq(accounts.id, numberOrders.accountId))
    .leftJoin(users, eq(users.id, numberOrders.userId))
    .leftJoin(apiKeys, eq(apiKeys.id, numberOrders.apiKeyId))
    .where(and(...orderListConditions(scope, filter)))
    .orderBy(...leading, by(numberOrders.createdAt), by(numberOrders.id))
    .limit(limit)
    .offset(offset);
  return rows as OrderListRow[];
}

/**
 * For API lists: the next `limit` orders, newest first, after `before` (the position of the previous
 * page's last order). Positions carry created_at as the database's text, so microseconds survive the
 * round trip through a cursor.
 */
export async function getOrdersByAccountScopeBefore(
  db: Executor,
  { scope, filter, before, limit, withCharges }: { scope: OrderScope; filter: OrderListFilter; before?: { at: string; id: string }; limit: number; withCharges: boolean },
): Promise<(OrderListRow & { position: { at: string; id: string } })[]> {
  const conditions = orderListConditions(scope, filter);
  if (before) conditions.push(sql`(${numberOrders.createdAt}, ${numberOrders.id}) < (${before.at}::timestamptz, ${before.id}::uuid)`);
  const rows = await db
    .select({ ...orderListColumns(withCharges), createdAtText: sql<string>`${numberOrders.createdAt}::text` })
    .from(numberOrders)
    .innerJoin(accounts, eq(accounts.id, numberOrders.accountId))
    .leftJoin(users, eq(users.id, numberOrders.userId))
    .leftJoin(apiKeys, eq(apiKeys.id, numberOrders.apiKeyId))
    .where(and(...conditions))
    .orderBy(desc(numberOrders.createdAt), desc(numberOrders.id))
    .limit(limit);
  return rows.map(({ createdAtText, ...row }) => ({ ...(row as OrderListRow), position: { at: createdAtText, id: row.id } }));
}

export async function countOrdersByAccountScope(db: Executor, { scope, filter }: { scope: OrderScope; filter: OrderListFilter }): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(numberOrders).where(and(...orderListConditions(scope, filter)));
  return row?.count ?? 0;
}

export interface OrderListLine {
  id: string;
  orderId: string;
  e164: string;
  status: 'pending' | 'submitted' | 'active' | 'failed';
  reason: string | null;
  /** What the ledger charged for the line (positive), only when asked for. */
  charged: string | null;
  /** The live number the line bought, when the viewer's subtree holds it now. */
  numberId: string | null;
}

/**
 * The first `perOrder` lines of each order (by number), with the live number each bought where the
 * viewer reaches it, and the ledger's charge only `withCharges`.
 */
export async function getOrderLinesByOrders(
  db: Executor,
  { orderIds, perOrder, viewerPath, withCharges }: { orderIds: string[]; perOrder: number; viewerPath: string; withCharges: boolean },
): Promise<OrderListLine[]> {
  if (orderIds.length === 0) return [];
  // Drizzle leaves a one-table subquery's columns unqualified; the correlated subqueries need "line".
  const line = (column: string) => sql.raw(`"number_order_lines"."${column}"`);
  const ranked = db
    .select({
      id: sql<string>`${line('id')}`.as('line_id'),
      orderId: sql<string>`${line('order_id')}`.as('line_order_id'),
      e164: sql<string>`${line('e164')}`.as('line_e164'),
      status: sql<OrderListLine['status']>`${line('status')}`.as('line_status'),
      reason: sql<string | null>`${line('reason')}`.as('line_reason'),
      charged: (withCharges
        ? sql<string | null>`(select (-(le.amount + ${reversedAmount(sql`le.id`)}))::text from ${accountLedger} le where le.order_line_id = ${line('id')} and le.kind = 'charge')`
        : sql<string | null>`null::text`
      ).as('line_charged'),
      numberId: sql<string | null>`(select pn.id from ${phoneNumbers} pn where pn.order_line_id = ${line('id')} and pn.status <> 'released' and pn.account_id = ${subtreeIds(viewerPath)} limit 1)`.as('line_number_id'),
      rank: sql<number>`row_number() over (partition by ${line('order_id')} order by ${line('e164')})`.as('line_rank'),
    })
    .from(numberOrderLines)
    .where(inArray(numberOrderLines.orderId, orderIds))
    .as('ranked');
  return db
    .select({ id: ranked.id, orderId: ranked.orderId, e164: ranked.e164, status: ranked.status, reason: ranked.reason, charged: ranked.charged, numberId: ranked.numberId })
    .from(ranked)
    .where(sql`${ranked.rank} <= ${perOrder}`)
    .orderBy(asc(ranked.orderId), asc(ranked.e164));
}

export async function getRecentOrdersByAccount(db: Executor, { accountId, limit = 20 }: { accountId: string; limit?: number }) {
  return db.select().from(numberOrders).where(eq(numberOrders.accountId, accountId)).orderBy(desc(numberOrders.createdAt)).limit(limit);
}

/** Platform job: orders a crash or an upstream fault left with lines not yet settled. */
export async function getUnsettledOrders(db: Executor) {
  return db.select().from(numberOrders).where(inArray(numberOrders.status, ['pending', 'in_progress']));
}

/** The billing account's balance: payments and credits minus charges. */
export async function getBalanceByBillingAccount(db: Executor, { billingAccountId }: { billingAccountId: string }) {
  const balance = db.select({ balance: sql`coalesce(sum(${accountLedger.amount}), 0)` }).from(accountLedger).where(eq(accountLedger.billingAccountId, billingAccountId));
  const [row] = await db
    .select({ balance: sql<string>`(${balance})::text`, creditLimit: accounts.creditLimit })
    .from(accounts)
    .where(eq(accounts.id, billingAccountId));
  return { balance: row?.balance ?? '0', creditLimit: row?.creditLimit ?? '0' };
}

/** Charges to one account since a moment (for the monthly spend cap), as a positive amount; a reversed charge counts as never made. */
export async function getChargesByAccountSince(db: Executor, { accountId, since }: { accountId: string; since: Date }) {
  const [row] = await db
    .select({ spent: sql<string>`coalesce(-sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(
      and(
        eq(accountLedger.accountId, accountId),
        eq(accountLedger.kind, 'charge'),
        sql`${accountLedger.createdAt} >= ${since.toISOString()}::timestamptz`,
        // Qualified by hand: Drizzle leaves a one-table query's columns unqualified, which the subquery would read as its own.
        sql`not exists (select 1 from ${accountLedger} r where r.reverses_id = "account_ledger"."id")`,
      ),
    );
  return row?.spent ?? '0';
}

/** Platform-level: the order driver and the reconcile job act for whichever account placed it. */
export async function getOrderByIdUnscoped(db: Executor, { orderId }: { orderId: string }) {
  const [row] = await db.select().from(numberOrders).where(eq(numberOrders.id, orderId));
  return row;
}

export async function insertOrder(db: Executor, order: typeof numberOrders.$inferInsert) {
  const [row] = await db.insert(numberOrders).values(order).returning();
  return row;
}

export async function insertOrderLines(db: Executor, lines: (typeof numberOrderLines.$inferInsert)[]) {
  if (lines.length === 0) return;
  await db.insert(numberOrderLines).values(lines);
}

/** Takes the order for one driver (status in progress, a lease) unless it settled meanwhile. */
export async function claimOrderForExecution(db: Executor, { orderId, leaseUntil }: { orderId: string; leaseUntil: Date }) {
  const [row] = await db
    .update(numberOrders)
    .set({ status: 'in_progress', leaseUntil })
    .where(and(eq(numberOrders.id, orderId), inArray(numberOrders.status, ['pending', 'in_progress'])))
    .returning();
  return row;
}

export async function clearOrderLease(db: Executor, { orderId }: { orderId: string }) {
  await db.update(numberOrders).set({ leaseUntil: null }).where(eq(numberOrders.id, orderId));
}

export async function setOrderStatus(db: Executor, { orderId, status, completedAt }: { orderId: string; status: NumberOrder['status']; completedAt: Date | null }) {
  const [row] = await db.update(numberOrders).set({ status, completedAt }).where(eq(numberOrders.id, orderId)).returning();
  return row;
}

/** Locks the line for the caller's transaction, so it is activated and charged once. */
export async function getOrderLineByIdForUpdate(db: Executor, { lineId }: { lineId: string }) {
  const [row] = await db.select().from(numberOrderLines).where(eq(numberOrderLines.id, lineId)).for('update');
  return row;
}

/** Recorded as sent before the upstream call: after a crash the driver knows to ask, not guess. */
export async function markOrderLinesSubmitted(db: Executor, { lineIds }: { lineIds: string[] }) {
  if (lineIds.length === 0) return;
  await db
    .update(numberOrderLines)
    .set({ status: 'submitted', updatedAt: new Date() })
    .where(and(inArray(numberOrderLines.id, lineIds), eq(numberOrderLines.status, 'pending')));
}

export async function markOrderLineActive(db: Executor, { lineId, upstreamOrderId }: { lineId: string; upstreamOrderId: string | null }) {
  await db.update(numberOrderLines).set({ status: 'active', upstreamOrderId, reason: null, updatedAt: new Date() }).where(eq(numberOrderLines.id, lineId));
}

/** Fails a line that is not settled yet; `upstreamOrderId`, when given, is recorded with it. Answers whether this call failed it. */
export async function markOpenOrderLineFailed(db: Executor, { lineId, reason, reasonDetail, upstreamOrderId }: { lineId: string; reason: string; reasonDetail?: string; upstreamOrderId?: string | null }): Promise<boolean> {
  const rows = await db
    .update(numberOrderLines)
    .set({ status: 'failed', reason, ...(reasonDetail !== undefined ? { reasonDetail } : {}), ...(upstreamOrderId !== undefined ? { upstreamOrderId } : {}), updatedAt: new Date() })
    .where(and(eq(numberOrderLines.id, lineId), inArray(numberOrderLines.status, ['pending', 'submitted'])))
    .returning({ id: numberOrderLines.id });
  return rows.length > 0;
}

/** A ledger entry; a charge for an order line is unique, so a line is never charged twice. */
export async function insertLedgerEntryIfMissing(db: Executor, entry: typeof accountLedger.$inferInsert) {
  await db.insert(accountLedger).values(entry).onConflictDoNothing();
}
