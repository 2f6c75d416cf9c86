import 'server-only';

/**
 * The demo's invoices: once the demo calls are stored, every month they cover that is over is
 * invoiced for the demo billing account (Acme Telecom) and issued, as the period-close job would have
 * on the 1st. Each but the latest is paid by a demo wire ten days after it was issued (a ledger
 * payment, reference DEMO-WIRE-<number>), so the next invoice shows it; the latest stays issued and
 * unpaid. Idempotent: an issued month is left as it is and a payment is recorded once.
 */
import { formatMicros, MICROS_PER_CENT } from '@/lib/billing/money';
import type { Db } from '@/lib/db/client';
import { getFirstUsageDayByBillingAccount, getRootAccountByName, hasLedgerReference } from '@/lib/db/queries/billing-overview';
import { getLiveInvoiceForPeriod, updateInvoice } from '@/lib/db/queries/invoices';
import { insertLedgerEntry } from '@/lib/db/queries/ledger';
import type { Invoice } from '@/lib/db/schema';
import { formatDate } from '@/lib/format';
import { issueInvoice } from './invoice-issue';
import { generateDraftInvoice, invoicePeriod } from './invoices';

export const DEMO_BILLING_ACCOUNTS = ['Acme Telecom'] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `YYYY-MM` of every month from `first`'s to the one before `now`'s. */
function closedMonthsSince(first: Date, now: Date): string[] {
  const months: string[] = [];
  for (let at = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1)); at.getTime() < Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1); at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))) {
    months.push(at.toISOString().slice(0, 7));
  }
  return months;
}

export interface DemoInvoiceResult {
  /** Every demo invoice of a closed month, oldest first, as it stands after the run. */
  invoices: Pick<Invoice, 'id' | 'number' | 'status' | 'periodStart' | 'totalDueCents'>[];
  issued: number;
  paid: number;
}

async function liveInvoice(db: Db, billingAccountId: string, month: string) {
  return db.transaction((tx) => getLiveInvoiceForPeriod(tx, { billingAccountId, periodStart: invoicePeriod(month).periodStart }));
}

/** Pays an issued invoice in full by a demo wire, dated ten days after its issue (never after `now`), and marks it paid. */
async function payByDemoWire(db: Db, invoice: Invoice, now: Date): Promise<boolean> {
  const reference = `DEMO-WIRE-${invoice.number}`;
  if (invoice.status !== 'issued' || (await hasLedgerReference(db, { billingAccountId: invoice.billingAccountId, reference }))) return false;
  const paidAt = new Date(Math.min((invoice.issuedAt ?? now).getTime() + 10 * DAY_MS, now.getTime() - 60_000));
  await db.transaction(async (tx) => {
    if (invoice.totalDueCents > 0) {
      await insertLedgerEntry(tx, {
        billingAccountId: invoice.billingAccountId,
        accountId: invoice.billingAccountId,
        kind: 'payment',
        amount: formatMicros(BigInt(invoice.totalDueCents) * MICROS_PER_CENT, 4),
        description: `Payment received ${formatDate(paidAt, 'long')} – ${invoice.number} (demo wire)`,
        reference,
        createdAt: paidAt,
      });
    }
    await updateInvoice(tx, { invoiceId: invoice.id }, { status: 'paid', paidAt });
  });
  return true;
}

export async function seedDemoInvoices(db: Db, now = new Date()): Promise<DemoInvoiceResult> {
  const result: DemoInvoiceResult = { invoices: [], issued: 0, paid: 0 };
  for (const name of DEMO_BILLING_ACCOUNTS) {
    const account = await getRootAccountByName(db, { name });
    if (!account) continue;
    const first = await getFirstUsageDayByBillingAccount(db, { billingAccountId: account.id });
    if (!first) continue;
    const months = closedMonthsSince(first, now);
    for (const [index, month] of months.entries()) {
      let invoice = await liveInvoice(db, account.id, month);
      if (!invoice || invoice.status === 'draft') {
        const { invoice: draft } = await generateDraftInvoice(db, { billingAccountId: account.id, month });
        // As the close job would have, early on the 1st (but never later than now).
        const issuedAt = new Date(Math.min(draft.periodEnd.getTime() + HOUR_MS, now.getTime()));
        invoice = await issueInvoice(db, { invoiceId: draft.id, now: issuedAt });
        result.issued++;
      }
      if (index < months.length - 1 && (await payByDemoWire(db, invoice, now))) {
        result.paid++;
        invoice = (await liveInvoice(db, account.id, month)) ?? invoice;
      }
      result.invoices.push({ id: invoice.id, number: invoice.number, status: invoice.status, periodStart: invoice.periodStart, totalDueCents: invoice.totalDueCents });
    }
  }
  return result;
}
