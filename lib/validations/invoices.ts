/**
 * The invoice forms: a customer's draft preview, and staff's draft, discount, issue and void. Pure:
 * shared by the forms, the actions and the tests.
 */
import { z } from 'zod';
import { safeText } from './common';
import { ledgerAmountField } from './ledger';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
// Invoices are of this century: Date.UTC reads years 0–99 as 1900–1999, and PostgreSQL refuses year 0.
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;
const MONTH_MESSAGE = `Give a month from ${FIRST_YEAR} to ${LAST_YEAR} as YYYY-MM, like 2026-04`;

const uuidOf = (what: string) => z.string({ message: `The ${what} was not sent; reload the page and try again.` }).uuid(`The ${what} was not sent; reload the page and try again.`);

export const monthField = z
  .string({ message: 'Choose the month' })
  .trim()
  .refine(isMonth, MONTH_MESSAGE);

/** The months a customer may draft: this one so far, or the last while it is not issued. */
export const previewDraftSchema = z.object({ accountId: uuidOf('account'), month: monthField });

export const staffDraftSchema = z.object({ accountId: uuidOf('account'), month: monthField });

/** A negotiated discount on a draft: an amount to the cent (shown on the invoice with its real percentage) and its name. */
export const staffDiscountSchema = z.object({
  invoiceId: uuidOf('invoice'),
  // The ledger field normalises to four places; the invoice counts cents.
  amount: ledgerAmountField('discount', { signed: false }).transform((amount) => amount.slice(0, -2)),
  description: safeText('Description').trim().min(1, 'Name the discount (it shows on the invoice)').max(120, 'Description can be at most 120 characters'),
});

export const staffRemoveDiscountSchema = z.object({ invoiceId: uuidOf('invoice'), lineId: uuidOf('discount line') });

export const staffIssueSchema = z.object({ invoiceId: uuidOf('invoice') });

export const staffVoidSchema = z.object({
  invoiceId: uuidOf('invoice'),
  reason: safeText('Reason', { multiline: true, message: 'Say why the invoice is voided' }).trim().min(3, 'Say why the invoice is voided (it is kept with the invoice)').max(500, 'Reason can be at most 500 characters'),
});

/** `YYYY-MM` of a moment (UTC). */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The month before `YYYY-MM`. */
export function monthBefore(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber - 2, 1)).toISOString().slice(0, 7);
}

/** `YYYY-MM` of a year from 2000 to 2100. */
export function isMonth(value: string): boolean {
  const year = Number(MONTH.exec(value)?.[1]);
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}
