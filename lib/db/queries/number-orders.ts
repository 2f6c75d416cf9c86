import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountLedger, accounts, numberOrderLines, numberOrders, phoneNumbers } from '@/lib/db/schema';
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
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(eq(accountLedger.billingAccountId, billingAccountId));
  const [account] = await db.select({ creditLimit: accounts.creditLimit }).from(accounts).where(eq(accounts.id, billingAccountId));
  return { balance: row?.balance ?? '0', creditLimit: account?.creditLimit ?? '0' };
}

/** Charges to one account since a moment (for the monthly spend cap), as a positive amount. */
export async function getChargesByAccountSince(db: Executor, { accountId, since }: { accountId: string; since: Date }) {
  const [row] = await db
    .select({ spent: sql<string>`coalesce(-sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(and(eq(accountLedger.accountId, accountId), eq(accountLedger.kind, 'charge'), sql`${accountLedger.createdAt} >= ${since.toISOString()}::timestamptz`));
  return row?.spent ?? '0';
}
