import { invoiceFileResponse } from '@/lib/api/presenters/invoices';
import { authorize, authorizeStaff, getSessionUser } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getInvoiceCsv } from '@/lib/services/invoice-documents';

export const dynamic = 'force-dynamic';

/** The invoice's lines and totals as CSV, for the billing account's money roles (and operator staff); anyone else: 404. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ invoiceId: string }> }) => {
  const { invoiceId } = await params;
  const staff = (await getSessionUser())?.isOperatorStaff;
  const reader = staff ? { staff: (await authorizeStaff()).user } : { access: await authorize('account.read') };
  return invoiceFileResponse(await getInvoiceCsv(reader, invoiceId));
});
