import { z } from 'zod';
import { READINESS_RULE_IDS } from '@/lib/ports/readiness-rules';
import { MAX_PORT_DOCUMENT_BYTES, MAX_PORT_NUMBERS, PORT_DOCUMENT_KINDS, PORT_EXCEPTION_CODES, PORT_NUMBER_STATUSES, PORT_STATUSES, PORT_WIZARD_STEPS } from '@/lib/ports/types';
import { safeText } from '@/lib/validations/common';
import { defineEndpoint, e164, isoTime, pageOf, pageQuery } from '../contract';

const TAG = 'Port-ins';
const MB = MAX_PORT_DOCUMENT_BYTES / 1024 / 1024;
const portPath = z.object({ portId: z.string().uuid() });
const documentPath = z.object({ portId: z.string().uuid(), documentId: z.string().uuid() });
const date = (description: string) => z.string().meta({ format: 'date', description, example: '2027-01-12' });

const WHO =
  'Reading needs `technical.read` (owner, admin, technical, viewer); changing needs `technical.write` (owner, admin, technical): finance keys get 403, viewer keys 403 on writes. Another account’s port is 404, as one that does not exist.';

const exceptionSchema = z
  .object({
    code: z.enum(PORT_EXCEPTION_CODES).meta({ description: 'Why the losing carrier (or ours) refused the port.' }),
    label: z.string(),
    fix: z.string().meta({ description: 'What to change before resubmitting.' }),
    message: z.string().nullable().meta({ description: 'The carrier’s or our porting team’s own words.' }),
  })
  .meta({ id: 'PortException' });

export const portSummarySchema = z
  .object({
    id: z.string().uuid(),
    reference: z.string().meta({ description: '`PRT-` and six characters: quote it to our porting team.', example: 'PRT-7KQ2MX' }),
    label: z.string().nullable(),
    status: z.enum(PORT_STATUSES).meta({
      description:
        '`draft` → `submitted` → `pending` → `foc_scheduled` → `completed`; `exception` (see `exceptionCode`) until corrected and resubmitted; `partially_completed` when some numbers are live and others are not; `cancelled`. Only our porting team or the carrier moves a port past `submitted`.',
    }),
    statusLabel: z.string(),
    step: z.enum(PORT_WIZARD_STEPS).meta({ description: 'The furthest wizard step the draft reached.' }),
    numberCount: z.number().int(),
    losingCarrier: z.string().nullable(),
    subscriberName: z.string().nullable(),
    requestedFocDate: date('The date asked for (YYYY-MM-DD).').nullable(),
    focDate: date('The firm order commitment date the losing carrier confirmed.').nullable(),
    exceptionCode: z.enum(PORT_EXCEPTION_CODES).nullable(),
    account: z.object({ id: z.string().uuid(), name: z.string() }),
    submittedAt: isoTime.nullable(),
    updatedAt: isoTime,
  })
  .meta({ id: 'PortSummary' });

const portNumberSchema = z
  .object({
    e164,
    kind: z.enum(['local', 'toll_free']),
    status: z.enum(PORT_NUMBER_STATUSES).meta({ description: 'This number’s own state; the order’s is rolled up from them.' }),
    portable: z.boolean().nullable().meta({ description: 'null until the portability check ran.' }),
    portabilityReason: z.string().nullable(),
    losingCarrier: z.string().nullable(),
    rateCenter: z.string().nullable(),
    alreadyOwned: z.boolean().meta({ description: 'Already live on the portal (a draft only).' }),
    inOtherPort: z.string().nullable().meta({ description: 'The reference of another live port of yours holding it, or “another port”.' }),
    exception: z.object({ code: z.enum(PORT_EXCEPTION_CODES), label: z.string(), message: z.string().nullable() }).nullable(),
    completedAt: isoTime.nullable(),
  })
  .meta({ id: 'PortNumber' });

const portDocumentSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(PORT_DOCUMENT_KINDS).meta({ description: '`loa` and `bill` are uploads; `signed_loa` was generated and signed in the portal.' }),
    filename: z.string(),
    contentType: z.string().meta({ example: 'application/pdf' }),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    signedName: z.string().nullable(),
    signedAt: isoTime.nullable(),
    createdAt: isoTime,
  })
  .meta({ id: 'PortDocument' });

const portEventSchema = z
  .object({
    id: z.string(),
    kind: z.string().meta({ description: '`created`, `numbers`, `status`, `comment`, `document`…' }),
    fromStatus: z.enum(PORT_STATUSES).nullable(),
    toStatus: z.enum(PORT_STATUSES).nullable(),
    actor: z.string().meta({ description: 'The person or API key, “Our porting team”, or “Carrier update”.' }),
    body: z.string().nullable(),
    createdAt: isoTime,
  })
  .meta({ id: 'PortEvent' });

export const portDetailSchema = portSummarySchema
  .extend({
    version: z.number().int(),
    winningCarrier: z.object({ connectionId: z.string().uuid(), label: z.string() }).nullable().meta({ description: 'The upstream that will win the numbers (“Carrier 1”…).' }),
    candidates: z
      .array(z.object({ connectionId: z.string().uuid(), label: z.string(), portable: z.number().int(), checked: z.number().int() }))
      .meta({ description: 'Every upstream that checked the numbers, the one that can take the most first; PATCH `connectionId` picks another.' }),
    subscriberType: z.enum(['business', 'residential']).nullable(),
    authorizedPerson: z.string().nullable(),
    accountNumber: z.string().nullable(),
    pinProvided: z.boolean().meta({ description: 'A PIN or passcode is saved. It is never answered.' }),
    wireless: z.boolean(),
    billingTelephoneNumber: e164.nullable(),
    serviceAddress: z.object({ street: z.string(), unit: z.string().optional(), city: z.string(), state: z.string(), postalCode: z.string(), country: z.enum(['US', 'CA']) }).nullable(),
    partialPort: z.boolean(),
    remainingNumbers: z.array(z.string()).meta({ description: 'A partial port’s numbers that stay with the losing carrier (the BTN among them).' }),
    trunkGroupId: z.string().uuid().nullable().meta({ description: 'Where the numbers route once ported.' }),
    exception: exceptionSchema.nullable(),
    numbers: z.array(portNumberSchema),
    byLosingCarrier: z.array(z.object({ losingCarrier: z.string(), numbers: z.array(z.string()) })),
    documents: z.array(portDocumentSchema).meta({ description: 'The current document of each kind: download with GET /ports/{portId}/documents/{documentId}.' }),
    events: z.array(portEventSchema).meta({ description: 'The timeline, oldest first (public entries only).' }),
    canEdit: z.boolean(),
    canSubmit: z.boolean(),
    canCancel: z.boolean(),
    createdAt: isoTime,
    completedAt: isoTime.nullable(),
    cancelledAt: isoTime.nullable(),
  })
  .meta({ id: 'Port' });

const numbersField = z
  .union([z.array(z.string({ message: 'each number is a string' }).max(40)).max(MAX_PORT_NUMBERS * 2), z.string().max(200_000)], { message: 'numbers is a list of phone numbers (or one text of them, a line each)' })
  .meta({ description: `The numbers to port, at most ${MAX_PORT_NUMBERS.toLocaleString('en-US')}: E.164 or ten-digit North American numbers, as a list or as pasted text (one a line, or a CSV whose first column holds them). Normalised and de-duplicated; replaces the draft’s list.`, example: ['+12145550100', '(214) 555-0101'] });

export const portCreateBody = z
  .object({
    label: safeText('label', { message: 'label is text' }).max(80, 'label is at most 80 characters').optional().meta({ description: 'Your own name for the port.', example: 'Head office lines' }),
    numbers: numbersField.optional(),
  })
  .strict()
  .meta({ id: 'PortCreate' });

