import { z } from 'zod';
import { CDR_FILE_MAX_BYTES, CDR_FILE_PROFILE_LABELS } from '@/lib/billing/cdr-file';
import { defineEndpoint, isoTime } from '../contract';

const MB = CDR_FILE_MAX_BYTES / 1024 / 1024;
const money = (description: string) => z.string().meta({ description: `${description} A decimal string in the deck's currency, never a JSON number.`, example: '14241.66' });
const PROFILES = Object.keys(CDR_FILE_PROFILE_LABELS) as [keyof typeof CDR_FILE_PROFILE_LABELS, ...(keyof typeof CDR_FILE_PROFILE_LABELS)[]];
const column = (what: string) => z.string().optional().meta({ description: `The header of the ${what} column, when the file's names are not ones the quote recognizes. Case-insensitive.` });

export const quoteFormSchema = z
  .object({
    file: z.string().meta({ format: 'binary', contentMediaType: 'text/csv', description: `The CDR CSV, at most ${MB} MB (UTF-8; comma, semicolon, tab or pipe separated). Send it last.` }),
    to_column: column('called number'),
    duration_column: column('duration (seconds, or h:mm:ss)'),
    start_column: column('call start time'),
    answered_column: column('answered flag (ANSWERED, a SIP code, an answer time…)'),
    at: z.string().optional().meta({ format: 'date-time', description: 'Price on the deck version in force at this time (ISO 8601 with its offset). Default: now.' }),
  })
  .meta({ id: 'QuoteForm' });

const quoteLine = z.object({
  kind: z.enum(['termination', 'origination']).meta({ description: 'Outbound calls price on termination rates; calls a file marks inbound, on origination.' }),
  destination: z.string(),
  prefixes: z.array(z.string()).meta({ description: 'The deck prefixes the calls matched (longest match), the first 20 in order.' }),
  prefixCount: z.number().int(),
  rate: z.string().meta({ description: 'Per minute, six places.', example: '0.016000' }),
  connectionFee: z.string().meta({ description: 'Per answered call.' }),
  firstIncrement: z.number().int().meta({ description: 'Seconds billed first (60/60, 6/6, 1/1 billing).' }),
  nextIncrement: z.number().int(),
  minimumDuration: z.number().int().meta({ description: 'Seconds billed at least per answered call.' }),
  calls: z.number().int(),
  answeredCalls: z.number().int(),
  billedSeconds: z.number().int().meta({ description: 'After increments and minimums; unanswered calls bill nothing.' }),
  billedMinutes: z.string().meta({ description: 'billedSeconds / 60 to two places, for reading.' }),
  amount: money('billedSeconds × rate / 60 + answeredCalls × connectionFee, rounded half-up to the cent once for the line.'),
});

export const quoteSchema = z
  .object({
    account: z.object({ id: z.string().uuid(), name: z.string() }),
    deck: z.object({ id: z.string().uuid(), name: z.string(), version: z.number().int(), currency: z.string().meta({ example: 'USD' }), effectiveFrom: isoTime }).meta({ description: 'The sell deck of the account (its own, inherited from an account above it, or the default) and the version in force at `at`.' }),
    at: isoTime,
    format: z
      .object({
        profile: z.enum(PROFILES),
        label: z.string(),
        header: z.boolean(),
        columns: z.object({ to: z.string(), duration: z.string(), answered: z.string().nullable(), start: z.string().nullable() }),
      })
      .meta({ description: 'How the file was read: the switch export recognized and the columns used (`column 3` in a file without a header).' }),
    lines: z.array(quoteLine).meta({ description: 'One per destination and its terms, termination first, largest amount first.' }),
    total: money('The sum of the lines.'),
    unrated: z
      .object({
        calls: z.number().int(),
        reasons: z.object({ invalid_number: z.number().int().meta({ description: 'The called number is not a phone number (an extension, `s`).' }), no_rate: z.number().int().meta({ description: 'No prefix of the deck matches.' }) }),
        lines: z.array(z.number().int()).meta({ description: 'Lines of the first 20 unrated calls.' }),
      })
      .meta({ description: 'Calls read but not priced (not in the total).' }),
    rowsRead: z.number().int().meta({ description: 'Data rows read (the header is not one).' }),
    rowsSkippedCount: z.number().int(),
    rowsSkipped: z.array(z.object({ line: z.number().int(), reason: z.string() })).meta({ description: 'The first 100 rows that could not be read (a duration that is not a number…), each with its line; the rest of the file was read.' }),
    period: z.object({ from: isoTime, to: isoTime }).nullable().meta({ description: 'First and last call start, when the file has start times.' }),
  })
  .meta({ id: 'Quote' });

export const quoteCdrFile = defineEndpoint({
  method: 'POST',
  path: '/quote',
  operationId: 'quoteCdrFile',
  tag: 'Billing',
  summary: 'Price a CDR file on your rate deck',
  description: [
    `Upload a CDR export of your switch as \`multipart/form-data\` with the CSV in the field \`file\` (up to ${MB} MB, read as it streams): the answer prices each call on your sell deck and sums them per destination, as an invoice would. Nothing is stored.`,
    `Recognized without mapping: Asterisk Master.csv (no header: dst, billsec, disposition) and Asterisk cdr with a header (\`dst\`, \`billsec\`, \`disposition\`); FreeSWITCH mod_cdr_csv (\`destination_number\`, \`billsec\`, \`hangup_cause\` or \`answer_stamp\`; or its default template without a header); this portal's CDR export (GET /cdr as CSV); generic headers (\`to\`, \`destination\`, \`called\`, \`dnis\`; \`duration\`, \`billsec\`, \`seconds\`, \`duration_sec\`). Other names: send \`to_column\`, \`duration_column\` (and \`start_column\`, \`answered_column\`) with the header names, before the file.`,
    'Numbers are read as E.164, `011` or `00` international prefixes, or ten-digit North American numbers. A call is answered as its answered column says, else when its duration is above zero; unanswered calls bill nothing.',
    `Errors, field \`file\`: no file, an empty file, a file that is not CSV text (PDF, zip or xlsx, images, NUL bytes), a header without a called-number or duration column (the message lists the columns found) — 400; over ${MB} MB — 413 (the rest is not read). A row whose duration is not a number is skipped with its line, not the file. No rate deck for the account — 422.`,
  ].join('\n\n'),
  access: { permission: 'billing.read' },
  streamedBody: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: quoteFormSchema,
      },
    },
  },
  answer: quoteSchema,
  errors: [413, 415, 422],
});
