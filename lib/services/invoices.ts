import 'server-only';

/**
 * Monthly invoices of a billing account over its subtree (issue 15.5). A draft is computed from the
 * rated calls, the numbers held and the ledger of its calendar month (UTC), and may be recomputed
 * until it is issued; issuing posts its charges to the ledger once and freezes it (database
 * triggers refuse any later change but paid/void). A wrong invoice is voided (its posting reversed)
 * and reissued as a new draft for the same period.
 *
 * Totals, in cents: subtotal (usage, DIDs, one-time) − discount + tax − credit = charges;
 * total due = previous balance − payments + charges. One-time charges, credit notes and adjustments
 * are in the ledger already when they happen; the invoice's own posting is the rest.
 */
import { randomBytes } from 'node:crypto';
import type { AccountAccess } from '@/lib/auth/access';
import { centsToDecimal, formatMicros, MICROS_PER_CENT, microsToCents, parseMicros, percentageCents, percentOf, prorateMicros, usageLineCents } from '@/lib/billing/money';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { isUuid, lockBillingAccount } from '@/lib/db/queries/accounts';
import { awaitUsageCutoffPassed, lockUsageForIssue } from '@/lib/db/queries/usage-locks';
import {
  aggregateInvoiceUsage,
  aggregateLateUsage,
  countUnratedCalls,
  deleteManualLine,
  getBillingProfile,
  getDidTiers,
  getInvoice,
  getInvoiceById,
  getInvoiceLines,
  getLedgerBalanceBefore,
  getLiveInvoiceForPeriod,
  insertInvoice,
  insertInvoiceLine,
  isBillingAccount,
  listBillingAccountIds,
  listBillingSubtree,
  listInvoices,
  listLedgerActivity,
  listManualLines,
  listNumbersHeld,
  listUnclosedMonths,
  replaceComputedLines,
  updateInvoice,
} from '@/lib/db/queries/invoices';
import { getInvoicesWithCreditSince, insertLedgerEntry } from '@/lib/db/queries/ledger';
import { getRateBindings } from '@/lib/db/queries/rate-bindings';
import type { Invoice, InvoiceLine, invoiceLines } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { formatDate, formatMonth } from '@/lib/format';
import { log } from '@/lib/log';
import { toCallParty } from '@/lib/phone-numbers';
import { isMonth } from '@/lib/validations/invoices';
import { publishAccountEvent } from './account-events';
import { canSeeBillingAccountFunds } from './accounts';
import { recordAudit, recordStaffAccountAudit } from './audit';
import { versionInForce } from './rating';

type Executor = Db | Tx;
type NewLine = typeof invoiceLines.$inferInsert;

const DAY_MS = 86_400_000;

/** `YYYY-MM` → [first instant, first instant of the next month) in UTC. */
export function invoicePeriod(month: string): { periodStart: Date; periodEnd: Date } {
  if (!isMonth(month)) throw new AppError('invalid:period', 'A period is a month from 2000 to 2100: YYYY-MM.', { fieldErrors: { period: ['Give a month from 2000 to 2100 as YYYY-MM'] } });
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const monthIndex = monthNumber - 1;
  return { periodStart: new Date(Date.UTC(year, monthIndex, 1)), periodEnd: new Date(Date.UTC(year, monthIndex + 1, 1)) };
}

export function previousMonth(now: Date): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return start.toISOString().slice(0, 7);
}

function invoiceNumber(periodStart: Date): string {
  return `INV-${periodStart.toISOString().slice(0, 7)}-${randomBytes(3).toString('hex').slice(0, 5).toUpperCase()}`;
}

export interface InvoiceGaps {
  /** Calls of the period without a price (no deck, no rate for the number): not on the invoice. */
  unratedCalls: number;
  /** Numbers held whose country is in no DID tier of the deck in force: not on the invoice. */
  unpricedNumbers: number;
}

interface ComputedInvoice {
  lines: Omit<NewLine, 'invoiceId' | 'position'>[];
  gaps: InvoiceGaps;
  previousBalanceCents: number;
  paymentsCents: number;
  /** What of the usage and DID lines is from `tierFrom` on: the base of the prepay discount. */
  tierBaseCents: number;
}

const DIRECTION_WORD = { outbound: 'termination', inbound: 'origination' } as const;

/**
 * Everything an invoice of [periodStart, periodEnd) is made of, but the discounts and tax (they
 * depend on manual lines). `tierFrom`: when the prepay tier began (usage and DIDs from then on are
 * its discount's base); none, off the tier.
 */
