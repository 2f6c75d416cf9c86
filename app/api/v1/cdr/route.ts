import { listCdrs } from '@/lib/api/contracts/cdr';
import { withAccount } from '@/lib/api/handler';
import { streamFailingLoudly } from '@/lib/auth/route';
import { isoDate } from '@/lib/format';
import { cdrCsvStream, cdrScopeOf, requireCdrSearch, searchCdrs } from '@/lib/services/cdr-search';

export const dynamic = 'force-dynamic';

function wantsCsv(request: Request, format: string | undefined): boolean {
  if (format) return format === 'csv';
  const accept = (request.headers.get('accept') ?? '').toLowerCase();
  return accept.includes('text/csv') && !accept.includes('application/json');
}

/**
 * Calls as VICICarrier's `/v1/cdr` gives them (`?from=2026-04-01&to=2026-04-17`): JSON pages by
 * cursor, or the whole result as CSV streamed a keyset batch at a time. The search is checked
 * before the first byte (400 with each field's message); a failure once rows flow ends the file
 * with an "incomplete" line.
 */
export const GET = withAccount(listCdrs, async ({ access, query, request }) => {
  const search = requireCdrSearch(query);
  if (!wantsCsv(request, query.format)) return searchCdrs(access, search, { cursor: query.cursor, limit: query.limit });
  const scope = await cdrScopeOf(access);
  const body = await streamFailingLoudly(cdrCsvStream(scope, search), { prefetch: 2 });
  const filename = `cdrs-${isoDate(search.from)}-${isoDate(new Date(search.to.getTime() - 1))}.csv`;
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
