import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountLedger, accounts, numberOrderLines, numberOrders, phoneNumbers, type NumberOrder } from '@/lib/db/schema';
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

/** What the ledger charged for each line of an order (positive amounts), by line id. */
export async function getChargesByOrder(db: Executor, { orderId }: { orderId: string }): Promise<Map<string, string>> {
  const rows = await db
    .select({ orderLineId: accountLedger.orderLineId, charged: sql<string>`(-${accountLedger.amount})::text` })
    .from(accountLedger)
    .innerJoin(numberOrderLines, eq(numberOrderLines.id, accountLedger.orderLineId))
    .where(and(eq(numberOrderLines.orderId, orderId), eq(accountLedger.kind, 'charge')));
  return new Map(rows.map((row) => [row.orderLineId!, row.charged]));
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

/** Charges to one account since a moment (for the monthly spend cap), as a positive amount. */
export async function getChargesByAccountSince(db: Executor, { accountId, since }: { accountId: string; since: Date }) {
  const [row] = await db
    .select({ spent: sql<string>`coalesce(-sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(and(eq(accountLedger.accountId, accountId), eq(accountLedger.kind, 'charge'), sql`${accountLedger.createdAt} >= ${since.toISOString()}::timestamptz`));
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

/** Fails a line that is not settled yet; `upstreamOrderId`, when given, is recorded with it. */
export async function markOpenOrderLineFailed(db: Executor, { lineId, reason, upstreamOrderId }: { lineId: string; reason: string; upstreamOrderId?: string | null }) {
  await db
    .update(numberOrderLines)
    .set({ status: 'failed', reason, ...(upstreamOrderId !== undefined ? { upstreamOrderId } : {}), updatedAt: new Date() })
    .where(and(eq(numberOrderLines.id, lineId), inArray(numberOrderLines.status, ['pending', 'submitted'])));
}

/** A ledger entry; a charge for an order line is unique, so a line is never charged twice. */
export async function insertLedgerEntryIfMissing(db: Executor, entry: typeof accountLedger.$inferInsert) {
  await db.insert(accountLedger).values(entry).onConflictDoNothing();
}
