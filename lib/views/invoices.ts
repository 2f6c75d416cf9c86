/**
 * How an invoice reads on the Billing pages, the customer's and staff's alike: its status in words,
 * its period, each line as quantity × unit price = amount (a discount or a tax as its real percentage
 * of its base), and its totals. Formatted on the server; client tables only lay the strings out.
 */
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { formatCents, formatDate, formatMonth, formatRate } from '@/lib/format';

export type InvoiceStatus = 'draft' | 'issued' | 'paid' | 'void';
export type BadgeTone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

interface InvoiceLike {
  id: string;
  number: string;
  status: InvoiceStatus;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  totalDueCents: number;
  dueAt: Date | null;
  issuedAt: Date | null;
  paidAt: Date | null;
  voidedAt: Date | null;
}

interface LineLike {
  id: string;
  kind: 'termination' | 'origination' | 'did' | 'one_time' | 'discount' | 'tax' | 'credit_note' | 'adjustment';
  description: string;
  detail: string | null;
  quantity: string | null;
  unit: string | null;
  unitPrice: string | null;
  calls: number | null;
  amountCents: number;
  baseCents: number | null;
  percent: string | null;
  manual: boolean;
}

/** The words and colour of an invoice's state; an issued invoice past its due date is overdue. */
export function invoiceStatusBadge(invoice: Pick<InvoiceLike, 'status' | 'dueAt'>, now = new Date()): { label: string; tone: BadgeTone } {
  switch (invoice.status) {
    case 'draft':
      return { label: 'Draft', tone: 'slate' };
    case 'paid':
      return { label: 'Paid', tone: 'green' };
    case 'void':
      return { label: 'Void', tone: 'red' };
    default:
      return invoice.dueAt && invoice.dueAt.getTime() < now.getTime() ? { label: 'Overdue', tone: 'red' } : { label: 'Issued, unpaid', tone: 'amber' };
  }
}

/** "April 2026". */
export function invoiceMonth(invoice: Pick<InvoiceLike, 'periodStart'>): string {
  return formatMonth(invoice.periodStart.toISOString().slice(0, 7));
}

/** "Apr 1, 2026 – Apr 30, 2026": the period's last day, not the exclusive end. */
export function invoicePeriodRange(invoice: Pick<InvoiceLike, 'periodStart' | 'periodEnd'>): string {
  return `${formatDate(invoice.periodStart)} – ${formatDate(new Date(invoice.periodEnd.getTime() - 1))}`;
}

/** "$53,721.11", or "$120.00 in your favour" for a credit balance. */
export function totalDueText(cents: number, currency: string): string {
  return cents < 0 ? `${formatCents(-cents, currency)} in your favour` : formatCents(cents, currency);
}

export interface InvoiceListRow {
  id: string;
  number: string;
  month: string;
  period: string;
  status: { label: string; tone: BadgeTone };
  totalDue: string;
  dueDate: string;
  /** Staff lists: the billing account. */
  accountName?: string;
  href: string;
  /** Only an issued (or paid, or void) invoice has its PDF. */
  pdfHref: string | null;
}

export function invoiceListRow(invoice: InvoiceLike & { accountName?: string }, { href, now = new Date() }: { href: string; now?: Date }): InvoiceListRow {
  return {
    id: invoice.id,
    number: invoice.number,
    month: invoiceMonth(invoice),
    period: invoicePeriodRange(invoice),
    status: invoiceStatusBadge(invoice, now),
    totalDue: totalDueText(invoice.totalDueCents, invoice.currency),
    dueDate: invoice.status === 'draft' ? 'Not issued' : invoice.status === 'void' ? '—' : formatDate(invoice.dueAt),
    ...(invoice.accountName !== undefined ? { accountName: invoice.accountName } : {}),
    href,
    pdfHref: invoice.status === 'draft' ? null : `/billing/invoices/${invoice.id}/pdf`,
  };
}

const KIND_LABELS: Record<LineLike['kind'], string> = {
  termination: 'Termination',
  origination: 'Origination',
  did: 'Numbers (DIDs)',
  one_time: 'One-time charge',
  discount: 'Discount',
  tax: 'Tax',
  credit_note: 'Credit note',
  adjustment: 'Adjustment',
};

