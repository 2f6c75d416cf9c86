/**
 * The events an account's webhooks and notifications carry, with the shape of each one's `data`.
 * Delivered as Standard Webhooks payloads: `{ "type", "timestamp", "data" }`. Later features add
 * theirs here (`port.*`, `invoice.issued`, `quality.alert`).
 */
import { z } from 'zod';
import { PORT_EXCEPTION_CODES } from '@/lib/ports/types';

export const accountEventData = {
  'order.completed': z.object({
    orderId: z.string().uuid(),
    status: z.enum(['completed', 'partial', 'failed']),
    activated: z.array(z.string()).meta({ description: 'E.164 numbers now on the account' }),
    failed: z.array(z.string()).meta({ description: 'E.164 numbers that could not be bought (not charged)' }),
  }),
  'number.released': z.object({
    e164: z.string(),
    releasedAt: z.string().meta({ format: 'date-time' }),
  }),
  'trunk_group.sync_failed': z.object({
    trunkGroupId: z.string().uuid(),
    name: z.string(),
    reason: z.string(),
  }),
  'e911.registration_failed': z.object({
    e164: z.string(),
    addressId: z.string().uuid().nullable(),
    reason: z.string(),
  }),
  'quality.alert': z.object({
    alertId: z.string().uuid(),
    status: z.enum(['open', 'resolved']).meta({ description: 'open: the metric left its normal range; resolved: it is back' }),
    metric: z.enum(['asr', 'pdd_p50']).meta({ description: 'asr: answered ÷ attempts (0–1); pdd_p50: median INVITE → first 18x, ms' }),
    trunkGroupId: z.string().uuid().nullable(),
    trunkGroupName: z.string().nullable(),
    destination: z.string().meta({ description: 'ISO country of the called numbers (ZZ: none)' }),
    windowStart: z.string().meta({ format: 'date-time' }),
    windowEnd: z.string().meta({ format: 'date-time' }),
    observed: z.number(),
    baseline: z.number().meta({ description: 'Median of the same 15 minutes of the week over the previous 4 weeks' }),
    threshold: z.number(),
    attempts: z.number().int(),
  }),
  // No amounts: webhooks are managed by technical roles too; a billing key reads GET /api/v1/invoices/{id}.
  'invoice.issued': z.object({
    invoiceId: z.string().uuid(),
    number: z.string().meta({ description: 'INV-YYYY-MM-xxxxx' }),
    periodStart: z.string().meta({ format: 'date-time' }),
    periodEnd: z.string().meta({ format: 'date-time', description: 'Exclusive' }),
    dueAt: z.string().meta({ format: 'date-time' }).nullable(),
  }),
  'invoice.voided': z.object({
    invoiceId: z.string().uuid(),
    number: z.string(),
    reason: z.string(),
  }),
  // Percentages only, no amounts: webhooks are managed by technical roles, who never see money.
  'billing.spend_threshold': z.object({
    limit: z.enum(['spend_cap', 'credit_limit']).meta({
      description:
        'spend_cap: the monthly spend cap of the event’s account, over it and its sub-accounts (charges, rated usage and orders not charged yet this month); credit_limit: the billing account’s credit (its balance less usage not invoiced yet and orders not charged yet)',
    }),
    thresholdPercent: z.number().int().meta({ description: '80 or 100: the share of the limit just passed (each is sent once a month)' }),
    usedPercent: z.number().int().meta({ description: 'How much of the limit is used now, in whole percent (may pass 100)' }),
    periodStart: z.string().meta({ format: 'date-time', description: 'The month (UTC) the alert belongs to' }),
  }),
  'billing.prepay_ended': z.object({
    discountPercent: z.string().meta({ description: 'The prepay discount that no longer applies, e.g. "8"' }),
    endedAt: z.string().meta({ format: 'date-time', description: 'Usage from this moment on is billed without it' }),
  }),
  // No amounts: webhooks are managed by technical roles, who never see money (the dispute's page has them).
  'dispute.opened': z.object({
    disputeId: z.string().uuid(),
    invoiceId: z.string().uuid(),
    invoiceNumber: z.string().meta({ description: 'INV-YYYY-MM-xxxxx' }),
    line: z.string().meta({ description: 'The invoice line the calls are on, e.g. "United States termination"' }),
    calls: z.number().int().meta({ description: 'How many calls are disputed' }),
    dueAt: z.string().meta({ format: 'date-time', description: 'Decided by then (two business days), or credited in full' }),
  }),
  'dispute.decided': z.object({
    disputeId: z.string().uuid(),
    invoiceId: z.string().uuid(),
    invoiceNumber: z.string(),
    status: z.enum(['accepted', 'partially_accepted', 'rejected']).meta({ description: 'accepted and partially_accepted post a credit note that shows on the next invoice' }),
    decidedAt: z.string().meta({ format: 'date-time' }),
    automatic: z.boolean().meta({ description: 'true: not decided by its due time, so accepted in full automatically' }),
    credited: z.string().optional().meta({ description: 'The credit note posted, in the invoice currency ("0.00" when the calls were already credited by earlier disputes); absent on events before December 2026' }),
    currency: z.string().optional().meta({ description: 'ISO 4217 code of `credited`' }),
  }),
  // No PIN, no account number, no documents: webhooks are managed by technical roles and leave the portal.
  'port.submitted': z.object({
    portInId: z.string().uuid(),
    reference: z.string().meta({ description: 'PRT-xxxxxx' }),
    numbers: z.array(z.string()).meta({ description: 'E.164 numbers in the order' }),
    requestedFocDate: z.string().nullable().meta({ description: 'YYYY-MM-DD' }),
    resubmitted: z.boolean().meta({ description: 'true: sent again after an exception was corrected' }),
  }),
  'port.foc_set': z.object({
    portInId: z.string().uuid(),
    reference: z.string(),
    focDate: z.string().meta({ description: 'YYYY-MM-DD: the day the losing carrier committed to release the numbers' }),
    previousFocDate: z.string().nullable().meta({ description: 'Set when the date moved: the date committed before' }),
    numbers: z.array(z.string()),
  }),
  'port.exception': z.object({
    portInId: z.string().uuid(),
    reference: z.string(),
    code: z.enum(PORT_EXCEPTION_CODES),
    reason: z.string().nullable().meta({ description: 'The losing carrier’s or our porting team’s words' }),
    numbers: z.array(z.string()).meta({ description: 'E.164 numbers the exception is about' }),
  }),
  'port.completed': z.object({
    portInId: z.string().uuid(),
    reference: z.string(),
    status: z.enum(['completed', 'partially_completed']).meta({ description: 'partially_completed: the other numbers are still moving or in exception' }),
    numbers: z.array(z.string()).meta({ description: 'E.164 numbers that just became live on the account' }),
    completedAt: z.string().meta({ format: 'date-time' }),
  }),
  'port.cancelled': z.object({
    portInId: z.string().uuid(),
    reference: z.string(),
    by: z.enum(['customer', 'staff', 'upstream', 'system']),
    cancelledAt: z.string().meta({ format: 'date-time' }),
  }),
} as const;