export const portPatchBody = z
  .object({
    numbers: numbersField.optional(),
    connectionId: z.string().uuid('connectionId is the id of one of `candidates`').optional().meta({ description: 'The upstream that wins the numbers, among `candidates`.' }),
    subscriberType: z.enum(['business', 'residential'], { message: 'subscriberType is business or residential' }).optional(),
    subscriberName: z.string({ message: 'subscriberName is text' }).max(200).optional().meta({ description: 'Exactly as on the losing carrier’s bill.' }),
    authorizedPerson: z.string({ message: 'authorizedPerson is text' }).max(200).optional(),
    losingCarrier: z.string({ message: 'losingCarrier is text' }).max(200).nullable().optional(),
    accountNumber: z.string({ message: 'accountNumber is text' }).max(80).optional(),
    pin: z.string({ message: 'pin is text' }).max(40).nullable().optional().meta({ description: 'The port-out PIN or passcode; null removes the saved one. Never answered back.' }),
    wireless: z.boolean({ message: 'wireless is true or false' }).optional(),
    billingTelephoneNumber: z.string({ message: 'billingTelephoneNumber is a phone number' }).max(40).nullable().optional(),
    partialPort: z.boolean({ message: 'partialPort is true or false' }).optional(),
    remainingNumbers: z.array(z.string({ message: 'each number is a string' }).max(40)).max(MAX_PORT_NUMBERS).optional().meta({ description: 'A partial port: the numbers that stay with the losing carrier.' }),
    serviceAddress: z
      .object({
        street: z.string({ message: 'street is text' }).max(200),
        unit: z.string({ message: 'unit is text' }).max(60).optional(),
        city: z.string({ message: 'city is text' }).max(100),
        state: z.string({ message: 'state is a two-letter code' }).max(40),
        postalCode: z.string({ message: 'postalCode is text' }).max(20),
      })
      .strict()
      .optional()
      .meta({ description: 'As the losing carrier has it; normalised like an E911 address.' }),
    requestedFocDate: z.string({ message: 'requestedFocDate is a date' }).max(20).optional().meta({ format: 'date', description: 'At least the losing carrier’s minimum of business days ahead; no weekends or US federal holidays.' }),
    trunkGroupId: z.string().uuid('trunkGroupId is the id of one of your trunk groups').nullable().optional(),
  })
  .strict()
  .meta({ id: 'PortPatch' });

export const portabilitySchema = z
  .object({
    checked: z.number().int(),
    portable: z.number().int().meta({ description: 'Numbers the winning carrier can take.' }),
    unavailable: z.array(z.object({ carrier: z.string(), message: z.string() })).meta({ description: 'Carriers that could not answer now; the others’ answers still count.' }),
    port: portDetailSchema,
  })
  .meta({ id: 'PortPortability' });

export const readinessSchema = z
  .object({
    score: z.number().int().meta({ description: '0–100: the weighted share of rules that pass.' }),
    ready: z.boolean().meta({ description: 'No blocker fails: the port may be submitted.' }),
    findings: z.array(
      z.object({
        rule: z.enum(READINESS_RULE_IDS),
        ok: z.boolean(),
        severity: z.enum(['blocker', 'warning']),
        title: z.string(),
        fix: z.string().nullable().meta({ description: 'What to change; null when the rule passes.' }),
        step: z.enum(PORT_WIZARD_STEPS),
        numbers: z.array(z.string()).optional(),
      }),
    ),
  })
  .meta({ id: 'PortReadiness' });

export const portSubmitSchema = z.object({ message: z.string(), port: portDetailSchema }).meta({ id: 'PortSubmitted' });

export const portCommentBody = z
  .object({ body: safeText('body', { multiline: true, message: 'body is the comment’s text' }).max(4000, 'body is at most 4,000 characters').meta({ description: 'Shown on the port’s timeline to you and our porting team.' }) })
  .strict()
  .meta({ id: 'PortCommentCreate' });

