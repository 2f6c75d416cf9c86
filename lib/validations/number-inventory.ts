/**
 * My numbers: the table's filters, sort and page as they live in the URL (a GET form, so views are
 * shareable and the back button works), the release and move forms, and number formatting.
 */
import { createLoader, createSerializer, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';
import { parseAsPage } from '@/lib/url-state/parsers';
import { blankToUndefined, parseFilterFields, pickParams, safeText, type SearchParamsInput } from './common';

export const NUMBER_PAGE_SIZE = 50;
/** Counting stops here; "10,000+" is all a person needs to know, and it keeps the count cheap. */
export const NUMBER_COUNT_CAP = 10_000;
/** Offset paging stays cheap this deep; beyond it, narrow the filters (or export). */
export const MAX_NUMBER_PAGE = Math.ceil(60_000 / NUMBER_PAGE_SIZE);

export const NUMBER_SORTS = ['number', 'state', 'npa', 'activated', 'monthly'] as const;
export type NumberSort = (typeof NUMBER_SORTS)[number];
export const NUMBER_SORT_LABELS: Record<NumberSort, string> = {
  number: 'Number',
  state: 'State',
  npa: 'Area code',
  activated: 'Activated',
  monthly: 'Monthly',
};

export const LISTED_STATUSES = ['active', 'missing_upstream'] as const;
export type ListedStatus = (typeof LISTED_STATUSES)[number];
export const NUMBER_STATUS_LABELS: Record<'active' | 'missing_upstream' | 'released', string> = {
  active: 'Active',
  missing_upstream: 'Needs attention',
  released: 'Released',
};

/** The same vocabulary lib/services/e911.ts writes. */
export const E911_STATUSES = ['none', 'pending', 'registered', 'failed', 'unsupported'] as const;
export type E911Status = (typeof E911_STATUSES)[number];
export const E911_STATUS_LABELS: Record<E911Status, string> = {
  none: 'No address',
  pending: 'Pending',
  registered: 'Registered',
  failed: 'Failed',
  unsupported: 'Not supported by carrier',
};

/** Where calls really go (lib/services/number-routing.ts decides): the My numbers filter `routing`. */
export const ROUTING_FILTERS = ['routed', 'not_routed', 'carrier_default'] as const;
export type RoutingFilter = (typeof ROUTING_FILTERS)[number];
export const ROUTING_LABELS: Record<RoutingFilter, string> = {
  routed: 'Routed as configured',
  not_routed: 'Not routed as configured',
  carrier_default: 'Carrier default (no trunk group)',
};

export function e911Label(status: string): string {
  return (E911_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/**
 * What someone typed into "Number" → the digits to look for. A leading 1 is the country code (no
 * NANP area code starts with 1), so "1 312 555" and "312 555" mean the same prefix.
 */
export function numberDigits(input: string): string {
  return input.replace(/\D/g, '');
}

export function e164PrefixOf(digits: string): string {
  return digits.startsWith('1') ? `+${digits}` : `+1${digits}`;
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** Each filter field on its own, so one bad field is reported beside it and the others still apply. */
const filterFields = {
  q: optional(
    safeText('A number')
      .trim()
      .max(24, 'Type at most 24 characters')
      .regex(/^[\d\s+().-]+$/, 'Use digits only (spaces, +, -, ( ) are ignored)')
      .refine((value) => numberDigits(value).length > 0, 'Type at least one digit')
      .refine((value) => numberDigits(value).length <= 11, 'A number has at most 11 digits'),
  ),
  match: z.enum(['contains', 'prefix']).catch('contains'),
  state: optional(safeText('A state').trim().toUpperCase().regex(/^[A-Z]{2}$/, 'Use a two-letter state or province code, like IL or ON')),
  npa: optional(safeText('An area code').trim().regex(/^[2-9]\d{2}$/, 'An area code is three digits, not starting with 0 or 1')),
  trunk: optional(safeText('A trunk group reference').trim().max(64, 'A trunk group reference is at most 64 characters')),
  e911: optional(z.enum(E911_STATUSES, { message: 'Choose an E911 status from the list' })),
  routing: optional(z.enum(ROUTING_FILTERS, { message: 'Choose a routing state from the list' })),
  status: optional(z.enum(LISTED_STATUSES, { message: 'Choose a status from the list' })),
  released: z.preprocess((value) => value === '1' || value === 'on' || value === 'true', z.boolean()),
  account: optional(z.string().uuid('Choose an account from the list')),
  connection: optional(z.string().uuid('Choose a connection from the list')),
};

export type NumberFilterField = keyof typeof filterFields;

export interface NumberInventoryFilter {
  /** Digits to look for. */
  q?: string;
  match: 'contains' | 'prefix';
  state?: string;
  npa?: string;
  /** A trunk group reference, or `none` for numbers that are not routed. */
  trunk?: string;
  e911?: E911Status;
  /** Routed as configured, not (a carrier refused, failed or has not taken the group, or it is disabled), or no group. */
  routing?: RoutingFilter;
  status?: ListedStatus;
  /** Include released numbers (they are hidden by default). */
  released: boolean;
  /** One account of the subtree (for those who see the subtree). */
  account?: string;
  /** Operator staff only; ignored for everyone else. */
  connection?: string;
}

export interface NumberInventoryView {
  sort: NumberSort;
  dir: 'asc' | 'desc';
  page: number;
}

export interface NumberInventoryQuery {
  filter: NumberInventoryFilter;
  view: NumberInventoryView;
  /** Filters that could not be used, with a message for each field; they are left out. */
  fieldErrors: Partial<Record<NumberFilterField, string[]>>;
}

/**
 * The My numbers URL in nuqs parsers. Filters are read as text and judged by `filterFields`, so a
 * bad one gets its message; sort, direction and page fall back to their defaults, which links
 * leave out.
 */
const numberInventoryParsers = {
  q: parseAsString,
  match: parseAsStringLiteral(['contains', 'prefix'] as const).withDefault('contains'),
  state: parseAsString,
  npa: parseAsString,
  trunk: parseAsString,
  e911: parseAsString,
  routing: parseAsString,
  status: parseAsString,
  released: parseAsString,
  account: parseAsString,
  connection: parseAsString,
  sort: parseAsStringLiteral(NUMBER_SORTS).withDefault('number'),
  dir: parseAsStringLiteral(['asc', 'desc'] as const).withDefault('asc'),
  page: parseAsPage(MAX_NUMBER_PAGE).withDefault(1),
};

const loadNumberInventoryParams = createLoader(numberInventoryParsers);
const serializeNumberInventoryParams = createSerializer(numberInventoryParsers);

/** Reads the URL's query (a page's searchParams or a route's URLSearchParams). */
export function parseNumberInventoryQuery(params: SearchParamsInput): NumberInventoryQuery {
  const raw = loadNumberInventoryParams(pickParams(params, Object.keys(numberInventoryParsers)));
  const { filter, fieldErrors } = parseFilterFields(filterFields, raw);
  if (typeof filter.q === 'string') filter.q = numberDigits(filter.q);
  return { filter: filter as unknown as NumberInventoryFilter, view: { sort: raw.sort, dir: raw.dir, page: raw.page }, fieldErrors };
}

/** The query string for a filter and view; defaults are left out so URLs stay short. */
export function numberInventorySearch(filter: Partial<NumberInventoryFilter>, view: Partial<NumberInventoryView> = {}): string {
  return serializeNumberInventoryParams({
    q: filter.q || null,
    match: filter.q && filter.match === 'prefix' ? 'prefix' : null,
    state: filter.state || null,
    npa: filter.npa || null,
    trunk: filter.trunk || null,
    e911: filter.e911 || null,
    routing: filter.routing || null,
    status: filter.status || null,
    released: filter.released ? '1' : null,
    account: filter.account || null,
    connection: filter.connection || null,
    sort: view.sort ?? null,
    dir: view.dir ?? null,
    page: view.page ?? null,
  }).replace(/^\?/, '');
}

export const releaseNumberSchema = z.object({ numberId: z.string().uuid('That number is not known') });

export const moveNumberSchema = z.object({
  numberId: z.string().uuid('That number is not known'),
  targetAccountId: z.string({ message: 'Choose the account to move the number to' }).uuid('Choose the account to move the number to'),
});
