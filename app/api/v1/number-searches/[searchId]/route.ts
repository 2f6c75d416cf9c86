import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { getSearchPage } from '@/lib/services/number-search';
import { issuesByField } from '@/lib/validations/common';
import { searchPageQuerySchema } from '@/lib/validations/numbers';

export const dynamic = 'force-dynamic';

/**
 * One page of a number search of the caller's account (`?sort=monthly&dir=desc&page=2`, `&e911=only`
 * for numbers whose carrier can register an emergency address) and where
 * each carrier stands: what the Buy numbers page polls while a carrier is still answering. 404 for
 * another account's search or an expired one; 400 with the field messages for a bad parameter.
 */
export const GET = jsonRoute(async (request: Request, { params }: { params: Promise<{ searchId: string }> }) => {
  const { searchId } = await params;
  const access = await authorize('technical.read');
  const query = new URL(request.url).searchParams;
  const view = searchPageQuerySchema.safeParse({ sort: query.get('sort') ?? undefined, dir: query.get('dir') ?? undefined, page: query.get('page') ?? undefined, e911: query.get('e911') ?? undefined });
  if (!view.success) throw new AppError('invalid:query', 'Some parameters are not valid; correct them and ask again.', { fieldErrors: issuesByField(view.error) });
  const { e911, ...order } = view.data;
  return Response.json(await getSearchPage(access, searchId, { ...order, e911Only: e911 }), { headers: { 'cache-control': 'no-store' } });
});
