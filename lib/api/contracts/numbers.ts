import { z } from 'zod';
import { E911_STATUSES, LISTED_STATUSES, ROUTING_FILTERS, numberDigits, type NumberInventoryFilter } from '@/lib/validations/number-inventory';
import { MAX_SEARCH_QUANTITY, SORTABLE_SEARCH_COLUMNS, E911_FILTER_VALUE, TOLL_FREE_PREFIXES } from '@/lib/validations/numbers';
import { defineEndpoint, e164, isoTime, pageOf, pageQuery } from '../contract';
import { orderProgressSchema } from './orders';

/** The largest purchase one request makes (a cart's limit). */
export const MAX_NUMBERS_PER_PURCHASE = 100;

const numberPath = z.object({
  e164: z.string().max(40).meta({ description: 'The number in E.164, URL-encoded (`%2B14155550123`); `+1…` and national forms are accepted too.', example: '%2B14155550123' }),
});

const areaCode = z.string().regex(/^[2-9]\d{2}$/, 'An area code is three digits, not starting with 0 or 1');

/** My numbers' filters, as query parameters (the same names as the page's URL). */
export const numberFilterQuery = {
  q: z
    .string()
    .max(24)
    .regex(/^[\d\s+().-]*\d[\d\s+().-]*$/, 'Use digits only (spaces, +, -, ( ) are ignored)')
    .refine((value) => numberDigits(value).length <= 11, 'A number has at most 11 digits')
    .optional().meta({ description: 'Digits the number contains (or starts with, with `match=prefix`).' }),
  match: z.enum(['contains', 'prefix']).optional().meta({ description: 'How `q` matches; default `contains`.' }),
  state: z.string().regex(/^[A-Za-z]{2}$/, 'Use a two-letter state or province code, like IL or ON').optional(),
  npa: areaCode.optional().meta({ description: 'Area code.' }),
  trunk: z.string().max(64).optional().meta({ description: 'A trunk group id, or `none` for numbers on no trunk group.' }),
  e911: z.enum(E911_STATUSES, { message: `One of ${E911_STATUSES.join(', ')}` }).optional(),
  routing: z.enum(ROUTING_FILTERS, { message: `One of ${ROUTING_FILTERS.join(', ')}` }).optional().meta({ description: 'Where calls really go: routed as configured, not routed as configured, or the carrier default (no trunk group).' }),
  status: z.enum(LISTED_STATUSES, { message: `One of ${LISTED_STATUSES.join(', ')}` }).optional(),
  released: z.enum(['true', 'false', '1', '0']).optional().meta({ description: 'Include released numbers (hidden by default).' }),
  account: z.string().uuid('An account id of the subtree').optional().meta({ description: 'One account of the subtree (admins and owners see the subtree).' }),
  connection: z.string().uuid('A connection id').optional().meta({ description: 'Operator staff only (ignored for everyone else): one upstream connection.' }),
};

type NumberFilterQuery = { [K in keyof typeof numberFilterQuery]?: z.output<(typeof numberFilterQuery)[K]> };

/** The query's filters as My numbers applies them. */
export function inventoryFilterOf(query: NumberFilterQuery): Partial<NumberInventoryFilter> {
  return {
    q: query.q ? numberDigits(query.q) : undefined,
    match: query.match ?? 'contains',
    state: query.state?.toUpperCase(),
    npa: query.npa,
    trunk: query.trunk,
    e911: query.e911,
    routing: query.routing,
    status: query.status,
    released: query.released === 'true' || query.released === '1',
    account: query.account,
    connection: query.connection,
  };
}

const routingState = z.enum(['routed', 'not_routed', 'carrier_default']);
const e911Status = z.enum(E911_STATUSES);

