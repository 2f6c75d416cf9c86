import 'server-only';
import { and, asc, count, desc, eq, gt, gte, isNotNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accountLedger, accounts, cdrs, disputeCalls, disputes, invoiceLines, invoices, users, type Invoice, type InvoiceLine } from '@/lib/db/schema';
import { isUuid } from './accounts';
import { callArrivedInTime, callArrivedLate, isLateCallsLine } from './invoices';

type Executor = Db | Tx;

/**
 * What makes a call part of a usage line: the key the invoice summed it by (account, direction,
 * destination, deck version, rate, the period), that it was stored before the invoice was last
 * computed, and which invoice bills it (lib/db/queries/invoices.ts): a call of the period stored
 * after the period was closed is not on its line but on the late-calls line of the month it arrived.
 */
export interface LineCallKey {
  billingAccountId: string;
  accountId: string;
  direction: 'inbound' | 'outbound';
  /** The price the line sums; null for the line of calls from earlier periods received late, which sums every price. */
  price: { destination: string; rateVersionId: string; rate: string } | null;
  periodStart: Date;
  periodEnd: Date;
  computedAt: Date;
}

/** The call key of a usage line, or null for lines that are not usage (DIDs, discounts…). */
export function lineCallKeyOf(invoice: Invoice, line: InvoiceLine): LineCallKey | null {
  if ((line.kind !== 'termination' && line.kind !== 'origination') || !line.direction) return null;
  const period = { billingAccountId: invoice.billingAccountId, accountId: line.accountId, direction: line.direction, periodStart: invoice.periodStart, periodEnd: invoice.periodEnd, computedAt: invoice.generatedAt };
  if (isLateCallsLine(line)) return { ...period, price: null };
  if (line.destination === null || !line.rateVersionId || line.rate === null) return null;
  return { ...period, price: { destination: line.destination, rateVersionId: line.rateVersionId, rate: line.rate } };
}

function lineCallsWhere(key: LineCallKey): SQL {
  const call = { inviteAt: sql`${cdrs.inviteAt}`, ingestedAt: sql`${cdrs.ingestedAt}` };
  const common = and(eq(cdrs.accountId, key.accountId), eq(cdrs.direction, key.direction), isNotNull(cdrs.charge), lte(cdrs.ingestedAt, key.computedAt));
  if (!key.price) {
    return and(common, lt(cdrs.inviteAt, key.periodStart), gte(cdrs.ingestedAt, key.periodStart), lt(cdrs.ingestedAt, key.periodEnd), callArrivedLate(key.billingAccountId, call))!;
  }
  return and(
    common,
    gte(cdrs.inviteAt, key.periodStart),
    lt(cdrs.inviteAt, key.periodEnd),
    eq(cdrs.rateDestination, key.price.destination),
    eq(cdrs.rateVersionId, key.price.rateVersionId),
    eq(cdrs.rate, key.price.rate),
    callArrivedInTime(key.billingAccountId, { periodStart: key.periodStart, ingestedAt: call.ingestedAt }),
  )!;
}

/** A list of call ids (digits) as a set the planner reads once. */
function callIdSet(callIds: readonly string[]): SQL {
  return sql`(SELECT jsonb_array_elements_text(${JSON.stringify(callIds)}::jsonb)::bigint)`;
}

/** An invoice of this billing account and one of its lines; nothing for another account's or an unknown id. */
export async function getInvoiceLineByBillingAccount(db: Executor, { billingAccountId, invoiceId, lineId }: { billingAccountId: string; invoiceId: string; lineId: string }) {
  if (!isUuid(invoiceId) || !isUuid(lineId)) return undefined;
  const [row] = await db
    .select({ invoice: invoices, line: invoiceLines, accountName: accounts.name })
    .from(invoiceLines)
    .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
    .innerJoin(accounts, eq(accounts.id, invoiceLines.accountId))
    .where(and(eq(invoiceLines.id, lineId), eq(invoiceLines.invoiceId, invoiceId), eq(invoices.billingAccountId, billingAccountId)));
  return row;
}

export interface LineCallRow {
  id: number;
  accountId: string;
  inviteAt: Date;
  fromE164: string;
  toE164: string;
  answerAt: Date | null;
  sipCode: number;
  billsec: number;
  billedSeconds: number | null;
  charge: string;
}

