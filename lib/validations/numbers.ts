import { z } from 'zod';
import { vanityToDigits } from '@/lib/number-pattern';
import { isNanpNumber, toE164 } from '@/lib/phone-numbers';
import { TOLL_FREE_PREFIXES } from '@/lib/providers/types';
import { blankToUndefined, integerField, optionalIntegerField, pageParam, safeText } from './common';

/** The search form offers these (pages reach provider types only through here and lib/services). */
export { TOLL_FREE_PREFIXES };

export const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS',
  'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV',
  'WI', 'WY', 'PR',
] as const;
export const CA_PROVINCES = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'] as const;
const REGIONS = new Set<string>([...US_STATES, ...CA_PROVINCES]);

export const MAX_SEARCH_QUANTITY = 100;

/** Keypad letters and `*`: one definition in lib/number-pattern, re-exported for the search form's callers. */
export { vanityToDigits };

const blank = blankToUndefined;

/** The Buy numbers filters, as they come from the URL. */
export const numberSearchSchema = z
  .object({
    kind: z.enum(['local', 'tollfree']).default('local'),
    state: z.preprocess(
      blank,
      safeText('A state or province')
        .trim()
        .toUpperCase()
        .refine((value) => REGIONS.has(value), 'Unknown state or province: use a two-letter code like TX or ON')
        .optional(),
    ),
    npa: z.preprocess(blank, safeText('An area code').trim().regex(/^[2-9]\d{2}$/, 'An area code (NPA) is three digits, not starting with 0 or 1').optional()),
    nxx: z.preprocess(blank, safeText('An exchange').trim().regex(/^[2-9]\d{2}$/, 'An exchange (NXX) is three digits, not starting with 0 or 1').optional()),
    rateCenter: z.preprocess(blank, safeText('A rate center').trim().toUpperCase().max(40, 'Rate center or city is at most 40 characters').regex(/^[A-Z][A-Z .'-]*$/, 'Use letters only for a rate center or city').optional()),
    tollFreePrefix: z.preprocess(blank, z.enum(TOLL_FREE_PREFIXES, { message: `Toll-free prefixes are ${TOLL_FREE_PREFIXES.join(', ')}` }).optional()),
    pattern: z.preprocess(
      blank,
      safeText('A pattern')
        .trim()
        .max(20, 'A pattern is at most 20 characters')
        .regex(/^[0-9A-Za-z*\s().-]+$/, 'A pattern may use digits, letters (mapped to the keypad) and * only')
        .transform(vanityToDigits)
        .refine((value) => /\d/.test(value), 'A pattern needs at least one digit or letter')
        .refine((value) => value.replace(/\*/g, '').length <= 10, 'A pattern has at most 10 digits or letters')
        .optional(),
    ),
    quantity: z.preprocess(
      blank,
      integerField('Quantity', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })
        .refine((value) => value >= 1, 'Ask for at least 1 number')
        .refine((value) => value <= MAX_SEARCH_QUANTITY, `Ask for at most ${MAX_SEARCH_QUANTITY} numbers at a time`)
        .default(10),
    ),
    consecutive: z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean()).default(false),
  })
  .superRefine((value, context) => {
    if (value.kind === 'tollfree' && (value.state || value.npa || value.nxx || value.rateCenter)) {
      context.addIssue({ code: 'custom', path: ['kind'], message: 'Toll-free numbers have no state, area code or rate center' });
    }
    if (value.kind === 'local' && value.tollFreePrefix) {
      context.addIssue({ code: 'custom', path: ['tollFreePrefix'], message: 'A toll-free prefix only applies to toll-free searches' });
    }
    if (value.nxx && !value.npa) context.addIssue({ code: 'custom', path: ['nxx'], message: 'Give the area code (NPA) with the exchange' });
  });

export type NumberSearchInput = z.output<typeof numberSearchSchema>;

export const SORTABLE_SEARCH_COLUMNS = ['number', 'monthly', 'setup', 'state', 'rateCenter'] as const;
/** `?e911=only`: the results keep numbers whose carrier can register an emergency address (no new search). */
export const E911_FILTER_VALUE = 'only';
export const searchViewSchema = z.object({
  sort: z.enum(SORTABLE_SEARCH_COLUMNS).catch('number'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  page: pageParam(1000),
  e911Only: z.preprocess((value) => value === E911_FILTER_VALUE, z.boolean()),
});

export const addToCartSchema = z.object({
  searchId: z.string().uuid('These search results have expired; search again.'),
  numbers: safeText('The list of numbers', { message: 'Tick at least one number' })
    .min(1, 'Tick at least one number')
    .transform((value) => [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))])
    .refine((list) => list.length > 0, 'Tick at least one number')
    .refine((list) => list.every((item) => isNanpNumber(item) && toE164(item) === item), 'Those are not numbers from these results'),
});

export const removeFromCartSchema = z.object({ itemId: z.string().uuid() });

const CHECKOUT_EXPIRED = 'This checkout form has expired; reload the page and try again.';

export const placeOrderSchema = z.object({
  idempotencyKey: z.string().regex(/^[\x21-\x7E]{16,80}$/, CHECKOUT_EXPIRED),
  // The numbers the page showed, comma-joined: the order buys exactly these or nothing.
  expectNumbers: z
    .string(CHECKOUT_EXPIRED)
    .max(20_000, CHECKOUT_EXPIRED)
    .regex(/^\+\d{8,15}(,\+\d{8,15})*$/, CHECKOUT_EXPIRED)
    .transform((text) => text.split(',')),
  trunkGroupRef: z.preprocess(blank, safeText('Trunk group').max(80).optional()),
  e911AddressRef: z.preprocess(blank, safeText('Emergency address').max(80).optional()),
  // The checkbox's value is the numbers it confirms, comma-joined: the server checks the cart against exactly these.
  acknowledgedNoE911: z.preprocess(
    blank,
    z
      .string()
      .max(2000)
      .regex(/^\+\d{8,15}(,\+\d{8,15})*$/, 'Reload the checkout page and confirm again.')
      .transform((text) => text.split(','))
      .optional(),
  ),
});

/** `GET /api/v1/number-searches/{id}`: unlike a page link, a wrong sort, direction or page is an error, not a default. */
export const searchPageQuerySchema = z.object({
  sort: z.enum(SORTABLE_SEARCH_COLUMNS, { message: `Sort by one of ${SORTABLE_SEARCH_COLUMNS.join(', ')}` }).default('number'),
  dir: z.enum(['asc', 'desc'], { message: 'Direction is asc or desc' }).default('asc'),
  page: z.preprocess(blankToUndefined, optionalIntegerField('Page', { min: 1, max: 1000 })).transform((page) => page ?? 1),
  e911: z
    .enum([E911_FILTER_VALUE], { message: `The E911 filter is e911=${E911_FILTER_VALUE} or absent` })
    .optional()
    .transform((value) => value === E911_FILTER_VALUE),
});
