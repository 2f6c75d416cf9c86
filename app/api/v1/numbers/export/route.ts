import { exportNumbers, inventoryFilterOf } from '@/lib/api/contracts/numbers';
import { withAccount } from '@/lib/api/handler';
import { streamFailingLoudly } from '@/lib/auth/route';
import { isoDate } from '@/lib/format';
import { exportNumbersCsv } from '@/lib/services/numbers';

export const dynamic = 'force-dynamic';

/**
 * The numbers of My numbers as CSV, with the same filters as the page (`?state=IL&npa=312…`), for
 * the caller's account or `?accountId=` (an account it reaches). Streamed in batches. Every
 * parameter is checked before the first byte goes out (400 with the field messages); a failure once
 * rows are flowing ends the file with an "incomplete" line and a broken transfer, never a clean end.
 */
export const GET = withAccount(exportNumbers, async ({ access, query }) => {
  const slug = access.account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'account';
  const filename = `numbers-${slug}-${isoDate(new Date())}.csv`;
  // The header and the first batch are read now, so a failing first query is an error status, not a 200.
  const body = await streamFailingLoudly(exportNumbersCsv(access, inventoryFilterOf(query)), { prefetch: 2 });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