async function computeInvoice(db: Executor, { billingAccountId, periodStart, periodEnd, tierFrom = periodEnd }: { billingAccountId: string; periodStart: Date; periodEnd: Date; tierFrom?: Date }): Promise<ComputedInvoice> {
  const subtree = await listBillingSubtree(db, { billingAccountId });
  const accountIds = subtree.map((account) => account.id);
  const range = { accountIds, from: periodStart, to: periodEnd };
  const [usage, lateUsage, unratedCalls, numbers, activity, balanceBefore, bindings] = await Promise.all([
    aggregateInvoiceUsage(db, { billingAccountId, ...range, tierFrom }),
    aggregateLateUsage(db, { billingAccountId, ...range, tierFrom }),
    countUnratedCalls(db, range),
    listNumbersHeld(db, range),
    listLedgerActivity(db, { billingAccountId, from: periodStart, to: periodEnd }),
    getLedgerBalanceBefore(db, { billingAccountId, before: periodStart }),
    getRateBindings(db, { accountIds, connectionIds: [] }),
  ]);

  const lines: ComputedInvoice['lines'] = [];
  let tierBaseCents = 0;
  for (const group of usage.sort((a, b) => a.direction.localeCompare(b.direction) || b.billedSeconds - a.billedSeconds || a.destination.localeCompare(b.destination))) {
    const fee = parseMicros(group.connectionFee) > 0n;
    lines.push({
      accountId: group.accountId,
      kind: DIRECTION_WORD[group.direction],
      description: `${group.destination} ${DIRECTION_WORD[group.direction]}`,
      detail: fee ? `Includes ${group.answered.toLocaleString('en-US')} connection fees of ${group.connectionFee.replace(/0+$/, '')}` : null,
      destination: group.destination,
      direction: group.direction,
      rateVersionId: group.rateVersionId,
      rate: group.rate,
      quantity: formatMicros(parseMicros(String(group.billedSeconds)) / 60n, 4),
      unit: 'min',
      unitPrice: group.rate,
      calls: group.calls,
      billedSeconds: group.billedSeconds,
      amountCents: usageLineCents({ billedSeconds: group.billedSeconds, rate: group.rate, answeredCalls: group.answered, connectionFee: group.connectionFee }),
    });
    tierBaseCents += usageLineCents({ billedSeconds: group.billedSecondsOnTier, rate: group.rate, answeredCalls: group.answeredOnTier, connectionFee: group.connectionFee });
  }
  // Calls of closed months that reached the store after their invoice was issued: billed here, once.
  const closedBefore = formatMonth(periodStart.toISOString().slice(0, 7));
  for (const group of lateUsage.sort((a, b) => a.direction.localeCompare(b.direction))) {
    const word = DIRECTION_WORD[group.direction];
    lines.push({
      accountId: group.accountId,
      kind: word,
      description: `Calls from earlier periods received late · ${word}`,
      detail: `${group.calls.toLocaleString('en-US')} ${group.calls === 1 ? 'call' : 'calls'} made before ${closedBefore}, received after ${group.calls === 1 ? 'its' : 'their'} month’s invoice was issued`,
      direction: group.direction,
      quantity: formatMicros(parseMicros(String(group.billedSeconds)) / 60n, 4),
      unit: 'min',
      calls: group.calls,
      billedSeconds: group.billedSeconds,
      amountCents: Number(microsToCents(parseMicros(group.charge))),
    });
    tierBaseCents += Number(microsToCents(parseMicros(group.chargeOnTier)));
  }

  // DIDs by tier of the deck in force at the end of the period. A number bought through an order in
  // the period was charged its first month at purchase; one that came otherwise (a port-in) is
  // charged from the day it became live. A released one is billed to the end of the month it was
  // released in (lib/services/numbers.ts); one whose billing stops earlier is prorated by the day.
  const lastInstant = new Date(periodEnd.getTime() - 1);
  const versionByAccount = new Map(accountIds.map((id) => [id, versionInForce(bindings.versionsByDeck.get(bindings.sellDeckByAccount.get(id) ?? ''), lastInstant)?.id]));
  const tiers = await getDidTiers(db, { versionIds: [...new Set([...versionByAccount.values()].filter((id): id is string => Boolean(id)))] });
  const daysInPeriod = Math.round((periodEnd.getTime() - periodStart.getTime()) / DAY_MS);
  const didGroups = new Map<string, { accountId: string; tier: (typeof tiers)[number]; count: number; numberDays: number; micros: bigint; tierMicros: bigint }>();
  let unpricedNumbers = 0;
  for (const number of numbers) {
    const activatedInPeriod = number.activatedAt.getTime() >= periodStart.getTime();
    if (activatedInPeriod && number.orderLineId !== null) continue;
    const region = toCallParty(number.e164)?.region ?? 'ZZ';
    const tier = tiers.find((candidate) => candidate.versionId === versionByAccount.get(number.accountId) && candidate.countries.includes(region));
    if (!tier) {
      unpricedNumbers++;
      continue;
    }
    const billedUntil = number.billedUntil ?? (number.releasedAt ? endOfMonth(number.releasedAt) : null);
    const heldUntil = Math.min(periodEnd.getTime(), billedUntil ? billedUntil.getTime() + 1 : Infinity);
    const heldFrom = activatedInPeriod ? number.activatedAt.getTime() : periodStart.getTime();
    const days = Math.min(daysInPeriod, Math.ceil((heldUntil - heldFrom) / DAY_MS));
    if (days <= 0) continue;
    const key = `${number.accountId}:${tier.versionId}:${tier.tier}`;
    const group = didGroups.get(key) ?? { accountId: number.accountId, tier, count: 0, numberDays: 0, micros: 0n, tierMicros: 0n };
    group.count++;
    group.numberDays += days;
    group.micros += prorateMicros(tier.monthly, days, daysInPeriod);
    const tierDays = Math.min(days, Math.max(0, Math.ceil((heldUntil - Math.max(heldFrom, tierFrom.getTime())) / DAY_MS)));
    group.tierMicros += prorateMicros(tier.monthly, tierDays, daysInPeriod);
    didGroups.set(key, group);
  }
  for (const group of [...didGroups.values()].sort((a, b) => a.tier.tier.localeCompare(b.tier.tier))) {
    const prorated = group.numberDays < group.count * daysInPeriod;
    lines.push({
      accountId: group.accountId,
      kind: 'did',
      description: `DIDs · ${group.count.toLocaleString('en-US')} × ${group.tier.monthly.replace(/(\.\d\d)0+$/, '$1')}`,
      detail: `Tier ${group.tier.tier} · ${group.tier.label}${prorated ? ` · prorated: ${group.numberDays.toLocaleString('en-US')} number-days of ${daysInPeriod}` : ''}`,
      quantity: formatMicros(divideDays(group.numberDays, daysInPeriod), 4),
      unit: 'number-month',
      unitPrice: group.tier.monthly,
      amountCents: Number(microsToCents(group.micros)),
    });
    tierBaseCents += Number(microsToCents(group.tierMicros));
  }

  // A ledger line is what its entry moved the balance owed by, in whole cents: entries priced below
  // the cent (four places) carry their fraction to the next instead of each rounding it, so the
  // invoice says what the ledger does (100 × 0.4950 is 49.50, not 100 × 0.50).
  let owedMicros = -parseMicros(balanceBefore);
  const previousBalanceCents = Number(microsToCents(owedMicros));
  let paymentsCents = 0;
  for (const entry of activity) {
    if (entry.kind === 'invoice' || (entry.kind === 'reversal' && entry.reversedKind === 'invoice')) continue;
    const owedBefore = microsToCents(owedMicros);
    owedMicros -= parseMicros(entry.amount);
    const favourCents = Number(owedBefore - microsToCents(owedMicros));
    const kind = entry.kind === 'reversal' ? entry.reversedKind : entry.kind;
    if (kind === 'payment' || kind === 'credit') {
      paymentsCents += favourCents;
      continue;
    }
    const lineKind = kind === 'charge' ? 'one_time' : kind === 'credit_note' ? 'credit_note' : 'adjustment';
    lines.push({
      accountId: entry.accountId,
      kind: lineKind,
      description: entry.kind === 'reversal' ? `Reversal: ${entry.description}` : entry.description,
      detail: entry.reference,
      amountCents: -favourCents,
      disputeId: entry.disputeId,
    });
  }
  return { lines, gaps: { unratedCalls, unpricedNumbers }, previousBalanceCents, paymentsCents, tierBaseCents };
}

function endOfMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) - 1);
}

function divideDays(numberDays: number, daysInPeriod: number): bigint {
  return (BigInt(numberDays) * 1_000_000n * 2n + BigInt(daysInPeriod)) / (BigInt(daysInPeriod) * 2n);
}

const SECTION_ORDER: Record<InvoiceLine['kind'], number> = { termination: 0, origination: 1, did: 2, one_time: 3, adjustment: 4, credit_note: 5, discount: 6, tax: 7 };

/**
 * Recomputes a draft's lines and totals in `tx`: computed lines replaced, staff's manual lines kept,
 * the prepay discount and the tax worked out on the new subtotal.
 */
async function refreshDraft(tx: Tx, draft: Invoice): Promise<{ invoice: Invoice; gaps: InvoiceGaps }> {
  const profile = await getBillingProfile(tx, { accountId: draft.billingAccountId });
  const prepayPercent = profile?.prepayDiscountPercent ?? '0';
  // The tier discounts usage from the day it began (a profile set before that day was kept: all of it).
  const tierFrom = parseMicros(prepayPercent) > 0n ? (profile?.prepaySince ?? new Date(0)) : undefined;
  const computed = await computeInvoice(tx, { billingAccountId: draft.billingAccountId, periodStart: draft.periodStart, periodEnd: draft.periodEnd, tierFrom });
  const manual = await listManualLines(tx, { invoiceId: draft.id });
  const subtotalCents = computed.lines.filter((line) => ['termination', 'origination', 'did', 'one_time'].includes(line.kind)).reduce((sum, line) => sum + line.amountCents, 0);
  const recurringCents = computed.lines.filter((line) => ['termination', 'origination', 'did'].includes(line.kind)).reduce((sum, line) => sum + line.amountCents, 0);

  const lines = [...computed.lines];
  const tierBaseCents = computed.tierBaseCents;
  if (tierFrom && tierBaseCents > 0) {
    const since = tierBaseCents === recurringCents ? '' : ` from ${formatDate(tierFrom, 'long')}, when the prepay tier began`;
    lines.push({
      accountId: draft.billingAccountId,
      kind: 'discount',
      description: 'Prepay tier discount',
      detail: `${percentOf(percentageCents(tierBaseCents, prepayPercent), tierBaseCents)}% of ${centsToDecimal(tierBaseCents)} (usage and DIDs${since})`,
      amountCents: -percentageCents(tierBaseCents, prepayPercent),
      baseCents: tierBaseCents,
      percent: prepayPercent,
    });
  }
  const manualDiscountCents = manual.filter((line) => line.kind === 'discount').reduce((sum, line) => sum - line.amountCents, 0);
  const discountCents = manualDiscountCents - lines.filter((line) => line.kind === 'discount').reduce((sum, line) => sum + line.amountCents, 0);
  const taxRate = profile?.taxRatePercent ?? '0';
  const taxBase = subtotalCents - discountCents;
  const taxCents = parseMicros(taxRate) > 0n ? percentageCents(taxBase, taxRate) : 0;
  if (taxCents !== 0) {
    lines.push({
      accountId: draft.billingAccountId,
      kind: 'tax',
      description: profile?.taxName ?? 'Tax',
      detail: `${taxRate.replace(/\.?0+$/, '')}% of ${centsToDecimal(taxBase)}`,
      amountCents: taxCents,
      baseCents: taxBase,
      percent: taxRate,
    });
  }
  const creditCents = -lines.filter((line) => line.kind === 'credit_note' || line.kind === 'adjustment').reduce((sum, line) => sum + line.amountCents, 0);
  const chargesCents = subtotalCents - discountCents + taxCents - creditCents;

  // Sections: the billing account first, then its sub-accounts by path; within one, by kind.
  const subtree = await listBillingSubtree(tx, { billingAccountId: draft.billingAccountId });
  const sectionOf = new Map(subtree.map((account, i) => [account.id, i]));
  lines.sort((a, b) => (sectionOf.get(a.accountId) ?? 0) - (sectionOf.get(b.accountId) ?? 0) || SECTION_ORDER[a.kind] - SECTION_ORDER[b.kind]);
  const manualCount = manual.length;
  await replaceComputedLines(
    tx,
    { invoiceId: draft.id },
    lines.map((line, i) => ({ ...line, invoiceId: draft.id, position: manualCount + i + 1 })),
  );
  const invoice = await updateInvoice(
    tx,
    { invoiceId: draft.id },
    {
      subtotalCents,
      discountCents,
      taxCents,
      creditCents,
      chargesCents,
      taxName: profile?.taxName ?? 'Tax',
      taxRatePercent: taxRate,
      currency: profile?.currency ?? 'USD',
      previousBalanceCents: computed.previousBalanceCents,
      paymentsCents: computed.paymentsCents,
      totalDueCents: computed.previousBalanceCents - computed.paymentsCents + chargesCents,
      generatedAt: new Date(),
    },
  );
  return { invoice, gaps: computed.gaps };
}

