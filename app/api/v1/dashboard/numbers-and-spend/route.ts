import { z } from 'zod';
import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { getNumbersAndSpendView } from '@/lib/services/dashboard-series';

export const dynamic = 'force-dynamic';

const accountIdSchema = z.string().uuid('Choose an account you can reach (its id)').optional();

/**
 * Numbers at each month's end and spend per month (for roles that read billing), the last 12
 * months, over the subtree of the session's account or of `?accountId=` (an account the user reaches).
 */
export const GET = jsonRoute(async (request: Request) => {
  const accountId = accountIdSchema.safeParse(new URL(request.url).searchParams.get('accountId') || undefined);
  if (!accountId.success) {
    await authorize('account.read');
    throw new AppError('invalid:filter', 'The account id is not valid.', { fieldErrors: { accountId: accountId.error.issues.map((issue) => issue.message) } });
  }
  const access = await authorize('account.read', accountId.data);
  return Response.json(await getNumbersAndSpendView(access), { headers: { 'cache-control': 'no-store' } });
});
