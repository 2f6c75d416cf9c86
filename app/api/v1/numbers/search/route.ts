import { searchNumbers } from '@/lib/api/contracts/numbers';
import { withAccount } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { SEARCH_TIMEOUT_MS, startNumberSearch, toSearchView } from '@/lib/services/number-search';
import { issuesByField } from '@/lib/validations/common';
import { numberSearchSchema } from '@/lib/validations/numbers';

export const dynamic = 'force-dynamic';

/** Carriers slower than this are answered as `pending`; the caller polls the search by its id. */
const SEARCH_WAIT_MS = SEARCH_TIMEOUT_MS;

/** The Buy numbers search across every carrier: page one of the results and where each carrier stands. */
export const GET = withAccount(searchNumbers, async ({ access, query }) => {
  // The search schema reads the filters only (`accountId` was the wrapper's).
  const input = numberSearchSchema.safeParse(query);
  if (!input.success) throw new AppError('invalid:query', 'Some search parameters are not valid; see `fields`.', { fieldErrors: issuesByField(input.error) });
  const answer = await startNumberSearch(access, input.data, { waitMs: SEARCH_WAIT_MS });
  return toSearchView(answer, { sort: 'number', dir: 'asc', page: 1 }, access.user.isOperatorStaff);
});
