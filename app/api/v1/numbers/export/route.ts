import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { exportNumbersCsv } from '@/lib/services/numbers';
import { parseNumberInventoryQuery } from '@/lib/validations/number-inventory';

export const dynamic = 'force-dynamic';

/**
 * The numbers of My numbers as CSV, with the same filters as the page (`?state=IL&npa=312…`), for
 * the session's account or `?accountId=` (an account the user reaches). Streamed in batches.
 */
export const GET = jsonRoute(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const access = await authorize('technical.read', params.get('accountId') || undefined);
  const { filter, fieldErrors } = parseNumberInventoryQuery(params);
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError('invalid:filter', 'Some filters are not valid; correct them and export again.', { fieldErrors: fieldErrors as Record<string, string[]> });
  }
  const slug = access.account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'account';
  const filename = `numbers-${slug}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(exportNumbersCsv(access, filter), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