export const numberSchema = z
  .object({
    id: z.string().uuid(),
    e164,
    accountId: z.string().uuid(),
    kind: z.enum(['local', 'tollfree']),
    state: z.string().nullable(),
    npa: z.string(),
    rateCenter: z.string().nullable(),
    status: z.enum(['active', 'missing_upstream', 'released']),
    trunkGroup: z.object({ id: z.string(), name: z.string().nullable() }).nullable().meta({ description: 'The trunk group calls are meant to go to; null: the carrier’s default route.' }),
    e911: z
      .object({ status: e911Status, addressId: z.string().uuid().nullable(), detail: z.string().nullable() })
      .nullable()
      .meta({ description: 'Emergency registration; null when the number has no address.' }),
    routing: z
      .object({ state: routingState, reason: z.string().nullable() })
      .nullable()
      .meta({ description: 'Where calls really go, as My numbers shows it; null for released numbers.' }),
    activatedAt: isoTime,
    releasedAt: isoTime.nullable(),
    billedUntil: isoTime.nullable(),
    monthly: z.string().optional().meta({ description: 'Monthly price (decimal); only for keys and users that read billing.' }),
  })
  .meta({ id: 'Number' });

export const listNumbers = defineEndpoint({
  method: 'GET',
  path: '/numbers',
  operationId: 'listNumbers',
  tag: 'Numbers',
  summary: 'The account’s numbers, with My numbers’ filters',
  description: 'In number order. Admin and owner keys see the sub-accounts’ numbers too. Pass `nextCursor` as `cursor` for the next page.',
  access: { permission: 'technical.read' },
  query: z.object({ ...numberFilterQuery, ...pageQuery }),
  answer: pageOf(numberSchema),
});

export const exportNumbers = defineEndpoint({
  method: 'GET',
  path: '/numbers/export',
  operationId: 'exportNumbers',
  tag: 'Numbers',
  summary: 'The numbers as CSV, with the same filters',
  description: 'Answers `text/csv` (an attachment), streamed. A failure after rows have started ends the file with an “incomplete” line.',
  access: { permission: 'technical.read' },
  query: z.object(numberFilterQuery),
  answer: z.string().meta({ description: 'CSV (RFC 4180) with a header row.' }),
  alsoAnswers: ['text/csv'],
});

export const getNumber = defineEndpoint({
  method: 'GET',
  path: '/numbers/{e164}',
  operationId: 'getNumber',
  tag: 'Numbers',
  summary: 'One number',
  description: 'The live number, or the last released one with that number if none is live.',
  access: { permission: 'technical.read' },
  params: numberPath,
  answer: numberSchema,
});

const upstreamOutcome = z.object({ label: z.string().meta({ description: '“Carrier 1”…' }), ok: z.boolean(), detail: z.string() });

export const updateNumberAnswer = z
  .object({
    number: numberSchema,
    outcome: z.object({
      complete: z.boolean().meta({ description: 'False when a carrier did not take part of the change: see `trunkGroup` and `e911`.' }),
      trunkGroup: z
        .object({ changed: z.boolean(), sync: z.enum(['not_needed', 'pending', 'applied', 'partially_applied', 'failed']).nullable().meta({ description: 'The trunk group’s state on the carriers after the change; null when the number left its group.' }), upstreams: z.array(upstreamOutcome) })
        .optional(),
      e911: z.object({ status: e911Status, detail: z.string().nullable() }).optional(),
    }),
  })
  .meta({ id: 'NumberUpdate' });

export const updateNumber = defineEndpoint({
  method: 'PATCH',
  path: '/numbers/{e164}',
  operationId: 'updateNumber',
  tag: 'Numbers',
  summary: 'Route a number to a trunk group, or set its emergency address',
  description:
    '`trunkGroupId: null` puts it back on the carrier’s default route (503 `unavailable:number_routing`, nothing changed, when the carrier does not confirm it); `e911AddressId: null` removes its emergency registration. Every id is checked before anything changes. Carriers are asked at once: read `outcome`, a partial outcome is not a success. A trunk group refused after the emergency address changed (an account that requires a registered address, say) answers the refusal, whose message says what was done to the emergency address.',
  access: { permission: 'technical.write' },
  params: numberPath,
  body: z
    .object({
      trunkGroupId: z.string().uuid('A trunk group id').nullable().optional(),
      e911AddressId: z.string().uuid('An emergency address id').nullable().optional(),
    })
    .refine((body) => body.trunkGroupId !== undefined || body.e911AddressId !== undefined, { message: 'Send trunkGroupId, e911AddressId or both', path: ['trunkGroupId'] }),
  answer: updateNumberAnswer,
  errors: [503],
});

