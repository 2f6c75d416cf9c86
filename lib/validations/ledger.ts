/**
 * The staff forms of the ledger (payments, prepayments, adjustments, reversals) and the words for
 * its entries. Pure: shared by the forms, the service and the tests. No card data is ever kept:
 * anything that reads as a payment card number is refused wherever free text is typed.
 */
import { z } from 'zod';
import { blankToUndefined, calendarDate, firstParam, integerField, isCalendarDate, pageParam, safeText, textProblem, type SearchParamsInput } from './common';

/** account_ledger.kind (lib/db/schema/numbers.ts), spelled out here so client code can use it. */
export type LedgerEntryKind = 'payment' | 'charge' | 'credit' | 'invoice' | 'adjustment' | 'credit_note' | 'reversal';

export const LEDGER_KIND_LABELS: Record<LedgerEntryKind, string> = {
  payment: 'Payment',
  credit: 'Prepayment',
  charge: 'Charge',
  invoice: 'Invoice',
  adjustment: 'Adjustment',
  credit_note: 'Credit note',
  reversal: 'Reversal',
};

export const LEDGER_PAGE_SIZE = 50;

/** The largest amount account_ledger.amount (numeric 12,4) holds, in whole units. */
const MAX_WHOLE_DIGITS = 8;

// --- Card numbers ----------------------------------------------------------------------------------

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * True when the text holds what reads as a payment card number: 13 to 19 digits passing the Luhn
 * check, written straight or in groups split by spaces or hyphens ("4111 1111 1111 1111"). Within a
 * run of groups, every span of whole groups is tried, so a card number followed by more digits is
 * still found; one unbroken run of 20 or more digits (a long wire reference) is not a card number.
 */
export function containsCardNumber(text: string): boolean {
  for (const run of text.matchAll(/\d+(?:[ -]\d+)*/g)) {
    const groups = run[0].split(/[ -]/);
    for (let start = 0; start < groups.length; start++) {
      let digits = '';
      for (let end = start; end < groups.length; end++) {
        digits += groups[end];
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhnValid(digits)) return true;
      }
    }
  }
  return false;
}

export const CARD_NUMBER_MESSAGE = 'This looks like a payment card number. Card details are never recorded here: give the wire, ACH or cheque reference instead.';

/** A single-line free text field of at most `max` characters that never holds card data; blank is undefined. */
function noCardText(label: string, { max, required = false }: { max: number; required?: boolean }) {
  return z
    .string({ message: `${label} is missing` })
    .superRefine((raw, context) => {
      const problem = textProblem(raw);
      const value = raw.trim();
      if (problem) context.addIssue({ code: 'custom', message: `${label} ${problem}` });
      else if (required && value === '') context.addIssue({ code: 'custom', message: `Enter the ${label.toLowerCase()}` });
      else if (value.length > max) context.addIssue({ code: 'custom', message: `${label} can be at most ${max} characters` });
      else if (containsCardNumber(value)) context.addIssue({ code: 'custom', message: CARD_NUMBER_MESSAGE });
    })
    .transform((raw) => raw.trim() || undefined);
}

/** The same, where a blank is refused: always a string. */
const requiredNoCardText = (label: string, { max }: { max: number }) => noCardText(label, { max, required: true }).transform((value) => value ?? '');

// --- Amounts ---------------------------------------------------------------------------------------

/**
 * Money as typed ("10000", "1,250.50", "$99.99", "-12.00" where negatives are allowed): at most two
 * decimal places, returned normalised to the ledger's four places ("1250.5000"), never via a float.
 */
