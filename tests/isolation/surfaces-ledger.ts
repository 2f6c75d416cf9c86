/**
 * The staff billing page of a customer account (ledger, payments, adjustments, reversals), for the
 * isolation suite (merged into SURFACES): operator staff only, every customer role refused.
 */
import type { Surface } from './surfaces';

const NOWHERE = '00000000-0000-4000-8000-00000000e1d9';
const billingActions = () => import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');

export const LEDGER_SURFACES: Surface[] = [
  {
    kind: 'page',
    name: 'operator account billing',
    scope: 'url',
    platform: true,
    allowed: [],
    load: () => import('@/app/(portal)/operator/accounts/[accountId]/billing/page'),
    params: ({ accountId }) => ({ accountId }),
  },
  {
    kind: 'action',
    name: 'record a payment',
    platform: true,
    allowed: [],
    load: async () => (await billingActions()).recordPaymentAction,
    form: ({ accountId }) => ({ accountId, requestKey: '7d0c5a52-7f0e-4c1e-9a55-2f6a3b1c0001', type: 'payment', amount: '125.00', receivedOn: '2026-01-15', reference: 'WIRE-0001', note: 'January' }),
  },
  {
    kind: 'action',
    name: 'record an adjustment',
    platform: true,
    allowed: [],
    load: async () => (await billingActions()).recordAdjustmentAction,
    form: ({ accountId }) => ({ accountId, requestKey: '7d0c5a52-7f0e-4c1e-9a55-2f6a3b1c0002', amount: '-5.00', reason: 'Goodwill correction', reference: 'TICKET-7' }),
  },
  {
    kind: 'action',
    name: 'set invoice settings',
    platform: true,
    allowed: [],
    load: async () => (await billingActions()).updateBillingProfileAction,
    form: ({ accountId }) => ({ accountId, currency: 'USD', taxName: 'Sales tax', taxRatePercent: '7.25', paymentTermsDays: '30' }),
  },
  {
    kind: 'action',
    name: 'reverse a ledger entry',
    platform: true,
    allowed: [],
    load: async () => (await billingActions()).reverseEntryAction,
    form: ({ accountId }) => ({ accountId, entryId: NOWHERE, reason: 'Recorded twice' }),
  },
];
