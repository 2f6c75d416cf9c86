import 'server-only';

/**
 * The ledger of a billing account (issue 15.4): immutable entries (the database refuses UPDATE and
 * DELETE), balance = sum of amounts, payments and credits positive, charges negative. Operator
 * staff record payments (a wire, ACH or cheque: never card data), prepayments, adjustments, and
 * reverse any entry once; each in one transaction with its audit record, under the billing
 * account's lock. A prepayment of $10,000 or more puts the account on the prepay tier (seed 000:
 * usage billed 8% less).
 */
import type { AccountAccess, SessionUser } from '@/lib/auth/access';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getAccountById, lockBillingAccount } from '@/lib/db/queries/accounts';
import { insertAuditEvent } from '@/lib/db/queries/audit';
import {
  endPrepayTier,
  getBillingProfileByAccount,
  getCurrenciesInUse,
  getLedgerEntryByRequestKey,
  getLedgerEntryInBillingAccount,
  getLedgerPageByBillingAccount,
  getPaymentEntryLike,
  getPrepayAccountsWithBalance,
  getLedgerBalance,
  getRecentPaymentOfAmount,
  getStandingPrepayments,
  insertLedgerEntry,
  setPrepaySince,
  startPrepayTier,
  upsertBillingProfileTerms,
  type LedgerEntryRow,
} from '@/lib/db/queries/ledger';
import { getUnbilledUsageByBillingAccount } from '@/lib/db/queries/spend-limits';
import type { Account } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { formatDate, formatMoney } from '@/lib/format';
import { log } from '@/lib/log';
import { startOfDayUtc } from '@/lib/validations/common';
import { LEDGER_PAGE_SIZE, type BillingProfileInput, type RecordAdjustmentInput, type RecordPaymentInput, type ReverseEntryInput } from '@/lib/validations/ledger';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { canSeeBillingAccountFunds } from './accounts';
import { recordAudit } from './audit';
import { settleInvoices } from './invoices';

/** Seed 000 (BIL.04): $10k+ paid up front is billed at −8%. */
export const PREPAY_MINIMUM = '10000.0000';
export const PREPAY_DISCOUNT_PERCENT = '8';

/** A payment without a reference of the same amount as one recorded this recently is confirmed before it is recorded. */
const REPEAT_PAYMENT_WINDOW_MS = 10 * 60_000;

function assertLedgerStaff(user: SessionUser): void {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can record payments and adjustments.');
}

/** Staff write on a customer's ledger from the platform: the audit says so, on the billing account. */
function staffAuditAccess(staff: SessionUser, account: Account, ip: string | undefined) {
  return { actor: { kind: 'user' as const, user: staff }, actingAsStaff: true, ip, account };
}

/** The billing (top-level) account named by a staff form; a sub-account's money is on its billing account's ledger. */
async function billingAccountFor(db: Db | Tx, accountId: string): Promise<Account> {
  const account = await getAccountById(db, { accountId });
  if (!account) throw new AppError('not_found:account');
  if (account.parentId !== null) throw new AppError('invalid:billing_account', `${account.name} is a sub-account: its money is on the ledger of the account it is billed to.`);
  return account;
}

function timeAgo(at: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return 'less than a minute ago';
  return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}

/** "8.0000" → "8", "7.5000" → "7.5". */
function percentText(percent: string): string {
  return formatMicros(parseMicros(percent, 6)).replace(/\.?0+$/, '');
}

export type PrepayOutcome = 'started' | 'already' | 'below_minimum';

/**
 * A payment received, or a prepayment (kind `credit`). A prepayment of PREPAY_MINIMUM or more puts
 * the billing account on the prepay tier (its billing profile is created if it has none); one
 * already on the tier keeps the day it started.
 */