const lineCallColumns = {
  id: cdrs.id,
  accountId: cdrs.accountId,
  inviteAt: cdrs.inviteAt,
  fromE164: cdrs.fromE164,
  toE164: cdrs.toE164,
  answerAt: cdrs.answerAt,
  sipCode: cdrs.sipCode,
  billsec: cdrs.billsec,
  billedSeconds: cdrs.billedSeconds,
  charge: sql<string>`${cdrs.charge}::text`,
};

/**
 * One page of a line's calls in time order, read along the primary key: after a position (the next
 * page) or before one (the previous page, returned in time order too).
 */
export async function listLineCalls(db: Executor, { key, after, before, limit }: { key: LineCallKey; after?: { inviteAt: Date; id: number }; before?: { inviteAt: Date; id: number }; limit: number }): Promise<LineCallRow[]> {
  const position = after
    ? or(gt(cdrs.inviteAt, after.inviteAt), and(eq(cdrs.inviteAt, after.inviteAt), gt(cdrs.id, after.id)))
    : before
      ? or(lt(cdrs.inviteAt, before.inviteAt), and(eq(cdrs.inviteAt, before.inviteAt), lt(cdrs.id, before.id)))
      : undefined;
  const rows = await db
    .select(lineCallColumns)
    .from(cdrs)
    .where(and(lineCallsWhere(key), position))
    .orderBy(...(before ? [desc(cdrs.inviteAt), desc(cdrs.id)] : [asc(cdrs.inviteAt), asc(cdrs.id)]))
    .limit(limit);
  return (before ? rows.reverse() : rows) as LineCallRow[];
}

/** The calls among `callIds` that belong to the line (never trusting the ids: the key decides). */
export async function getLineCallsByIds(db: Executor, { key, callIds }: { key: LineCallKey; callIds: readonly string[] }): Promise<LineCallRow[]> {
  if (callIds.length === 0) return [];
  const rows = await db
    .select(lineCallColumns)
    .from(cdrs)
    .where(and(lineCallsWhere(key), sql`${cdrs.id} IN ${callIdSet(callIds)}`));
  return rows as LineCallRow[];
}

/** Every dispute that names one of these calls of the account, with its status, newest first. */
export async function getDisputesOfCalls(db: Executor, { accountId, callIds }: { accountId: string; callIds: readonly (string | number)[] }) {
  if (callIds.length === 0) return [];
  return db
    .select({ cdrId: disputeCalls.cdrId, disputeId: disputes.id, status: disputes.status, createdAt: disputes.createdAt })
    .from(disputeCalls)
    .innerJoin(disputes, eq(disputes.id, disputeCalls.disputeId))
    .where(and(eq(disputeCalls.accountId, accountId), sql`${disputeCalls.cdrId} IN ${callIdSet(callIds.map(String))}`))
    .orderBy(desc(disputes.createdAt));
}

export async function insertDispute(db: Executor, values: typeof disputes.$inferInsert) {
  const [row] = await db.insert(disputes).values(values).returning();
  return row!;
}

export async function insertDisputeCalls(db: Executor, rows: (typeof disputeCalls.$inferInsert)[]) {
  for (let start = 0; start < rows.length; start += 500) await db.insert(disputeCalls).values(rows.slice(start, start + 500));
}

const lineAccount = alias(accounts, 'line_account');
const billingAccount = alias(accounts, 'billing_account');
const decider = alias(users, 'decider');

const callCount = sql<number>`(SELECT count(*) FROM ${disputeCalls} WHERE ${disputeCalls.disputeId} = ${disputes.id})::int`;

/** A dispute with what its pages and the API show beside it: the invoice, the line, the accounts, who decided. */
const disputeViewColumns = {
  dispute: disputes,
  invoiceNumber: invoices.number,
  invoiceStatus: invoices.status,
  currency: invoices.currency,
  periodStart: invoices.periodStart,
  lineDescription: invoiceLines.description,
  lineKind: invoiceLines.kind,
  accountName: lineAccount.name,
  billingAccountName: billingAccount.name,
  decidedByEmail: decider.email,
  callCount,
};

function selectDisputeViews(db: Executor) {
  return db
    .select(disputeViewColumns)
    .from(disputes)
    .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
    .innerJoin(invoiceLines, eq(invoiceLines.id, disputes.invoiceLineId))
    .innerJoin(lineAccount, eq(lineAccount.id, disputes.accountId))
    .innerJoin(billingAccount, eq(billingAccount.id, disputes.billingAccountId))
    .leftJoin(decider, eq(decider.id, disputes.decidedByUserId));
}

