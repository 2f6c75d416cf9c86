import type { Metadata } from 'next';
import Link from 'next/link';
import { AccountTreeTable, type LimitView } from '@/components/account/account-tree-table';
import { CreateSubAccountForm } from '@/components/account/forms';
import { Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount, formatMoney } from '@/lib/format';
import { MAX_ACCOUNT_DEPTH, effectiveLimitsOfTree, getAccountTree, type EffectiveLimit } from '@/lib/services/accounts';
import { createSubAccountAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

/** An effective limit as a cell shows it: its value, and whose it is when it is not the row's own. */
function limitView(limit: EffectiveLimit<number | string | null>, accountId: string, format: (value: number | string) => string): LimitView {
  if (limit.value === null) return { value: '—' };
  return { value: format(limit.value), from: limit.setBy && limit.setBy.id !== accountId ? limit.setBy.name : undefined };
}

export default async function AccountPage() {
  const access = await requireAccountAccess('subaccounts.manage');
  const { tree, above } = await getAccountTree(access);
  const effective = effectiveLimitsOfTree(above, tree.map((row) => row.account));
  const showMoney = access.permissions.has('billing.read');
  const baseDepth = access.account.depth;
  const writable = can(access, 'subaccounts.manage');
  const parents = tree
    .filter((row) => row.account.depth < MAX_ACCOUNT_DEPTH && row.account.status === 'active')
    .map((row) => ({ id: row.account.id, label: `${'— '.repeat(row.account.depth - baseDepth)}${row.account.name}` }));

  return (
    <>
      <PageHeader
        title="Account"
        description="Sub-accounts, their limits and users. A role here reaches every sub-account below."
        actions={
          <Link href="/account/audit" className="text-sm font-medium text-indigo-800 underline">
            Audit log
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="Account tree" description={`${tree.length} account${tree.length === 1 ? '' : 's'} in ${access.account.name}. Limits shown are effective: the tightest along the way up.`}>
          <AccountTreeTable
            caption={`Accounts in ${access.account.name}`}
            showMoney={showMoney}
            rows={tree.map(({ account, children, members }) => ({
              id: account.id,
              name: account.name,
              level: account.depth - baseDepth,
              active: account.status === 'active',
              subAccounts: String(children),
              users: String(members),
              concurrentCalls: limitView(effective.get(account.id)!.maxConcurrentCalls, account.id, (value) => formatCount(Number(value))),
              spendCap: showMoney ? limitView(effective.get(account.id)!.monthlySpendCap, account.id, (value) => formatMoney(String(value))) : undefined,
            }))}
          />
        </Card>
        {writable ? (
          <Card title="New sub-account" description="Sub-accounts are billed to their master account. Their limits cannot exceed the parent's; a limit left blank is the parent's.">
            <CreateSubAccountForm parents={parents} defaultParentId={access.account.id} action={createSubAccountAction} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
