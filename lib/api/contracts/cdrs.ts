import { z } from 'zod';
import { CDR_PUSH_DEFAULT_SOURCE, CDR_PUSH_MAX_BYTES, CDR_PUSH_MAX_LINE_CHARS, CDR_PUSH_MAX_ROWS, CDR_PUSH_REJECTED_LIST_MAX } from '@/lib/validations/cdr-push';
import { defineEndpoint } from '../contract';

const time = (description: string) => z.string().meta({ format: 'date-time', description: `${description} ISO 8601 with its offset, milliseconds kept.` });

/** One pushed call: an NDJSON line's object, or a CSV row under a header of the same names. */
export const pushedCdrSchema = z
  .object({
    source_id: z.string().meta({ description: 'The call’s id in your switch, unique with `source` (an integer is read as its digits). Re-sending it is a duplicate, not a second call.' }),
    source: z.string().optional().meta({ description: `Your switch’s name (1–40 of a–z 0–9 . _ -), default \`${CDR_PUSH_DEFAULT_SOURCE}\`; carrier names (voicetel, vitcom, carrierx, voicemeup) are reserved for the portal’s own pulls.` }),
    account_id: z.string().uuid().optional().meta({ description: 'The account the call belongs to: the key’s account or one of its sub-accounts. Default: the account holding the DID (the called number inbound, the calling number outbound), or the trunk group’s account.' }),
    direction: z.enum(['inbound', 'outbound']),
    from: z.string().meta({ description: 'Calling number, E.164.', example: '+14155550123' }),
    to: z.string().meta({ description: 'Called number, E.164.', example: '+442079460000' }),
    invite_at: time('When the INVITE was sent.'),
    ringing_at: time('First 18x (PDD ends here); omit when unknown.').optional(),
    answer_at: time('200 OK; required with a 2xx sip_code, refused with any other.').optional(),
    end_at: time('BYE or final failure.').optional(),
    sip_code: z.number().int().meta({ description: 'SIP final code, 100–699.' }),
    q850_cause: z.number().int().optional().meta({ description: 'Q.850 cause, 0–127.' }),
    billsec: z.number().int().optional().meta({ description: 'Billed seconds; default end_at − answer_at, rounded down.' }),
    mos: z.number().optional().meta({ description: 'Mean opinion score, 1–5.' }),
    upstream_cost: z.string().optional().meta({ description: 'What the call cost upstream, a decimal string (at most 6 places), never a JSON number.', example: '0.0042' }),
    trunk_group_id: z.string().uuid().optional().meta({ description: 'A trunk group of the call’s account; default the DID’s trunk group.' }),
    connection_id: z.string().uuid().optional().meta({ description: 'The upstream connection the call went over. A connection whose calls the portal pulls from the carrier is refused (the call would count twice): push only calls the portal does not read itself.' }),
  })
  .meta({ id: 'PushedCdr', description: 'One call: a line of an NDJSON push, or a CSV row under a header of these names.' });

export const cdrPushResultSchema = z
  .object({
    accepted: z.number().int().meta({ description: 'Calls stored by this request (and counted in the usage charts).' }),
    duplicates: z.number().int().meta({ description: 'Calls already stored (same account, source, source_id and invite_at): not counted twice.' }),
    rejectedCount: z.number().int().meta({ description: 'Rows refused, all of them.' }),
    rejected: z
      .array(z.object({ line: z.number().int().meta({ description: 'Line of the body, from 1 (a CSV header is line 1).' }), reason: z.string() }))
      .meta({ description: `The first ${CDR_PUSH_REJECTED_LIST_MAX} refused rows by line, each with why.` }),
    notReadFromLine: z
      .number()
      .int()
      .nullable()
      .meta({
        description: `The line of the first row past ${CDR_PUSH_MAX_ROWS.toLocaleString('en-US')}, or the line the ${CDR_PUSH_MAX_BYTES / 1024 / 1024} MB limit falls in: it and everything after it were not read (send them again in another request). Null when the whole body was read.`,
      }),
  })
  .meta({ id: 'CdrPushResult' });

export const pushCdrs = defineEndpoint({
  method: 'POST',
  path: '/cdrs',
  operationId: 'pushCdrs',
  tag: 'Usage',
  summary: 'Push call detail records from your switch',
  description: [
    `Only API keys with the \`cdr:write\` scope, which the carrier's operator staff issue, may push (a session or any other key: 403 \`forbidden:scope\`).`,
    `Send \`Content-Type: application/x-ndjson\` (one JSON object per line) or \`text/csv\` (a header row of the same field names, then one call per line; RFC 4180 quoting, a quoted field does not span lines, empty means absent), in UTF-8. Anything else: 415.`,
    `Up to ${CDR_PUSH_MAX_ROWS.toLocaleString('en-US')} rows and ${CDR_PUSH_MAX_BYTES / 1024 / 1024} MB (blank lines included) a request, read as they arrive and stored in batches as they are read, so a large body never waits in memory. The row after the row limit, or the line the byte limit falls in, and the rest of the body are not read: the answer says so in \`notReadFromLine\` and lists that line as rejected; send the rest in another request.`,
    `A bad row (not JSON, an unknown field, a missing or mistyped field, an invalid number or time, a call in the future or older than the months calls are kept, a line over ${CDR_PUSH_MAX_LINE_CHARS.toLocaleString('en-US')} characters, an account outside the key's subtree) is rejected alone with its line number; the others are stored. A CSV header with an unknown, repeated or missing required column, or a body with no rows, is a 400 and stores nothing.`,
    'Idempotent by (account, source, source_id, invite_at): re-pushing a body counts its calls as duplicates, so a push cut off part-way is simply sent again (`Idempotency-Key` is not used here).',
  ].join('\n\n'),
  access: { permission: 'usage.read' },
  scope: 'cdr:write',
  streamedBody: {
    required: true,
    content: {
      'application/x-ndjson': {
        // One line's object: OpenAPI 3.1 has no item schema for a stream of JSON documents.
        schema: pushedCdrSchema,
        example:
          '{"source_id":"a1f3-0001","direction":"outbound","from":"+12145550100","to":"+442079460000","invite_at":"2026-04-01T12:00:00.000Z","ringing_at":"2026-04-01T12:00:01.250Z","answer_at":"2026-04-01T12:00:04.000Z","end_at":"2026-04-01T12:02:04.000Z","sip_code":200,"upstream_cost":"0.0120"}\n{"source_id":"a1f3-0002","direction":"outbound","from":"+12145550100","to":"+442079460001","invite_at":"2026-04-01T12:00:05.000Z","sip_code":486,"q850_cause":17}\n',
      },
      'text/csv': {
        schema: z.string().meta({ description: 'A header row of `PushedCdr` field names, then one call per line.' }),
        example:
          'source_id,direction,from,to,invite_at,answer_at,end_at,sip_code,upstream_cost\na1f3-0001,outbound,+12145550100,+442079460000,2026-04-01T12:00:00.000Z,2026-04-01T12:00:04.000Z,2026-04-01T12:02:04.000Z,200,0.0120\n',
      },
    },
  },
  answer: cdrPushResultSchema,
  errors: [415],
});
