import { getAccount } from '@/lib/api/contracts/accounts';
import { withAccount } from '@/lib/api/handler';
import { effectiveLimitsJson, limitsJson } from '@/lib/api/presenters/accounts';
import { effectiveLimitsOfTree, getReachableAccountTree } from '@/lib/services/accounts';

export const dynamic = 'force-dynamic';

/**
 * An account the caller reaches (a key: its subtree; a session: its memberships) and its direct
 * sub-accounts; 404 for any other. Money (spend caps) only for roles that read billing.
 */
export const GET = withAccount(getAccount, async ({ access: caller, params }) => {
  const { access, tree, above } = await getReachableAccountTree(caller, params.accountId);
  const effective = effectiveLimitsOfTree(above, tree.map((row) => row.account));
  const view = ({ account, children, members }: (typeof tree)[number]) => ({
    id: account.id,
    name: account.name,
    parentId: account.parentId,
    status: account.status,
    limits: limitsJson(access, account),
    effectiveLimits: effectiveLimitsJson(access, effective.get(account.id)!),
    subAccountCount: Number(children),
    memberCount: Number(members),
  });
  const [self, ...rest] = tree;
  return { account: self ? view(self) : null, subAccounts: rest.filter((row) => row.account.parentId === access.account.id).map(view) };
});
