/**
 * The Orders list's URL: filters (status, placed from/to, a number on a line), sort and page, read
 * and written with nuqs parsers (a GET form, so a view can be shared and the back button works).
 * Filters are judged field by field: a bad one is reported beside it and left out.
 */
import { createLoader, createSerializer, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';
import { parseAsPage } from '@/lib/url-state/parsers';
import { blankToUndefined, calendarDate, parseFilterFields, pickParams, safeText, startOfDayUtc, type SearchParamsInput } from './common';
import { numberDigits } from './number-inventory';

export const ORDER_PAGE_SIZE = 25;
/** Offset paging stays cheap this deep; beyond it, narrow the dates. */
export const MAX_ORDER_PAGE = 2_000;
/** Lines shown per order in the list; the order's page has them all. */
export const ORDER_LINES_SHOWN = 5;

export const ORDER_STATUSES = ['pending', 'in_progress', 'completed', 'partial', 'failed'] as const;
export type OrderHistoryStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_STATUS_LABELS: Record<OrderHistoryStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  partial: 'Partly completed',
  failed: 'Failed',
};

export const ORDER_SORTS = ['placed', 'status', 'numbers'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export const ORDER_SORT_LABELS: Record<OrderSort, string> = { placed: 'Placed', status: 'Status', numbers: 'Numbers' };

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const filterFields = {
  status: optional(z.enum(ORDER_STATUSES, { message: 'Choose a status from the list' })),
  from: optional(calendarDate('From')),
  to: optional(calendarDate('To')),
  q: optional(
    safeText('A number')
      .trim()
      .max(24, 'Type at most 24 characters')
      .regex(/^[\d\s+().-]+$/, 'Use digits only (spaces, +, -, ( ) are ignored)')
      .refine((value) => numberDigits(value).length > 0, 'Type at least one digit')
      .refine((value) => numberDigits(value).length <= 11, 'A number has at most 11 digits'),
  ),
};

export type OrderFilterField = keyof typeof filterFields;

export interface OrderHistoryFilter {
  status?: OrderHistoryStatus;
  /** `YYYY-MM-DD`, UTC days, both included. */
  from?: string;
  to?: string;
  /** Digits anywhere in one of the order's numbers. */
  q?: string;
}

export interface OrderHistoryView {
  sort: OrderSort;
  dir: 'asc' | 'desc';
  page: number;
}

export interface OrderHistoryQuery {
  filter: OrderHistoryFilter;
  view: OrderHistoryView;
  fieldErrors: Partial<Record<OrderFilterField, string[]>>;
}

const orderHistoryParsers = {
  status: parseAsString,
  from: parseAsString,
  to: parseAsString,
  q: parseAsString,
  sort: parseAsStringLiteral(ORDER_SORTS).withDefault('placed'),
  dir: parseAsStringLiteral(['asc', 'desc'] as const).withDefault('desc'),
  page: parseAsPage(MAX_ORDER_PAGE).withDefault(1),
};

const loadOrderHistoryParams = createLoader(orderHistoryParsers);
const serializeOrderHistoryParams = createSerializer(orderHistoryParsers);

export function parseOrderHistoryQuery(params: SearchParamsInput): OrderHistoryQuery {
  const raw = loadOrderHistoryParams(pickParams(params, Object.keys(orderHistoryParsers)));
  const parsed = parseFilterFields(filterFields, raw);
  const filter = parsed.filter as OrderHistoryFilter;
  const fieldErrors: OrderHistoryQuery['fieldErrors'] = parsed.fieldErrors;
  if (filter.q) filter.q = numberDigits(filter.q);
  if (filter.from && filter.to && filter.to < filter.from) {
    fieldErrors.to = ['To must be on or after From'];
    delete filter.to;
  }
  return { filter, view: { sort: raw.sort, dir: raw.dir, page: raw.page }, fieldErrors };
}

/** The query string for a filter and view; defaults are left out so URLs stay short. */
export function orderHistorySearch(filter: OrderHistoryFilter, view: Partial<OrderHistoryView> = {}): string {
  return serializeOrderHistoryParams({
    status: filter.status || null,
    from: filter.from || null,
    to: filter.to || null,
    q: filter.q || null,
    sort: view.sort ?? null,
    dir: view.dir ?? null,
    page: view.page ?? null,
  }).replace(/^\?/, '');
}

/** The placed-at range as instants: From at the start of its UTC day, To through the end of its. */
export function placedRangeOf(filter: OrderHistoryFilter): { from?: Date; to?: Date } {
  return {
    from: filter.from ? startOfDayUtc(filter.from) : undefined,
    to: filter.to ? new Date(startOfDayUtc(filter.to).getTime() + 86_400_000) : undefined,
  };
}