/**
 * The draft of `month` for a billing account, created or recomputed. An issued or paid invoice of
 * that month is a conflict: it never changes (void it to reissue).
 */
export async function generateDraftInvoice(db: Db, { billingAccountId, month, replacesInvoiceId }: { billingAccountId: string; month: string; replacesInvoiceId?: string }): Promise<{ invoice: Invoice; gaps: InvoiceGaps }> {
  const { periodStart, periodEnd } = invoicePeriod(month);
  return db.transaction(async (tx) => {
    await lockBillingAccount(tx, { billingAccountId });
    if (!(await isBillingAccount(tx, { accountId: billingAccountId }))) throw new AppError('not_found:account', 'Invoices belong to billing accounts: this account is paid for by the one above it.');
    const existing = await getLiveInvoiceForPeriod(tx, { billingAccountId, periodStart });
    if (existing && existing.status !== 'draft') {
      throw new AppError('conflict:invoice_issued', `Invoice ${existing.number} for this month is ${existing.status}; an issued invoice never changes. Void it to reissue.`);
    }
    let draft = existing;
    for (let attempt = 0; !draft && attempt < 5; attempt++) {
      const profile = await getBillingProfile(tx, { accountId: billingAccountId });
      draft = await insertInvoice(tx, { billingAccountId, number: invoiceNumber(periodStart), currency: profile?.currency ?? 'USD', periodStart, periodEnd, replacesInvoiceId: replacesInvoiceId ?? null });
    }
    if (!draft) throw new AppError('internal:invoice_number', 'No free invoice number was found; try again.');
    return refreshDraft(tx, draft);
  });
}

