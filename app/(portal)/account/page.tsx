import type { Metadata } from 'next';
import Link from 'next/link';
import { CreateSubAccountForm } from '@/components/account/forms';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { getDb } from '@/lib/db/client';
import { getSubtreeWithCountsByAccount } from '@/lib/db/queries/accounts';
import { MAX_ACCOUNT_DEPTH } from '@/lib/services/accounts';
import { createSubAccountAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const access = await requireAccountAccess('subaccounts.manage');
  const tree = await getSubtreeWithCountsByAccount(await getDb(), { accountId: access.account.id });
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
        <Card title="Account tree" description={`${tree.length} account${tree.length === 1 ? '' : 's'} in ${access.account.name}`}>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2">Account</th>
                <th scope="col" className="py-2">Status</th>
                <th scope="col" className="py-2 text-right">Sub-accounts</th>
                <th scope="col" className="py-2 text-right">Users</th>
                <th scope="col" className="py-2 text-right">Concurrent calls</th>
                <th scope="col" className="py-2 text-right">Spend cap</th>
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
                  <td className="py-2 text-right tabular-nums">{account.maxConcurrentCalls ?? '—'}</td>
                  <td className="py-2 text-right tabular-nums">{account.monthlySpendCap ? `$${Number(account.monthlySpendCap).toLocaleString('en-US', { minimumFractionDigits: 2 })}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        {writable ? (
          <Card title="New sub-account" description="Sub-accounts are billed to their master account. Limits left blank are not enforced.">
            <CreateSubAccountForm parents={parents} defaultParentId={access.account.id} action={createSubAccountAction} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
