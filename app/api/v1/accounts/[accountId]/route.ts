import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getDb } from '@/lib/db/client';
import { getSubtreeWithCountsByAccount } from '@/lib/db/queries/accounts';

export const dynamic = 'force-dynamic';

/** An account and its direct sub-accounts, for the session's user (the public API grows from here). */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ accountId: string }> }) => {
  const { accountId } = await params;
  const access = await authorize('account.read', accountId);
  const tree = await getSubtreeWithCountsByAccount(await getDb(), { accountId: access.account.id });
  const view = ({ account, children, members }: (typeof tree)[number]) => ({
    id: account.id,
    name: account.name,
    parentId: account.parentId,
    status: account.status,
    limits: {
      maxConcurrentCalls: account.maxConcurrentCalls,
      maxCallsPerSecond: account.maxCallsPerSecond,
      monthlySpendCap: account.monthlySpendCap,
      internationalAllowed: account.internationalAllowed,
    },
    subAccountCount: children,
    memberCount: members,
  });
  const [self, ...rest] = tree;
  return Response.json({ account: self ? view(self) : null, subAccounts: rest.filter((row) => row.account.parentId === accountId).map(view) });
});
