import 'server-only';

/**
 * Operator staff and the invoices of every billing account: the list across accounts, an invoice
 * with its lines, and the changes the engine (lib/services/invoices.ts) allows — a draft for an
 * account and month, a negotiated discount on a draft and its removal, issue, and void with a
 * reason (reissued as a new draft). Each change is recorded in the customer's audit log as staff.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getInvoiceReference, getReplacementInvoice } from '@/lib/db/queries/billing-overview';
import { countUnratedCalls, getInvoiceById, getInvoiceLines, listBillingSubtree } from '@/lib/db/queries/invoices';
import { getBillingAccountById, listBillingAccounts, listInvoicesAcrossAccounts, type StaffInvoiceFilter } from '@/lib/db/queries/staff-invoices';
import type { Invoice, InvoiceLine } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { recordStaffAccountAudit } from './audit';
// Issue and void through invoice-issue: it loads the hook that stores the PDF and e-mails it.
import { issueInvoice, voidInvoice } from './invoice-issue';
import { addDraftDiscount, generateDraftInvoice, removeDraftDiscount, type InvoiceGaps } from './invoices';

export const STAFF_INVOICES_PAGE_SIZE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertStaff(staff: SessionUser): void {
  if (!staff.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can do that.');
}

const actorOf = (staff: SessionUser) => ({ staff: { id: staff.id, email: staff.email } });

export async function listStaffInvoices(staff: SessionUser, { filter, page }: { filter: StaffInvoiceFilter; page: number }) {
  assertStaff(staff);
  const db = await getDb();
  const { rows, total } = await listInvoicesAcrossAccounts(db, { filter, limit: STAFF_INVOICES_PAGE_SIZE, offset: (page - 1) * STAFF_INVOICES_PAGE_SIZE });
  return { rows: rows.map((row) => ({ ...row.invoice, accountName: row.accountName })), total, page, pageSize: STAFF_INVOICES_PAGE_SIZE };
}

/** The accounts staff can draft an invoice for: top-level ones (each pays for its subtree). */
export async function listInvoicedAccounts(staff: SessionUser) {
  assertStaff(staff);
  return listBillingAccounts(await getDb());
}

export interface InvoiceRelations {
  /** The invoice this one reissues (it voided that one). */
  replaces?: { id: string; number: string; status: Invoice['status'] };
  /** For a void invoice: the one reissued in its place. */
  replacedBy?: { id: string; number: string; status: Invoice['status'] };
}

export interface InvoiceDetail extends InvoiceRelations {
  invoice: Invoice;
  accountName: string;
  lines: InvoiceLine[];
  sections: { accountId: string; name: string }[];
  /** Calls of the period without a price (on no invoice). */
  unratedCalls: number;
}

export async function getStaffInvoice(staff: SessionUser, invoiceId: string, now = new Date()): Promise<InvoiceDetail & { periodOpen: boolean }> {
  assertStaff(staff);
  if (!UUID.test(invoiceId)) throw new AppError('not_found:invoice');
  const db = await getDb();
  const invoice = await getInvoiceById(db, { invoiceId });
  if (!invoice) throw new AppError('not_found:invoice');
  const [lines, subtree] = await Promise.all([getInvoiceLines(db, { invoiceId }), listBillingSubtree(db, { billingAccountId: invoice.billingAccountId })]);
  const present = new Set(lines.map((line) => line.accountId));
  const [replaces, replacedBy, unratedCalls] = await Promise.all([
    invoice.replacesInvoiceId ? getInvoiceReference(db, { billingAccountId: invoice.billingAccountId, invoiceId: invoice.replacesInvoiceId }) : undefined,
    invoice.status === 'void' ? getReplacementInvoice(db, { billingAccountId: invoice.billingAccountId, invoiceId }) : undefined,
    countUnratedCalls(db, { accountIds: subtree.map((account) => account.id), from: invoice.periodStart, to: invoice.periodEnd }),
  ]);
  return {
    invoice,
    accountName: subtree.find((account) => account.id === invoice.billingAccountId)?.name ?? '',
    lines,
    sections: subtree.filter((account) => present.has(account.id)).map((account) => ({ accountId: account.id, name: account.name })),
    replaces,
    replacedBy,
    unratedCalls,
    // Calls are still arriving until the month is over: it cannot be issued before.
    periodOpen: invoice.periodEnd.getTime() > now.getTime(),
  };
}

/** A draft of `month` for a billing account, created or recomputed (an issued month is refused by the engine). */
export async function generateDraftForStaff(staff: SessionUser, { accountId, month }: { accountId: string; month: string }, ip?: string): Promise<{ invoice: Invoice; gaps: InvoiceGaps }> {
  assertStaff(staff);
  const db = await getDb();
  const account = await getBillingAccountById(db, { accountId });
  if (!account) throw new AppError('not_found:account', 'No such billing account: invoices are drafted for top-level accounts, which pay for their sub-accounts.', { fieldErrors: { accountId: ['Choose a billing account'] } });
  const now = new Date();
  if (month > now.toISOString().slice(0, 7)) throw new AppError('invalid:month', 'That month has not begun: draft this month or an earlier one.', { fieldErrors: { month: ['Choose this month or an earlier one'] } });
  const result = await generateDraftInvoice(db, { billingAccountId: account.id, month });
  await recordStaffAccountAudit(db, staff, {
    accountId: account.id,
    action: 'invoice.draft_generated',
    targetType: 'invoice',
    targetId: result.invoice.id,
    after: { number: result.invoice.number, month, totalDueCents: result.invoice.totalDueCents, unratedCalls: result.gaps.unratedCalls, unpricedNumbers: result.gaps.unpricedNumbers },
    ip,
  });
  return result;
}

export async function addDiscountForStaff(staff: SessionUser, input: { invoiceId: string; amount: string; description: string }): Promise<Invoice> {
  assertStaff(staff);
  return addDraftDiscount(await getDb(), { ...input, actor: actorOf(staff) });
}

export async function removeDiscountForStaff(staff: SessionUser, input: { invoiceId: string; lineId: string }): Promise<Invoice> {
  assertStaff(staff);
  return removeDraftDiscount(await getDb(), { ...input, actor: actorOf(staff) });
}

export async function issueForStaff(staff: SessionUser, { invoiceId }: { invoiceId: string }): Promise<Invoice> {
  assertStaff(staff);
  return issueInvoice(await getDb(), { invoiceId, actor: actorOf(staff) });
}

export async function voidForStaff(staff: SessionUser, { invoiceId, reason }: { invoiceId: string; reason: string }): Promise<{ voided: Invoice; replacement?: Invoice }> {
  assertStaff(staff);
  return voidInvoice(await getDb(), { invoiceId, reason, reissue: true, actor: actorOf(staff) });
}
