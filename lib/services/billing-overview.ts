import 'server-only';

/**
 * The Billing page in one read (issue 15.5): the billing account's balance, credit and prepay tier,
 * the rated usage of the viewer's account and its sub-accounts this month by day, spend caps, the
 * latest invoices, payments and ledger entries, and the calls this month that have no price.
 *
 * Money is for billing roles only. The billing account's own money (balance, credit, invoices,
 * ledger) only for those who read billing on the billing account itself (canSeeBillingAccountFunds):
 * a finance user of a sub-account sees that sub-account's usage and spend cap, nothing of the master's.
 */
import type { AccountAccess } from '@/lib/auth/access';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb } from '@/lib/db/client';
import { getBillingAccountSummary, getDailyUsageBySubtree, getInvoiceReference, getRecentPaymentsByBillingAccount, getReplacementInvoice, getSubtreeAccountIds, getUnratedCallGroups, type UnratedCallGroup } from '@/lib/db/queries/billing-overview';
import { countUnratedCalls, getBillingProfile, listInvoices } from '@/lib/db/queries/invoices';
import { getLedgerPageByBillingAccount } from '@/lib/db/queries/ledger';
import type { Invoice } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { checkFundsForOrder, monthStart, type BillingFunds } from './account-funds';
import { canSeeBillingAccountFunds } from './accounts';
import { getInvoiceFor, invoicePeriod, refreshDraftFor, type InvoiceGaps } from './invoices';
import type { LedgerEntryView } from './ledger';
import type { InvoiceDetail } from './staff-invoices';

export const OVERVIEW_INVOICES = 5;
export const OVERVIEW_PAYMENTS = 5;
export const OVERVIEW_LEDGER_ENTRIES = 10;

const DAY_MS = 86_400_000;

export interface UsageDay {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Rated charge, six places. */
  charge: string;
  calls: number;
}

export interface UsageToDate {
  /** The month so far: [from, to) in UTC, `to` the start of tomorrow. */
  from: Date;
  to: Date;
  /** Rated charge of the month so far, six places. */
  charge: string;
  calls: number;
  billedSeconds: number;
  /** Calls without a price: they are on no invoice. */
  unrated: number;
  /** Every day of the month so far, days without calls included. */
  days: UsageDay[];
}

export interface SpendCapStatus {
  accountId: string;
  accountName: string;
  cap: string;
  /** This month over the account's subtree: charges, rated usage and orders not charged yet. */
  spent: string;
  /** Whole percent, rounded down; may pass 100. */
  usedPercent: number;
}

export interface RecentPayment {
  id: string;
  kind: 'payment' | 'credit';
  amount: string;
  description: string;
  reference: string | null;
  createdAt: Date;
  reversed: boolean;
}

export interface BillingOverview {
  account: { id: string; name: string };
  currency: string;
  /** The viewer reads the billing account's own money; false for a finance user of a sub-account only. */
  seesBillingAccount: boolean;
  /** Only when `seesBillingAccount`. */
  funds?: BillingFunds;
  /** The prepay tier's discount on usage and DIDs, when the billing account is on it (only when `seesBillingAccount`). */
  prepay?: { percent: string; since: Date | null };
  usage: UsageToDate;
  spendCaps: SpendCapStatus[];
  /** The latest invoices, newest period first (only when `seesBillingAccount`). */
  invoices?: Invoice[];
  payments?: RecentPayment[];
  ledger?: LedgerEntryView[];
  /** Why calls have no price (operator staff only). */
  unratedReasons?: UnratedCallGroup[];
}

function usedPercentOf(spent: string, cap: string): number {
  const used = parseMicros(spent, 6);
  const limit = parseMicros(cap, 6);
  if (used <= 0n) return 0;
  if (limit <= 0n) return 100;
  return Number((used * 100n) / limit);
}

/** "8.0000" → "8", "7.5000" → "7.5". */
function percentText(percent: string): string {
  return formatMicros(parseMicros(percent, 6)).replace(/\.?0+$/, '');
}