/**
 * Issues a draft: recomputed one last time, its charges posted to the ledger at the end of its
 * period, frozen. Only once the period is over (calls are still arriving before).
 */
export async function issueInvoice(db: Db, { invoiceId, now = new Date(), actor }: { invoiceId: string; now?: Date; actor?: AuditActor }): Promise<Invoice> {
  const issued = await db.transaction(async (tx) => {
    const current = await getInvoiceById(tx, { invoiceId });
    if (!current) throw new AppError('not_found:invoice');
    await lockBillingAccount(tx, { billingAccountId: current.billingAccountId });
    const draft = await getLiveInvoiceForPeriod(tx, { billingAccountId: current.billingAccountId, periodStart: current.periodStart });
    if (!draft || draft.id !== invoiceId || draft.status !== 'draft') throw new AppError('conflict:invoice_not_draft', `Invoice ${current.number} is ${current.status}: only a draft can be issued.`);
    if (draft.periodEnd.getTime() > now.getTime()) throw new AppError('conflict:period_open', `The period of ${draft.number} ends ${draft.periodEnd.toISOString().slice(0, 10)}; a draft is issued once its month is over.`);
    // Calls being stored commit first; any stored after this cutoff are late, billed by a later invoice.
    const cutoff = await lockUsageForIssue(tx, { billingAccountId: current.billingAccountId });
    await refuseWhileEarlierMonthUnbilled(tx, draft);
    const { invoice } = await refreshDraft(tx, draft);
    const lines = await getInvoiceLines(tx, { invoiceId });
    // The ledger has one-time charges, credit notes and adjustments already; the invoice posts the rest.
    const postedCents = lines.filter((line) => !['one_time', 'credit_note', 'adjustment'].includes(line.kind)).reduce((sum, line) => sum + line.amountCents, 0);
    const profile = await getBillingProfile(tx, { accountId: invoice.billingAccountId });
    const entry = await insertLedgerEntry(tx, {
      billingAccountId: invoice.billingAccountId,
      accountId: invoice.billingAccountId,
      kind: 'invoice',
      amount: formatMicros(-BigInt(postedCents) * MICROS_PER_CENT, 4),
      description: `Invoice ${invoice.number}`,
      invoiceId: invoice.id,
      createdAt: new Date(invoice.periodEnd.getTime() - 1),
    });
    const dueAt = new Date(now.getTime() + (profile?.paymentTermsDays ?? 15) * DAY_MS);
    const issuedRow = await updateInvoice(tx, { invoiceId }, { status: 'issued', issuedAt: now, dueAt, ledgerEntryId: entry.id, generatedAt: cutoff });
    // Already covered (nothing due, or money in since its month ended): paid at issue, not at the next payment.
    const { paid } = await settleInvoices(tx, { billingAccountId: issuedRow.billingAccountId, now, receivedBy: now });
    const result = paid.includes(issuedRow.number) ? (await getInvoiceById(tx, { invoiceId }))! : issuedRow;
    await publishAccountEvent(tx, {
      accountId: result.billingAccountId,
      type: 'invoice.issued',
      data: { invoiceId: result.id, number: result.number, periodStart: result.periodStart.toISOString(), periodEnd: result.periodEnd.toISOString(), dueAt: dueAt.toISOString() },
    });
    await auditInvoice(tx, actor, result, 'invoice.issued', { status: 'draft' }, { status: result.status, totalDueCents: result.totalDueCents, ...(paid.length ? { settledInvoices: paid } : {}) });
    await awaitUsageCutoffPassed(tx, { cutoff });
    return result;
  });
  await afterInvoiceIssued(issued);
  return issued;
}

type AfterIssued = (invoice: Invoice) => Promise<void>;
const afterIssuedHooks: AfterIssued[] = [];

