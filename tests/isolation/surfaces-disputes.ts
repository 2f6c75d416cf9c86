/**
 * Disputes (issue 15.8) for the isolation suite (merged into SURFACES): the customer's list and
 * dispute page, a line's calls with the dispute form, the credit note's invoice, and the staff queue
 * and decision. Money roles only; operator staff decide. The suite seeds an issued invoice with a
 * dispute per side; without one, ids that exist nowhere (which must 404 like anyone else's).
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const MONEY: Role[] = ['owner', 'admin', 'finance'];
const NOWHERE = '00000000-0000-4000-8000-0000000d15e7';

export const DISPUTE_SURFACES: Surface[] = [
  { kind: 'page', name: 'disputes', scope: 'current', allowed: MONEY, load: () => import('@/app/(portal)/billing/disputes/page') },
  {
    kind: 'page',
    name: 'dispute detail',
    scope: 'url',
    allowed: MONEY,
    load: () => import('@/app/(portal)/billing/disputes/[disputeId]/page'),
    params: ({ disputeId }) => ({ disputeId: disputeId ?? NOWHERE }),
  },
  {
    kind: 'page',
    name: 'calls of an invoice line',
    scope: 'url',
    allowed: MONEY,
    load: () => import('@/app/(portal)/billing/invoices/[invoiceId]/lines/[lineId]/page'),
    params: ({ disputeInvoiceId, disputeLineId }) => ({ invoiceId: disputeInvoiceId ?? NOWHERE, lineId: disputeLineId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'dispute calls of an invoice line',
    allowed: MONEY,
    load: async () => (await import('@/app/(portal)/billing/invoices/[invoiceId]/lines/[lineId]/actions')).createDisputeAction,
    form: ({ disputeInvoiceId, disputeLineId, disputeCallIds }) => ({
      invoiceId: disputeInvoiceId ?? NOWHERE,
      lineId: disputeLineId ?? NOWHERE,
      callIds: disputeCallIds ?? '1',
      reason: 'Isolation probe: these calls were never made.',
    }),
  },
  {
    kind: 'action',
    name: 'open the invoice of a credit note',
    allowed: MONEY,
    load: async () => (await import('@/app/(portal)/billing/disputes/actions')).openCreditNoteInvoiceAction,
    form: ({ disputeId }) => ({ disputeId: disputeId ?? NOWHERE }),
  },
  { kind: 'page', name: 'operator disputes', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/disputes/page') },
  {
    kind: 'page',
    name: 'operator dispute detail',
    scope: 'url',
    platform: true,
    allowed: [],
    load: () => import('@/app/(portal)/operator/disputes/[disputeId]/page'),
    params: ({ disputeId }) => ({ disputeId: disputeId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'decide dispute',
    platform: true,
    allowed: [],
    load: async () => (await import('@/app/(portal)/operator/disputes/actions')).decideDisputeAction,
    // A rejection posts nothing to the ledger.
    form: ({ disputeId }) => ({ disputeId: disputeId ?? NOWHERE, decision: 'reject', note: 'Isolation probe: the calls were made.' }),
  },
];
