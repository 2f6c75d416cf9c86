/**
 * An invoice's downloads from the Billing pages (merged into SURFACES): its PDF, its CSV and its
 * rated calls, for owner, admin and finance of the billing account; the side's draft invoice when the
 * suite seeds one (rendered on the fly, so nothing is stored), else an id that exists nowhere.
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const MONEY: Role[] = ['owner', 'admin', 'finance'];
const NOWHERE = '00000000-0000-4000-8000-0000000d0c5e';

const download = (name: string, file: 'pdf' | 'csv' | 'calls', load: () => Promise<{ GET: unknown }>): Surface => ({
  kind: 'route',
  name,
  allowed: MONEY,
  load: async () => (await load()).GET as (request: Request, context: never) => Promise<Response>,
  url: ({ invoiceId }) => `http://portal.test/billing/invoices/${invoiceId ?? NOWHERE}/${file}`,
  params: ({ invoiceId }) => ({ invoiceId: invoiceId ?? NOWHERE }),
});

export const INVOICE_DOCUMENT_SURFACES: Surface[] = [
  download('GET invoice PDF download', 'pdf', () => import('@/app/(portal)/billing/invoices/[invoiceId]/pdf/route')),
  download('GET invoice CSV download', 'csv', () => import('@/app/(portal)/billing/invoices/[invoiceId]/csv/route')),
  download('GET invoice rated calls download', 'calls', () => import('@/app/(portal)/billing/invoices/[invoiceId]/calls/route')),
];
