import type { Metadata } from 'next';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField } from '@/components/ui/field';
import { requireStaff } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import {
  failureWords,
  getUpstreamReconciliation,
  recentMonths,
  type ReconciliationRow,
  type ReconciliationView,
  type UpstreamReconciliation,
} from '@/lib/services/upstream-reconciliation';
import { FetchNowButton, ReconciliationTable, type ReconciliationTableRow } from './reconciliation-parts';

export const metadata: Metadata = { title: 'Upstream reconciliation' };
export const dynamic = 'force-dynamic';

const dash = '—';
const day = (iso: string) => formatDate(new Date(`${iso}T00:00:00Z`));

function rowOf(row: ReconciliationRow, { currency, portalCurrency }: UpstreamReconciliation): ReconciliationTableRow {
  return {
    id: row.key,
    when: row.level === 'day' ? day(row.from) : `${day(row.from)} – ${day(row.through)}`,
    portalCost: formatMoney(row.portalCost, portalCurrency),
    upstreamAmount: row.upstreamAmount === null ? dash : formatMoney(row.upstreamAmount, currency),
    difference: row.difference === null ? dash : formatMoney(row.difference, currency),
    percent: row.percent === null ? dash : `${row.percent} %`,
    status: row.status,
    note: row.note ?? '',
  };
}

function FetchError({ upstream }: { upstream: UpstreamReconciliation }) {
  const { error } = upstream;
  if (!error) return null;
  return (
    <div className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <p className="font-semibold">
        The last fetch failed ({failureWords(error.kind)}) at {formatDateTime(error.at)}.
      </p>
      <p className="mt-1 break-words">{error.message}</p>
      <p className="mt-1">
        {upstream.lastFetchedAt
          ? `The upstream amounts below are from the last fetch that worked, ${formatDateTime(upstream.lastFetchedAt)}.`
          : `No amount from ${upstream.providerName} is shown for this month until a fetch works: nothing unreadable is taken for zero.`}
      </p>
    </div>
  );
}

function Totals({ upstream }: { upstream: UpstreamReconciliation }) {
  const { totals, currency, portalCurrency } = upstream;
  const figures: [string, string][] = [
    ['Portal cost', formatMoney(totals.portalCost, portalCurrency)],
    ['Upstream amount', totals.upstreamAmount === null ? dash : formatMoney(totals.upstreamAmount, currency)],
    ['Difference where compared', totals.difference === null ? dash : `${formatMoney(totals.difference, currency)}${totals.percent === null ? '' : ` (${totals.percent} %)`}`],
    ['Flagged', `${totals.flagged} of ${totals.compared} compared`],
  ];
  return (
    <dl className="mt-4 grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt className="text-slate-600">{label}</dt>
          <dd className="font-semibold tabular-nums text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function UpstreamCard({ upstream, period }: { upstream: UpstreamReconciliation; period: string }) {
  const title = `${upstream.name} (${upstream.providerName})`;
  return (
    <Card
      title={title}
      description={upstream.basisNote}
      actions={upstream.enabled ? <FetchNowButton period={period} connectionId={upstream.connectionId} label={<>Fetch now<span className="sr-only"> from {upstream.name}</span></>} /> : undefined}
    >
      <p role="status" className="mb-3 text-sm text-slate-700">
        {upstream.lastFetchedAt ? `Last fetched ${formatDateTime(upstream.lastFetchedAt)}.` : 'Not fetched for this month yet.'}
        {upstream.lastAttemptAt && upstream.lastAttemptAt.getTime() !== upstream.lastFetchedAt?.getTime() ? ` Last tried ${formatDateTime(upstream.lastAttemptAt)}.` : ''}
      </p>
      <FetchError upstream={upstream} />
      {upstream.warnings.length > 0 ? (
        <ul className="mb-4 list-disc space-y-1 pl-5 text-sm text-amber-900">
          {upstream.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
      <ReconciliationTable upstream={upstream.name} rows={upstream.rows.map((row) => rowOf(row, upstream))} />
      <Totals upstream={upstream} />
    </Card>
  );
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireStaff();
  const params = await searchParams;
  const requested = typeof params.period === 'string' ? params.period : undefined;
  let periodError: string | undefined;
  let view: ReconciliationView;
  try {
    view = await getUpstreamReconciliation(user, { period: requested });
  } catch (error) {
    if (!isAppError(error) || error.code !== 'invalid:period') throw error;
    periodError = error.fieldErrors?.period?.[0] ?? error.message;
    view = await getUpstreamReconciliation(user, {});
  }
  const months = recentMonths();
  return (
    <>
      <PageHeader
        title="Upstream reconciliation"
        description={`What each upstream says it charged against the portal's cost rating of the same calls (each connection's cost deck), for ${view.period.label}. A difference is flagged when it is more than $${view.tolerance.amount} and more than ${view.tolerance.percent} % of the upstream's amount. Statements are fetched daily and stored; this page never waits on an upstream.`}
        actions={<FetchNowButton period={view.period.month} label={`Fetch all for ${view.period.label}`} />}
      />
      <form method="get" className="mb-6 flex flex-wrap items-end gap-3">
        <SelectField label="Month" name="period" idPrefix="reconciliation" defaultValue={view.period.month} errors={periodError ? [periodError] : undefined} className="w-56">
          {months.map((month) => (
            <option key={month.value} value={month.value}>
              {month.label}
            </option>
          ))}
        </SelectField>
        <button type="submit" className={buttonClass('secondary', 'mb-5')}>
          Show
        </button>
      </form>
      {view.upstreams.length === 0 ? (
        <EmptyState title="No upstream connections">Connect an upstream on the Providers page; its statement is fetched the next morning, or with Fetch now.</EmptyState>
      ) : (
        <div className="space-y-6">
          {view.upstreams.map((upstream) => (
            <UpstreamCard key={upstream.connectionId} upstream={upstream} period={view.period.month} />
          ))}
        </div>
      )}
    </>
  );
}
