import { z } from 'zod';
import { DECK_CSV_COLUMNS } from '@/lib/billing/deck-csv';
import { defineEndpoint, isoTime } from '../contract';

const decimal = (description: string, example: string) => z.string().meta({ description: `${description} A decimal string, never a JSON number.`, example });

export const rateSchema = z
  .object({
    prefix: z.string().meta({ description: 'E.164 digits without the `+`: the longest prefix of a called number prices the call.', example: '5255' }),
    destination: z.string().meta({ example: 'Mexico - Mexico City' }),
    kind: z.enum(['termination', 'origination']).meta({ description: '`termination`: your calls out, by the called number; `origination`: calls to your numbers, by your number.' }),
    rate: decimal('Per minute, up to six places.', '0.0160'),
    connectionFee: decimal('Per answered call.', '0.0000'),
    increment: z.object({ first: z.number().int(), next: z.number().int() }).meta({ description: 'Billing increments in seconds: the first block, then each next one (6/6, 60/60).' }),
    minimumDuration: z.number().int().meta({ description: 'Seconds: an answered call is billed at least this long.' }),
  })
  .meta({ id: 'Rate' });

export const didTierSchema = z
  .object({
    tier: z.string().meta({ example: 'A' }),
    label: z.string().meta({ example: 'Tier A' }),
    countries: z.array(z.string()).meta({ description: 'ISO 3166 alpha-2 codes of the numbers in this tier.', example: ['US', 'CA'] }),
    monthly: decimal('Per number per month.', '5.00'),
    oneTime: decimal('Per number, once.', '0.00'),
  })
  .meta({ id: 'DidTier' });

export const rateDeckSchema = z
  .object({
    deck: z.object({ name: z.string(), currency: z.string().meta({ description: 'ISO 4217: every amount of the deck is in it.', example: 'USD' }) }),
    version: z.object({ number: z.number().int(), effectiveFrom: isoTime.meta({ description: 'When this version started pricing calls (by their INVITE).' }) }),
    rates: z.array(rateSchema).meta({ description: 'Every rate of the version, termination then origination, by prefix.' }),
    didTiers: z.array(didTierSchema),
  })
  .meta({ id: 'RateDeck' });

export const getRates = defineEndpoint({
  method: 'GET',
  path: '/rates',
  operationId: 'getRates',
  tag: 'Billing',
  summary: 'The rate deck that prices your calls',
  description: [
    'The sell deck of the account (its own, inherited from an account above it, or the carrier’s default) in the version in force now, or in force at `at`, or version `version`. Decks change only by new versions, each with the time it takes effect; a call is priced by the version in force at its INVITE, by the longest prefix of the number.',
    `JSON by default: one document with every rate. With \`Accept: text/csv\` (or \`format=csv\`), the rates as a streamed CSV attachment with the columns \`${DECK_CSV_COLUMNS.join(',')}\` (increment as \`first/next\`), the format the carrier imports; DID tiers are in the JSON only.`,
    'The `ETag` names the version and format: send it back in `If-None-Match` to get `304 Not Modified` until a new version applies. `X-Rate-Deck-Version` gives the version number.',
    'Needs the `billing.read` permission (owner, admin, finance); technical and viewer keys get 403. No deck applies yet, no such version, or none in force at `at`: 404.',
  ].join('\n\n'),
  access: { permission: 'billing.read' },
  query: z.object({
    at: z.iso.datetime({ offset: true, message: 'at is an ISO 8601 time (2026-04-01T00:00:00Z)' }).optional().meta({ description: 'The version in force at this time (default: now).', example: '2026-04-01T00:00:00Z' }),
    version: z.coerce.number({ message: 'version is a version number' }).int('version is a whole number').min(1, 'version is 1 or more').max(1_000_000).optional().meta({ description: 'This version number of the deck, whenever it takes effect (an upcoming one too).' }),
    format: z.enum(['json', 'csv'], { message: 'format is json or csv' }).optional().meta({ description: '`csv` answers CSV as `Accept: text/csv` does (for a browser link).' }),
  }),
  answer: rateDeckSchema,
  alsoAnswers: ['text/csv'],
});
