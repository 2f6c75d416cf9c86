import 'server-only';

/**
 * Disputes of invoiced calls (issue 15.8, seed 000: "Credited within 2 business days or we eat
 * it"). A customer's money roles pick calls of a usage line of an issued invoice and say what is
 * wrong; staff accept (the calls' charges are credited), credit part of it, or reject, by two
 * business days after it was raised — an open dispute past that is accepted in full by a job. A
 * credit is one `credit_note` ledger entry posted with the decision, which the next invoice shows
 * as a line; the credits of one line are rounded on the line as a whole and never exceed it. A
 * decided dispute never changes again.
 *
 * The calls are never taken on trust: each must be a rated call that line bills (its account,
 * period, direction, destination, deck version and rate, or a late call of an earlier month on the
 * late-calls line) stored before the invoice was computed, and in no other dispute that is open or
 * credited.
 */
import { z } from 'zod';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { apiKeyLabel, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { addBusinessDays } from '@/lib/billing/business-days';
import { centsToDecimal, formatMicros, MICROS_PER_CENT, microsToCents, parseMicros } from '@/lib/billing/money';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { lockBillingAccount } from '@/lib/db/queries/accounts';
import { insertAuditEvent } from '@/lib/db/queries/audit';
import {
  countDisputesByQueue,
  getDisputeByBillingAccount,
  getDisputeById,
  getDisputesOfCalls,
  getInvoiceCoveringInstant,
  getInvoiceLineByBillingAccount,
  getLedgerEntryById,
  getLineCallsByIds,
  getLineCreditState,
  insertDispute,
  insertDisputeCalls,
  lineCallKeyOf,
  listDisputeCallRows,
  listDisputeQueue,
  listDisputesByBillingAccount,
  listDisputesOfLine,
  listLineCalls,
  listOverdueOpenDisputeIds,
  lockDispute,
  updateDispute,
  type DisputeQueueView,
  type DisputeViewRow,
  type LineCallRow,
} from '@/lib/db/queries/disputes';
import { getInvoiceById } from '@/lib/db/queries/invoices';
import { insertLedgerEntry } from '@/lib/db/queries/ledger';
import type { Dispute } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { disputeCallIds, disputeReason, type CreateDisputeInput, type DecideDisputeInput, type DisputeStatus } from '@/lib/validations/disputes';
import { creditNoteDescription, DISPUTE_BUSINESS_DAYS, disputeReference } from '@/lib/views/disputes';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { canSeeBillingAccountFunds } from './accounts';
import { recordAudit, recordStaffAccountAudit } from './audit';
import { refreshDraftFor, settleInvoices } from './invoices';

type Executor = Db | Tx;

const DISPUTABLE_INVOICE = new Set(['issued', 'paid']);
export const LINE_CALLS_PAGE_SIZE = 50;
export const DISPUTE_QUEUE_PAGE_SIZE = 50;
const AUTO_ACCEPT_NOTE = `Not decided within ${DISPUTE_BUSINESS_DAYS} business days, so accepted in full, as promised.`;
/** The job's note when the line's earlier credits already cover these calls: "in full" would promise a credit that never comes. */
const AUTO_ACCEPT_NOTHING_LEFT_NOTE = `Not decided within ${DISPUTE_BUSINESS_DAYS} business days, so accepted; nothing further to credit: this line’s calls are already credited in full.`;
const AUTO_ACCEPT_NOTES = new Set([AUTO_ACCEPT_NOTE, AUTO_ACCEPT_NOTHING_LEFT_NOTE]);

// --- Views -------------------------------------------------------------------------------------------

export interface DisputeView {
  id: string;
  reference: string;
  status: DisputeStatus;
  reason: string;
  currency: string;
  disputedCents: number;
  /** Decided: what was credited (0 when rejected); open: null. */
  creditedCents: number | null;
  decisionNote: string | null;
  createdAt: Date;
  dueAt: Date;
  decidedAt: Date | null;
  /** Open past its due time. */
  overdue: boolean;
  /** Accepted by the job because nobody decided in time. */
  automatic: boolean;
  raisedBy: string;
  /** Staff only: who decided. Customers read "our billing team". */
  decidedBy: string | null;
  invoice: { id: string; number: string; status: string; periodStart: Date };
  line: { id: string; description: string; kind: string };
  account: { id: string; name: string };
  billingAccount: { id: string; name: string };
  callCount: number;
}

export interface DisputedCall {
  id: string;
  inviteAt: Date;
  from: string | null;
  to: string | null;
  answered: boolean | null;
  sipCode: number | null;
  billsec: number | null;
  billedSeconds: number | null;
  /** What the call was charged when disputed (six places). */
  charge: string;
}

export interface CreditNoteView {
  entryId: string;
  cents: number;
  postedAt: Date;
  /** `YYYY-MM`: the invoice of this month shows it. */
  month: string;
  /** That month's invoice when one exists (a draft until the month is over). */
  invoice: { id: string; number: string; status: string } | null;
  /** Staff reversed the entry in the ledger since. */
  reversed: boolean;
}

export interface DisputeDetail extends DisputeView {
  calls: DisputedCall[];
  creditNote: CreditNoteView | null;
}

function viewOf(row: DisputeViewRow, { now, staff }: { now: Date; staff: boolean }): DisputeView {
  const { dispute } = row;
  // The job decides with no user and its own note (a staff member removed since also leaves no user).
  const automatic = dispute.status !== 'open' && dispute.decidedByUserId === null && AUTO_ACCEPT_NOTES.has(dispute.decisionNote ?? '');
  return {
    id: dispute.id,
    reference: disputeReference(dispute.id),
    status: dispute.status,
    reason: dispute.reason,
    currency: row.currency,
    disputedCents: dispute.disputedCents,
    creditedCents: dispute.creditedCents,
    decisionNote: dispute.decisionNote,
    createdAt: dispute.createdAt,
    dueAt: dispute.dueAt,
    decidedAt: dispute.decidedAt,
    overdue: dispute.status === 'open' && dispute.dueAt.getTime() < now.getTime(),
    automatic,
    raisedBy: dispute.raisedBy,
    decidedBy: dispute.status === 'open' ? null : automatic ? 'automatically (not decided in time)' : staff ? (row.decidedByEmail ?? 'a removed staff member') : 'our billing team',
    invoice: { id: dispute.invoiceId, number: row.invoiceNumber, status: row.invoiceStatus, periodStart: row.periodStart },
    line: { id: dispute.invoiceLineId, description: row.lineDescription, kind: row.lineKind },
    account: { id: dispute.accountId, name: row.accountName },
    billingAccount: { id: dispute.billingAccountId, name: row.billingAccountName },
    callCount: row.callCount,
  };
}

async function detailOf(db: Executor, row: DisputeViewRow, options: { now: Date; staff: boolean }): Promise<DisputeDetail> {
  const calls = await listDisputeCallRows(db, { disputeId: row.dispute.id });
  let creditNote: CreditNoteView | null = null;
  if (row.dispute.creditEntryId) {
    const entry = await getLedgerEntryById(db, { entryId: row.dispute.creditEntryId });
    if (entry) {
      const invoice = await getInvoiceCoveringInstant(db, { billingAccountId: row.dispute.billingAccountId, at: entry.createdAt });
      creditNote = {
        entryId: entry.id,
        cents: Number(microsToCents(parseMicros(entry.amount))),
        postedAt: entry.createdAt,
        month: entry.createdAt.toISOString().slice(0, 7),
        invoice: invoice ? { id: invoice.id, number: invoice.number, status: invoice.status } : null,
        reversed: entry.reversedBy !== null,
      };
    }
  }
  return {
    ...viewOf(row, options),
    calls: calls.map((call) => ({
      id: String(call.id),
      inviteAt: call.inviteAt,
      from: call.fromE164,
      to: call.toE164,
      answered: call.fromE164 === null ? null : call.answerAt !== null,
      sipCode: call.sipCode,
      billsec: call.billsec,
      billedSeconds: call.billedSeconds,
      charge: call.charge,
    })),
    creditNote,
  };
}

// --- Who may -----------------------------------------------------------------------------------------

/** Money roles of the billing account (and staff acting in it); anyone else finds nothing, as for an unknown id. */
async function billingAccountOf(db: Executor, access: AccountAccess, notFound: 'not_found:invoice' | 'not_found:dispute'): Promise<string> {
  if (!(await canSeeBillingAccountFunds(db, access))) throw new AppError(notFound);
  return access.account.billingAccountId;
}

function assertStaff(user: SessionUser) {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff decide disputes.');
}

// --- A line's calls ----------------------------------------------------------------------------------

export interface LineCall {
  id: string;
  inviteAt: Date;
  from: string;
  to: string;
  answered: boolean;
  sipCode: number;
  billsec: number;
  billedSeconds: number;
  charge: string;
  /** The latest dispute naming the call. */
  dispute: { id: string; reference: string; status: DisputeStatus } | null;
  /** In no open or credited dispute, on an issued invoice. */
  disputable: boolean;
}

export interface LineCallsPage {
  invoice: { id: string; number: string; status: string; currency: string; periodStart: Date; periodEnd: Date };
  line: { id: string; description: string; kind: string; calls: number; quantity: string | null; unit: string | null; rate: string | null; amountCents: number };
  account: { id: string; name: string };
  /** Calls of an issued or paid invoice are disputable; a draft's or a void's are not. */
  invoiceDisputable: boolean;
  calls: LineCall[];
  /** Positions for the next and previous pages (`after`, `before`). */
  nextCursor: string | null;
  previousCursor: string | null;
  disputes: { id: string; reference: string; status: DisputeStatus; disputedCents: number; creditedCents: number | null; createdAt: Date; callCount: number }[];
}

function encodePosition(call: Pick<LineCallRow, 'inviteAt' | 'id'>): string {
  return `${call.inviteAt.getTime()}.${call.id}`;
}

/** The last millisecond of 9999: PostgreSQL stores later times, but none a call can have, and a timestamp past it is an error there. */
const LAST_POSITION_MS = 253_402_300_799_999;

/** A page position from the URL; anything else (a time past 9999 included) reads as the first page. */
function decodePosition(cursor: string | undefined): { inviteAt: Date; id: number } | undefined {
  const match = cursor ? /^(\d{1,15})\.(\d{1,18})$/.exec(cursor) : null;
  if (!match) return undefined;
  const ms = Number(match[1]);
  if (ms > LAST_POSITION_MS) return undefined;
  return { inviteAt: new Date(ms), id: Number(match[2]) };
}

const blocksAnotherDispute = (status: DisputeStatus) => status !== 'rejected';

/** One page of the rated calls of a usage line, in time order, each with the dispute it is in, if any. */
export async function getLineCallsFor(access: AccountAccess, { invoiceId, lineId, after, before, limit = LINE_CALLS_PAGE_SIZE }: { invoiceId: string; lineId: string; after?: string; before?: string; limit?: number }): Promise<LineCallsPage> {
  const db = await getDb();
  const billingAccountId = await billingAccountOf(db, access, 'not_found:invoice');
  const found = await getInvoiceLineByBillingAccount(db, { billingAccountId, invoiceId, lineId });
  if (!found) throw new AppError('not_found:invoice_line', 'No such line on this invoice.');
  const key = lineCallKeyOf(found.invoice, found.line);
  if (!key) throw new AppError('not_found:invoice_line', 'This line is not usage: it has no calls.');
  const afterPosition = decodePosition(after);
  const beforePosition = afterPosition ? undefined : decodePosition(before);
  const rows = await listLineCalls(db, { key, after: afterPosition, before: beforePosition, limit: limit + 1 });
  const more = rows.length > limit;
  const page = beforePosition ? rows.slice(-limit) : rows.slice(0, limit);
  const first = page[0];
  const last = page.at(-1);
  const nextCursor = beforePosition ? (last ? encodePosition(last) : null) : more && last ? encodePosition(last) : null;
  const previousCursor = beforePosition ? (more && first ? encodePosition(first) : null) : afterPosition && first ? encodePosition(first) : null;
  const disputesOfCalls = await getDisputesOfCalls(db, { accountId: key.accountId, callIds: page.map((call) => call.id) });
  const invoiceDisputable = DISPUTABLE_INVOICE.has(found.invoice.status);
  const lineDisputes = await listDisputesOfLine(db, { lineId });
  return {
    invoice: { id: found.invoice.id, number: found.invoice.number, status: found.invoice.status, currency: found.invoice.currency, periodStart: found.invoice.periodStart, periodEnd: found.invoice.periodEnd },
    line: { id: found.line.id, description: found.line.description, kind: found.line.kind, calls: found.line.calls ?? 0, quantity: found.line.quantity, unit: found.line.unit, rate: found.line.rate, amountCents: found.line.amountCents },
    account: { id: found.line.accountId, name: found.accountName },
    invoiceDisputable,
    calls: page.map((call) => {
      const latest = disputesOfCalls.find((row) => row.cdrId === call.id);
      const blocked = disputesOfCalls.some((row) => row.cdrId === call.id && blocksAnotherDispute(row.status));
      return {
        id: String(call.id),
        inviteAt: call.inviteAt,
        from: call.fromE164,
        to: call.toE164,
        answered: call.answerAt !== null,
        sipCode: call.sipCode,
        billsec: call.billsec,
        billedSeconds: call.billedSeconds ?? 0,
        charge: call.charge,
        dispute: latest ? { id: latest.disputeId, reference: disputeReference(latest.disputeId), status: latest.status } : null,
        disputable: invoiceDisputable && !blocked,
      };
    }),
    nextCursor,
    previousCursor,
    disputes: lineDisputes.map((dispute) => ({ ...dispute, reference: disputeReference(dispute.id) })),
  };
}

// --- Raising a dispute -------------------------------------------------------------------------------

function parseOrRefuse<T>(schema: { safeParse: (value: unknown) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => issue.message);
  throw new AppError('invalid:dispute', messages[0] ?? 'Check the dispute.', { fieldErrors: { [field]: messages } });
}

/**
 * Raises a dispute of calls of one usage line, with the disputed amount (their charges summed,
 * rounded half-up once to the cent) and its due time two business days on. In one transaction
 * under the billing account's lock, so two disputes of the same call cannot both be opened.
 */
export async function createDispute(access: AccountAccess, input: CreateDisputeInput, { now = new Date() }: { now?: Date } = {}): Promise<DisputeDetail> {
  const db = await getDb();
  const billingAccountId = await billingAccountOf(db, access, 'not_found:invoice');
  const reason = parseOrRefuse(disputeReason, input.reason, 'reason');
  const callIds = parseOrRefuse(disputeCallIds, input.callIds, 'callIds');
  const created = await db.transaction(async (tx) => {
    await lockBillingAccount(tx, { billingAccountId });
    const found = await getInvoiceLineByBillingAccount(tx, { billingAccountId, invoiceId: input.invoiceId, lineId: input.lineId });
    if (!found) throw new AppError('not_found:invoice', 'No such invoice line.');
    const { invoice, line } = found;
    if (invoice.status === 'draft') throw new AppError('conflict:invoice_draft', `Invoice ${invoice.number} is a draft: its calls can be disputed once it is issued.`);
    if (!DISPUTABLE_INVOICE.has(invoice.status)) throw new AppError('conflict:invoice_void', `Invoice ${invoice.number} was voided: dispute the calls on the invoice that replaced it.`);
    const key = lineCallKeyOf(invoice, line);
    if (!key) throw new AppError('invalid:invoice_line', `“${line.description}” is not usage: only calls of a termination or origination line can be disputed.`, { fieldErrors: { lineId: ['Only usage lines have calls to dispute'] } });

    const calls = await getLineCallsByIds(tx, { key, callIds });
    if (calls.length !== callIds.length) {
      const missing = callIds.length - calls.length;
      throw new AppError('invalid:calls', `${missing} of the ${callIds.length} calls ${missing === 1 ? 'is' : 'are'} not on “${line.description}” of ${invoice.number}.`, { fieldErrors: { callIds: ['Only calls of this invoice line can be disputed'] } });
    }
    const taken = (await getDisputesOfCalls(tx, { accountId: key.accountId, callIds })).filter((row) => blocksAnotherDispute(row.status));
    if (taken.length > 0) {
      const count = new Set(taken.map((row) => row.cdrId)).size;
      throw new AppError('conflict:calls_disputed', `${count} of these calls ${count === 1 ? 'is' : 'are'} already in an open or accepted dispute (${[...new Set(taken.map((row) => disputeReference(row.disputeId)))].join(', ')}).`, {
        fieldErrors: { callIds: ['Some calls are already disputed'] },
      });
    }
    const disputedMicros = calls.reduce((sum, call) => sum + parseMicros(call.charge), 0n);
    const disputedCents = Number(microsToCents(disputedMicros));
    if (disputedCents <= 0) throw new AppError('invalid:calls', 'These calls were charged nothing: there is nothing to credit.', { fieldErrors: { callIds: ['These calls were charged nothing'] } });

    const actor = access.actor;
    const dispute = await insertDispute(tx, {
      billingAccountId,
      accountId: line.accountId,
      invoiceId: invoice.id,
      invoiceLineId: line.id,
      reason,
      disputedCents,
      raisedByUserId: actor.kind === 'user' ? actor.user.id : null,
      raisedBy: actor.kind === 'user' ? actor.user.email : apiKeyLabel(actor.apiKey),
      dueAt: addBusinessDays(now, DISPUTE_BUSINESS_DAYS),
      createdAt: now,
    });
    await insertDisputeCalls(
      tx,
      calls.map((call) => ({ disputeId: dispute.id, accountId: call.accountId, inviteAt: call.inviteAt, cdrId: call.id, charge: call.charge })),
    );
    await publishAccountEvent(tx, {
      accountId: billingAccountId,
      type: 'dispute.opened',
      data: { disputeId: dispute.id, invoiceId: invoice.id, invoiceNumber: invoice.number, line: line.description, calls: calls.length, dueAt: dispute.dueAt.toISOString() },
    });
    await recordAudit(tx, access, {
      accountId: billingAccountId,
      action: 'dispute.open',
      targetType: 'dispute',
      targetId: dispute.id,
      after: { invoice: invoice.number, line: line.description, calls: calls.length, disputed: centsToDecimal(disputedCents), dueAt: dispute.dueAt.toISOString(), reason },
    });
    return dispute;
  });
  dispatchAccountEventsSoon();
  return getDisputeFor(access, created.id, { now });
}

// --- Reading -----------------------------------------------------------------------------------------

const listPosition = z.object({ createdAt: z.number().int(), id: z.string().uuid() });

/** The billing account's disputes, newest first (`cursor`: the `nextCursor` of the page before). */
export async function listDisputesFor(access: AccountAccess, { status, cursor, limit = 50, now = new Date() }: { status?: DisputeStatus; cursor?: string; limit?: number; now?: Date } = {}): Promise<{ data: DisputeView[]; nextCursor: string | null }> {
  const db = await getDb();
  const billingAccountId = await billingAccountOf(db, access, 'not_found:dispute');
  const position = decodeCursor(cursor, listPosition);
  const rows = await listDisputesByBillingAccount(db, { billingAccountId, status, before: position ? { createdAt: new Date(position.createdAt), id: position.id } : undefined, limit: limit + 1 });
  return pageFrom(rows, limit, (row) => viewOf(row, { now, staff: false }), (row) => ({ createdAt: row.dispute.createdAt.getTime(), id: row.dispute.id }));
}

/** A dispute of the caller's billing account with its calls and credit note; another account's is not found. */
export async function getDisputeFor(access: AccountAccess, disputeId: string, { now = new Date() }: { now?: Date } = {}): Promise<DisputeDetail> {
  const db = await getDb();
  const billingAccountId = await billingAccountOf(db, access, 'not_found:dispute');
  const row = await getDisputeByBillingAccount(db, { billingAccountId, disputeId });
  if (!row) throw new AppError('not_found:dispute');
  return detailOf(db, row, { now, staff: false });
}

/**
 * The invoice that shows a dispute's credit note: its month's invoice if it is issued, else that
 * month's draft computed now (as "Preview this month" does). Returns the invoice's id.
 */
export async function openCreditNoteInvoiceFor(access: AccountAccess, disputeId: string): Promise<string> {
  const dispute = await getDisputeFor(access, disputeId);
  if (!dispute.creditNote) throw new AppError('conflict:no_credit_note', dispute.status === 'open' ? 'This dispute is not decided yet.' : 'This dispute credited nothing.');
  if (dispute.creditNote.invoice && dispute.creditNote.invoice.status !== 'draft') return dispute.creditNote.invoice.id;
  return (await refreshDraftFor(access, dispute.creditNote.month)).invoice.id;
}

// --- Staff -------------------------------------------------------------------------------------------

export interface DisputeQueue {
  view: DisputeQueueView;
  rows: DisputeView[];
  counts: { open: number; overdue: number; decided: number };
  page: number;
  hasMore: boolean;
}

/** The staff queue: open disputes by due time (overdue first), or decided ones, latest first. */
export async function listDisputeQueueFor(user: SessionUser, { view, page = 1, now = new Date() }: { view: DisputeQueueView; page?: number; now?: Date }): Promise<DisputeQueue> {
  assertStaff(user);
  const db = await getDb();
  const rows = await listDisputeQueue(db, { view, limit: DISPUTE_QUEUE_PAGE_SIZE + 1, offset: (page - 1) * DISPUTE_QUEUE_PAGE_SIZE });
  return {
    view,
    rows: rows.slice(0, DISPUTE_QUEUE_PAGE_SIZE).map((row) => viewOf(row, { now, staff: true })),
    counts: await countDisputesByQueue(db, { now }),
    page,
    hasMore: rows.length > DISPUTE_QUEUE_PAGE_SIZE,
  };
}

export async function getDisputeForStaff(user: SessionUser, disputeId: string, { now = new Date() }: { now?: Date } = {}): Promise<DisputeDetail> {
  assertStaff(user);
  const db = await getDb();
  const row = await getDisputeById(db, { disputeId });
  if (!row) throw new AppError('not_found:dispute');
  return detailOf(db, row, { now, staff: true });
}

type Decider = { staff: { id: string; email: string }; ip?: string } | { automatic: true };

type Decision = { status: 'accepted'; note: string | null } | { status: 'partially_accepted'; creditedCents: number; note: string | null } | { status: 'rejected'; note: string | null };

/**
 * What accepting a dispute credits: the charges of every accepted call of its line summed and
 * rounded once, less what the line's accepted disputes credited before (100 calls of $0.005 credit
 * $0.50, not 100 × $0.01), and never more than the line still holds after every credit on it.
 */
async function creditOnLine(tx: Tx, dispute: Dispute, decision: Decision): Promise<number> {
  if (decision.status === 'rejected') return 0;
  const state = await getLineCreditState(tx, { lineId: dispute.invoiceLineId, disputeId: dispute.id });
  const leftOnLine = Math.max(0, state.lineCents - state.creditedCents);
  if (decision.status === 'partially_accepted') {
    if (decision.creditedCents > dispute.disputedCents) {
      throw new AppError('invalid:credit_amount', `The credit can be at most the disputed ${centsToDecimal(dispute.disputedCents)}.`, { fieldErrors: { creditAmount: [`At most ${centsToDecimal(dispute.disputedCents)} (the disputed amount)`] } });
    }
    if (decision.creditedCents > leftOnLine) {
      throw new AppError('invalid:credit_amount', `The line has ${centsToDecimal(leftOnLine)} left to credit after the credits already given on it.`, { fieldErrors: { creditAmount: [`At most ${centsToDecimal(leftOnLine)} (what the line has left)`] } });
    }
    return decision.creditedCents;
  }
  const acceptedCents = Number(microsToCents(parseMicros(state.acceptedCharge) + parseMicros(state.ownCharge)));
  return Math.max(0, Math.min(acceptedCents - state.acceptedCents, leftOnLine));
}

/**
 * The decision, in one transaction with the dispute locked: its status and, for a credit, ONE
 * credit_note ledger entry on the line's account (positive: in the customer's favour), dated now,
 * so the invoice of this month shows it, and the issued invoices it now covers settled. Refused when
 * the dispute is decided already. The billing account is locked too, so two disputes of one line
 * are credited one after the other.
 */
async function applyDecision(tx: Tx, disputeId: string, decision: Decision, decider: Decider, now: Date): Promise<Dispute> {
  const dispute = await lockDispute(tx, { disputeId });
  if (!dispute) throw new AppError('not_found:dispute');
  if (dispute.status !== 'open') {
    throw new AppError('conflict:dispute_decided', `${disputeReference(dispute.id)} was decided on ${dispute.decidedAt?.toISOString().slice(0, 10) ?? 'an earlier day'} (${dispute.status.replace('_', ' ')}); a decided dispute never changes.`);
  }
  await lockBillingAccount(tx, { billingAccountId: dispute.billingAccountId });
  const creditedCents = await creditOnLine(tx, dispute, decision);
  const invoice = await getInvoiceById(tx, { invoiceId: dispute.invoiceId });
  let creditEntryId: string | null = null;
  let settledInvoices: string[] = [];
  if (creditedCents > 0) {
    const entry = await insertLedgerEntry(tx, {
      billingAccountId: dispute.billingAccountId,
      accountId: dispute.accountId,
      kind: 'credit_note',
      amount: formatMicros(BigInt(creditedCents) * MICROS_PER_CENT, 4),
      description: creditNoteDescription(dispute.id, dispute.reason),
      disputeId: dispute.id,
      reference: invoice ? `Disputed calls of ${invoice.number}` : null,
      createdByUserId: 'staff' in decider ? decider.staff.id : null,
      createdAt: now,
    });
    creditEntryId = entry.id;
    // Under the billing account's lock taken above: an invoice the credit now covers is paid.
    ({ paid: settledInvoices } = await settleInvoices(tx, { billingAccountId: dispute.billingAccountId, now }));
  }
  const note = 'automatic' in decider ? (creditedCents > 0 ? AUTO_ACCEPT_NOTE : AUTO_ACCEPT_NOTHING_LEFT_NOTE) : decision.note;
  const decided = await updateDispute(tx, { disputeId }, {
    status: decision.status,
    creditedCents,
    decisionNote: note,
    decidedByUserId: 'staff' in decider ? decider.staff.id : null,
    decidedAt: now,
    creditEntryId,
  });
  await publishAccountEvent(tx, {
    accountId: dispute.billingAccountId,
    type: 'dispute.decided',
    data: { disputeId: dispute.id, invoiceId: dispute.invoiceId, invoiceNumber: invoice?.number ?? '', status: decision.status, decidedAt: now.toISOString(), automatic: !('staff' in decider), credited: centsToDecimal(creditedCents), currency: invoice?.currency ?? 'USD' },
  });
  const audit = {
    accountId: dispute.billingAccountId,
    action: 'dispute.decide',
    targetType: 'dispute',
    targetId: dispute.id,
    before: { status: 'open', disputed: centsToDecimal(dispute.disputedCents) },
    after: { status: decision.status, credited: centsToDecimal(creditedCents), ...(note ? { note } : {}), ...(settledInvoices.length ? { settledInvoices } : {}) },
  };
  if ('staff' in decider) await recordStaffAccountAudit(tx, decider.staff, { ...audit, ip: decider.ip });
  else await insertAuditEvent(tx, { ...audit, actorUserId: null, actorEmail: 'system', ip: null });
  return decided;
}

/**
 * Staff decide an open dispute: accept (the disputed calls' share of the line, see creditOnLine),
 * partial (an amount up to the disputed one, with a note) or reject (with a note).
 */
export async function decideDispute(user: SessionUser, input: DecideDisputeInput, { now = new Date(), ip }: { now?: Date; ip?: string } = {}): Promise<DisputeDetail> {
  assertStaff(user);
  const db = await getDb();
  const decider = { staff: { id: user.id, email: user.email }, ip };
  const decided = await db.transaction(async (tx) => {
    const current = await lockDispute(tx, { disputeId: input.disputeId });
    if (!current) throw new AppError('not_found:dispute');
    const note = input.note?.trim() || null;
    if (input.decision !== 'accept' && !note) throw new AppError('invalid:decision_note', 'Say why (the customer reads it).', { fieldErrors: { note: ['Say why (the customer reads it)'] } });
    if (input.decision === 'accept') return applyDecision(tx, input.disputeId, { status: 'accepted', note }, decider, now);
    if (input.decision === 'reject') return applyDecision(tx, input.disputeId, { status: 'rejected', note }, decider, now);
    let micros: bigint;
    try {
      micros = parseMicros(input.creditAmount ?? '', 2);
    } catch {
      throw new AppError('invalid:credit_amount', 'Give the credit as an amount like 12.50.', { fieldErrors: { creditAmount: ['Give the credit as an amount like 12.50'] } });
    }
    const creditedCents = Number(micros / MICROS_PER_CENT);
    if (creditedCents <= 0) throw new AppError('invalid:credit_amount', 'A partial credit is more than zero; reject the dispute to credit nothing.', { fieldErrors: { creditAmount: ['More than zero (or reject)'] } });
    return applyDecision(tx, input.disputeId, { status: 'partially_accepted', creditedCents, note }, decider, now);
  });
  dispatchAccountEventsSoon();
  return getDisputeForStaff(user, decided.id, { now });
}

/**
 * "Or we eat it": every open dispute past its due time accepted in full (pg-boss, every 15
 * minutes). Each in its own transaction; one that staff decide meanwhile is left as they decided.
 */
export async function autoAcceptOverdueDisputes({ now = new Date() }: { now?: Date } = {}): Promise<{ accepted: string[] }> {
  const db = await getDb();
  const accepted: string[] = [];
  for (const disputeId of await listOverdueOpenDisputeIds(db, { now, limit: 500 })) {
    try {
      await db.transaction(async (tx) => {
        const current = await lockDispute(tx, { disputeId });
        if (!current || current.status !== 'open' || current.dueAt.getTime() >= now.getTime()) return;
        // The note is the job's, worded by what the line had left to credit (applyDecision).
        await applyDecision(tx, disputeId, { status: 'accepted', note: null }, { automatic: true }, now);
        accepted.push(disputeId);
      });
    } catch (error) {
      log.error('disputes.auto_accept_failed', { disputeId, error });
    }
  }
  if (accepted.length > 0) {
    log.info('disputes.auto_accepted', { count: accepted.length });
    dispatchAccountEventsSoon();
  }
  return { accepted };
}