export type DisputeViewRow = {
  dispute: typeof disputes.$inferSelect;
  invoiceNumber: string;
  invoiceStatus: Invoice['status'];
  currency: string;
  periodStart: Date;
  lineDescription: string;
  lineKind: InvoiceLine['kind'];
  accountName: string;
  billingAccountName: string;
  decidedByEmail: string | null;
  callCount: number;
};

/** The billing account's disputes, newest first, keyset paged on (created_at, id). */
export async function listDisputesByBillingAccount(
  db: Executor,
  { billingAccountId, status, before, limit }: { billingAccountId: string; status?: (typeof disputes.$inferSelect)['status']; before?: { createdAt: Date; id: string }; limit: number },
): Promise<DisputeViewRow[]> {
  const rows = await selectDisputeViews(db)
    .where(
      and(
        eq(disputes.billingAccountId, billingAccountId),
        status ? eq(disputes.status, status) : undefined,
        before ? or(lt(disputes.createdAt, before.createdAt), and(eq(disputes.createdAt, before.createdAt), lt(disputes.id, before.id))) : undefined,
      ),
    )
    .orderBy(desc(disputes.createdAt), desc(disputes.id))
    .limit(limit);
  return rows as DisputeViewRow[];
}

/** A dispute of this billing account; nothing for another account's or an unknown id. */
export async function getDisputeByBillingAccount(db: Executor, { billingAccountId, disputeId }: { billingAccountId: string; disputeId: string }): Promise<DisputeViewRow | undefined> {
  if (!isUuid(disputeId)) return undefined;
  const [row] = await selectDisputeViews(db)
    .where(and(eq(disputes.id, disputeId), eq(disputes.billingAccountId, billingAccountId)));
  return row as DisputeViewRow | undefined;
}

/** Any dispute (staff and jobs). */
export async function getDisputeById(db: Executor, { disputeId }: { disputeId: string }): Promise<DisputeViewRow | undefined> {
  if (!isUuid(disputeId)) return undefined;
  const [row] = await selectDisputeViews(db).where(eq(disputes.id, disputeId));
  return row as DisputeViewRow | undefined;
}

/** The dispute row under a lock, so two decisions cannot both see it open. */
export async function lockDispute(tx: Tx, { disputeId }: { disputeId: string }) {
  if (!isUuid(disputeId)) return undefined;
  const [row] = await tx.select().from(disputes).where(eq(disputes.id, disputeId)).for('update');
  return row;
}

export async function updateDispute(db: Executor, { disputeId }: { disputeId: string }, values: Partial<typeof disputes.$inferInsert>) {
  const [row] = await db.update(disputes).set(values).where(eq(disputes.id, disputeId)).returning();
  return row!;
}

/** The disputed calls with what the call store still holds of them (a call past retention keeps its id, time and charge). */
export async function listDisputeCallRows(db: Executor, { disputeId }: { disputeId: string }) {
  return db
    .select({
      id: disputeCalls.cdrId,
      inviteAt: disputeCalls.inviteAt,
      charge: sql<string>`${disputeCalls.charge}::text`,
      fromE164: cdrs.fromE164,
      toE164: cdrs.toE164,
      answerAt: cdrs.answerAt,
      sipCode: cdrs.sipCode,
      billsec: cdrs.billsec,
      billedSeconds: cdrs.billedSeconds,
    })
    .from(disputeCalls)
    .leftJoin(cdrs, and(eq(cdrs.accountId, disputeCalls.accountId), eq(cdrs.inviteAt, disputeCalls.inviteAt), eq(cdrs.id, disputeCalls.cdrId)))
    .where(eq(disputeCalls.disputeId, disputeId))
    .orderBy(asc(disputeCalls.inviteAt), asc(disputeCalls.cdrId));
}

/**
 * A line's amount, what its other disputes credited (all of them, and the accepted ones alone, with
 * the charges of the calls those accepted), and the charges of this dispute's calls: a credit is
 * worked out on the line as a whole, so small charges rounded one dispute at a time never add up to more.
 */
