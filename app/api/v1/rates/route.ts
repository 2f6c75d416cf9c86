import { getRates } from '@/lib/api/contracts/rates';
import { withAccount } from '@/lib/api/handler';
import { streamFailingLoudly } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { getAccountRateDeck, rateDeckCsv, rateDeckDocument } from '@/lib/services/rate-decks';

export const dynamic = 'force-dynamic';

function wantsCsv(request: Request, format: string | undefined): boolean {
  if (format) return format === 'csv';
  const accept = (request.headers.get('accept') ?? '').toLowerCase();
  return accept.includes('text/csv') && !accept.includes('application/json');
}

/** A version never changes once published: its id and the format name the answer. */
function notModified(request: Request, etag: string): boolean {
  const wanted = request.headers.get('if-none-match');
  return Boolean(wanted && wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag));
}

/**
 * VICICarrier's machine-readable deck (seed 000): the caller's sell deck in force now, at `at`, or
 * version `version`; JSON in one document, or CSV streamed a batch of rates at a time.
 */
export const GET = withAccount(getRates, async ({ access, query, request }) => {
  if (query.at !== undefined && query.version !== undefined) {
    throw new AppError('invalid:query', 'Give `at` or `version`, not both.', { fieldErrors: { version: ['Give at or version, not both'] } });
  }
  const deck = await getAccountRateDeck(access, { at: query.at === undefined ? undefined : new Date(query.at), version: query.version });
  const csv = wantsCsv(request, query.format);
  const etag = `"${deck.version.id}-${csv ? 'csv' : 'json'}"`;
  const headers = { etag, 'x-rate-deck-version': String(deck.version.number), 'cache-control': 'private, no-cache' };
  if (notModified(request, etag)) return new Response(null, { status: 304, headers });
  if (!csv) return Response.json(await rateDeckDocument(deck), { headers });
  const { filename, body } = rateDeckCsv(deck);
  return new Response(await streamFailingLoudly(body, { prefetch: 2 }), {
    headers: { ...headers, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'x-content-type-options': 'nosniff' },
  });
});