export const portCancelBody = z
  .object({ reason: safeText('reason', { multiline: true, message: 'reason is text' }).max(1000, 'reason is at most 1,000 characters').optional().meta({ description: 'Why, shown on the port’s timeline.', example: 'The customer is staying with the losing carrier.' }) })
  .strict()
  .meta({ id: 'PortCancel' });

export const portDocumentFormSchema = z
  .object({
    kind: z.enum(['loa', 'bill']).meta({ description: 'Send it before the file.' }),
    file: z.string().meta({ format: 'binary', description: `A PDF, PNG or JPEG, at most ${MB} MB, judged by its content. PDFs with JavaScript or encryption are refused; images are re-encoded.` }),
  })
  .meta({ id: 'PortDocumentForm' });

export const listPorts = defineEndpoint({
  method: 'GET',
  path: '/ports',
  operationId: 'listPorts',
  tag: TAG,
  summary: 'The account’s port-ins, latest change first',
  description: WHO,
  access: { permission: 'technical.read' },
  query: z.object({
    ...pageQuery,
    status: z
      .string()
      .max(200)
      .optional()
      .meta({ description: `Only these states, comma-separated: ${PORT_STATUSES.join(', ')}.`, example: 'exception,foc_scheduled' }),
  }),
  answer: pageOf(portSummarySchema),
});

export const createPort = defineEndpoint({
  method: 'POST',
  path: '/ports',
  operationId: 'createPort',
  tag: TAG,
  summary: 'Start a port-in draft, with its numbers if you have them',
  description: [
    'A draft is saved at every step and can be resumed; an account may hold several. With `numbers` the list is checked as the wizard checks it: a line that is not a North American number refuses the whole request (400, each line named in `fields.numbers`) and nothing is created.',
    'Then: PATCH the subscriber, schedule and carrier; POST …/portability; upload the LOA and a bill; GET …/readiness; POST …/submit.',
    WHO,
  ].join('\n\n'),
  access: { permission: 'technical.write' },
  body: portCreateBody,
  answer: portDetailSchema,
  status: 201,
});

export const getPort = defineEndpoint({
  method: 'GET',
  path: '/ports/{portId}',
  operationId: 'getPort',
  tag: TAG,
  summary: 'A port-in with its numbers, exception, documents and timeline',
  description: ['The PIN is never answered (`pinProvided` says one is saved).', WHO].join('\n\n'),
  access: { permission: 'technical.read' },
  params: portPath,
  answer: portDetailSchema,
});

export const updatePort = defineEndpoint({
  method: 'PATCH',
  path: '/ports/{portId}',
  operationId: 'updatePort',
  tag: TAG,
  summary: 'Change a draft (or a port in exception): numbers, carrier, subscriber, schedule',
  description: [
    'Send only what changes; each group is checked as its wizard step checks it, on the whole step: `numbers`; `connectionId`; the subscriber (`subscriberType`, `subscriberName`, `authorizedPerson`, `losingCarrier`, `accountNumber`, `pin`, `wireless`, `billingTelephoneNumber`, `partialPort`, `remainingNumbers`, `serviceAddress`) merged with what is saved; the schedule (`requestedFocDate`, `trunkGroupId`). Every group is checked before anything is written: a refusal names the fields, and nothing is saved.',
    '409 once the port is submitted (until an exception).',
    WHO,
  ].join('\n\n'),
  access: { permission: 'technical.write' },
  params: portPath,
  body: portPatchBody,
  answer: portDetailSchema,
});

export const checkPortPortabilityEndpoint = defineEndpoint({
  method: 'POST',
  path: '/ports/{portId}/portability',
  operationId: 'checkPortPortability',
  tag: TAG,
  summary: 'Check each number’s portability with every carrier that can port it',
  description: ['Keeps the answers on the numbers and picks the carrier that can take the most (PATCH `connectionId` picks another). A carrier that is down is listed in `unavailable`; 503 when none can answer.', WHO].join('\n\n'),
  access: { permission: 'technical.write' },
  params: portPath,
  answer: portabilitySchema,
  errors: [503],
});

