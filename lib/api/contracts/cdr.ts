import { z } from 'zod';
import { defineEndpoint, e164, isoTime, limitParam, pageOf } from '../contract';

const timeParam = z.string().max(40);

/** The search's parameters: the same names as the Calls page's URL. */
export const cdrSearchQuery = {
  from: timeParam.optional().meta({ description: 'Start: a date `2026-04-01` (00:00 UTC) or an ISO time. Default: 24 hours before `to`, or the last 24 hours.', example: '2026-04-01' }),
  to: timeParam.optional().meta({ description: 'End: a date is inclusive (`2026-04-17` reads to the end of that day, UTC); an ISO time is exclusive. At most 93 days after `from`.', example: '2026-04-17' }),
  number: z.string().max(40).optional().meta({ description: 'A phone number, the calling or the called one (E.164; a US number may omit +1).' }),
  direction: z.enum(['inbound', 'outbound']).optional(),
  sipCode: z.string().max(3).optional().meta({ description: 'The SIP final code, e.g. `486`.' }),
  trunkGroup: z.string().max(40).optional().meta({ description: 'A trunk group id.' }),
  destination: z.string().max(2).optional().meta({ description: 'Country of the called number (ISO 3166 alpha-2).' }),
  upstream: z.string().max(40).optional().meta({ description: 'An upstream connection id.' }),
};

export const cdrSchema = z
  .object({
    id: z.string().meta({ description: 'The portal’s id of the call.' }),
    accountId: z.string().uuid(),
    inviteAt: isoTime,
    direction: z.enum(['inbound', 'outbound']),
    from: e164,
    to: e164,
    destination: z.string().meta({ description: 'ISO country of the called number (`ZZ` when it has none).' }),
    trunkGroup: z.object({ id: z.string().uuid(), name: z.string().nullable() }).nullable(),
    carrier: z.string().nullable().meta({ description: 'The upstream that carried it (“Carrier 1”…); null when not known.' }),
    sipCode: z.number().int(),
    q850Cause: z.number().int().nullable(),
    pddMs: z.number().int().nullable().meta({ description: 'Post-dial delay, INVITE → first 18x, in ms; null when the source gave no ringing time.' }),
    answerAt: isoTime.nullable(),
    endAt: isoTime.nullable(),
    billsec: z.number().int(),
    mos: z.number().nullable(),
  })
  .meta({ id: 'Cdr' });

export const listCdrs = defineEndpoint({
  method: 'GET',
  path: '/cdr',
  operationId: 'listCdrs',
  tag: 'Usage',
  summary: 'Call detail records, newest first',
  description:
    'The calls of the account and its sub-accounts between `from` and `to` (at most 93 days), filtered. JSON pages of `limit` with `nextCursor`; or, with `Accept: text/csv` (or `format=csv`), the whole result as a streamed CSV attachment (formula-safe cells), any number of rows.',
  access: { permission: 'usage.read' },
  query: z.object({
    ...cdrSearchQuery,
    cursor: z.string().max(500).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
    limit: limitParam({ max: 1000, fallback: 100, description: 'Calls per page, 1–1000 (default 100).' }),
    format: z.enum(['json', 'csv']).optional().meta({ description: '`csv` answers CSV as `Accept: text/csv` does (for a browser link).' }),
  }),
  answer: pageOf(cdrSchema),
  alsoAnswers: ['text/csv'],
});