export async function recordPayment(
  staff: SessionUser,
  input: RecordPaymentInput,
  ip?: string,
): Promise<{ entryId: string; currency: string; prepay?: PrepayOutcome; alreadyRecorded?: true; settledInvoices: string[] }> {
  assertLedgerStaff(staff);
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const account = await billingAccountFor(tx, input.accountId);
    await lockBillingAccount(tx, { billingAccountId: account.id });
    // Under the account's lock, so two submits cannot both pass.
    const earlier = await getPaymentEntryLike(tx, { billingAccountId: account.id, requestKey: input.requestKey, reference: input.reference ?? null });
    const currency = (await getBillingProfileByAccount(tx, { accountId: account.id }))?.currency ?? 'USD';
    if (earlier?.requestKey === input.requestKey) return { entryId: earlier.id, currency, alreadyRecorded: true as const, settledInvoices: [] };
    if (earlier) {
      const message = `A payment with the reference ${earlier.reference} was already recorded on ${formatDate(earlier.createdAt, 'long')} (${formatMoney(earlier.amount, currency)}). Reverse that entry first if it was wrong.`;
      throw new AppError('conflict:payment_recorded', message, { fieldErrors: { reference: ['Already recorded for this account'] } });
    }
    // Without a reference nothing tells one wire from the same wire entered in another tab: the same
    // amount just recorded is asked about first.
    if (!input.reference && !input.recordAgain) {
      const now = new Date();
      const recent = await getRecentPaymentOfAmount(tx, { billingAccountId: account.id, amount: input.amount, since: new Date(now.getTime() - REPEAT_PAYMENT_WINDOW_MS) });
      if (recent) {
        const what = `A ${recent.kind === 'credit' ? 'prepayment' : 'payment'} of ${formatMoney(recent.amount, currency)}`;
        const message = `${what} was recorded ${timeAgo(recent.createdAt, now)}${recent.createdByEmail ? ` by ${recent.createdByEmail}` : ''}${recent.reference ? ` (reference ${recent.reference})` : ''}. If this is a second payment, tick “Record it again” and submit; if it is the same one, nothing more is needed.`;
        throw new AppError('conflict:payment_maybe_recorded', message, { fieldErrors: { recordAgain: [`${what} was recorded ${timeAgo(recent.createdAt, now)}: tick to record this one as well`] } });
      }
    }
    const prepayment = input.type === 'prepayment';
    const received = formatDate(startOfDayUtc(input.receivedOn), 'long');
    const entry = await insertLedgerEntry(tx, {
      billingAccountId: account.id,
      accountId: account.id,
      kind: prepayment ? 'credit' : 'payment',
      amount: input.amount,
      description: `${prepayment ? 'Prepayment' : 'Payment'} received ${received}${input.note ? ` – ${input.note}` : ''}`,
      reference: input.reference ?? null,
      requestKey: input.requestKey,
      createdByUserId: staff.id,
    });
    // Issued invoices the money received now covers are paid (their PDF says so, with the day).
    const { paid: settledInvoices } = await settleInvoices(tx, { billingAccountId: account.id });
    const audit = staffAuditAccess(staff, account, ip);
    await recordAudit(tx, audit, {
      accountId: account.id,
      action: prepayment ? 'billing.prepayment.record' : 'billing.payment.record',
      targetType: 'ledger_entry',
      targetId: entry.id,
      after: { amount: entry.amount, receivedOn: input.receivedOn, reference: entry.reference, description: entry.description, ...(settledInvoices.length ? { settledInvoices } : {}) },
    });
    if (!prepayment) return { entryId: entry.id, currency, settledInvoices };
    if (parseMicros(input.amount) < parseMicros(PREPAY_MINIMUM)) return { entryId: entry.id, currency, prepay: 'below_minimum' as const, settledInvoices };
    // From the entry's own time: a reversal of it finds the prepayment that began the tier by this.
    const { before, after } = await startPrepayTier(tx, { accountId: account.id, percent: PREPAY_DISCOUNT_PERCENT, since: entry.createdAt });
    if (before && parseMicros(before.prepayDiscountPercent) > 0n) return { entryId: entry.id, currency, prepay: 'already' as const, settledInvoices };
    await recordAudit(tx, audit, {
      accountId: account.id,
      action: 'billing.prepay_tier.start',
      targetType: 'account',
      targetId: account.id,
      before: { prepayDiscountPercent: before?.prepayDiscountPercent ?? '0' },
      after: { prepayDiscountPercent: after.prepayDiscountPercent, prepaySince: after.prepaySince?.toISOString(), prepaymentEntryId: entry.id },
    });
    return { entryId: entry.id, currency, prepay: 'started' as const, settledInvoices };
  });
  return result;
}

