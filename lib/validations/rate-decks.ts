/**
 * Rate deck forms and query strings, shared by the staff pages, the customer rates page, their
 * actions and the import route. Pure.
 */
import { z } from 'zod';
import { blankToUndefined, firstParam, isSafeText, pageParam, safeText, type SearchParamsInput } from './common';

export const RATE_DECK_PURPOSES = ['sell', 'cost'] as const;
export const RATE_DECK_PURPOSE_LABELS: Record<(typeof RATE_DECK_PURPOSES)[number], string> = { sell: 'Sell (customers)', cost: 'Cost (an upstream)' };
export const RATE_KIND_LABELS = { termination: 'Termination', origination: 'Origination' } as const;
export const DECK_ENTRIES_PAGE_SIZE = 50;
/**
 * An import file larger than this is refused before it is read: 25,000 prefixes are about 1.5 MB, so
 * this holds over 100,000, and the upload stays under the 10 MB the proxy hands on to a route.
 */
export const MAX_DECK_FILE_BYTES = 8 * 1024 * 1024;
export const DECK_CHANGE_FILTERS = ['changed', 'added', 'removed', 'up', 'down', 'terms'] as const;
export type DeckChangeFilter = (typeof DECK_CHANGE_FILTERS)[number];

const deckId = z.string({ message: 'Choose a rate deck' }).uuid('That rate deck does not exist; reload the page');
const accountId = z.string({ message: 'Choose an account' }).uuid('That account does not exist; reload the page');

export const createRateDeckSchema = z
  .object({
    name: safeText('The name', { message: 'Enter a name for the deck' }).trim().min(1, 'Enter a name for the deck').max(80, 'The name can be at most 80 characters'),
    purpose: z.enum(RATE_DECK_PURPOSES, { message: 'Choose sell or cost' }),
    currency: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toUpperCase() : value),
      z.string({ message: 'Enter a currency code' }).regex(/^[A-Z]{3}$/, 'The currency is a three-letter ISO code such as USD or EUR'),
    ),
    connectionId: z.preprocess(blankToUndefined, z.string().uuid('That connection does not exist; reload the page').optional()),
  })
  .superRefine((input, context) => {
    if (input.purpose === 'cost' && !input.connectionId) context.addIssue({ code: 'custom', path: ['connectionId'], message: 'A cost deck is what one upstream connection charges: choose the connection' });
    if (input.purpose === 'sell' && input.connectionId) context.addIssue({ code: 'custom', path: ['connectionId'], message: 'A sell deck prices customers, not a connection: leave the connection empty' });
  });
export type CreateRateDeckInput = z.output<typeof createRateDeckSchema>;

export const rateDeckIdSchema = z.object({ deckId });
export const assignRateDeckSchema = z.object({ deckId, accountId });
export const unassignRateDeckSchema = z.object({ accountId });

/**
 * When a new version takes effect: blank is now; `2026-12-01T09:30` (a datetime-local field) is
 * read as UTC, as the pages show times; an ISO time with its offset is taken as given.
 */
export function readEffectiveFrom(raw: string | undefined | null, now = new Date()): { ok: true; value: Date } | { ok: false; message: string } {
  const text = (raw ?? '').trim();
  if (text === '') return { ok: true, value: now };
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const date = local ? new Date(`${local[1]}-${local[2]}-${local[3]}T${local[4]}:${local[5]}:${local[6] ?? '00'}Z`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(date.getTime())) return { ok: false, message: 'Effective from is a date and time, like 2026-12-01T09:30 (UTC)' };
  const year = date.getUTCFullYear();
  if (year < 2000 || year > 2100) return { ok: false, message: 'Effective from must be between the years 2000 and 2100' };
  return { ok: true, value: date };
}

export const publishFieldsSchema = z.object({
  effectiveFrom: z.string().optional(),
  basedOnVersionId: z.preprocess(blankToUndefined, z.string().uuid().optional()),
  note: z.preprocess(blankToUndefined, safeText('The note').trim().max(200, 'The note can be at most 200 characters').optional()),
});

/** A search of a deck's entries: digits (a number or a prefix, `+` and spaces allowed) or words of a destination or a country code. */
export interface DeckEntryQuery {
  q: string;
  kind: 'termination' | 'origination' | undefined;
  page: number;
  /** The digits of a number-like search. */
  digits?: string;
  /** The words of a destination search. */
  words?: string[];
  fieldErrors: { q?: string[] };
}

export function parseDeckEntryQuery(params: SearchParamsInput): DeckEntryQuery {
  const raw = (firstParam(params, 'q') ?? '').trim();
  const kindParam = firstParam(params, 'kind');
  const kind = kindParam === 'termination' || kindParam === 'origination' ? kindParam : undefined;
  const page = pageParam(100_000).parse(firstParam(params, 'page'));
  if (raw === '') return { q: '', kind, page, fieldErrors: {} };
  if (raw.length > 60 || !isSafeText(raw)) return { q: '', kind, page, fieldErrors: { q: ['Search for up to 60 characters: a number, a prefix, a destination or a country'] } };
  if (/^\+?[\d\s().-]+$/.test(raw) && /\d/.test(raw)) {
    const digits = raw.replace(/\D/g, '').slice(0, 15);
    return { q: raw, kind, page, digits, fieldErrors: {} };
  }
  return { q: raw, kind, page, words: [raw], fieldErrors: {} };
}
