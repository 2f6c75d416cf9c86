import type { Metadata } from 'next';
import Link from 'next/link';
import { CreateSubAccountForm } from '@/components/account/forms';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { getDb } from '@/lib/db/client';
import { getAccountsOnPath, getSubtreeWithCountsByAccount } from '@/lib/db/queries/accounts';
import { MAX_ACCOUNT_DEPTH, effectiveLimitsOfTree, type EffectiveLimit } from '@/lib/services/accounts';
import { formatMoney } from '@/lib/services/pricing';
import { createSubAccountAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

/** An effective limit in a cell: its value, and whose it is when it is not the row's own. */
function LimitCell({ limit, accountId, format }: { limit: EffectiveLimit<number | string | null>; accountId: string; format: (value: number | string) => string }) {
  if (limit.value === null) return <>—</>;
  const inherited = limit.setBy && limit.setBy.id !== accountId;
  return (
    <>
      {format(limit.value)}
      {inherited ? <span className="block text-xs text-slate-600">from {limit.setBy!.name}</span> : null}
    </>
  );
}

export default async function AccountPage() {
  const access = await requireAccountAccess('subaccounts.manage');
  const db = await getDb();
  const [tree, above] = await Promise.all([getSubtreeWithCountsByAccount(db, { accountId: access.account.id }), getAccountsOnPath(db, { path: access.account.path })]);
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
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2">Account</th>
                <th scope="col" className="py-2">Status</th>
                <th scope="col" className="py-2 text-right">Sub-accounts</th>
                <th scope="col" className="py-2 text-right">Users</th>
                <th scope="col" className="py-2 text-right">Concurrent calls</th>
                {showMoney ? <th scope="col" className="py-2 text-right">Spend cap</th> : null}
              </tr>
            </thead>
            <tbody>
              {tree.map(({ account, children, members }) => (
                <tr key={account.id} className="border-b border-slate-100 last:border-0">
                  <td className="py-2" style={{ paddingLeft: `${(account.depth - baseDepth) * 1.25}rem` }}>
                    <Link href={`/account/${account.id}`} className="font-medium text-indigo-800 hover:underline">
                      {account.name}
                    </Link>
                  </td>
                  <td className="py-2">{account.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Suspended</Badge>}</td>
                  <td className="py-2 text-right tabular-nums">{children}</td>
                  <td className="py-2 text-right tabular-nums">{members}</td>
                  <td className="py-2 text-right tabular-nums">
                    <LimitCell limit={effective.get(account.id)!.maxConcurrentCalls} accountId={account.id} format={(value) => Number(value).toLocaleString('en-US')} />
                  </td>
                  {showMoney ? (
                    <td className="py-2 text-right tabular-nums">
                      <LimitCell limit={effective.get(account.id)!.monthlySpendCap} accountId={account.id} format={(value) => formatMoney(String(value))} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
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
