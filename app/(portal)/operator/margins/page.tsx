import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount, formatDate, formatMoney } from '@/lib/format';
import { getMarginReport, parseMarginPeriod, type MarginLine } from '@/lib/services/margins';
import { MarginTable, type MarginTableRow } from './margins-table';

export const metadata: Metadata = { title: 'Margins' };
export const dynamic = 'force-dynamic';

type RawParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const dash = '—';

/** Billed seconds as minutes to a tenth, rounded half-up in integers. */
function minutes(seconds: number): string {
  const tenths = Math.floor((seconds * 10 + 30) / 60);
  return `${formatCount(Math.floor(tenths / 10))}.${tenths % 10}`;
}

function rowOf(line: MarginLine): MarginTableRow {
  return {
    id: line.key,
    label: line.label,
    calls: formatCount(line.calls),
    billedMinutes: minutes(line.billedSeconds),
    revenue: formatMoney(line.revenue),
    cost: formatMoney(line.cost),
    margin: formatMoney(line.margin),
    marginPercent: line.marginPercent === null ? dash : `${line.marginPercent} %`,
    negative: line.margin.startsWith('-') && /[1-9]/.test(line.margin),
    unrated: formatCount(line.unrated),
    noCostDeck: line.hasCostDeck === false,
  };
}

export default async function MarginsPage({ searchParams }: { searchParams: Promise<RawParams> }) {
  const user = await requireStaff();
  const raw = await searchParams;
  const params = { from: first(raw.from)?.slice(0, 10), to: first(raw.to)?.slice(0, 10), direction: first(raw.direction)?.slice(0, 10) };
  const { period, fieldErrors } = parseMarginPeriod(params);
  const report = period ? await getMarginReport(user, period) : undefined;
  const range = period ? `${formatDate(period.from)} – ${formatDate(new Date(period.to.getTime() - 86_400_000))}` : '';
  const totals = report?.totals;
  const figures: [string, string][] = totals
    ? [
        ['Calls', formatCount(totals.calls)],
        ['Billed minutes', minutes(totals.billedSeconds)],
        ['Revenue', formatMoney(totals.revenue)],
        ['Cost', formatMoney(totals.cost)],
        ['Margin', `${formatMoney(totals.margin)}${totals.marginPercent === null ? '' : ` (${totals.marginPercent} %)`}`],
        ['Unrated calls', formatCount(totals.unrated)],
      ]
    : [];

  return (
    <>
      <PageHeader
        title="Margins"
        description="What rating charged customers against what the upstreams’ cost decks say the same calls cost, across every account, by destination and by upstream. From the daily rollups, in whole UTC days."
      />
      <Card>
        <form method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4 lg:items-start">
          <TextField idPrefix="margins" label="From" name="from" defaultValue={params.from ?? ''} placeholder="2026-04-01" errors={fieldErrors.from} hint="Default: the 1st of this month" />
          <TextField idPrefix="margins" label="To" name="to" defaultValue={params.to ?? ''} placeholder="2026-04-30" errors={fieldErrors.to} hint="Included; default: today" />
          <SelectField idPrefix="margins" label="Direction" name="direction" defaultValue={params.direction ?? ''} errors={fieldErrors.direction}>
            <option value="">Both</option>
            <option value="outbound">Outbound (termination)</option>
            <option value="inbound">Inbound (origination)</option>
          </SelectField>
          <div className="flex gap-2 sm:col-span-2 lg:col-span-1 lg:mt-6">
            <button type="submit" className={buttonClass('primary')}>
              Show
            </button>
            <Link href="/operator/margins" className={buttonClass('secondary')}>
              This month
            </Link>
          </div>
        </form>
        {!period ? (
          <p role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            The period could not be read: correct the highlighted fields.
          </p>
        ) : null}
        {totals ? (
          <dl className="mt-4 grid grid-cols-2 gap-3 text-sm md:grid-cols-3 lg:grid-cols-6" aria-label={`Totals ${range}`}>
            {figures.map(([label, value]) => (
              <div key={label}>
                <dt className="text-slate-600">{label}</dt>
                <dd className="font-semibold tabular-nums text-slate-900">{value}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </Card>
      {report ? (
        report.byDestination.length === 0 ? (
          <div className="mt-6">
            <EmptyState title="No calls in this period">{`Nothing was rated between ${range}. Pick other dates, or check that calls arrive (Usage & quality).`}</EmptyState>
          </div>
        ) : (
          <div className="mt-6 space-y-6">
            <Card title="By destination" description={`${range}. Calls with no charge (no deck, or no prefix matched) are counted as unrated and add no revenue.`}>
              <MarginTable rows={report.byDestination.map(rowOf)} caption={`Margin by destination, ${range}`} />
            </Card>
            <Card title="By upstream" description={`${range}. An upstream without a cost deck counts no cost, so its margin is the whole revenue.`}>
              <MarginTable rows={report.byUpstream.map(rowOf)} caption={`Margin by upstream, ${range}`} />
            </Card>
          </div>
        )
      ) : null}
    </>
  );
}
