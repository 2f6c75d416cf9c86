import { getInvoice } from '@/lib/api/contracts/invoices';
import { withAccount } from '@/lib/api/handler';
import { invoiceFileResponse, invoiceJson } from '@/lib/api/presenters/invoices';
import { getInvoiceCsv, getInvoiceDetail, getInvoicePdf } from '@/lib/services/invoice-documents';

export const dynamic = 'force-dynamic';

function formatWanted(request: Request, format: 'json' | 'pdf' | 'csv' | undefined): 'json' | 'pdf' | 'csv' {
  if (format) return format;
  const accept = (request.headers.get('accept') ?? '').toLowerCase();
  if (accept.includes('application/json')) return 'json';
  if (accept.includes('application/pdf')) return 'pdf';
  if (accept.includes('text/csv')) return 'csv';
  return 'json';
}

/** One invoice as JSON, or its PDF or CSV by `Accept` (or `format`). */
export const GET = withAccount(getInvoice, async ({ access, params, query, request }) => {
  const wanted = formatWanted(request, query.format);
  if (wanted === 'pdf') return invoiceFileResponse(await getInvoicePdf({ access }, params.invoiceId));
  if (wanted === 'csv') return invoiceFileResponse(await getInvoiceCsv({ access }, params.invoiceId));
  return invoiceJson(await getInvoiceDetail({ access }, params.invoiceId));
});
