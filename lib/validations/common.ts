/**
 * Building blocks every form and query-string schema shares: text that refuses NUL, control
 * characters and broken UTF-16; whole numbers written with digits only (never `0x10` or `1e3`, which
 * JavaScript's Number() happily reads as 16 and 1000); dates that exist on the calendar. Pure: used
 * by client forms and the server alike.
 */
import { z } from 'zod';
import './zod-messages';

/** C0 controls (NUL, tab, newline…), DEL and the C1 controls. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** The same, except tab, newline and carriage return (text areas). */
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A lone UTF-16 surrogate: in `u` mode a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /\p{Cs}/u;

export const CONTROL_CHARACTER_MESSAGE = 'cannot contain control characters (such as NUL, tab or a line break)';

/** Null when the text is safe to store and show; else why not (to follow a field's label). */
/** Text from outside (an upstream's error, a file's words) made storable: PostgreSQL refuses NUL, and no control character but a line break is meant to be shown. */
export function withoutControlCharacters(text: string): string {
  return text.replace(new RegExp(CONTROL_EXCEPT_LINE_BREAKS.source, 'g'), '');
}

export function textProblem(value: string, options: { multiline?: boolean } = {}): string | null {
  if ((options.multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL).test(value)) {
    return options.multiline ? 'cannot contain control characters (such as NUL)' : CONTROL_CHARACTER_MESSAGE;
  }
  if (LONE_SURROGATE.test(value)) return 'contains a broken character; type it again';
  return null;
}

export const isSafeText = (value: string, options: { multiline?: boolean } = {}) => textProblem(value, options) === null;

/**
 * A string that refuses control characters and lone surrogates, with a message naming the field.
 * Chain `.trim()`, `.min()`, `.max()`, `.regex()` on it as on any zod string.
 */
export function safeText(label: string, options: { multiline?: boolean; message?: string } = {}) {
  return z.string({ message: options.message ?? `${label} is missing` }).superRefine((value, context) => {
    const problem = textProblem(value, options);
    if (problem) context.addIssue({ code: 'custom', message: `${label} ${problem}` });
  });
}

// --- Whole numbers ---------------------------------------------------------------------------------

const WHOLE = /^[+-]?\d+$/;
/** More digits than this cannot be a sensible count, and stay clear of float precision. */
const MAX_DIGITS = 15;

export type IntegerReading = { ok: true; value: number } | { ok: false; message: string };

/**
 * A whole number as typed: optional sign and the digits 0–9 only (surrounding spaces allowed), within
 * `min`…`max`. Hex (`0x10`), exponents (`1e3`), decimals (`2.0`), `Infinity` and digits of other
 * scripts are refused. A JSON number is taken when it is a safe integer.
 */
export function readInteger(input: unknown, label: string, { min, max }: { min: number; max: number }): IntegerReading {
  const range = (value: number): IntegerReading =>
    value < min
      ? { ok: false, message: `${label} must be at least ${min.toLocaleString('en-US')}` }
      : value > max
        ? { ok: false, message: `${label} can be at most ${max.toLocaleString('en-US')}` }
        : { ok: true, value };
  if (typeof input === 'number') return Number.isSafeInteger(input) ? range(input) : { ok: false, message: `${label} must be a whole number` };
  if (typeof input !== 'string') return { ok: false, message: `${label} must be a whole number` };
  const text = input.trim();
  if (!WHOLE.test(text)) return { ok: false, message: `${label} must be a whole number, written with the digits 0–9 only` };
  const digits = text.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_DIGITS) return range(text.startsWith('-') ? -Infinity : Infinity);
  return range(Number(text));
}

/** A required whole number field. */
export function integerField(label: string, bounds: { min: number; max: number }) {
  return z.unknown().transform((input, context) => {
    const reading = readInteger(input, label, bounds);
    if (reading.ok) return reading.value;
    context.addIssue({ code: 'custom', message: reading.message });
    return z.NEVER;
  });
}

/**
 * Undefined for an absent or blank value (spaces only), for optional fields. Whitespace that is a
 * control character (a lone newline, a form feed) is not blank: it reaches the field and is refused.
 */
export function blankToUndefined(value: unknown): unknown {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && isSafeText(value)) ? undefined : value;
}

/** A whole number field that may be left blank (undefined then). */
export function optionalIntegerField(label: string, bounds: { min: number; max: number }) {
  return z.unknown().transform((input, context): number | undefined => {
    if (blankToUndefined(input) === undefined) return undefined;
    const reading = readInteger(input, label, bounds);
    if (reading.ok) return reading.value;
    context.addIssue({ code: 'custom', message: reading.message });
    return z.NEVER;
  });
}

