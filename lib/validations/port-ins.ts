import { z } from 'zod';
import { isTollFreeNumber } from '@/lib/phone-number-type';
import { toE164 } from '@/lib/phone-numbers';
import { MAX_PORT_NUMBERS, PORT_EXCEPTION_CODES, PORT_STATUSES, type PortNumberKind, type PortStatus } from '@/lib/ports/types';
import { firstParam, isCalendarDate, isSafeText, safeText, type SearchParamsInput } from './common';
import { e911AddressSchema, type NormalizedE911Address } from './e911';

export interface ParsedPortNumbers {
  numbers: { e164: string; kind: PortNumberKind }[];
  /** Entries given more than once (after normalising), each kept once. */
  duplicates: string[];
  /** `line N: "text" is not a valid phone number`. */
  errors: string[];
}

const CSV_HEADER = /^\s*("?)(number|numbers|phone|phone number|tn|did|telephone number)\1\s*(,|$)/i;

/**
 * Numbers pasted (one per line, or separated by commas, semicolons or spaces) or a CSV whose first
 * column holds them (a header row is skipped). NANP by default; a `+` number of another country is
 * refused, as no upstream ports those.
 */
export function parsePortNumbers(text: string): ParsedPortNumbers {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const numbers: ParsedPortNumbers['numbers'] = [];
  const errors: string[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const csv = lines.some((line) => line.includes(',')) && lines.filter((line) => line.trim()).every((line) => line.split(',').length > 1);
  lines.forEach((line, index) => {
    if (index === 0 && CSV_HEADER.test(line)) return;
    const entries = csv ? [line.split(',')[0] ?? ''] : line.split(/[,;\t]|\s{2,}|\s(?=\+)/);
    for (const raw of entries) {
      const entry = raw.trim().replace(/^"(.*)"$/, '$1').trim();
      if (!entry) continue;
      const e164 = toE164(entry, { defaultRegion: 'US' });
      if (!e164) {
        errors.push(`line ${index + 1}: “${entry.slice(0, 40)}” is not a valid phone number`);
        continue;
      }
      if (!e164.startsWith('+1')) {
        errors.push(`line ${index + 1}: ${entry.slice(0, 40)} is not a North American number; our carriers port US and Canadian numbers only`);
        continue;
      }
      if (seen.has(e164)) {
        duplicates.add(e164);
        continue;
      }
      seen.add(e164);
      numbers.push({ e164, kind: isTollFreeNumber(e164) ? 'toll_free' : 'local' });
    }
  });
  if (numbers.length > MAX_PORT_NUMBERS) errors.unshift(`At most ${MAX_PORT_NUMBERS.toLocaleString('en-US')} numbers per port; this list has ${numbers.length.toLocaleString('en-US')}. Split it into several ports.`);
  return { numbers, duplicates: [...duplicates], errors };
}

export const portNumbersSchema = z.object({
  numbers: z.string().trim().min(1, 'Paste the numbers to port, or choose a CSV file.').max(200_000, 'That list is too long; at most 1,000 numbers per port.'),
});

const optionalText = (label: string, max: number) =>
  safeText(label)
    .trim()
    .max(max, `At most ${max} characters.`)
    .transform((value) => value || null)
    .nullable()
    .optional();

/** A checkbox (`on` from a form, a boolean from the API); anything else is refused, not read as ticked. */
const checkbox = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', ''])], { message: 'Tick the box or leave it clear.' })
  .transform((value) => value === true || value === 'on' || value === 'true')
  .optional();

const nanpNumber = (message: string) =>
  z
    .string()
    .trim()
    .transform((value, context) => {
      if (!value) return null;
      const e164 = toE164(value, { defaultRegion: 'US' });
      if (!e164 || !e164.startsWith('+1')) {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return e164;
    });

export const portSubscriberSchema = z
  .object({
    subscriberType: z.enum(['business', 'residential'], { message: 'Choose business or residential.' }),
    subscriberName: safeText('The subscriber name', { message: 'Enter the subscriber name exactly as it is on the bill.' }).trim().min(1, 'Enter the subscriber name exactly as it is on the bill.').max(100, 'At most 100 characters.'),
    authorizedPerson: safeText('The authorised person', { message: 'Enter the person authorised to sign for the account.' }).trim().min(1, 'Enter the person authorised to sign for the account.').max(100, 'At most 100 characters.'),
    losingCarrier: optionalText('The losing carrier', 100),
    accountNumber: z
      .string()
      .trim()
      .min(1, 'Enter the account number from the losing carrier’s bill.')
      .max(40, 'At most 40 characters.')
      .regex(/^[A-Za-z0-9 -]+$/, 'Letters, digits, spaces and dashes only, as on the bill.'),
    /** Empty keeps the PIN already saved; `clearPin` removes it. */
    pin: z
      .string()
      .trim()
      .max(20, 'At most 20 characters.')
      .regex(/^[A-Za-z0-9]*$/, 'Letters and digits only.')
      .optional(),
    clearPin: checkbox,
    wireless: checkbox,
    billingTelephoneNumber: nanpNumber('Enter the billing telephone number (BTN) as a 10-digit North American number.'),
    partialPort: checkbox,
    remainingNumbers: z.string().max(50_000).optional(),
    street: z.string().optional(),
    unit: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    postalCode: z.string().optional(),
  })
  .superRefine((value, context) => {
    if (value.partialPort && !value.billingTelephoneNumber) {
      context.addIssue({ code: 'custom', path: ['billingTelephoneNumber'], message: 'A partial port needs the billing telephone number: it stays with the losing carrier.' });
    }
  });
export type PortSubscriberInput = z.input<typeof portSubscriberSchema>;
export type PortSubscriber = z.output<typeof portSubscriberSchema> & { serviceAddress: NormalizedE911Address };

/** The subscriber step, with the service address checked and normalised as the E911 address book does it. */
export function parsePortSubscriber(input: unknown): { ok: true; value: PortSubscriber } | { ok: false; fieldErrors: Record<string, string[]> } {
  const subscriber = portSubscriberSchema.safeParse(input);
  const address = e911AddressSchema.safeParse({ ...(typeof input === 'object' && input ? input : {}), callerName: '', choice: '' });
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of [...(subscriber.success ? [] : subscriber.error.issues), ...(address.success ? [] : address.error.issues)]) {
    const field = String(issue.path[0] ?? 'form');
    (fieldErrors[field] ??= []).push(issue.message);
  }
  if (!subscriber.success || !address.success) return { ok: false, fieldErrors };
  const { street, unit, city, state, postalCode, country } = address.data;
  return { ok: true, value: { ...subscriber.data, serviceAddress: { street, unit, city, state, postalCode, country } } };
}

export const portScheduleSchema = z.object({
  requestedFocDate: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date (YYYY-MM-DD).'),
  trunkGroupId: z
    .string()
    .trim()
    .transform((value) => value || null)
    .pipe(z.uuid('Choose one of your trunk groups.').nullable()),
});

export const portConnectionSchema = z.object({ connectionId: z.uuid('Choose the carrier that will win the numbers.') });

export const portCommentSchema = z.object({
  body: safeText('The comment', { multiline: true, message: 'Write the comment.' }).trim().min(1, 'Write the comment.').max(4000, 'At most 4,000 characters.'),
  internal: checkbox,
});

export const staffPortTransitionSchema = z
  .object({
    to: z.enum(PORT_STATUSES, { message: 'Choose the new state.' }),
    comment: safeText('The comment', { multiline: true }).trim().max(4000, 'At most 4,000 characters.').optional(),
    internal: checkbox,
    exceptionCode: z.enum(PORT_EXCEPTION_CODES).optional(),
    focDate: z
      .string()
      .trim()
      .refine((value) => value === '' || isCalendarDate(value), 'A day on the calendar, YYYY-MM-DD.')
      .optional(),
  })
  .superRefine((value, context) => {
    if (value.to === 'exception' && !value.exceptionCode) context.addIssue({ code: 'custom', path: ['exceptionCode'], message: 'Say what the exception is.' });
    if (value.to === 'foc_scheduled' && !value.focDate) context.addIssue({ code: 'custom', path: ['focDate'], message: 'Give the FOC date the losing carrier committed to.' });
  });
export type StaffPortTransitionInput = z.input<typeof staffPortTransitionSchema>;

/** The states on the staff list: drafts stay with their customers. */
export const STAFF_PORT_STATUSES = PORT_STATUSES.filter((status) => status !== 'draft');

export interface StaffPortInsQuery {
  status?: PortStatus;
  /** Due on or before this day (the FOC date, else the requested one). */
  due?: string;
  search?: string;
  fieldErrors: { q?: string[]; due?: string[] };
}

/**
 * The staff port-ins list's URL: a state tab, a due-by day and a search. An unknown state reads as
 * all of them; a search or a day that cannot be run is left out and named, and the list still shows.
 */
export function parseStaffPortInsQuery(params: SearchParamsInput): StaffPortInsQuery {
  const fieldErrors: StaffPortInsQuery['fieldErrors'] = {};
  const statusParam = firstParam(params, 'status');
  const rawSearch = (firstParam(params, 'q') ?? '').trim();
  const rawDue = (firstParam(params, 'due') ?? '').trim();
  if (rawSearch.length > 100 || !isSafeText(rawSearch)) fieldErrors.q = ['Search for up to 100 characters of a reference, an account name or a number'];
  if (rawDue && !isCalendarDate(rawDue)) fieldErrors.due = ['Enter a real day, written YYYY-MM-DD'];
  return {
    status: STAFF_PORT_STATUSES.find((candidate) => candidate === statusParam),
    due: rawDue && !fieldErrors.due ? rawDue : undefined,
    search: rawSearch && !fieldErrors.q ? rawSearch : undefined,
    fieldErrors,
  };
}

/** `PRT-` and six characters of an alphabet without look-alikes (no 0/O, 1/I). */
export function newPortReference(random: () => number = Math.random): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let reference = 'PRT-';
  for (let index = 0; index < 6; index++) reference += alphabet[Math.floor(random() * alphabet.length)];
  return reference;
}
