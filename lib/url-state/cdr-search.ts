/**
 * The Calls page's URL: the search (the names GET /api/v1/cdr takes, and the usage charts link
 * with), the cursor of the page shown and the cursors of the pages before it (for "Previous").
 */
import { createSerializer, parseAsArrayOf, parseAsString } from 'nuqs/server';

export const CDR_SEARCH_FILTER_KEYS = ['from', 'to', 'number', 'direction', 'sipCode', 'trunkGroup', 'destination', 'upstream'] as const;

export const cdrSearchParsers = {
  from: parseAsString,
  to: parseAsString,
  number: parseAsString,
  direction: parseAsString,
  sipCode: parseAsString,
  trunkGroup: parseAsString,
  destination: parseAsString,
  upstream: parseAsString,
  cursor: parseAsString,
  /** Cursors of the earlier pages, oldest first ('0' for the first page). */
  trail: parseAsArrayOf(parseAsString, '.'),
};

export const serializeCdrSearch = createSerializer(cdrSearchParsers);

/** Pages "Previous" can go back through; deeper, it returns to the first page. */
export const CDR_TRAIL_MAX = 30;