export async function getBillingOverview(access: AccountAccess, { now = new Date() }: { now?: Date } = {}): Promise<BillingOverview> {
  if (!access.permissions.has('billing.read')) throw new AppError('not_found:billing');
  const db = await getDb();
  const billingAccountId = access.account.billingAccountId;
  const seesBillingAccount = await canSeeBillingAccountFunds(db, access);
  const from = monthStart(now);
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);

  const [funding, profile, daily, invoices, payments, ledger] = await Promise.all([
    checkFundsForOrder(db, access, { dueNow: '0', itemCount: 0, now }),
    getBillingProfile(db, { accountId: billingAccountId }),
    getDailyUsageBySubtree(db, { accountPath: access.account.path, billingAccountId, from, to }),
    seesBillingAccount ? listInvoices(db, { billingAccountId, limit: OVERVIEW_INVOICES }) : undefined,
    seesBillingAccount ? getRecentPaymentsByBillingAccount(db, { billingAccountId, limit: OVERVIEW_PAYMENTS }) : undefined,
    seesBillingAccount ? getLedgerPageByBillingAccount(db, { billingAccountId, limit: OVERVIEW_LEDGER_ENTRIES, offset: 0 }) : undefined,
  ]);

  const byDay = new Map(daily.map((row) => [row.day, row]));
  const days: UsageDay[] = [];
  for (let at = from.getTime(); at < to.getTime(); at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    const row = byDay.get(day);
    days.push({ day, charge: row?.charge ?? '0', calls: row?.calls ?? 0 });
  }
  const charge = daily.reduce((sum, row) => sum + parseMicros(row.charge), 0n);
  const unrated = daily.reduce((sum, row) => sum + row.unrated, 0);
  const usage: UsageToDate = {
    from,
    to,
    charge: formatMicros(charge),
    calls: daily.reduce((sum, row) => sum + row.calls, 0),
    billedSeconds: daily.reduce((sum, row) => sum + row.billedSeconds, 0),
    unrated,
    days,
  };

  // A sub-account's finance user sees its own cap; the master's spend is the master's money.
  const spendCaps = (funding.spendCaps ?? [])
    .filter((cap) => seesBillingAccount || cap.accountId === access.account.id)
    .map((cap) => ({ ...cap, usedPercent: usedPercentOf(cap.spent, cap.cap) }));

  const unratedReasons =
    access.user.isOperatorStaff && unrated > 0
      ? await getUnratedCallGroups(db, { accountIds: await getSubtreeAccountIds(db, { accountPath: access.account.path, billingAccountId }), from, to })
      : undefined;

  const prepayPercent = profile ? parseMicros(profile.prepayDiscountPercent, 6) : 0n;
  return {
    account: { id: access.account.id, name: access.account.name },
    currency: profile?.currency ?? 'USD',
    seesBillingAccount,
    funds: seesBillingAccount ? funding.funds : undefined,
    prepay: seesBillingAccount && profile && prepayPercent > 0n ? { percent: percentText(profile.prepayDiscountPercent), since: profile.prepaySince } : undefined,
    usage,
    spendCaps,
    invoices,
    payments: payments?.map((row) => ({ id: row.id, kind: row.kind as RecentPayment['kind'], amount: row.amount, description: row.description, reference: row.reference, createdAt: row.createdAt, reversed: row.reversedById !== null })),
    ledger: ledger?.rows.map((row) => ({ ...row, reversible: row.reversedById === null && row.kind !== 'reversal' && row.kind !== 'invoice' })),
    unratedReasons,
  };
}

/**
 * An invoice as its page shows it: lines by section, the invoice it reissues or that replaced it, and
 * how many calls of its period have no price. Not found for another tenant and for roles that do not
 * read the billing account's money.
 */
export async function getInvoicePage(access: AccountAccess, invoiceId: string): Promise<InvoiceDetail> {
  const { invoice, lines, sections } = await getInvoiceFor(access, invoiceId);
  const db = await getDb();
  const billingAccountId = invoice.billingAccountId;
  const [replaces, replacedBy, accountIds, billingAccount] = await Promise.all([
    invoice.replacesInvoiceId ? getInvoiceReference(db, { billingAccountId, invoiceId: invoice.replacesInvoiceId }) : undefined,
    invoice.status === 'void' ? getReplacementInvoice(db, { billingAccountId, invoiceId }) : undefined,
    getSubtreeAccountIds(db, { accountPath: `/${billingAccountId}/`, billingAccountId }),
    getBillingAccountSummary(db, { billingAccountId }),
  ]);
  const unratedCalls = await countUnratedCalls(db, { accountIds, from: invoice.periodStart, to: invoice.periodEnd });
  return { invoice, accountName: billingAccount?.name ?? '', lines, sections, replaces, replacedBy, unratedCalls };
}

export interface DraftableMonth {
  /** `YYYY-MM`. */
  month: string;
  /** This month so far, or last month while its invoice is not issued. */
  which: 'current' | 'previous';
  /** Its live invoice, when there is one (a draft). */
  draft?: { id: string; number: string };
}

export interface InvoiceList {
  /** False for a finance user of a sub-account only: invoices are the billing account's. */
  seesBillingAccount: boolean;
  invoices: Invoice[];
  /** The months a draft may be computed for now (billing roles of the billing account). */
  draftable: DraftableMonth[];
}

const monthOf = (at: Date) => at.toISOString().slice(0, 7);
const previousMonthOf = (at: Date) => monthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)));

/** The Invoices tab: the billing account's invoices (newest first), filtered by status, and which months may be drafted. */
export async function getInvoiceList(access: AccountAccess, { status, now = new Date() }: { status?: Invoice['status'] | null; now?: Date } = {}): Promise<InvoiceList> {
  if (!access.permissions.has('billing.read')) throw new AppError('not_found:billing');
  const db = await getDb();
  if (!(await canSeeBillingAccountFunds(db, access))) return { seesBillingAccount: false, invoices: [], draftable: [] };
  const all = await listInvoices(db, { billingAccountId: access.account.billingAccountId });
  const live = (month: string) => all.find((invoice) => monthOf(invoice.periodStart) === month && invoice.status !== 'void');
  const draftable: DraftableMonth[] = [];
  for (const [month, which] of [[monthOf(now), 'current'], [previousMonthOf(now), 'previous']] as const) {
    const invoice = live(month);
    if (invoice && invoice.status !== 'draft') continue;
    draftable.push({ month, which, ...(invoice ? { draft: { id: invoice.id, number: invoice.number } } : {}) });
  }
  return { seesBillingAccount: true, invoices: status ? all.filter((invoice) => invoice.status === status) : all, draftable };
}

/**
 * A billing role asks for the draft of this month so far, or of last month while it is not issued:
 * computed (or recomputed) now, with what it leaves out (calls without a price, numbers in no tier).
 */
export async function previewDraftInvoice(access: AccountAccess, { month, now = new Date() }: { month: string; now?: Date }): Promise<{ invoice: Invoice; gaps: InvoiceGaps }> {
  invoicePeriod(month);
  if (month !== monthOf(now) && month !== previousMonthOf(now)) {
    throw new AppError('invalid:month', 'A draft can be previewed for this month or last month.', { fieldErrors: { month: ['Choose this month or last month'] } });
  }
  return refreshDraftFor(access, month);
}
