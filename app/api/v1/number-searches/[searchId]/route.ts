import { getNumberSearch } from '@/lib/api/contracts/numbers';
import { withAccount } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { getSearchPage } from '@/lib/services/number-search';
import { issuesByField } from '@/lib/validations/common';
import { searchPageQuerySchema } from '@/lib/validations/numbers';

export const dynamic = 'force-dynamic';

/**
 * One page of a number search of the caller's account (`?sort=monthly&dir=desc&page=2`, `&e911=only`
 * for numbers whose carrier can register an emergency address) and where each carrier stands: what
 * the Buy numbers page polls while a carrier is still answering. 404 for another account's search or
 * an expired one; 400 with the field messages for a bad parameter.
 */
export const GET = withAccount(getNumberSearch, async ({ access, params, query }) => {
  const view = searchPageQuerySchema.safeParse({ sort: query.sort, dir: query.dir, page: query.page, e911: query.e911 });
  if (!view.success) throw new AppError('invalid:query', 'Some parameters are not valid; correct them and ask again.', { fieldErrors: issuesByField(view.error) });
  const { e911, ...order } = view.data;
  return getSearchPage(access, params.searchId, { ...order, e911Only: e911 });
});