/** Work that follows an issue outside its transaction (the PDF, the e-mail to owners). */
export function onInvoiceIssued(hook: AfterIssued): void {
  if (!afterIssuedHooks.includes(hook)) afterIssuedHooks.push(hook);
}

async function afterInvoiceIssued(invoice: Invoice) {
  for (const hook of afterIssuedHooks) await hook(invoice);
}

/** Who did it, for the audit log: a signed-in person (staff or customer) or a job. */
export type AuditActor = { access: AccountAccess } | { staff: { id: string; email: string } };

async function auditInvoice(tx: Tx, actor: AuditActor | undefined, invoice: Invoice, action: string, before: unknown, after: unknown) {
  const entry = { action, targetType: 'invoice', targetId: invoice.id, before, after };
  if (!actor) return;
  if ('access' in actor) await recordAudit(tx, actor.access, { accountId: invoice.billingAccountId, ...entry });
  else await recordStaffAccountAudit(tx, actor.staff, { accountId: invoice.billingAccountId, ...entry });
}

/** Voids an issued (or paid) invoice: its posting reversed, the reason kept; with `reissue`, a new draft for the period. */
export async function voidInvoice(db: Db, { invoiceId, reason, reissue = true, actor }: { invoiceId: string; reason: string; reissue?: boolean; actor?: AuditActor }): Promise<{ voided: Invoice; replacement?: Invoice }> {
  const trimmed = reason.trim();
  if (trimmed.length < 3) throw new AppError('invalid:void_reason', 'Say why the invoice is voided.', { fieldErrors: { reason: ['Say why the invoice is voided'] } });
  const voided = await db.transaction(async (tx) => {
    const current = await getInvoiceById(tx, { invoiceId });
    if (!current) throw new AppError('not_found:invoice');
    await lockBillingAccount(tx, { billingAccountId: current.billingAccountId });
    const invoice = (await getInvoiceById(tx, { invoiceId }))!;
    if (invoice.status === 'draft' || invoice.status === 'void') throw new AppError('conflict:invoice_not_issued', `Invoice ${invoice.number} is ${invoice.status}: only an issued invoice is voided (a draft is simply recomputed).`);
    if (invoice.ledgerEntryId) {
      const [posting] = (await listLedgerActivity(tx, { billingAccountId: invoice.billingAccountId, from: new Date(invoice.periodEnd.getTime() - 1), to: invoice.periodEnd })).filter((entry) => entry.id === invoice.ledgerEntryId);
      if (posting) {
        await insertLedgerEntry(tx, {
          billingAccountId: invoice.billingAccountId,
          accountId: invoice.billingAccountId,
          kind: 'reversal',
          amount: formatMicros(-parseMicros(posting.amount), 4),
          description: `Void of invoice ${invoice.number}: ${trimmed}`,
          invoiceId: invoice.id,
          reversesId: posting.id,
          createdAt: new Date(invoice.periodEnd.getTime() - 1),
        });
      }
    }
    const result = await updateInvoice(tx, { invoiceId }, { status: 'void', voidedAt: new Date(), voidReason: trimmed });
    // Settlement walks the invoices oldest first: one voided no longer holds up, or pays for, the others.
    const { paid, reopened } = await settleInvoices(tx, { billingAccountId: result.billingAccountId });
    await publishAccountEvent(tx, { accountId: result.billingAccountId, type: 'invoice.voided', data: { invoiceId: result.id, number: result.number, reason: trimmed } });
    await auditInvoice(tx, actor, result, 'invoice.voided', { status: invoice.status }, { status: 'void', reason: trimmed, ...(paid.length ? { settledInvoices: paid } : {}), ...(reopened.length ? { reopenedInvoices: reopened } : {}) });
    return result;
  });
  if (!reissue) return { voided };
  const { invoice: replacement } = await generateDraftInvoice(db, { billingAccountId: voided.billingAccountId, month: voided.periodStart.toISOString().slice(0, 7), replacesInvoiceId: voided.id });
  return { voided, replacement };
}

/**
 * Settlement. Each invoice's total due is what was owed when its period ended (earlier invoices
 * unpaid included), so it is covered once what came in since (getInvoicesWithCreditSince) reaches
 * that total, in cents: this month's charges never hold up last month's invoice, and the sub-cent
 * part of a charge its line rounded away never does. Oldest first, an invoice is paid only while
 * every older one is; a paid invoice no longer covered (its payment reversed: a bounced wire) is
 * issued again, newest first.
 */