export const releaseNumberAnswer = z
  .object({
    id: z.string().uuid(),
    e164,
    status: z.literal('released'),
    alreadyReleased: z.boolean(),
    billedUntil: isoTime.meta({ description: 'A released number is billed to the end of the month.' }),
    upstreamReleased: z.boolean().meta({ description: 'Whether the carrier was asked to release it (some cannot through their API; staff finish those).' }),
  })
  .meta({ id: 'NumberRelease' });

export const deleteNumber = defineEndpoint({
  method: 'DELETE',
  path: '/numbers/{e164}',
  operationId: 'releaseNumber',
  tag: 'Numbers',
  summary: 'Release a number',
  description: 'Recorded first, then the carrier is asked; if the carrier refuses, the number stays yours and the error says why (unless another account has taken the number meanwhile: then the release stands and staff settle it with the carrier).',
  access: { permission: 'technical.write' },
  params: numberPath,
  answer: releaseNumberAnswer,
  errors: [502, 503],
});

export const purchaseNumbersBody = z
  .object({
    npa: areaCode.optional().meta({ description: 'Buy `count` numbers in this area code (or toll-free prefix, such as 888), from any carrier.' }),
    count: z.number().int().min(1, 'Buy at least 1 number').max(MAX_NUMBERS_PER_PURCHASE, `Buy at most ${MAX_NUMBERS_PER_PURCHASE} numbers at a time`).optional(),
    numbers: z
      .array(z.string().max(40))
      .min(1, 'Name at least one number')
      .max(MAX_NUMBERS_PER_PURCHASE, `Buy at most ${MAX_NUMBERS_PER_PURCHASE} numbers at a time`)
      .optional()
      .meta({ description: 'These exact numbers (E.164); each must be available now.' }),
    trunkGroupId: z.string().uuid('A trunk group id of this account').optional().meta({ description: 'Route the new numbers to this trunk group.' }),
    e911AddressId: z.string().uuid('An emergency address id of this account').optional().meta({ description: 'Register this emergency address on the new numbers.' }),
    acknowledgeNoE911: z.boolean().optional().meta({ description: 'Buy numbers whose carrier cannot register an emergency address, too (refused otherwise).' }),
  })
  .superRefine((body, context) => {
    if (body.numbers && (body.npa !== undefined || body.count !== undefined)) context.addIssue({ code: 'custom', path: ['numbers'], message: 'Send either npa and count, or numbers' });
    else if (!body.numbers) {
      if (body.npa === undefined) context.addIssue({ code: 'custom', path: ['npa'], message: 'Send npa and count, or numbers' });
      if (body.count === undefined) context.addIssue({ code: 'custom', path: ['count'], message: 'Send npa and count, or numbers' });
    }
  });

export const purchaseNumbers = defineEndpoint({
  method: 'POST',
  path: '/numbers',
  operationId: 'purchaseNumbers',
  tag: 'Numbers',
  summary: 'Buy numbers: a count in an area code, or specific ones',
  description:
    'Searches every carrier, buys, and answers the order at once (202); poll `GET /orders/{orderId}` until `settled`. Not enough numbers, or a named number not available: 409 and nothing bought. Send an `Idempotency-Key`: a retry with it is the same order.',
  access: { permission: 'technical.write' },
  body: purchaseNumbersBody,
  answer: orderProgressSchema,
  status: 202,
  errors: [502, 503],
});

export const numberSearchQuery = z.object({
  kind: z.enum(['local', 'tollfree']).optional().meta({ description: 'Default `local`.' }),
  state: z.string().max(2).optional().meta({ description: 'Two-letter state or province.' }),
  npa: z.string().max(3).optional().meta({ description: 'Area code.' }),
  nxx: z.string().max(3).optional().meta({ description: 'Exchange (with `npa`).' }),
  rateCenter: z.string().max(40).optional(),
  tollFreePrefix: z.enum(TOLL_FREE_PREFIXES).optional(),
  pattern: z.string().max(20).optional().meta({ description: 'Digits, keypad letters and `*` wildcards.' }),
  quantity: z.string().max(3).optional().meta({ description: `Numbers per carrier, 1–${MAX_SEARCH_QUANTITY} (default 10).` }),
  consecutive: z.enum(['true', 'false']).optional().meta({ description: 'Blocks of `quantity` consecutive numbers.' }),
});

