/**
 * The Buy numbers page's URL: the search filters, the sort and the page, read and written with
 * nuqs parsers so the page, its links and the client agree on one shape. Filters stay strings
 * here; `numberSearchSchema` judges them and says what is wrong beside each field.
 */
import { createLoader, createSerializer, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { SORTABLE_SEARCH_COLUMNS } from '@/lib/validations/numbers';
import { parseAsPage } from './parsers';

const MAX_SEARCH_PAGE = 1000;

export const NUMBER_SEARCH_FILTERS = ['kind', 'state', 'npa', 'nxx', 'rateCenter', 'tollFreePrefix', 'pattern', 'quantity', 'consecutive'] as const;
export type NumberSearchFilter = (typeof NUMBER_SEARCH_FILTERS)[number];

export const numberSearchParsers = {
  kind: parseAsString,
  state: parseAsString,
  npa: parseAsString,
  nxx: parseAsString,
  rateCenter: parseAsString,
  tollFreePrefix: parseAsString,
  pattern: parseAsString,
  quantity: parseAsString,
  consecutive: parseAsString,
  sort: parseAsStringLiteral(SORTABLE_SEARCH_COLUMNS).withDefault('number'),
  dir: parseAsStringLiteral(['asc', 'desc'] as const).withDefault('asc'),
  page: parseAsPage(MAX_SEARCH_PAGE).withDefault(1),
  /** A filter of the kept results (`only`), not of the search: changing it asks no carrier again. */
  e911: parseAsString,
};

export const loadNumberSearchParams = createLoader(numberSearchParsers);

/** Defaults (sort by number, ascending, page 1) are left out, so URLs stay short. */
export const serializeNumberSearch = createSerializer(numberSearchParsers);
