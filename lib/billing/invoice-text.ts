/**
 * How an invoice line reads in words (the PDF, the e-mail; pages may use it too): its quantity and
 * unit price ("4,281,042 min × $0.0100"), a discount's or tax's real percentage of its base
 * ("7.97% of $58,372.08"), amounts with a true minus. Pure: strings in, strings out, no floats.
 */
import type { InvoiceLine } from '@/lib/db/schema';
import { formatCents, formatDate, formatRate } from '@/lib/format';
import { formatMicros, parseMicros } from './money';

/** "4281042.0000" → "4,281,042"; "12.5000" → "12.5": the stored quantity, grouped, no trailing zeros. */
export function formatQuantity(quantity: string): string {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(quantity.trim());
  if (!match) return quantity;
  const whole = match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return `${match[1] ?? ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** "7.9678" → "7.97", "8.0000" → "8", "7.25" → "7.25": a percentage to two places at most, half-up. */
export function formatPercent(percent: string): string {
  return formatMicros(parseMicros(percent), 2).replace(/\.?0+$/, '');
}

const MINUS = '−';

/** Cents with a true minus sign for credits and discounts: −$4,650.97 (formatCents writes a hyphen). */
export function formatSignedCents(cents: number, currency: string, { minus = MINUS }: { minus?: string } = {}): string {
  return cents < 0 ? `${minus}${formatCents(-cents, currency)}` : formatCents(cents, currency);
}

function unitWord(unit: string, quantity: string): string {
  if (unit === 'number-month') return /^0*1(\.0*)?$/.test(quantity) ? 'number-month' : 'number-months';
  return unit;
}

/**
 * The middle column of a line: quantity × unit price for usage and DIDs, the percentage of its
 * base for a discount or a tax, nothing for amounts that are just amounts.
 */
export function lineQuantityText(line: Pick<InvoiceLine, 'kind' | 'quantity' | 'unit' | 'unitPrice' | 'baseCents' | 'percent'>, currency: string): string {
  if ((line.kind === 'discount' || line.kind === 'tax') && line.baseCents !== null && line.percent !== null) {
    return `${formatPercent(line.percent)}% of ${formatCents(line.baseCents, currency)}`;
  }
  if (line.quantity === null) return '';
  const quantity = `${formatQuantity(line.quantity)}${line.unit ? ` ${unitWord(line.unit, line.quantity)}` : ''}`;
  if (line.unitPrice === null) return quantity;
  return `${quantity} × ${formatRate(line.unitPrice, currency, { minimumPlaces: line.unit === 'min' ? 4 : 2 })}`;
}

/**
 * A line's second row of words. A discount's or tax's own "8.00% of 1320.00" is dropped (the middle
 * column says it, formatted); what follows it ("(usage and DIDs)") is kept.
 */
export function lineDetailText(line: Pick<InvoiceLine, 'kind' | 'detail' | 'baseCents' | 'percent'>): string {
  if (!line.detail) return '';
  if ((line.kind === 'discount' || line.kind === 'tax') && line.baseCents !== null && line.percent !== null) {
    return line.detail.replace(/^\s*-?[\d.,]+% of -?[\d.,]+\s*/, '').trim();
  }
  return line.detail.trim();
}

/** "April 1 – April 30, 2026" (the end is exclusive in the data: the last day shown is the day before). */
export function formatInvoicePeriod(periodStart: Date, periodEnd: Date): string {
  const last = new Date(periodEnd.getTime() - 1);
  const sameYear = periodStart.getUTCFullYear() === last.getUTCFullYear();
  const start = sameYear ? formatDate(periodStart, 'long').replace(/, \d{4}$/, '') : formatDate(periodStart, 'long');
  return `${start} – ${formatDate(last, 'long')}`;
}

/** The invoice's file name without extension: its number (INV-2026-04-0824F). */
export function invoiceFileBase(number: string): string {
  return number.replace(/[^A-Za-z0-9-]/g, '');
}