export function ledgerAmountField(label: string, { signed }: { signed: boolean }) {
  return z.string({ message: `Enter the ${label}` }).transform((raw, context) => {
    const fail = (message: string) => {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const problem = textProblem(raw);
    if (problem) return fail(`The ${label} ${problem}`);
    const value = raw.trim();
    if (value === '') return fail(`Enter the ${label}, like 1250.00`);
    const match = /^([-+−])?\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(value);
    if (!match) return fail(`Enter the ${label} as a plain amount like 1250.00 (digits, an optional decimal point${signed ? ' and a minus sign for a debit' : ''})`);
    const negative = match[1] === '-' || match[1] === '−';
    if (negative && !signed) return fail(`The ${label} must be more than zero`);
    const whole = match[2]!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
    const fraction = match[3] ?? '';
    if (fraction.length > 2) return fail(`The ${label} can have at most 2 decimal places (cents)`);
    if (whole.length > MAX_WHOLE_DIGITS) return fail(`The ${label} can be at most 99,999,999.99`);
    if (/^0*$/.test(whole + fraction)) return fail(`The ${label} cannot be zero`);
    return `${negative ? '-' : ''}${whole}.${fraction.padEnd(4, '0')}`;
  });
}

// --- Forms -----------------------------------------------------------------------------------------

const accountId = z.string({ message: 'The account was not sent; reload the page and try again.' }).uuid('The account was not sent; reload the page and try again.');

// Minted when the form rendered: a double click, a retry or a resubmitted page records one entry.
const requestKey = (what: string) => z.string({ message: `This form has expired; reload the page and enter the ${what} again.` }).regex(/^[0-9a-f-]{36}$/i, `This form has expired; reload the page and enter the ${what} again.`);

export const PAYMENT_TYPES = ['payment', 'prepayment'] as const;

/**
 * A payment received (a wire, ACH or cheque): the billing account, amount, day received, reference.
 * `recordAgain` is ticked when staff confirm a second payment of an amount just recorded without a
 * reference (absent: not confirmed).
 */
export const recordPaymentSchema = z.object({
  accountId,
  requestKey: requestKey('payment'),
  type: z.enum(PAYMENT_TYPES, { message: 'Choose a payment or a prepayment' }),
  amount: ledgerAmountField('amount', { signed: false }),
  // Tomorrow (UTC) still passes: it is already tomorrow for staff east of UTC.
  receivedOn: calendarDate('Received on').refine((value) => !isCalendarDate(value) || value <= new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), 'The day received cannot be in the future'),
  reference: noCardText('Reference', { max: 100 }),
  note: noCardText('Note', { max: 200 }),
  recordAgain: z
    .union([z.literal('on'), z.literal('true'), z.literal('')], { message: 'Tick the box or leave it clear' })
    .optional()
    .transform((value) => value === 'on' || value === 'true'),
});
export type RecordPaymentInput = z.output<typeof recordPaymentSchema>;

/** A correction in either direction: positive in the customer's favour, negative a debit. */
export const recordAdjustmentSchema = z.object({
  accountId,
  requestKey: requestKey('adjustment'),
  amount: ledgerAmountField('amount', { signed: true }),
  reason: requiredNoCardText('Reason', { max: 200 }),
  reference: noCardText('Reference', { max: 100 }),
});
export type RecordAdjustmentInput = z.output<typeof recordAdjustmentSchema>;

/** How a billing account is invoiced: its currency, its tax (none by default) and its payment terms. */
export const billingProfileSchema = z.object({
  accountId,
  currency: safeText('The currency', { message: 'Give a currency' })
    .trim()
    .transform((value) => value.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'An ISO 4217 code such as USD, CAD or EUR')),
  // Printed on every invoice: one line, no control characters (PostgreSQL refuses NUL outright).
  taxName: safeText('The tax name', { message: 'Name the tax' }).trim().min(1, 'Name the tax as the invoice shows it (Sales tax, VAT, GST)').max(40, 'At most 40 characters'),
  taxRatePercent: safeText('The tax rate', { message: 'Give a tax rate' })
    .trim()
    .regex(/^\d{1,2}(\.\d{1,4})?$/, 'A percentage from 0 to 99.9999, at most four decimals (0 for no tax)'),
  // Digits only: Number() would read a blank as 0 days, "1e1" as 10 and "0x1E" as 30.
  paymentTermsDays: z
    .unknown()
    .refine((value) => blankToUndefined(value) !== undefined, 'Give the payment terms in days (0 for due on issue)')
    .pipe(integerField('Payment terms (days)', { min: 0, max: 120 })),
});
export type BillingProfileInput = z.output<typeof billingProfileSchema>;

export const reverseEntrySchema = z.object({
  accountId,
  entryId: z.string({ message: 'The entry was not sent; reload the page and try again.' }).uuid('The entry was not sent; reload the page and try again.'),
  reason: requiredNoCardText('Reason', { max: 200 }),
});
export type ReverseEntryInput = z.output<typeof reverseEntrySchema>;

export function parseLedgerPage(params: SearchParamsInput): number {
  return pageParam(100_000).parse(firstParam(params, 'page'));
}
