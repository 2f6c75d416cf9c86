import type { Metadata } from 'next';
import Link from 'next/link';
import { NumbersAndSpendChart } from '@/components/dashboard/numbers-and-spend-chart';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount, formatDateTime, formatMoney } from '@/lib/format';
import { auditEventLabel } from '@/lib/views/audit-events';
import { getDashboard } from '@/lib/services/dashboard';
import { sumAmounts } from '@/lib/services/pricing';
import { coverageText } from '../e911/coverage';

export const metadata: Metadata = { title: 'Dashboard' };

/** A headline count; the whole tile opens its page when the viewer may open it. */
function Stat({ label, value, caption, href }: { label: string; value: number | string; caption: string; href?: string }) {
  const body = (
    <>
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      <p className="mt-1 text-xs text-slate-600">{caption}</p>
    </>
  );
  const frame = 'block rounded-lg border border-slate-200 bg-white p-4 shadow-sm';
  return href ? (
    <Link href={href} className={`${frame} hover:border-indigo-300 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600`}>
      {body}
    </Link>
  ) : (
    <div className={frame}>{body}</div>
  );
}

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;

export default async function DashboardPage() {
  const access = await requireAccountAccess('account.read');
  const canAudit = access.permissions.has('audit.read');
  const canSeeE911 = access.permissions.has('technical.read');
  const { counts, alerts, tree, events, funds, spend } = await getDashboard(access);
  const e911 = canSeeE911 ? counts.e911 : undefined;
  const children = tree.filter((row) => row.account.parentId === access.account.id);
  // Every count below is over the same scope; each tile says which.
  const scope = counts.subAccounts > 0 ? `${access.account.name} and its ${plural(counts.subAccounts, 'sub-account', 'sub-accounts')}` : access.account.name;
  const manage = access.permissions.has('subaccounts.manage');
  const technical = access.permissions.has('technical.read');
  const alertRows = alerts
    ? [
        alerts.notRouted.count > 0 ? 'routing' : null,
        alerts.drifted.length > 0 ? 'drift' : null,
        alerts.withoutE911.count > 0 ? 'e911' : null,
      ].filter(Boolean)
    : [];
  const inSubAccounts = (count: number) => (count > 0 ? ` ${plural(count, 'is', 'are')} in sub-accounts: switch to them to see ${count === 1 ? 'it' : 'them'}.` : '');

  return (
    <>
      <PageHeader title={access.account.name} description={`Signed in as ${access.user.name} · ${access.actingAsStaff ? 'operator staff' : ROLE_LABELS[access.role]}`} />
      {alerts && alertRows.length > 0 ? (
        <section aria-labelledby="dashboard-alerts-title" data-testid="dashboard-alerts" className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-950">
          <h2 id="dashboard-alerts-title" className="font-semibold">
            Needs attention in {scope}
          </h2>
          <ul className="mt-2 space-y-2">
            {alerts.notRouted.count > 0 ? (
              <li data-testid="alert-not-routed">
                <Link href="/numbers?routing=not_routed" className="font-medium underline">
                  {plural(alerts.notRouted.count, 'number is', 'numbers are')} not routed as configured
                </Link>
                : a carrier refused, failed or has not yet taken their trunk group (or it is disabled), so their calls do not reach your hosts.
                {inSubAccounts(alerts.notRouted.elsewhere)}
              </li>
            ) : null}
            {alerts.drifted.length > 0 ? (
              <li data-testid="alert-drift">
                <span className="font-medium">{plural(alerts.drifted.length, 'trunk group was', 'trunk groups were')} changed at a carrier outside the portal</span>
                {': '}
                {alerts.drifted.map((group, index) => (
                  <span key={group.id}>
                    {index > 0 ? ', ' : null}
                    {group.linked ? (
                      <Link href={`/trunk-groups/${group.id}`} className="underline">
                        {group.name}
                      </Link>
                    ) : (
                      `${group.name} (${group.accountName})`
                    )}
                  </span>
                ))}
                . Re-apply to put the portal’s settings back.
              </li>
            ) : null}
            {alerts.withoutE911.count > 0 ? (
              <li data-testid="alert-e911">
                <Link href="/e911" className="font-medium underline">
                  {plural(alerts.withoutE911.count, 'number has', 'numbers have')} no registered emergency address
                </Link>
                : 911 calls from {alerts.withoutE911.count === 1 ? 'it' : 'them'} may not reach the right dispatcher. Register an address where the carrier supports it; the E911 page lists numbers that cannot have one and what to do.
                {inSubAccounts(alerts.withoutE911.elsewhere)}
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Phone numbers"
          value={counts.numbers}
          caption={`Live, in ${scope}${technical && !manage && counts.subAccounts > 0 ? `; My numbers lists ${access.account.name}’s own` : ''}`}
          href={technical ? '/numbers' : undefined}
        />
        <Stat label="Sub-accounts" value={counts.suspended ? `${counts.subAccounts} (${counts.suspended} suspended)` : counts.subAccounts} caption={`Below ${access.account.name}, at any depth`} href={manage ? '/account' : undefined} />
        <Stat label="Users" value={counts.pendingInvitations ? `${counts.users} (+${counts.pendingInvitations} invited)` : counts.users} caption={`Members of ${scope}`} href={manage ? '/account' : undefined} />
        {funds ? (
          <Stat label="Balance" value={formatMoney(funds.balance)} caption={`The master account’s, paying for ${scope}`} />
        ) : spend ? (
          <Stat label="Spent this month" value={formatMoney(sumAmounts([spend.charged, spend.usage, spend.outstanding]))} caption={`By ${scope}`} />
        ) : (
          <Stat label="Pending invitations" value={counts.pendingInvitations} caption={`To ${scope}`} href={manage ? '/account' : undefined} />
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
                {!access.permissions.has('technical.write') ? 'View emergency addresses' : e911.unregistered > 0 ? 'Register emergency addresses' : 'Manage emergency addresses'}
              </Link>
            }
          >
            <p className="flex flex-wrap items-center gap-2 text-sm text-slate-900" data-testid="dashboard-e911-coverage">
              {e911.unregistered > 0 ? <Badge tone="amber">Action needed</Badge> : null}
              {`${coverageText(e911).replace(/\.$/, '')}, in ${scope}.`}
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
                    {plural(grandchildren, 'sub-account', 'sub-accounts')} · {plural(members, 'user', 'users')}
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
                    {auditEventLabel(event.action)} · {accountName}
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
