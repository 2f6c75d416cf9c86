import { z } from 'zod';
import { authorize } from '@/lib/auth/guard';
import { jsonRoute, streamFailingLoudly } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { isoDate } from '@/lib/format';
import { exportNumbersCsv } from '@/lib/services/numbers';
import { parseNumberInventoryQuery } from '@/lib/validations/number-inventory';

export const dynamic = 'force-dynamic';

const accountIdSchema = z.string().uuid('Choose an account you can reach (its id)').optional();

/**
 * The numbers of My numbers as CSV, with the same filters as the page (`?state=IL&npa=312…`), for
 * the session's account or `?accountId=` (an account the user reaches). Streamed in batches. Every
 * parameter is checked before the first byte goes out (400 with the field messages); a failure once
 * rows are flowing ends the file with an "incomplete" line and a broken transfer, never a clean end.
 */
export const GET = jsonRoute(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const accountId = accountIdSchema.safeParse(params.get('accountId') || undefined);
  const access = await authorize('technical.read', accountId.success ? accountId.data : undefined);
  const { filter, fieldErrors } = parseNumberInventoryQuery(params);
  const problems: Record<string, string[]> = { ...(fieldErrors as Record<string, string[]>) };
  if (!accountId.success) problems.accountId = accountId.error.issues.map((issue) => issue.message);
  if (Object.keys(problems).length > 0) {
    throw new AppError('invalid:filter', 'Some filters are not valid; correct them and export again.', { fieldErrors: problems });
  }
  const slug = access.account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'account';
  const filename = `numbers-${slug}-${isoDate(new Date())}.csv`;
  // The header and the first batch are read now, so a failing first query is an error status, not a 200.
  const body = await streamFailingLoudly(exportNumbersCsv(access, filter), { prefetch: 2 });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
