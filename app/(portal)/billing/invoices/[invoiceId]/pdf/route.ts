import { invoiceFileResponse } from '@/lib/api/presenters/invoices';
import { authorize, authorizeStaff, getSessionUser } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getInvoicePdf } from '@/lib/services/invoice-documents';

export const dynamic = 'force-dynamic';

/**
 * The invoice's PDF for the Billing pages: an issued invoice's stored document, a draft rendered
 * now. The billing account's money roles only (anyone else: 404, as for an id that names nothing);
 * operator staff read every account's. Served from document storage, never from a public path.
 */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ invoiceId: string }> }) => {
  const { invoiceId } = await params;
  const staff = (await getSessionUser())?.isOperatorStaff;
  const reader = staff ? { staff: (await authorizeStaff()).user } : { access: await authorize('account.read') };
  return invoiceFileResponse(await getInvoicePdf(reader, invoiceId));
});
