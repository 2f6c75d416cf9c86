/**
 * An invoice as CSV (one row per line, in its section, then the totals) and the rows of its
 * rated-CDR CSV. Text cells are formula-safe (csvCell); amounts are plain decimals so a spreadsheet
 * sums them — a cell that is only digits, a dot and a leading minus can never be a formula. Rated
 * calls carry the customer's price only: never the upstream's cost.
 */
import type { Invoice, InvoiceLine } from '@/lib/db/schema';
import { csvCell } from '@/lib/views/audit-events';
import { centsToDecimal } from './money';

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A number written as it is (so it stays a number), anything else as a formula-safe text cell. */
function numberCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return PLAIN_NUMBER.test(text) ? text : csvCell(text);
}

function row(cells: string[]): string {
  return `${cells.join(',')}\r\n`;
}

export const INVOICE_CSV_HEADER = [
  'invoice_number',
  'section_account',
  'section_account_id',
  'kind',
  'description',
  'detail',
  'destination',
  'direction',
  'quantity',
  'unit',
  'unit_price',
  'calls',
  'billed_seconds',
  'base',
  'percent',
  'amount',
  'currency',
] as const;

/** The totals rows (kind `total`) under the lines, in the order the invoice adds them up. */
export function invoiceTotals(invoice: Invoice): { key: string; label: string; cents: number }[] {
  return [
    { key: 'subtotal', label: 'Subtotal', cents: invoice.subtotalCents },
    { key: 'discounts', label: 'Discounts', cents: -invoice.discountCents },
    { key: 'tax', label: invoice.taxName, cents: invoice.taxCents },
    { key: 'credits', label: 'Credits', cents: -invoice.creditCents },
    { key: 'charges', label: 'This period’s charges', cents: invoice.chargesCents },
    { key: 'previous_balance', label: 'Previous balance', cents: invoice.previousBalanceCents },
    { key: 'payments', label: 'Payments received', cents: -invoice.paymentsCents },
    { key: 'total_due', label: invoice.totalDueCents < 0 ? 'Credit balance' : 'Total due', cents: invoice.totalDueCents },
  ];
}

export function invoiceCsv({ invoice, sections, lines }: { invoice: Invoice; sections: { accountId: string; name: string }[]; lines: InvoiceLine[] }): string {
  const nameOf = new Map(sections.map((section) => [section.accountId, section.name]));
  const order = new Map(sections.map((section, i) => [section.accountId, i]));
  const sorted = [...lines].sort((a, b) => (order.get(a.accountId) ?? sections.length) - (order.get(b.accountId) ?? sections.length) || a.position - b.position);
  let csv = row(INVOICE_CSV_HEADER.map((name) => name));
  for (const line of sorted) {
    csv += row([
      csvCell(invoice.number),
      csvCell(nameOf.get(line.accountId) ?? ''),
      csvCell(line.accountId),
      csvCell(line.kind),
      csvCell(line.description),
      csvCell(line.detail),
      csvCell(line.destination),
      csvCell(line.direction),
      numberCell(line.quantity),
      csvCell(line.unit),
      numberCell(line.unitPrice),
      numberCell(line.calls),
      numberCell(line.billedSeconds),
      line.baseCents === null ? '' : numberCell(centsToDecimal(line.baseCents)),
      numberCell(line.percent),
      numberCell(centsToDecimal(line.amountCents)),
      csvCell(invoice.currency),
    ]);
  }
  for (const total of invoiceTotals(invoice)) {
    csv += row([csvCell(invoice.number), '', '', 'total', csvCell(total.label), csvCell(total.key), '', '', '', '', '', '', '', '', '', numberCell(centsToDecimal(total.cents)), csvCell(invoice.currency)]);
  }
  return csv;
}

export const RATED_CALLS_CSV_HEADER = [
  'call_id',
  'invite_at_utc',
  'account',
  'account_id',
  'direction',
  'from',
  'to',
  'destination',
  'rate_prefix',
  'billsec',
  'billed_seconds',
  'rate_per_minute',
  'connection_fee',
  'charge',
  'currency',
] as const;

/** One rated call as the rated-CDR CSV has it (the customer's price; there is no cost field to leak). */
export interface RatedCallRow {
  id: number;
  inviteAt: Date;
  accountId: string;
  direction: 'inbound' | 'outbound';
  fromE164: string;
  toE164: string;
  rateDestination: string;
  ratePrefix: string | null;
  billsec: number;
  billedSeconds: number;
  rate: string;
  connectionFee: string;
  charge: string;
}

export function ratedCallsCsvHeader(): string {
  return row(RATED_CALLS_CSV_HEADER.map((name) => name));
}

export function ratedCallCsvLine(call: RatedCallRow, { accountName, currency }: { accountName: string; currency: string }): string {
  return row([
    String(call.id),
    call.inviteAt.toISOString(),
    csvCell(accountName),
    csvCell(call.accountId),
    csvCell(call.direction),
    csvCell(call.fromE164),
    csvCell(call.toE164),
    csvCell(call.rateDestination),
    numberCell(call.ratePrefix),
    numberCell(call.billsec),
    numberCell(call.billedSeconds),
    numberCell(call.rate),
    numberCell(call.connectionFee),
    numberCell(call.charge),
    csvCell(currency),
  ]);
}