/**
 * A correction in either direction with its reason (positive: in the customer's favour). The form's
 * request key makes a second submit (a double click, another tab's replay) answer the first entry.
 * A credit may settle invoices, a debit may leave a paid one uncovered.
 */
export async function recordAdjustment(
  staff: SessionUser,
  input: RecordAdjustmentInput,
  ip?: string,
): Promise<{ entryId: string; currency: string; alreadyRecorded?: true; settledInvoices: string[]; reopenedInvoices: string[] }> {
  assertLedgerStaff(staff);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const account = await billingAccountFor(tx, input.accountId);
    await lockBillingAccount(tx, { billingAccountId: account.id });
    const currency = (await getBillingProfileByAccount(tx, { accountId: account.id }))?.currency ?? 'USD';
    const earlier = await getLedgerEntryByRequestKey(tx, { billingAccountId: account.id, requestKey: input.requestKey });
    if (earlier) return { entryId: earlier.id, currency, alreadyRecorded: true as const, settledInvoices: [], reopenedInvoices: [] };
    const entry = await insertLedgerEntry(tx, {
      billingAccountId: account.id,
      accountId: account.id,
      kind: 'adjustment',
      amount: input.amount,
      description: input.reason,
      reference: input.reference ?? null,
      requestKey: input.requestKey,
      createdByUserId: staff.id,
    });
    const { paid, reopened } = await settleInvoices(tx, { billingAccountId: account.id });
    await recordAudit(tx, staffAuditAccess(staff, account, ip), {
      accountId: account.id,
      action: 'billing.adjustment.record',
      targetType: 'ledger_entry',
      targetId: entry.id,
      after: { amount: entry.amount, reason: entry.description, reference: entry.reference, ...(paid.length ? { settledInvoices: paid } : {}), ...(reopened.length ? { reopenedInvoices: reopened } : {}) },
    });
    return { entryId: entry.id, currency, settledInvoices: paid, reopenedInvoices: reopened };
  });
}

/**
 * Staff set how a billing account is invoiced (currency, tax, payment terms), audited. The currency
 * is refused while an issued invoice or a sell deck pricing its subtree says another: change the
 * decks first; issued invoices keep theirs.
 */
export async function updateBillingProfile(staff: SessionUser, input: BillingProfileInput, ip?: string) {
  assertLedgerStaff(staff);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const account = await billingAccountFor(tx, input.accountId);
    await lockBillingAccount(tx, { billingAccountId: account.id });
    const before = await getBillingProfileByAccount(tx, { accountId: account.id });
    if ((before?.currency ?? 'USD') !== input.currency) {
      const inUse = await getCurrenciesInUse(tx, { billingAccountId: account.id });
      const other = inUse.decks.find((currency) => currency !== input.currency);
      if (other) throw new AppError('invalid:currency', `The rate decks pricing ${account.name} are in ${other}: assign decks in ${input.currency} first.`, { fieldErrors: { currency: [`The account's calls are priced in ${other}`] } });
      const invoiced = inUse.invoiced.find((currency) => currency !== input.currency);
      if (invoiced) throw new AppError('invalid:currency', `${account.name} has invoices issued in ${invoiced}; the currency of an account with issued invoices does not change.`, { fieldErrors: { currency: [`Invoices were issued in ${invoiced}`] } });
    }
    const after = await upsertBillingProfileTerms(tx, { accountId: account.id, currency: input.currency, taxName: input.taxName, taxRatePercent: input.taxRatePercent, paymentTermsDays: input.paymentTermsDays });
    const terms = (profile: typeof before) => (profile ? { currency: profile.currency, taxName: profile.taxName, taxRatePercent: percentText(profile.taxRatePercent), paymentTermsDays: profile.paymentTermsDays } : null);
    await recordAudit(tx, staffAuditAccess(staff, account, ip), { accountId: account.id, action: 'billing.profile.update', targetType: 'billing_profile', targetId: account.id, before: terms(before), after: terms(after) });
    return after;
  });
}