export type AccountEventType = keyof typeof accountEventData;
export const ACCOUNT_EVENT_TYPES = Object.keys(accountEventData) as AccountEventType[];
export type AccountEventData<Type extends AccountEventType> = z.input<(typeof accountEventData)[Type]>;

export const ACCOUNT_EVENT_LABELS: Record<AccountEventType, string> = {
  'order.completed': 'A number order finished',
  'number.released': 'A number was released',
  'trunk_group.sync_failed': 'A trunk group could not be applied at a carrier',
  'e911.registration_failed': 'An emergency address registration failed',
  'quality.alert': 'Call quality (ASR or PDD) left its normal range, or came back',
  'invoice.issued': 'An invoice was issued',
  'invoice.voided': 'An issued invoice was voided (a corrected one follows)',
  'billing.spend_threshold': 'Spending reached 80% or 100% of a monthly spend cap or of the credit limit',
  'billing.prepay_ended': 'The prepaid credit was used up, so the prepay discount ended',
  'dispute.opened': 'Calls of an invoice were disputed',
  'dispute.decided': 'A dispute was decided (accepted, partly accepted or rejected)',
  'port.submitted': 'A port-in was submitted (or resubmitted after an exception)',
  'port.foc_set': 'A port-in’s FOC date was set, or moved',
  'port.exception': 'A port-in, or some of its numbers, ran into an exception',
  'port.completed': 'Ported numbers became live on the account (all of them, or some)',
  'port.cancelled': 'A port-in was cancelled',
};
