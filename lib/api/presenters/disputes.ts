import 'server-only';
import type { z } from 'zod';
import { centsToDecimal } from '@/lib/billing/money';
import type { DisputeDetail, DisputeView } from '@/lib/services/disputes';
import type { disputeDetailSchema, disputeSchema } from '../contracts/disputes';

/** A dispute as the API shows it: amounts as decimal strings, times in ISO 8601. */
export function disputeJson(dispute: DisputeView | DisputeDetail): z.input<typeof disputeSchema> {
  const creditNote = 'creditNote' in dispute ? dispute.creditNote : null;
  return {
    id: dispute.id,
    reference: dispute.reference,
    status: dispute.status,
    reason: dispute.reason,
    currency: dispute.currency,
    disputed: centsToDecimal(dispute.disputedCents),
    credited: dispute.creditedCents === null ? null : centsToDecimal(dispute.creditedCents),
    decisionNote: dispute.decisionNote,
    createdAt: dispute.createdAt.toISOString(),
    dueAt: dispute.dueAt.toISOString(),
    decidedAt: dispute.decidedAt?.toISOString() ?? null,
    automatic: dispute.automatic,
    raisedBy: dispute.raisedBy,
    invoice: { id: dispute.invoice.id, number: dispute.invoice.number },
    line: { id: dispute.line.id, description: dispute.line.description },
    account: dispute.account,
    calls: dispute.callCount,
    creditNote: creditNote ? { amount: centsToDecimal(creditNote.cents), postedAt: creditNote.postedAt.toISOString(), invoiceMonth: creditNote.month, invoice: creditNote.invoice } : null,
  };
}

export function disputeDetailJson(dispute: DisputeDetail): z.input<typeof disputeDetailSchema> {
  return {
    ...disputeJson(dispute),
    disputedCalls: dispute.calls.map((call) => ({ id: call.id, inviteAt: call.inviteAt.toISOString(), from: call.from, to: call.to, billedSeconds: call.billedSeconds, charge: call.charge })),
  };
}