function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** What a reversed prepayment did to the prepay tier: ended it, moved its start to a later prepayment, or left it. */
export type PrepayAfterReversal = 'ended' | 'moved' | 'kept';

function isQualifyingPrepayment(entry: { kind: string; amount: string }): boolean {
  return entry.kind === 'credit' && parseMicros(entry.amount) >= parseMicros(PREPAY_MINIMUM);
}

/**
 * A prepayment that could hold the tier was reversed (a bounced wire). The tier stays only while a
 * prepayment of PREPAY_MINIMUM or more recorded since it began still stands and the prepaid credit is
 * not used up (reconcilePrepayTiers' test); it then runs from the earliest such prepayment, since
 * invoices discount usage from prepaySince on. Otherwise it ends now: nothing was prepaid.
 */
async function reviewPrepayTier(tx: Tx, { account, reversed, audit }: { account: Account; reversed: { id: string }; audit: ReturnType<typeof staffAuditAccess> }): Promise<PrepayAfterReversal | undefined> {
  const profile = await getBillingProfileByAccount(tx, { accountId: account.id });
  if (!profile || parseMicros(profile.prepayDiscountPercent, 6) === 0n) return undefined;
  const since = profile.prepaySince;
  // From the start of that day: tiers begun before prepaySince was the prepayment's own time have it a moment after it.
  const dayBegan = since ? new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate())) : new Date(0);
  const [standing] = await getStandingPrepayments(tx, { billingAccountId: account.id, minimum: PREPAY_MINIMUM, since: dayBegan });
  let usedUp = false;
  if (standing) {
    const [balance, { usage }] = await Promise.all([getLedgerBalance(tx, { billingAccountId: account.id }), getUnbilledUsageByBillingAccount(tx, { billingAccountId: account.id })]);
    usedUp = parseMicros(balance, 6) - parseMicros(usage, 6) < 0n;
  }
  if (standing && !usedUp) {
    if (!since || standing.createdAt <= since) return 'kept';
    await setPrepaySince(tx, { accountId: account.id, since: standing.createdAt });
    await recordAudit(tx, audit, {
      accountId: account.id,
      action: 'billing.prepay_tier.start',
      targetType: 'account',
      targetId: account.id,
      before: { prepayDiscountPercent: profile.prepayDiscountPercent, prepaySince: since.toISOString(), prepaymentEntryId: reversed.id },
      after: { prepayDiscountPercent: profile.prepayDiscountPercent, prepaySince: standing.createdAt.toISOString(), prepaymentEntryId: standing.id },
    });
    return 'moved';
  }
  const now = new Date();
  const before = await endPrepayTier(tx, { accountId: account.id, at: now });
  if (!before) return undefined;
  await recordAudit(tx, audit, {
    accountId: account.id,
    action: 'billing.prepay_tier.end',
    targetType: 'account',
    targetId: account.id,
    before: { prepayDiscountPercent: before.prepayDiscountPercent, prepaySince: before.prepaySince?.toISOString() ?? null },
    after: { prepayDiscountPercent: '0', reversedPrepaymentEntryId: reversed.id, ...(standing ? { prepaidCreditUsedUp: true } : {}) },
  });
  await publishAccountEvent(tx, { accountId: account.id, type: 'billing.prepay_ended', data: { discountPercent: percentText(before.prepayDiscountPercent), endedAt: now.toISOString() } });
  return 'ended';
}

const alreadyReversed = () => new AppError('conflict:ledger_reversed', 'This entry has been reversed already; an entry is reversed once.');