export async function settleInvoices(
  db: Db | Tx,
  { billingAccountId, now = new Date(), receivedBy }: { billingAccountId: string; now?: Date; /** Count only money recorded by then (an invoice issued as of a past date). */ receivedBy?: Date },
): Promise<{ paid: string[]; reopened: string[] }> {
  const paid: string[] = [];
  const reopened: string[] = [];
  let olderCovered = true;
  const uncovered: { id: string; number: string }[] = [];
  for (const invoice of await getInvoicesWithCreditSince(db, { billingAccountId, receivedBy })) {
    // As of a past date, a paid invoice stands (the money that paid it may be later): only paying is judged then.
    olderCovered &&= (receivedBy !== undefined && invoice.status === 'paid') || parseMicros(invoice.creditSince) >= BigInt(invoice.totalDueCents) * MICROS_PER_CENT;
    if (olderCovered && invoice.status === 'issued') {
      await updateInvoice(db, { invoiceId: invoice.id }, { status: 'paid', paidAt: now });
      paid.push(invoice.number);
    }
    if (!olderCovered && invoice.status === 'paid') uncovered.push(invoice);
  }
  for (const invoice of uncovered.reverse()) {
    await updateInvoice(db, { invoiceId: invoice.id }, { status: 'issued', paidAt: null });
    reopened.push(invoice.number);
  }
  return { paid, reopened };
}

/** Settlement after money came in: the invoices it marks paid. */
export async function settlePaidInvoices(db: Db | Tx, options: { billingAccountId: string; now?: Date }): Promise<string[]> {
  return (await settleInvoices(db, options)).paid;
}

/** Staff give a negotiated discount on a draft: an amount, shown with its real percentage of the subtotal. */
export async function addDraftDiscount(db: Db, { invoiceId, description, amount, actor }: { invoiceId: string; description: string; amount: string; actor?: AuditActor }): Promise<Invoice> {
  let cents: number;
  try {
    cents = Number(microsToCents(parseMicros(amount, 2)));
  } catch {
    throw new AppError('invalid:discount', 'Give the discount as an amount with at most two decimals.', { fieldErrors: { amount: ['Give an amount such as 4650.97'] } });
  }
  if (cents <= 0) throw new AppError('invalid:discount', 'A discount is a positive amount.', { fieldErrors: { amount: ['Give a positive amount'] } });
  if (!description.trim()) throw new AppError('invalid:discount', 'Name the discount.', { fieldErrors: { description: ['Name the discount (it shows on the invoice)'] } });
  return db.transaction(async (tx) => {
    const draft = await getInvoiceById(tx, { invoiceId });
    if (!draft) throw new AppError('not_found:invoice');
    if (draft.status !== 'draft') throw new AppError('conflict:invoice_not_draft', `Invoice ${draft.number} is ${draft.status}: only a draft takes a discount.`);
    if (cents > draft.subtotalCents) throw new AppError('invalid:discount', 'A discount cannot exceed the subtotal.', { fieldErrors: { amount: [`At most ${centsToDecimal(draft.subtotalCents)}`] } });
    await insertInvoiceLine(tx, {
      invoiceId,
      accountId: draft.billingAccountId,
      position: 0,
      kind: 'discount',
      description: description.trim(),
      amountCents: -cents,
      baseCents: draft.subtotalCents,
      percent: percentOf(cents, draft.subtotalCents, 4),
      manual: true,
    });
    const { invoice } = await refreshDraft(tx, draft);
    await auditInvoice(tx, actor, invoice, 'invoice.discount_added', null, { description: description.trim(), amountCents: cents });
    return invoice;
  });
}

export async function removeDraftDiscount(db: Db, { invoiceId, lineId, actor }: { invoiceId: string; lineId: string; actor?: AuditActor }): Promise<Invoice> {
  return db.transaction(async (tx) => {
    const draft = await getInvoiceById(tx, { invoiceId });
    if (!draft) throw new AppError('not_found:invoice');
    if (draft.status !== 'draft') throw new AppError('conflict:invoice_not_draft', `Invoice ${draft.number} is ${draft.status}: it never changes.`);
    if (!(await deleteManualLine(tx, { invoiceId, lineId }))) throw new AppError('not_found:invoice_line');
    const { invoice } = await refreshDraft(tx, draft);
    await auditInvoice(tx, actor, invoice, 'invoice.discount_removed', { lineId }, null);
    return invoice;
  });
}

/** The totals say there is something to bill: charges or credits, money in, or a balance carried. */
function hasActivity(invoice: Pick<Invoice, 'subtotalCents' | 'creditCents' | 'paymentsCents' | 'previousBalanceCents'>): boolean {
  return invoice.subtotalCents !== 0 || invoice.creditCents !== 0 || invoice.paymentsCents !== 0 || invoice.previousBalanceCents !== 0;
}