export async function getLineCreditState(db: Executor, { lineId, disputeId }: { lineId: string; disputeId: string }) {
  const result = await db.execute(sql`
    SELECT
      (SELECT l.amount_cents FROM ${invoiceLines} l WHERE l.id = ${lineId}::uuid)::bigint AS line_cents,
      coalesce(sum(d.credited_cents) FILTER (WHERE d.id <> ${disputeId}::uuid), 0)::bigint AS credited_cents,
      coalesce(sum(d.credited_cents) FILTER (WHERE d.id <> ${disputeId}::uuid AND d.status = 'accepted'), 0)::bigint AS accepted_cents,
      (SELECT coalesce(sum(dc.charge), 0) FROM ${disputeCalls} dc JOIN ${disputes} other ON other.id = dc.dispute_id
        WHERE other.invoice_line_id = ${lineId}::uuid AND other.status = 'accepted' AND other.id <> ${disputeId}::uuid)::text AS accepted_charge,
      (SELECT coalesce(sum(dc.charge), 0) FROM ${disputeCalls} dc WHERE dc.dispute_id = ${disputeId}::uuid)::text AS own_charge
    FROM ${disputes} d WHERE d.invoice_line_id = ${lineId}::uuid`);
  const [row] = rowsOf<{ line_cents: string | null; credited_cents: string; accepted_cents: string; accepted_charge: string; own_charge: string }>(result);
  return {
    lineCents: Number(row?.line_cents ?? 0),
    creditedCents: Number(row?.credited_cents ?? 0),
    acceptedCents: Number(row?.accepted_cents ?? 0),
    acceptedCharge: row?.accepted_charge ?? '0',
    ownCharge: row?.own_charge ?? '0',
  };
}

/** Disputes of a line (for its page), newest first. */
export async function listDisputesOfLine(db: Executor, { lineId }: { lineId: string }) {
  return db
    .select({ id: disputes.id, status: disputes.status, disputedCents: disputes.disputedCents, creditedCents: disputes.creditedCents, createdAt: disputes.createdAt, callCount })
    .from(disputes)
    .where(eq(disputes.invoiceLineId, lineId))
    .orderBy(desc(disputes.createdAt));
}

export type DisputeQueueView = 'open' | 'decided';

/** The staff queue: open disputes by due time (the most urgent first), or decided ones, latest first. */
export async function listDisputeQueue(db: Executor, { view, limit, offset }: { view: DisputeQueueView; limit: number; offset: number }): Promise<DisputeViewRow[]> {
  const rows = await selectDisputeViews(db)
    .where(view === 'open' ? eq(disputes.status, 'open') : ne(disputes.status, 'open'))
    .orderBy(...(view === 'open' ? [asc(disputes.dueAt), asc(disputes.id)] : [desc(disputes.decidedAt), desc(disputes.id)]))
    .limit(limit)
    .offset(offset);
  return rows as DisputeViewRow[];
}

export async function countDisputesByQueue(db: Executor, { now }: { now: Date }) {
  const [row] = await db
    .select({
      open: count(sql`CASE WHEN ${disputes.status} = 'open' THEN 1 END`),
      overdue: count(sql`CASE WHEN ${disputes.status} = 'open' AND ${disputes.dueAt} < ${now.toISOString()}::timestamptz THEN 1 END`),
      decided: count(sql`CASE WHEN ${disputes.status} <> 'open' THEN 1 END`),
    })
    .from(disputes);
  return { open: row?.open ?? 0, overdue: row?.overdue ?? 0, decided: row?.decided ?? 0 };
}

/** Open disputes past their due time, oldest due first. */
export async function listOverdueOpenDisputeIds(db: Executor, { now, limit }: { now: Date; limit: number }): Promise<string[]> {
  const rows = await db
    .select({ id: disputes.id })
    .from(disputes)
    .where(and(eq(disputes.status, 'open'), lt(disputes.dueAt, now)))
    .orderBy(asc(disputes.dueAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function getLedgerEntryById(db: Executor, { entryId }: { entryId: string }) {
  const [row] = await db
    .select({ id: accountLedger.id, amount: accountLedger.amount, createdAt: accountLedger.createdAt, description: accountLedger.description, reversedBy: sql<string | null>`(SELECT r.id FROM ${accountLedger} r WHERE r.reverses_id = ${accountLedger.id})` })
    .from(accountLedger)
    .where(eq(accountLedger.id, entryId));
  return row;
}

/** The live (not void) invoice whose period holds `at`: where a ledger entry of that time shows. */
export async function getInvoiceCoveringInstant(db: Executor, { billingAccountId, at }: { billingAccountId: string; at: Date }) {
  const [row] = await db
    .select({ id: invoices.id, number: invoices.number, status: invoices.status, periodStart: invoices.periodStart })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), lte(invoices.periodStart, at), gt(invoices.periodEnd, at), ne(invoices.status, 'void')))
    .limit(1);
  return row;
}