/**
 * Cancels an entry with an opposite one (kind `reversal`) naming it. Each entry is reversed at most
 * once (a unique index holds it even against two staff at once). A reversal is not itself reversed
 * (record the entry again instead), and an invoice's charges are corrected by voiding the invoice.
 */
export async function reverseLedgerEntry(
  staff: SessionUser,
  input: ReverseEntryInput,
  ip?: string,
): Promise<{ entryId: string; settledInvoices: string[]; reopenedInvoices: string[]; prepay?: PrepayAfterReversal }> {
  assertLedgerStaff(staff);
  const db = await getDb();
  try {
    const result = await db.transaction(async (tx) => {
      const account = await billingAccountFor(tx, input.accountId);
      await lockBillingAccount(tx, { billingAccountId: account.id });
      const found = await getLedgerEntryInBillingAccount(tx, { billingAccountId: account.id, entryId: input.entryId });
      if (!found) throw new AppError('not_found:ledger_entry', 'No such entry on this account’s ledger.');
      const { entry } = found;
      if (found.reversedById) throw alreadyReversed();
      if (entry.kind === 'reversal') throw new AppError('conflict:ledger_reversal', 'A reversal is not reversed: record the entry again instead.');
      if (entry.kind === 'invoice') throw new AppError('conflict:ledger_invoice', 'An invoice’s charges are corrected by voiding the invoice, not by reversing its entry.');
      const reversal = await insertLedgerEntry(tx, {
        billingAccountId: account.id,
        accountId: entry.accountId,
        kind: 'reversal',
        amount: formatMicros(-parseMicros(entry.amount), 4),
        description: `Reversal of “${entry.description}”: ${input.reason}`,
        reference: entry.reference,
        reversesId: entry.id,
        createdByUserId: staff.id,
      });
      // A reversed payment (a bounced wire) leaves the invoices it paid unpaid again; a reversed charge may settle one.
      const { paid, reopened } = await settleInvoices(tx, { billingAccountId: account.id });
      await recordAudit(tx, staffAuditAccess(staff, account, ip), {
        accountId: account.id,
        action: 'billing.entry.reverse',
        targetType: 'ledger_entry',
        targetId: entry.id,
        before: { kind: entry.kind, amount: entry.amount, description: entry.description },
        after: { reversalEntryId: reversal.id, amount: reversal.amount, reason: input.reason, ...(paid.length ? { settledInvoices: paid } : {}), ...(reopened.length ? { reopenedInvoices: reopened } : {}) },
      });
      const prepay = isQualifyingPrepayment(entry) ? await reviewPrepayTier(tx, { account, reversed: entry, audit: staffAuditAccess(staff, account, ip) }) : undefined;
      return { entryId: reversal.id, settledInvoices: paid, reopenedInvoices: reopened, ...(prepay ? { prepay } : {}) };
    });
    if (result.prepay === 'ended') dispatchAccountEventsSoon();
    return result;
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyReversed();
    throw error;
  }
}

export interface LedgerEntryView extends LedgerEntryRow {
  /** Staff may reverse it: it stands, and it is neither a reversal nor an invoice's posting. */
  reversible: boolean;
}

export interface LedgerPage {
  rows: LedgerEntryView[];
  total: number;
  page: number;
  pageSize: number;
}

async function ledgerPage(db: Db, billingAccountId: string, page: number): Promise<LedgerPage> {
  const { rows, total } = await getLedgerPageByBillingAccount(db, { billingAccountId, limit: LEDGER_PAGE_SIZE, offset: (page - 1) * LEDGER_PAGE_SIZE });
  return {
    rows: rows.map((row) => ({ ...row, reversible: row.reversedById === null && row.kind !== 'reversal' && row.kind !== 'invoice' })),
    total,
    page,
    pageSize: LEDGER_PAGE_SIZE,
  };
}

/**
 * The customer's ledger: the billing account's entries, for roles that read billing on the billing
 * account itself (a sub-account's finance user does not see the master's money).
 */