/**
 * A page number from a link (`?page=3`): anything that is not plain digits within range is page 1,
 * so `?page=0x10` is not page 16 and `?page=1e3` is not page 1000.
 */
export function pageParam(max: number) {
  return z.unknown().transform((input) => {
    const reading = readInteger(input, 'Page', { min: 1, max });
    return reading.ok ? reading.value : 1;
  });
}

// --- Calendar dates --------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const MIN_DATE_YEAR = 1900;

/** True for `YYYY-MM-DD` naming a day that exists (no 2023-02-29, no 9999-99-99), from 1900 on. */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < MIN_DATE_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A `YYYY-MM-DD` field (as `<input type="date">` sends it) that must be a real day. */
export function calendarDate(label: string) {
  return z
    .string({ message: `Enter the ${label.toLowerCase()} date as YYYY-MM-DD` })
    .trim()
    .refine((value) => ISO_DATE.test(value), `${label} must be a date written YYYY-MM-DD, like 2026-03-31`)
    .refine((value) => !ISO_DATE.test(value) || isCalendarDate(value), `${label} is not a real date: check the month and the day`);
}

/** Midnight UTC at the start of a calendar date. */
export function startOfDayUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

// --- Query strings ---------------------------------------------------------------------------------

export type SearchParamsInput = Record<string, string | string[] | undefined> | URLSearchParams;

/** One value of a query-string key: the first when it is repeated (`?a=1&a=2`), as URLSearchParams.get does. */
export function firstParam(params: SearchParamsInput, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  return Array.isArray(value) ? value[0] : typeof value === 'string' ? value : undefined;
}

/**
 * Only the named keys, each read as its own property (never the prototype's): what a URL-state
 * loader is given, so a page reads exactly the parameters it declares.
 */
export function pickParams(params: SearchParamsInput, keys: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, firstParam(params, key)]));
}

/**
 * A list page's filters, each parsed by its own schema from the URL's raw values: the valid ones in
 * `filter` (undefined left out), each invalid one's messages in `fieldErrors` so the page can say
 * which filter was not understood and still show the rest.
 */
export function parseFilterFields<Field extends string>(schemas: Record<Field, z.ZodType>, raw: Partial<Record<string, unknown>>): { filter: Partial<Record<Field, unknown>>; fieldErrors: Partial<Record<Field, string[]>> } {
  const filter: Partial<Record<Field, unknown>> = {};
  const fieldErrors: Partial<Record<Field, string[]>> = {};
  for (const [key, schema] of Object.entries(schemas) as [Field, z.ZodType][]) {
    const parsed = schema.safeParse(raw[key] ?? undefined);
    if (!parsed.success) fieldErrors[key] = parsed.error.issues.map((issue) => issue.message);
    else if (parsed.data !== undefined) filter[key] = parsed.data;
  }
  return { filter, fieldErrors };
}

/** Field messages from a zod error, keyed by the first path segment (`form` when it has none). */
export function issuesByField(error: z.ZodError): Record<string, string[]> {
  const fieldErrors = new Map<string, string[]>();
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    fieldErrors.set(key, [...(fieldErrors.get(key) ?? []), issue.message]);
  }
  return Object.fromEntries(fieldErrors);
}

/**
 * A checkbox sent after a hidden `off`: "off" when clear, "off,on" when ticked. A missing field is
 * refused rather than read as "clear", so a form from before a new setting never switches it off.
 */
export const tickedCheckbox = z
  .string({ message: 'This choice was not sent; reload the page and try again.' })
  .refine((value) => value.split(',').every((part) => part === 'off' || part === 'on'), 'Tick the box or leave it clear')
  .transform((value) => value.split(',').includes('on'));

/**
 * Times a filter may name: PostgreSQL stores nothing before year 1 and Date nothing past 275760, and
 * nothing here is older than the year 2000. A bound outside is a clear refusal, not a database error.
 */
export const FIRST_QUERY_TIME = Date.UTC(2000, 0, 1);
export const LAST_QUERY_TIME = Date.UTC(3000, 0, 1);
export const QUERY_TIME_RANGE_MESSAGE = 'Use a time from the year 2000 to 2999.';

export function withinQueryTimes(at: Date): boolean {
  const ms = at.getTime();
  return Number.isFinite(ms) && ms >= FIRST_QUERY_TIME && ms < LAST_QUERY_TIME;
}
