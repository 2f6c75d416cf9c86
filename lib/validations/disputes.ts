/**
 * Disputes of invoiced calls: the customer's form (calls of one invoice line and a reason) and the
 * staff decision (accept, partial credit, reject). Pure: shared by the forms, the API contract and
 * the service, which checks the same rules again.
 */
import { z } from 'zod';
import { textProblem } from './common';
import { ledgerAmountField } from './ledger';

export const DISPUTE_REASON_MIN = 10;
export const DISPUTE_REASON_MAX = 2000;
/** Calls in one dispute: a page or two of them; a whole line is a conversation with staff instead. */
export const DISPUTE_MAX_CALLS = 1000;
export const DECISION_NOTE_MAX = 2000;

export const DISPUTE_STATUSES = ['open', 'accepted', 'partially_accepted', 'rejected'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const DISPUTE_STATUS_LABELS: Record<DisputeStatus, string> = {
  open: 'Open',
  accepted: 'Accepted',
  partially_accepted: 'Partly accepted',
  rejected: 'Rejected',
};

export const DISPUTE_DECISIONS = ['accept', 'partial', 'reject'] as const;
export type DisputeDecision = (typeof DISPUTE_DECISIONS)[number];

/** A call is the portal's id of a CDR: digits (the API's `Cdr.id`). */
export const CALL_ID = /^[1-9]\d{0,17}$/;

export const REASON_MESSAGE = `Say what is wrong with these calls in ${DISPUTE_REASON_MIN} to ${DISPUTE_REASON_MAX} characters`;

export const disputeReason = z
  .string({ message: REASON_MESSAGE })
  .superRefine((raw, context) => {
    const problem = textProblem(raw, { multiline: true });
    const length = raw.trim().length;
    if (problem) context.addIssue({ code: 'custom', message: `The reason ${problem}` });
    else if (length < DISPUTE_REASON_MIN) context.addIssue({ code: 'custom', message: `Say what is wrong with these calls: at least ${DISPUTE_REASON_MIN} characters` });
    else if (length > DISPUTE_REASON_MAX) context.addIssue({ code: 'custom', message: `The reason can be at most ${DISPUTE_REASON_MAX} characters (it has ${length})` });
  })
  .transform((raw) => raw.trim());

/** Distinct call ids, 1 to DISPUTE_MAX_CALLS of them. */
export const disputeCallIds = z
  .array(z.string({ message: 'A call id is a string of digits' }).regex(CALL_ID, 'A call id is a string of digits (the id of a call on the line)'), { message: 'Select at least one call' })
  .min(1, 'Select at least one call')
  .max(DISPUTE_MAX_CALLS, `A dispute covers at most ${DISPUTE_MAX_CALLS} calls; dispute the rest separately`)
  .transform((ids) => [...new Set(ids)]);

const uuid = (message: string) => z.string({ message }).uuid(message);

/** The portal's form: the ticked calls arrive comma-joined in one field. */
export const createDisputeFormSchema = z.object({
  invoiceId: uuid('The invoice was not sent; reload the page and try again.'),
  lineId: uuid('The invoice line was not sent; reload the page and try again.'),
  callIds: z
    .string({ message: 'Select at least one call' })
    .transform((joined) => joined.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(disputeCallIds),
  reason: disputeReason,
});

export type CreateDisputeInput = { invoiceId: string; lineId: string; callIds: string[]; reason: string };

const decisionNote = z
  .string()
  .optional()
  .superRefine((raw, context) => {
    const problem = raw === undefined ? null : textProblem(raw, { multiline: true });
    if (problem) context.addIssue({ code: 'custom', message: `The note ${problem}` });
    else if ((raw?.trim().length ?? 0) > DECISION_NOTE_MAX) context.addIssue({ code: 'custom', message: `The note can be at most ${DECISION_NOTE_MAX} characters` });
  })
  .transform((raw) => raw?.trim() || undefined);

/** Staff decide: a partial credit names its amount, and a partial credit or a rejection says why. */
export const decideDisputeSchema = z
  .object({
    disputeId: uuid('The dispute was not sent; reload the page and try again.'),
    decision: z.enum(DISPUTE_DECISIONS, { message: 'Choose accept, partial credit or reject' }),
    creditAmount: z.string().optional(),
    note: decisionNote,
  })
  .transform((input, context) => {
    if (input.decision !== 'accept' && !input.note) {
      context.addIssue({ code: 'custom', path: ['note'], message: input.decision === 'reject' ? 'Say why the dispute is rejected (the customer reads it)' : 'Say why only part is credited (the customer reads it)' });
    }
    let creditAmount: string | undefined;
    if (input.decision === 'partial') {
      const parsed = ledgerAmountField('credit amount', { signed: false }).safeParse(input.creditAmount ?? '');
      if (parsed.success) creditAmount = parsed.data;
      else for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: ['creditAmount'], message: issue.message });
    }
    return { disputeId: input.disputeId, decision: input.decision, note: input.note, creditAmount };
  });

/** What the service takes (the form's parsed output, or a caller's own). */
export interface DecideDisputeInput {
  disputeId: string;
  decision: DisputeDecision;
  /** A partial credit, up to two decimals. */
  creditAmount?: string;
  note?: string;
}
