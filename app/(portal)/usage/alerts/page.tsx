import type { Metadata } from 'next';
import Link from 'next/link';
import { Pager } from '@/components/ui/pager';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { QUALITY_ALERT_RULES } from '@/lib/quality/baseline';
import { listQualityAlerts, QUALITY_ALERTS_PAGE_SIZE } from '@/lib/services/quality-alerts';
import { acknowledgeQualityAlertAction } from './actions';
import { QualityAlertTable, type QualityAlertRow } from './alert-parts';
import { alertTitle, alertValue, alertWhere, alertWindow } from './alert-words';

export const metadata: Metadata = { title: 'Quality alerts' };
export const dynamic = 'force-dynamic';

const STATUSES = ['all', 'open', 'resolved'] as const;
type Status = (typeof STATUSES)[number];

export default async function QualityAlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('usage.read');
  const params = await searchParams;
  const status: Status = STATUSES.includes(params.status as Status) ? (params.status as Status) : 'all';
  const requested = Number(params.page);
  const page = Number.isInteger(requested) && requested >= 1 && requested <= 10_000 ? requested : 1;
  const { data, total } = await listQualityAlerts(access, { status, page });
  const rows: QualityAlertRow[] = data.map((alert) => ({
    id: alert.id,
    what: alertTitle(alert),
    where: alertWhere(alert),
    account: alert.accountName,
    observed: alertValue(alert.metric, alert.observed),
    baseline: alertValue(alert.metric, alert.baseline),
    window: alertWindow(alert),
    status: alert.status,
    statusText: alert.status === 'open' ? 'Open' : `Resolved ${formatDateTime(new Date(alert.resolvedAt!))}`,
    acknowledged: alert.acknowledgedAt ? `Acknowledged by ${alert.acknowledgedBy ?? 'someone'}` : null,
  }));
  const href = (next: { status?: Status; page?: number }) => {
    const query = new URLSearchParams();
    const nextStatus = next.status ?? status;
    if (nextStatus !== 'all') query.set('status', nextStatus);
    if (next.page && next.page > 1) query.set('page', String(next.page));
    const text = query.toString();
    return text ? `/usage/alerts?${text}` : '/usage/alerts';
  };
  return (
    <>
      <PageHeader title="Quality alerts" description={`When ASR or PDD of calls of ${access.account.name} and its sub-accounts leaves what is normal for the time of week. ${QUALITY_ALERT_RULES}`} />
      <Card title="Alerts">
        <nav aria-label="Show alerts" className="mb-3 flex gap-3 text-sm">
          {STATUSES.map((option) => (
            <Link key={option} href={href({ status: option })} aria-current={option === status ? 'page' : undefined} className={option === status ? 'font-semibold text-slate-900 underline' : 'text-indigo-800 hover:underline'}>
              {option === 'all' ? 'All' : option === 'open' ? 'Open' : 'Resolved'}
            </Link>
          ))}
        </nav>
        <QualityAlertTable
          rows={rows}
          caption={`Quality alerts of ${access.account.name}`}
          acknowledgeAction={can(access, 'technical.write') ? acknowledgeQualityAlertAction : undefined}
          empty={
            <EmptyState title={status === 'open' ? 'No open alerts' : 'No alerts yet'}>
              Alerts appear here when a trunk group’s calls to a country answer less often or ring later than at the same time in the previous four weeks. You are told in the portal and by e-mail (choose in your notification settings); webhooks receive quality.alert.
            </EmptyState>
          }
        />
        <Pager label="Pages of alerts" page={page} pageSize={QUALITY_ALERTS_PAGE_SIZE} total={total} rowCount={rows.length} noun={{ one: 'alert', many: 'alerts' }} hrefFor={(target) => href({ page: target })} />
      </Card>
    </>
  );
}
