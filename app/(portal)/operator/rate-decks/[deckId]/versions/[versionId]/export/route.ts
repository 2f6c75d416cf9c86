import { authorizeStaff } from '@/lib/auth/guard';
import { jsonRoute, streamFailingLoudly } from '@/lib/auth/route';
import { openRateDeckVersionCsv } from '@/lib/services/rate-decks';

export const dynamic = 'force-dynamic';

/** Any version of any deck as the CSV it imports from (DID tiers included), for staff only; streamed. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ deckId: string; versionId: string }> }) => {
  const { deckId, versionId } = await params;
  const { user } = await authorizeStaff();
  const file = await openRateDeckVersionCsv(user, { deckId, versionId });
  return new Response(await streamFailingLoudly(file.body, { prefetch: 2 }), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
