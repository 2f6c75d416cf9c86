import { listInvoices } from '@/lib/api/contracts/invoices';
import { withAccount } from '@/lib/api/handler';
import { invoiceSummaryJson } from '@/lib/api/presenters/invoices';
import { listInvoicesFor } from '@/lib/services/invoices';

export const dynamic = 'force-dynamic';

/** The billing account's invoices (money roles only: everyone else finds none, as a 404). */
export const GET = withAccount(listInvoices, async ({ access, query }) => {
  const invoices = await listInvoicesFor(access);
  return { data: invoices.filter((invoice) => !query.status || invoice.status === query.status).map(invoiceSummaryJson), nextCursor: null };
});
