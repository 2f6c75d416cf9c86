import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { effectiveLimitsOfTree, getAccountTree, type EffectiveLimits } from '@/lib/services/accounts';

export const dynamic = 'force-dynamic';

/**
 * An account and its direct sub-accounts, for the session's user (the public API grows from here).
 * Money (spend caps) only for roles that read billing; effective limits are the tightest on the path.
 */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ accountId: string }> }) => {
  const { accountId } = await params;
  const access = await authorize('account.read', accountId);
  const { tree, above } = await getAccountTree(access);
  const money = access.permissions.has('billing.read');
  const effective = effectiveLimitsOfTree(above, tree.map((row) => row.account));
  const effectiveView = (limits: EffectiveLimits) => ({
    maxConcurrentCalls: limits.maxConcurrentCalls.value,
    maxCallsPerSecond: limits.maxCallsPerSecond.value,
    ...(money ? { monthlySpendCap: limits.monthlySpendCap.value } : {}),
    internationalAllowed: limits.internationalAllowed.value,
  });
  const view = ({ account, children, members }: (typeof tree)[number]) => ({
    id: account.id,
    name: account.name,
    parentId: account.parentId,
    status: account.status,
    limits: {
      maxConcurrentCalls: account.maxConcurrentCalls,
      maxCallsPerSecond: account.maxCallsPerSecond,
      ...(money ? { monthlySpendCap: account.monthlySpendCap } : {}),
      internationalAllowed: account.internationalAllowed,
    },
    effectiveLimits: effectiveView(effective.get(account.id)!),
    subAccountCount: children,
    memberCount: members,
  });
  const [self, ...rest] = tree;
  return Response.json({ account: self ? view(self) : null, subAccounts: rest.filter((row) => row.account.parentId === accountId).map(view) });
});