/** The month's invoice bills calls (its own, or late ones stored in it). */
function billsCalls(lines: Pick<InvoiceLine, 'kind' | 'amountCents'>[]): boolean {
  return lines.some((line) => (line.kind === 'termination' || line.kind === 'origination') && line.amountCents !== 0);
}

function monthAfter(periodStart: Date): Date {
  return new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + 1, 1));
}

/**
 * Issuing a month closes every earlier one: calls stored after it are late, billed by a later
 * invoice, and those stored before are left to the month's own invoice. A month never issued that
 * has calls to bill would have them on no invoice (the close looks only at months after the last one
 * issued). So months with calls are issued in order: the earlier one first, as the close does.
 */
async function refuseWhileEarlierMonthUnbilled(tx: Tx, draft: Invoice): Promise<void> {
  for (const periodStart of await listUnclosedMonths(tx, { billingAccountId: draft.billingAccountId, before: draft.periodStart })) {
    const computed = await computeInvoice(tx, { billingAccountId: draft.billingAccountId, periodStart, periodEnd: monthAfter(periodStart) });
    if (!billsCalls(computed.lines)) continue;
    const month = formatMonth(periodStart.toISOString().slice(0, 7));
    throw new AppError('conflict:earlier_period_open', `${month} has calls to bill and no invoice issued: issue ${month} first (generate its draft if it has none). Months are issued in order, or ${month}’s calls would be billed on no invoice.`);
  }
}

/**
 * Period close (pg-boss, daily at 00:15 UTC): for every billing account, each month that is over and
 * not closed yet, oldest first, issued when it has anything to bill. Every month since the last one
 * issued is looked at, so a month whose calls arrived after its 1st, or a run missed, is caught up
 * the next day; one issued is never issued again (one live invoice per account and month), so a
 * second run issues nothing. An account that fails is logged and the others still close; the run
 * then fails, to be retried.
 */
export async function closeInvoicePeriod(now = new Date()): Promise<{ issued: string[]; skipped: number }> {
  const db = await getDb();
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const issued: string[] = [];
  const failed: string[] = [];
  let skipped = 0;
  for (const billingAccountId of await listBillingAccountIds(db)) {
    try {
      for (const periodStart of await listUnclosedMonths(db, { billingAccountId, before: thisMonth })) {
        const { invoice } = await generateDraftInvoice(db, { billingAccountId, month: periodStart.toISOString().slice(0, 7) });
        if (!hasActivity(invoice) && !billsCalls(await getInvoiceLines(db, { invoiceId: invoice.id }))) {
          skipped++;
          continue;
        }
        issued.push((await issueInvoice(db, { invoiceId: invoice.id, now })).number);
      }
    } catch (error) {
      failed.push(billingAccountId);
      log.error('invoices.close_failed', { billingAccountId, error });
    }
  }
  if (failed.length > 0) throw new Error(`Period close: ${failed.length} of the billing accounts could not be closed (${failed.join(', ')}); ${issued.length} invoices were issued.`);
  return { issued, skipped };
}

// Reads for the portal and the API: invoices are the billing account's, for roles that read its money.

async function billingAccountFor(db: Executor, access: AccountAccess): Promise<string> {
  if (!(await canSeeBillingAccountFunds(db, access))) throw new AppError('not_found:invoice');
  return access.account.billingAccountId;
}

export async function listInvoicesFor(access: AccountAccess): Promise<Invoice[]> {
  const db = await getDb();
  return listInvoices(db, { billingAccountId: await billingAccountFor(db, access) });
}

export async function getInvoiceFor(access: AccountAccess, invoiceId: string): Promise<{ invoice: Invoice; lines: InvoiceLine[]; sections: { accountId: string; name: string }[] }> {
  const db = await getDb();
  if (!isUuid(invoiceId)) throw new AppError('not_found:invoice');
  const invoice = await getInvoice(db, { billingAccountId: await billingAccountFor(db, access), invoiceId });
  if (!invoice) throw new AppError('not_found:invoice');
  const [lines, subtree] = await Promise.all([getInvoiceLines(db, { invoiceId }), listBillingSubtree(db, { billingAccountId: invoice.billingAccountId })]);
  const present = new Set(lines.map((line) => line.accountId));
  return { invoice, lines, sections: subtree.filter((account) => present.has(account.id)).map((account) => ({ accountId: account.id, name: account.name })) };
}

/** A customer's billing roles ask for a draft of the month so far, or of last month while it is not issued. */
export async function refreshDraftFor(access: AccountAccess, month: string): Promise<{ invoice: Invoice; gaps: InvoiceGaps }> {
  const db = await getDb();
  const billingAccountId = await billingAccountFor(db, access);
  return generateDraftInvoice(db, { billingAccountId, month });
}
