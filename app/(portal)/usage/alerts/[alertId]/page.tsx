import type { Metadata } from 'next';
import Link from 'next/link';
import { TimeSeriesChart, type ChartPoint } from '@/components/charts/time-series-chart';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatDateTime, formatTime } from '@/lib/format';
import { QUALITY_ALERT_RULES } from '@/lib/quality/baseline';
import { METRIC_DEFINITIONS } from '@/lib/quality/metrics';
import { getQualityAlertChart } from '@/lib/services/quality-alerts';
import { acknowledgeQualityAlertAction } from '../actions';
import { AcknowledgeAlertForm } from '../alert-parts';
import { alertTitle, alertValue, alertWhere, alertWindow } from '../alert-words';

export const metadata: Metadata = { title: 'Quality alert' };
export const dynamic = 'force-dynamic';

export default async function QualityAlertPage({ params }: { params: Promise<{ alertId: string }> }) {
  const access = await requireAccountAccess('usage.read');
  const { alertId } = await params;
  const loaded = await orNotFound(getQualityAlertChart(access, alertId));
  const { alert, points } = loaded;
  const asr = alert.metric === 'asr';
  // Plotted in percent or milliseconds; the exact text is what the tooltip and the table show.
  const plotted = (value: number | null) => (value === null ? 0 : asr ? Math.round(value * 1000) / 10 : Math.round(value));
  const chartPoints: ChartPoint[] = points.map((point) => {
    const at = new Date(point.at);
    return {
      label: formatTime(at).replace(' UTC', ''),
      fullLabel: `15 minutes to ${formatDateTime(at)}`,
      values: { observed: plotted(point.observed), baseline: plotted(point.baseline), threshold: plotted(point.threshold) },
      text: {
        observed: point.attempts > 0 ? `${alertValue(alert.metric, point.observed)} (${point.attempts} attempts)` : 'no calls',
        baseline: alertValue(alert.metric, point.baseline),
        threshold: alertValue(alert.metric, point.threshold),
      },
    };
  });
  const unit = asr ? '%' : 'ms';
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/usage/alerts" className="text-indigo-800 hover:underline">
          ← Quality alerts
        </Link>
      </p>
      <PageHeader title={alertTitle(alert)} description={`${alertWhere(alert)} · ${alert.accountName}`} />
      <div className="space-y-6">
        <Card title="What was seen">
          <dl className="grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <div>
              <dt className="text-slate-600">Status</dt>
              <dd>
                <Badge tone={alert.status === 'open' ? 'red' : 'green'}>{alert.status === 'open' ? 'Open' : 'Resolved'}</Badge>
                {alert.resolvedAt ? <span className="ml-2">{formatDateTime(new Date(alert.resolvedAt))}</span> : null}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Opened</dt>
              <dd>{formatDateTime(new Date(alert.openedAt))}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Latest window out of range</dt>
              <dd>{alertWindow(alert)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Seen</dt>
              <dd className="tabular-nums">
                {alertValue(alert.metric, alert.observed)} over {alert.volume} attempts (worst {alertValue(alert.metric, alert.worstObserved)})
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Normal at this time of week</dt>
              <dd className="tabular-nums">
                {alertValue(alert.metric, alert.baseline)} (spread {alertValue(alert.metric, alert.spread)}, {alert.baselineWeeks} weeks)
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Alerts {asr ? 'below' : 'above'}</dt>
              <dd className="tabular-nums">{alertValue(alert.metric, alert.threshold)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Acknowledged</dt>
              <dd>
                {alert.acknowledgedAt ? `${formatDateTime(new Date(alert.acknowledgedAt))} by ${alert.acknowledgedBy ?? 'someone'}` : can(access, 'technical.write') ? <AcknowledgeAlertForm action={acknowledgeQualityAlertAction} alertId={alert.id} /> : 'Not yet'}
              </dd>
            </div>
          </dl>
        </Card>
        <Card title={`${asr ? 'ASR' : 'PDD p50'} around the alert`} description={`${asr ? METRIC_DEFINITIONS.asr : METRIC_DEFINITIONS.pdd} Each point is the 15 minutes ending at its time. ${QUALITY_ALERT_RULES}`}>
          <TimeSeriesChart
            title={`${asr ? 'ASR' : 'PDD p50'} (${unit}) against its normal range`}
            summary={`${asr ? 'ASR' : 'PDD p50'} (${unit}) every 5 minutes from 3 hours before the alert: the seen value, the median of the same time in the previous 4 weeks, and the line past which it alerts.`}
            series={[
              { key: 'observed', label: 'Seen', type: 'line', color: '#b91c1c' },
              { key: 'baseline', label: 'Normal (median of 4 weeks)', type: 'line', color: '#4338ca' },
              { key: 'threshold', label: asr ? 'Alerts below' : 'Alerts above', type: 'line', color: '#94a3b8' },
            ]}
            points={chartPoints}
            height={260}
          />
        </Card>
      </div>
    </>
  );
}
