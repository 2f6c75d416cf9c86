import { authorize, authorizeStaff, getSessionUser } from '@/lib/auth/guard';
import { jsonRoute, streamFailingLoudly } from '@/lib/auth/route';
import { getRatedCallsCsv } from '@/lib/services/invoice-documents';

export const dynamic = 'force-dynamic';

/**
 * The invoice's rated calls as CSV (`?line=<lineId>`: one usage line's), streamed a keyset page at
 * a time; the price of each call, never its cost. Money roles of the billing account and operator
 * staff; anyone else: 404.
 */
export const GET = jsonRoute(async (request: Request, { params }: { params: Promise<{ invoiceId: string }> }) => {
  const { invoiceId } = await params;
  const staff = (await getSessionUser())?.isOperatorStaff;
  const reader = staff ? { staff: (await authorizeStaff()).user } : { access: await authorize('account.read') };
  const line = new URL(request.url).searchParams.get('line') ?? undefined;
  const { body, filename } = await getRatedCallsCsv(reader, invoiceId, { lineId: line });
  return new Response(await streamFailingLoudly(body, { prefetch: 2 }), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
