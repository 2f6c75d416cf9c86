import { getInvoiceCalls } from '@/lib/api/contracts/invoices';
import { withAccount } from '@/lib/api/handler';
import { streamFailingLoudly } from '@/lib/auth/route';
import { getRatedCallsCsv } from '@/lib/services/invoice-documents';

export const dynamic = 'force-dynamic';

/** The invoice's rated calls (or one usage line's), streamed as CSV a keyset page at a time. */
export const GET = withAccount(getInvoiceCalls, async ({ access, params, query }) => {
  const { body, filename } = await getRatedCallsCsv({ access }, params.invoiceId, { lineId: query.line });
  return new Response(await streamFailingLoudly(body, { prefetch: 2 }), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
