import { z } from 'zod';
import { CALL_ID, DISPUTE_MAX_CALLS, DISPUTE_REASON_MAX, DISPUTE_REASON_MIN, DISPUTE_STATUSES } from '@/lib/validations/disputes';
import { defineEndpoint, isoTime, pageOf, pageQuery } from '../contract';

const TAG = 'Billing';
const decimal = (description: string, example: string) => z.string().meta({ description: `${description} A decimal string with two places, never a JSON number.`, example });

const ACCESS_NOTE = 'Needs the `billing.read` permission (owner, admin, finance) in the billing account that pays for the invoices; technical and viewer keys get 403, and another account’s dispute is 404 as one that does not exist.';

export const disputeSchema = z
  .object({
    id: z.string().uuid(),
    reference: z.string().meta({ description: 'A short reference to quote: DSP- and eight hex digits.', example: 'DSP-1A2B3C4D' }),
    status: z.enum(DISPUTE_STATUSES).meta({ description: '`open` until decided; `accepted` credits the disputed amount, `partially_accepted` part of it, `rejected` nothing. A decided dispute never changes.' }),
    reason: z.string(),
    currency: z.string().meta({ example: 'USD' }),
    disputed: decimal('The calls’ charges summed, rounded half-up once to the cent.', '12.34'),
    credited: decimal('What the decision credits (0.00 when rejected); null while open.', '12.34').nullable(),
    decisionNote: z.string().nullable(),
    createdAt: isoTime,
    dueAt: isoTime.meta({ description: 'Two business days (Monday to Friday but US federal holidays) after it was raised; an open dispute past it is accepted in full.' }),
    decidedAt: isoTime.nullable(),
    automatic: z.boolean().meta({ description: 'Accepted because it was not decided by `dueAt`.' }),
    raisedBy: z.string().meta({ description: 'The person’s e-mail, or the API key’s name.' }),
    invoice: z.object({ id: z.string().uuid(), number: z.string().meta({ example: 'INV-2026-11-0824F' }) }),
    line: z.object({ id: z.string().uuid(), description: z.string().meta({ example: 'United States termination' }) }),
    account: z.object({ id: z.string().uuid(), name: z.string() }).meta({ description: 'The account whose section of the invoice holds the line.' }),
    calls: z.number().int(),
    creditNote: z
      .object({
        amount: decimal('Credited.', '12.34'),
        postedAt: isoTime,
        invoiceMonth: z.string().meta({ description: 'YYYY-MM: the invoice of this month shows the credit note as a line.', example: '2026-12' }),
        invoice: z.object({ id: z.string().uuid(), number: z.string(), status: z.string() }).nullable().meta({ description: 'That month’s invoice, once a draft or the invoice exists.' }),
      })
      .nullable(),
  })
  .meta({ id: 'Dispute' });

export const disputedCallSchema = z
  .object({
    id: z.string().meta({ description: 'The call’s id (`Cdr.id`).' }),
    inviteAt: isoTime,
    from: z.string().nullable().meta({ description: 'E.164; null once the call is past retention.' }),
    to: z.string().nullable(),
    billedSeconds: z.number().int().nullable(),
    charge: z.string().meta({ description: 'What the call was charged, six places.', example: '0.010000' }),
  })
  .meta({ id: 'DisputedCall' });

export const disputeDetailSchema = disputeSchema.extend({ disputedCalls: z.array(disputedCallSchema) }).meta({ id: 'DisputeDetail' });

export const createDisputeBody = z
  .object({
    invoiceId: z.string({ message: 'invoiceId is the id of an issued invoice' }).uuid('invoiceId is the id of an issued invoice'),
    lineId: z.string({ message: 'lineId is the id of a usage line of that invoice' }).uuid('lineId is the id of a usage line of that invoice'),
    callIds: z
      .array(z.string().regex(CALL_ID, 'each call id is a string of digits (`Cdr.id`)'), { message: 'callIds is a list of call ids' })
      .min(1, 'callIds names at least one call')
      .max(DISPUTE_MAX_CALLS, `callIds names at most ${DISPUTE_MAX_CALLS} calls`)
      .meta({ description: `The calls disputed, 1–${DISPUTE_MAX_CALLS}: rated calls of that line (its account, month, direction, destination, deck version and rate), each in no open or accepted dispute.`, example: ['48213', '48214'] }),
    reason: z
      .string({ message: `reason is ${DISPUTE_REASON_MIN}–${DISPUTE_REASON_MAX} characters` })
      .meta({ description: `What is wrong with the calls, ${DISPUTE_REASON_MIN}–${DISPUTE_REASON_MAX} characters.`, example: 'Calls failed after 2 seconds but were billed a full minute.' }),
  })
  .strict()
  .meta({ id: 'DisputeCreate' });

export const listDisputes = defineEndpoint({
  method: 'GET',
  path: '/disputes',
  operationId: 'listDisputes',
  tag: TAG,
  summary: 'The disputes of your invoices, newest first',
  description: ACCESS_NOTE,
  access: { permission: 'billing.read' },
  query: z.object({ ...pageQuery, status: z.enum(DISPUTE_STATUSES, { message: `status is one of ${DISPUTE_STATUSES.join(', ')}` }).optional() }),
  answer: pageOf(disputeSchema),
});

export const getDispute = defineEndpoint({
  method: 'GET',
  path: '/disputes/{disputeId}',
  operationId: 'getDispute',
  tag: TAG,
  summary: 'A dispute with its calls, decision and credit note',
  description: ACCESS_NOTE,
  access: { permission: 'billing.read' },
  params: z.object({ disputeId: z.string().uuid() }),
  answer: disputeDetailSchema,
});

export const createDispute = defineEndpoint({
  method: 'POST',
  path: '/disputes',
  operationId: 'createDispute',
  tag: TAG,
  summary: 'Dispute calls of an invoice line',
  description: [
    'Calls of a termination or origination line of an issued (or paid) invoice; the disputed amount is their charges summed, rounded half-up once to the cent. We decide within two business days (`dueAt`): accepted or partly accepted, a credit note shows on the next invoice; not decided by then, it is accepted in full. Webhook events `dispute.opened` and `dispute.decided` follow it.',
    '400 when a call is not on that line or the reason is too short or long; 409 when the invoice is a draft or void, or a call is already in an open or accepted dispute; 404 for an invoice or line that is not yours.',
    ACCESS_NOTE,
  ].join('\n\n'),
  access: { permission: 'billing.read' },
  body: createDisputeBody,
  answer: disputeDetailSchema,
  status: 201,
  errors: [409],
});