export async function listLedgerEntries(access: AccountAccess, { page }: { page: number }): Promise<LedgerPage & { currency: string }> {
  if (!access.permissions.has('billing.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  if (!(await canSeeBillingAccountFunds(db, access))) throw new AppError('forbidden:billing_account', 'The ledger is on the billing account: ask an owner, admin or finance user there.');
  const billingAccountId = access.account.billingAccountId;
  const [entries, profile] = await Promise.all([ledgerPage(db, billingAccountId, page), getBillingProfileByAccount(db, { accountId: billingAccountId })]);
  return { ...entries, currency: profile?.currency ?? 'USD' };
}

/** The staff view of a billing account's ledger, with its currency and prepay tier. */
export async function getStaffLedger(staff: SessionUser, { accountId, page }: { accountId: string; page: number }) {
  assertLedgerStaff(staff);
  const db = await getDb();
  const account = await getAccountById(db, { accountId });
  if (!account) throw new AppError('not_found:account');
  if (account.parentId !== null) {
    const billing = await getAccountById(db, { accountId: account.billingAccountId });
    return { account, billingAccount: billing, ledger: undefined, profile: undefined };
  }
  const [ledger, profile] = await Promise.all([ledgerPage(db, account.id, page), getBillingProfileByAccount(db, { accountId: account.id })]);
  return {
    account,
    billingAccount: account,
    ledger,
    profile: {
      currency: profile?.currency ?? 'USD',
      prepayDiscountPercent: profile ? percentText(profile.prepayDiscountPercent) : '0',
      prepaySince: profile?.prepaySince ?? null,
      taxName: profile?.taxName ?? 'Tax',
      taxRatePercent: profile ? percentText(profile.taxRatePercent) : '0',
      paymentTermsDays: profile?.paymentTermsDays ?? 15,
    },
  };
}

export interface PrepayReconciliation {
  checked: number;
  ended: string[];
}

/**
 * The monthly prepay check (1st of the month). It records nothing new: unspent prepaid credit
 * simply stays in the balance and rolls over; when an account's balance less its usage not yet
 * invoiced has gone below zero, its prepaid credit is used up and the tier ends from this month on.
 */
export async function reconcilePrepayTiers({ now }: { now: Date }): Promise<PrepayReconciliation> {
  const db = await getDb();
  const accounts = await getPrepayAccountsWithBalance(db);
  const result: PrepayReconciliation = { checked: accounts.length, ended: [] };
  for (const row of accounts) {
    const { usage } = await getUnbilledUsageByBillingAccount(db, { billingAccountId: row.accountId });
    if (parseMicros(row.balance, 6) - parseMicros(usage, 6) >= 0n) continue;
    const ended = await db.transaction(async (tx) => {
      await lockBillingAccount(tx, { billingAccountId: row.accountId });
      const before = await endPrepayTier(tx, { accountId: row.accountId, at: now });
      if (!before) return false;
      await insertAuditEvent(tx, {
        accountId: row.accountId,
        actorUserId: null,
        actorEmail: 'system',
        action: 'billing.prepay_tier.end',
        targetType: 'account',
        targetId: row.accountId,
        before: { prepayDiscountPercent: before.prepayDiscountPercent, prepaySince: before.prepaySince?.toISOString() ?? null },
        after: { prepayDiscountPercent: '0', balance: row.balance, usageNotInvoiced: usage },
        ip: null,
      });
      await publishAccountEvent(tx, { accountId: row.accountId, type: 'billing.prepay_ended', data: { discountPercent: percentText(before.prepayDiscountPercent), endedAt: now.toISOString() } });
      return true;
    });
    if (ended) result.ended.push(row.accountId);
  }
  if (result.ended.length > 0) dispatchAccountEventsSoon();
  log.info('ledger.prepay_reconciled', { checked: result.checked, ended: result.ended.length });
  return result;
}

/** What the `reconcile-prepay-tiers` job runs on the 1st of each month. */
export function reconcilePrepayTiersNow(): Promise<PrepayReconciliation> {
  return reconcilePrepayTiers({ now: new Date() });
}
