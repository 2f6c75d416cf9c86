import type { Metadata } from 'next';
import Link from 'next/link';
import { NumbersAndSpendChart } from '@/components/dashboard/numbers-and-spend-chart';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime, formatMoney } from '@/lib/format';
import { getDashboard } from '@/lib/services/dashboard';
import { sumAmounts } from '@/lib/services/pricing';
import { coverageText } from '../e911/coverage';

export const metadata: Metadata = { title: 'Dashboard' };

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
    </div>
  );
}

export default async function DashboardPage() {
  const access = await requireAccountAccess('account.read');
  const canAudit = access.permissions.has('audit.read');
  const canSeeE911 = access.permissions.has('technical.read');
  const { counts, tree, events, funds, spend } = await getDashboard(access);
  const e911 = canSeeE911 ? counts.e911 : undefined;
  const children = tree.filter((row) => row.account.parentId === access.account.id);

  return (
    <>
      <PageHeader title={access.account.name} description={`Signed in as ${access.user.name} · ${access.actingAsStaff ? 'operator staff' : ROLE_LABELS[access.role]}`} />
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Phone numbers" value={counts.numbers} />
        <Stat label="Sub-accounts" value={counts.suspended ? `${counts.subAccounts} (${counts.suspended} suspended)` : counts.subAccounts} />
        <Stat label="Users" value={counts.pendingInvitations ? `${counts.users} (+${counts.pendingInvitations} invited)` : counts.users} />
        {funds ? (
          <Stat label="Balance" value={formatMoney(funds.balance)} />
        ) : spend ? (
          <Stat label="Spent this month" value={formatMoney(sumAmounts([spend.charged, spend.outstanding]))} />
        ) : (
          <Stat label="Pending invitations" value={counts.pendingInvitations} />
        )}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={access.permissions.has('billing.read') ? 'Numbers and spend' : 'Numbers'} description="The last 12 months, this account and its sub-accounts." className="lg:col-span-2">
          <NumbersAndSpendChart accountId={access.account.id} />
        </Card>
        {e911 ? (
          <Card
            title="Emergency addresses (E911)"
            className="lg:col-span-2"
            actions={
              <Link href="/e911" className="text-sm text-indigo-800 underline">
                {e911.unregistered > 0 ? 'Register emergency addresses' : 'Manage emergency addresses'}
              </Link>
            }
          >
            <p className="flex flex-wrap items-center gap-2 text-sm text-slate-900" data-testid="dashboard-e911-coverage">
              {e911.unregistered > 0 ? <Badge tone="amber">Action needed</Badge> : null}
              {coverageText(e911)}
            </p>
          </Card>
        ) : null}
        <Card title="Sub-accounts" description="Direct sub-accounts of this account.">
          {children.length === 0 ? (
            <EmptyState title="No sub-accounts yet">
              {access.permissions.has('subaccounts.manage') ? (
                <Link href="/account" className="text-indigo-800 underline">
                  Create one on the Account page
                </Link>
              ) : (
                'An admin of this account can create them.'
              )}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {children.map(({ account, children: grandchildren, members }) => (
                <li key={account.id} className="flex items-center justify-between py-2 text-sm">
                  <span className="font-medium">{account.name}</span>
                  <span className="flex items-center gap-3 text-slate-600">
                    {grandchildren} sub · {members} users
                    {account.status === 'suspended' ? <Badge tone="amber">Suspended</Badge> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {canAudit ? (
          <Card title="Recent activity" actions={<Link href="/account/audit" className="text-sm text-indigo-800 underline">Audit log</Link>}>
            {events.length === 0 ? (
              <EmptyState title="Nothing has happened yet" />
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {events.map(({ event, accountName }) => (
                  <li key={event.id} className="py-2">
                    <span className="font-mono text-xs">{event.action}</span> · {accountName}
                    <span className="block text-xs text-slate-600">
                      {event.actorEmail ?? 'system'} · {formatDateTime(event.createdAt)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}