export const getPortReadinessEndpoint = defineEndpoint({
  method: 'GET',
  path: '/ports/{portId}/readiness',
  operationId: 'getPortReadiness',
  tag: TAG,
  summary: 'The readiness check: a score and the fixes that would prevent a rejection',
  description: WHO,
  access: { permission: 'technical.read' },
  params: portPath,
  answer: readinessSchema,
});

export const submitPort = defineEndpoint({
  method: 'POST',
  path: '/ports/{portId}/submit',
  operationId: 'submitPort',
  tag: TAG,
  summary: 'Submit (or, after an exception, resubmit) a port',
  description: [
    'Refused with 422 `unprocessable:port_not_ready` while a readiness blocker fails (the message lists the fixes); 409 when the port is not a draft or in exception, or a number was just submitted in another port. The carrier is asked right away; if it cannot be reached the port stays `submitted` and is sent later. Send an `Idempotency-Key` to retry safely.',
    WHO,
  ].join('\n\n'),
  access: { permission: 'technical.write' },
  params: portPath,
  answer: portSubmitSchema,
  errors: [422],
});

export const cancelPort = defineEndpoint({
  method: 'POST',
  path: '/ports/{portId}/cancel',
  operationId: 'cancelPort',
  tag: TAG,
  summary: 'Cancel a port (or discard a draft)',
  description: ['The body is optional: `{ "reason": "…" }` puts the reason on the timeline. 409 once it is completed or cancelled.', WHO].join('\n\n'),
  access: { permission: 'technical.write' },
  params: portPath,
  body: portCancelBody,
  bodyOptional: true,
  answer: portDetailSchema,
});

export const addPortComment = defineEndpoint({
  method: 'POST',
  path: '/ports/{portId}/comments',
  operationId: 'addPortComment',
  tag: TAG,
  summary: 'Add a comment to a port’s timeline',
  description: WHO,
  access: { permission: 'technical.write' },
  params: portPath,
  body: portCommentBody,
  answer: portDetailSchema,
  status: 201,
});

export const uploadPortDocumentEndpoint = defineEndpoint({
  method: 'POST',
  path: '/ports/{portId}/documents',
  operationId: 'uploadPortDocument',
  tag: TAG,
  summary: 'Upload the LOA or a recent bill of the losing carrier',
  description: [
    `\`multipart/form-data\` with \`kind\` (loa or bill) and then \`file\`: curl -F kind=loa -F file=@loa.pdf. At most ${MB} MB, read as it streams: a larger file is refused with 413 and the rest is not read. Judged by its content, not its name: anything but a PDF, PNG or JPEG, a PDF with JavaScript or encryption, a polyglot or an image that decompresses too large is refused (400, field \`file\`). A newer document of a kind supersedes the older.`,
    '409 once the port is submitted (until an exception).',
    WHO,
  ].join('\n\n'),
  access: { permission: 'technical.write' },
  params: portPath,
  streamedBody: { required: true, content: { 'multipart/form-data': { schema: portDocumentFormSchema } } },
  answer: portDetailSchema,
  status: 201,
  errors: [413, 415],
});

export const downloadPortDocument = defineEndpoint({
  method: 'GET',
  path: '/ports/{portId}/documents/{documentId}',
  operationId: 'downloadPortDocument',
  tag: TAG,
  summary: 'Download a document of a port (its bytes, as stored)',
  description: ['Answers the file itself (`application/pdf`, `image/png` or `image/jpeg`) as an attachment.', WHO].join('\n\n'),
  access: { permission: 'technical.read' },
  params: documentPath,
  answer: z.string().meta({ format: 'binary', description: 'Never JSON: the document’s bytes.' }),
  alsoAnswers: ['application/pdf', 'image/png', 'image/jpeg'],
});

export const PORT_ENDPOINTS = [listPorts, createPort, getPort, updatePort, checkPortPortabilityEndpoint, getPortReadinessEndpoint, submitPort, cancelPort, addPortComment, uploadPortDocumentEndpoint, downloadPortDocument] as const;