const carrierStatus = z.object({
  label: z.string().meta({ description: '“Carrier 1”…: carriers are numbered, not named.' }),
  status: z.enum(['pending', 'ok', 'failed']),
  count: z.number().int(),
  reason: z.string().nullable(),
});

const searchResult = z.object({
  e164,
  kind: z.enum(['local', 'tollfree']),
  state: z.string().nullable(),
  rateCenter: z.string().nullable(),
  features: z.array(z.string()),
  monthly: z.string().meta({ description: 'Decimal, per number.' }),
  setup: z.string(),
  e911: z.boolean().meta({ description: 'Its carrier can register an emergency address.' }),
  block: z.string().nullable(),
  upstream: z.string().optional(),
  margin: z.string().nullable().optional(),
});

export const numberSearchSchema = z
  .object({
    id: z.string().uuid().meta({ description: 'The search id: `GET /number-searches/{searchId}` pages it and reports carriers still answering.' }),
    createdAt: isoTime,
    expiresAt: isoTime,
    settled: z.boolean().meta({ description: 'Every carrier has answered or failed.' }),
    carriers: z.array(carrierStatus),
    sort: z.enum(SORTABLE_SEARCH_COLUMNS),
    dir: z.enum(['asc', 'desc']),
    page: z.number().int(),
    pageSize: z.number().int(),
    pages: z.number().int(),
    total: z.number().int(),
    blockSize: z.number().int().nullable(),
    e911Only: z.boolean(),
    hiddenWithoutE911: z.number().int(),
    results: z.array(searchResult),
    blocks: z.array(
      z.object({
        id: z.string(),
        first: e164,
        last: e164,
        count: z.number().int(),
        numbers: z.array(e164),
        kind: z.enum(['local', 'tollfree']),
        state: z.string().nullable(),
        rateCenter: z.string().nullable(),
        features: z.array(z.string()),
        monthly: z.string().nullable(),
        setup: z.string().nullable(),
        monthlyTotal: z.string(),
        setupTotal: z.string(),
        e911: z.boolean(),
        upstream: z.string().optional(),
        margin: z.string().nullable().optional(),
      }),
    ),
    generatedAt: isoTime,
  })
  .meta({ id: 'NumberSearch' });

export const searchNumbers = defineEndpoint({
  method: 'GET',
  path: '/numbers/search',
  operationId: 'searchNumbers',
  tag: 'Numbers',
  summary: 'Search every carrier for available numbers',
  description: 'Waits a few seconds for the carriers; those still answering are `pending` (poll `GET /number-searches/{searchId}`). Results are kept for 10 minutes.',
  access: { permission: 'technical.read' },
  query: numberSearchQuery,
  answer: numberSearchSchema,
});

export const getNumberSearch = defineEndpoint({
  method: 'GET',
  path: '/number-searches/{searchId}',
  operationId: 'getNumberSearch',
  tag: 'Numbers',
  summary: 'One page of a kept search, and where each carrier stands',
  access: { permission: 'technical.read' },
  params: z.object({ searchId: z.string().uuid() }),
  query: z.object({
    sort: z.enum(SORTABLE_SEARCH_COLUMNS, { message: `Sort by one of ${SORTABLE_SEARCH_COLUMNS.join(', ')}` }).optional(),
    dir: z.enum(['asc', 'desc'], { message: 'Direction is asc or desc' }).optional(),
    page: z.string().regex(/^\d{1,4}$/, 'Page is a whole number from 1 to 1000').optional(),
    e911: z.enum([E911_FILTER_VALUE], { message: `The E911 filter is e911=${E911_FILTER_VALUE} or absent` }).optional(),
  }),
  answer: numberSearchSchema,
});
