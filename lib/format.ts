import { formatPhoneNumber } from './phone-numbers';
import { centsToDecimal } from '@/lib/billing/money';

/** `+13125550100` → `(312) 555-0100`, `+442079460958` → `+44 20 7946 0958`; anything else as stored. */
export function formatE164(e164: string): string {
  return formatPhoneNumber(e164);
}

// --- Money -----------------------------------------------------------------------------------------
// Amounts are Postgres `numeric` read as decimal strings ("1.2500": prices and charges to four places,
// limits to two). They are formatted from that string: Intl rounds a decimal string exactly (half away
// from zero), so no amount ever passes through a binary float. Sums are made in lib/services/pricing
// (integer ten-thousandths) before they get here.

const currencyFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, maximumFractionDigits?: number, minimumFractionDigits = 2): Intl.NumberFormat {
  const key = `${currency}:${maximumFractionDigits ?? ''}:${minimumFractionDigits}`;
  let format = currencyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      ...(maximumFractionDigits === undefined ? {} : { minimumFractionDigits, maximumFractionDigits }),
    });
    currencyFormats.set(key, format);
  }
  return format;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The amount through `format`, exactly; a negative amount that rounds to zero shows as zero, not "-$0.00". */
function formatDecimal(format: Intl.NumberFormat, amount: string): string {
  const text = amount.trim();
  if (!DECIMAL.test(text)) throw new RangeError(`Not a decimal amount: ${amount}`);
  const shown = format.format(text as Intl.StringNumericLiteral);
  return text.startsWith('-') && !/[1-9]/.test(shown) ? format.format(text.slice(1) as Intl.StringNumericLiteral) : shown;
}

/** A balance, charge or total to the cent: "1234.5650" → "$1,234.57", "-0.25" → "-$0.25". */
export function formatMoney(amount: string, currency = 'USD'): string {
  return formatDecimal(currencyFormat(currency), amount);
}

/** Invoice amounts are integer cents: 5372111 → "$53,721.11". */
export function formatCents(cents: number, currency = 'USD'): string {
  return formatMoney(centsToDecimal(cents), currency);
}

/**
 * A price or rate as set, sub-cent places kept (up to six): "0.0075" → "$0.0075", "1.2500" → "$1.25";
 * with `minimumPlaces` 4 (a per-minute rate on an invoice) "0.010000" → "$0.0100".
 */
export function formatRate(amount: string, currency = 'USD', { minimumPlaces = 2 }: { minimumPlaces?: number } = {}): string {
  return formatDecimal(currencyFormat(currency, 6, minimumPlaces), amount);
}

/** A stored amount as a form field starts from, without a currency sign: "1.2500" → "1.25", "0.0075" → "0.0075". */
export function plainAmount(amount: string): string {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return amount;
  const fraction = (match[3] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${match[1] && /[1-9]/.test(amount) ? '-' : ''}${match[2]}.${fraction}`;
}

export function isNegativeAmount(amount: string): boolean {
  return plainAmount(amount).startsWith('-');
}

// --- Counts ----------------------------------------------------------------------------------------

/** 12345 → "12,345". */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

// --- Dates and times ---------------------------------------------------------------------------------
// Shown in UTC, and labelled so. Pages render on the server, which does not know the viewer's time
// zone; the upstreams' CDRs, invoices and port dates are in UTC, and a time quoted to support or a
// carrier must mean one instant whoever reads it. Billing months and "billed until" dates are UTC days.

const dayFormats = {
  short: new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }),
  long: new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }),
};

const pad = (value: number) => String(value).padStart(2, '0');

/** The UTC day: "Dec 6, 2026", or "December 6, 2026" in sentences. */
export function formatDate(date: Date | null | undefined, style: 'short' | 'long' = 'short'): string {
  return date ? dayFormats[style].format(date) : '—';
}

/** "2026-12-06 14:03 UTC" (with `seconds`: "2026-12-06 14:03:09 UTC"). */
export function formatDateTime(date: Date | null | undefined, options: { seconds?: boolean } = {}): string {
  if (!date) return '—';
  return `${isoDate(date)} ${formatClock(date, options.seconds)} UTC`;
}

/** "14:03 UTC": a time the same day as the page shows. */
export function formatTime(date: Date): string {
  return `${formatClock(date)} UTC`;
}

const monthFormats = {
  short: new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' }),
  long: new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** A calendar month given as `YYYY-MM`: "Dec" under a chart's axis, "December 2026" in sentences. */
export function formatMonth(month: string, style: 'short' | 'long' = 'long'): string {
  return monthFormats[style].format(new Date(`${month}-01T00:00:00Z`));
}

/** "2026-12-06": the UTC day in ISO form, for file names and machine-readable values. */
export function isoDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function formatClock(date: Date, seconds = false): string {
  const clock = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  return seconds ? `${clock}:${pad(date.getUTCSeconds())}` : clock;
}

// --- Labels ------------------------------------------------------------------------------------------

/** Which numbers a price row applies to: "NPA 312", "State IL" or "Default (everywhere)". */
export function formatPriceScope(row: { state: string | null; npa: string | null }): string {
  if (row.npa) return `NPA ${row.npa}`;
  if (row.state) return `State ${row.state}`;
  return 'Default (everywhere)';
}
