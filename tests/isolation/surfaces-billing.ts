/**
 * Billing: the overview, the invoices list and an invoice's page, the draft preview, and the staff
 * invoice pages and actions (merged into SURFACES). Money is for owner, admin and finance; an invoice
 * of the side when the suite seeds one (`context.invoiceId`), else an id that exists nowhere. Staff
 * actions name ids that exist nowhere: they are platform surfaces, refused to every customer.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const MONEY: Role[] = ['owner', 'admin', 'finance'];
const NOWHERE = '00000000-0000-4000-8000-0000000b111e';
const thisMonth = () => new Date().toISOString().slice(0, 7);
const staffActions = () => import('@/app/(portal)/operator/invoices/actions');

export const BILLING_SURFACES: Surface[] = [
  { kind: 'page', name: 'billing overview', scope: 'current', allowed: MONEY, load: () => import('@/app/(portal)/billing/page') },
  { kind: 'page', name: 'invoices', scope: 'current', allowed: MONEY, load: () => import('@/app/(portal)/billing/invoices/page') },
  {
    kind: 'page',
    name: 'invoice detail',
    scope: 'url',
    allowed: MONEY,
    load: () => import('@/app/(portal)/billing/invoices/[invoiceId]/page'),
    params: ({ invoiceId }) => ({ invoiceId: invoiceId ?? NOWHERE }),
  },
  {
    kind: 'action',
    name: 'preview draft invoice',
    allowed: MONEY,
    load: async () => (await import('@/app/(portal)/billing/invoices/actions')).previewDraftInvoiceAction,
    form: ({ accountId }) => ({ accountId, month: thisMonth() }),
  },

  { kind: 'page', name: 'operator invoices', scope: 'current', platform: true, allowed: [], load: () => import('@/app/(portal)/operator/invoices/page') },
  {
    kind: 'page',
    name: 'operator invoice detail',
    scope: 'url',
    platform: true,
    allowed: [],
    load: () => import('@/app/(portal)/operator/invoices/[invoiceId]/page'),
    params: ({ invoiceId }) => ({ invoiceId: invoiceId ?? NOWHERE }),
  },
  // A sub-account is not invoiced: staff get "not found", customers "forbidden".
  { kind: 'action', name: 'staff: generate draft invoice', platform: true, allowed: [], load: async () => (await staffActions()).generateDraftAction, form: ({ accountId }) => ({ accountId, month: thisMonth() }) },
  { kind: 'action', name: 'staff: add invoice discount', platform: true, allowed: [], load: async () => (await staffActions()).addDiscountAction, form: () => ({ invoiceId: NOWHERE, amount: '10.00', description: 'Probe discount' }) },
  { kind: 'action', name: 'staff: remove invoice discount', platform: true, allowed: [], load: async () => (await staffActions()).removeDiscountAction, form: () => ({ invoiceId: NOWHERE, lineId: NOWHERE }) },
  { kind: 'action', name: 'staff: issue invoice', platform: true, allowed: [], load: async () => (await staffActions()).issueInvoiceAction, form: () => ({ invoiceId: NOWHERE }) },
  { kind: 'action', name: 'staff: void invoice', platform: true, allowed: [], load: async () => (await staffActions()).voidInvoiceAction, form: () => ({ invoiceId: NOWHERE, reason: 'Isolation probe' }) },
];