/** A decimal quantity with thousands grouped and no trailing zeros: "4281042.0000" → "4,281,042", "12.5000" → "12.5". */
export function formatQuantity(quantity: string): string {
  const [whole = '0', fraction = ''] = quantity.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '');
  return `${quantity.startsWith('-') ? '-' : ''}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** A percentage to two places, trailing zeros dropped: "7.9678" → "7.97", "8.0000" → "8". */
export function formatPercent(percent: string): string {
  return formatMicros(parseMicros(percent, 6), 2).replace(/\.?0+$/, '');
}

export interface InvoiceLineRow {
  id: string;
  kind: string;
  description: string;
  detail: string | null;
  /** "4,281,042 min × $0.01", "240 number-months × $5.00", or null. */
  quantity: string | null;
  /** "7.97% of $58,372.08" for a discount or a tax. */
  basis: string | null;
  calls: string | null;
  amount: string;
  negative: boolean;
  /** A usage line's rated calls (the dispute page). */
  callsHref: string | null;
  /** A discount staff added by hand to a draft: staff may remove it. */
  manualDiscount: boolean;
}

const UNIT_WORDS: Record<string, [one: string, many: string]> = { min: ['min', 'min'], 'number-month': ['number-month', 'number-months'] };

export function invoiceLineRow(line: LineLike, { invoiceId, currency }: { invoiceId: string; currency: string }): InvoiceLineRow {
  const usage = line.kind === 'termination' || line.kind === 'origination';
  let quantity: string | null = null;
  if (line.quantity !== null && line.unitPrice !== null) {
    const [one, many] = UNIT_WORDS[line.unit ?? ''] ?? [line.unit ?? '', line.unit ?? ''];
    const unit = parseMicros(line.quantity, 6) === 1_000_000n ? one : many;
    // Per-minute rates keep four places as the deck states them ("$0.0100"), monthly prices two.
    quantity = `${formatQuantity(line.quantity)} ${unit} × ${formatRate(line.unitPrice, currency, { minimumPlaces: line.unit === 'min' ? 4 : 2 })}`;
  }
  const basis = line.baseCents !== null && line.percent !== null ? `${formatPercent(line.percent)}% of ${formatCents(line.baseCents, currency)}` : null;
  return {
    id: line.id,
    kind: KIND_LABELS[line.kind],
    description: line.description,
    // The engine writes the tax's base into its detail without a currency; the basis says it properly.
    detail: basis && line.kind === 'tax' ? null : line.detail,
    quantity,
    basis,
    calls: line.calls === null ? null : line.calls.toLocaleString('en-US'),
    amount: formatCents(line.amountCents, currency),
    negative: line.amountCents < 0,
    callsHref: usage ? `/billing/invoices/${invoiceId}/lines/${line.id}` : null,
    manualDiscount: line.kind === 'discount' && line.manual,
  };
}

export interface InvoiceTotals {
  rows: { label: string; value: string; emphasis?: boolean }[];
}

interface TotalsLike {
  currency: string;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  taxName: string;
  taxRatePercent: string;
  creditCents: number;
  chargesCents: number;
  previousBalanceCents: number;
  paymentsCents: number;
  totalDueCents: number;
}

/** Subtotal − discounts + tax − credits = charges; previous balance − payments + charges = total due. */
export function invoiceTotals(invoice: TotalsLike): InvoiceTotals {
  const money = (cents: number) => formatCents(cents, invoice.currency);
  const minus = (cents: number) => (cents === 0 ? money(0) : `−${money(cents)}`);
  const taxRate = formatPercent(invoice.taxRatePercent);
  return {
    rows: [
      { label: 'Subtotal', value: money(invoice.subtotalCents) },
      { label: 'Discounts', value: minus(invoice.discountCents) },
      { label: taxRate === '0' ? invoice.taxName : `${invoice.taxName} (${taxRate}%)`, value: money(invoice.taxCents) },
      { label: 'Credits', value: minus(invoice.creditCents) },
      { label: 'Charges this period', value: money(invoice.chargesCents), emphasis: true },
      { label: 'Previous balance', value: money(invoice.previousBalanceCents) },
      { label: 'Payments', value: minus(invoice.paymentsCents) },
      { label: invoice.totalDueCents < 0 ? 'Credit balance' : 'Total due', value: invoice.totalDueCents < 0 ? `${money(-invoice.totalDueCents)} in your favour` : money(invoice.totalDueCents), emphasis: true },
    ],
  };
}

/** The dates of an invoice that happened, in order. */
export function invoiceDates(invoice: InvoiceLike & { generatedAt: Date }): { label: string; value: string }[] {
  const dates: { label: string; value: string }[] = [];
  if (invoice.status === 'draft') dates.push({ label: 'Computed', value: formatDate(invoice.generatedAt) });
  if (invoice.issuedAt) dates.push({ label: 'Issued', value: formatDate(invoice.issuedAt) });
  if (invoice.dueAt && invoice.status !== 'void') dates.push({ label: 'Due', value: formatDate(invoice.dueAt) });
  if (invoice.paidAt) dates.push({ label: 'Paid', value: formatDate(invoice.paidAt) });
  if (invoice.voidedAt) dates.push({ label: 'Voided', value: formatDate(invoice.voidedAt) });
  return dates;
}
