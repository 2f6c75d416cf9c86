'use client';

import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQueryStates } from 'nuqs';
import { BreakdownBarChart } from '@/components/charts/breakdown-bar-chart';
import { KpiTile } from '@/components/charts/kpi-tile';
import { MetricLineChart, type ChartMarker, type MetricPoint } from '@/components/charts/metric-line-chart';
import { EmptyState } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { formatCount } from '@/lib/format';
import { fetchJson } from '@/lib/hooks/use-live-json';
import { METRIC_DEFINITIONS } from '@/lib/quality/metrics';
import { qualityParsers, serializeCallsSearch, serializeQuality } from '@/lib/url-state/quality';
import { QUALITY_RANGE_LABELS, QUALITY_RANGES, type KpiKey, type QualityBreakdownRow, type QualityFigures, type QualityOverview, type QualityPoint } from '@/lib/views/quality';

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const secs = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} s`);
const ms = (value: number | null) => (value === null ? '—' : `${formatCount(Math.round(value))} ms`);
const count = (value: number | null) => (value === null ? '—' : formatCount(Math.round(value)));
const minutes = (value: number | null) => (value === null ? '—' : `${formatCount(Math.round(value))} min`);
const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);

interface KpiSpec {
  key: KpiKey;
  label: string;
  definition: string;
  format: (value: number | null) => string;
  change: (delta: number) => string;
  /** Which way is good. */
  better: 'up' | 'down' | null;
}

const KPIS: KpiSpec[] = [
  { key: 'attempts', label: 'Attempts', definition: METRIC_DEFINITIONS.attempts, format: count, change: (d) => signed(formatCount(d), d), better: null },
  { key: 'asr', label: 'ASR', definition: METRIC_DEFINITIONS.asr, format: pct, change: (d) => signed(`${(d * 100).toFixed(1)} pp`, d), better: 'up' },
  { key: 'ner', label: 'NER', definition: METRIC_DEFINITIONS.ner, format: pct, change: (d) => signed(`${(d * 100).toFixed(1)} pp`, d), better: 'up' },
  { key: 'acd', label: 'ACD', definition: METRIC_DEFINITIONS.acd, format: secs, change: (d) => signed(`${d.toFixed(1)} s`, d), better: 'up' },
  { key: 'pddP50Ms', label: 'PDD p50', definition: METRIC_DEFINITIONS.pdd, format: ms, change: (d) => signed(`${Math.round(d)} ms`, d), better: 'down' },
  { key: 'pddP95Ms', label: 'PDD p95', definition: METRIC_DEFINITIONS.pdd, format: ms, change: (d) => signed(`${Math.round(d)} ms`, d), better: 'down' },
  { key: 'minutes', label: 'Minutes', definition: 'Billed minutes of answered calls.', format: minutes, change: (d) => signed(`${formatCount(Math.round(d))} min`, d), better: null },
  { key: 'shortCallShare', label: 'Short calls', definition: METRIC_DEFINITIONS.shortCalls, format: pct, change: (d) => signed(`${(d * 100).toFixed(1)} pp`, d), better: 'down' },
];

const utc = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...options });
const dayFormat = utc({ day: 'numeric', month: 'short' });
const timeFormat = utc({ hour: '2-digit', minute: '2-digit' });
const fullFormat = utc({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

function pointLabels(point: QualityPoint, grain: QualityOverview['grain']) {
  const start = new Date(point.bucketStart);
  const end = new Date(point.bucketEnd);
  if (grain === '1d') return { label: dayFormat.format(start), fullLabel: `${utc({ day: 'numeric', month: 'short', year: 'numeric' }).format(start)} (UTC)` };
  return { label: timeFormat.format(start), fullLabel: `${fullFormat.format(start)}–${timeFormat.format(end)} UTC` };
}

/** `datetime-local` value (UTC) ↔ ISO. */
const toLocalInput = (iso: string | null) => (iso ? iso.slice(0, 16) : '');
const fromLocalInput = (value: string) => (value ? `${value}:00Z` : null);

export function QualityOverviewPanel({ accountId }: { accountId: string }) {
  const router = useRouter();
  const [state, setState] = useQueryStates(qualityParsers, { history: 'push' });
  const query = serializeQuality({ ...state, range: state.range === '7d' ? null : state.range });
  const url = `/api/v1/quality${query ? `${query}&` : '?'}accountId=${encodeURIComponent(accountId)}`;
  const overview = useQuery({ queryKey: ['quality', accountId, query], queryFn: ({ signal }) => fetchJson<QualityOverview>(url, signal), staleTime: 30_000 });

  const data = overview.data;
  const callsHref = (extra: { from: string; to: string; trunkGroup?: string | null; destination?: string | null; upstream?: string | null }) =>
    `/usage/calls${serializeCallsSearch({
      from: extra.from,
      to: extra.to,
      trunkGroup: extra.trunkGroup ?? state.trunkGroup,
      destination: extra.destination ?? state.destination,
      upstream: extra.upstream ?? state.upstream,
      direction: state.direction,
    })}`;

  return (
    <div className="space-y-6">
      <Filters state={state} setState={setState} data={data} />
      {overview.isPending ? (
        <div role="status" aria-live="polite" className="flex h-48 items-center justify-center rounded-md bg-slate-50 text-sm text-slate-600">
          Loading usage and quality…
        </div>
      ) : overview.isError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          The figures could not be loaded: {overview.error.message}{' '}
          <button type="button" onClick={() => void overview.refetch()} className="font-medium underline">
            Try again
          </button>
        </p>
      ) : !data ? null : data.kpis.attempts.value === 0 && data.kpis.attempts.previous === 0 ? (
        <EmptyState title="No calls in this period">
          Calls appear here once your switch pushes CDRs (<Link href="/developers" className="text-indigo-800 underline">POST /api/v1/cdrs</Link>) with an API key an owner or admin creates, or the carriers’ call records are pulled. Try a longer range or clear the filters.
        </EmptyState>
      ) : (
        <Overview data={data} busy={overview.isFetching} hrefOf={callsHref} go={(href) => router.push(href)} />
      )}
    </div>
  );
}

type State = ReturnType<typeof useQueryStates<typeof qualityParsers>>[0];
type SetState = ReturnType<typeof useQueryStates<typeof qualityParsers>>[1];

function Filters({ state, setState, data }: { state: State; setState: SetState; data?: QualityOverview }) {
  const range = state.range ?? (state.from || state.to ? 'custom' : '7d');
  const select = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm';
  const label = 'block text-sm font-medium text-slate-700';
  const optionsOf = (list: { value: string; label: string }[] | undefined, current: string | null) =>
    current && !list?.some((option) => option.value === current) ? [...(list ?? []), { value: current, label: current }] : (list ?? []);
  return (
    <form className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-5" onSubmit={(event) => event.preventDefault()} aria-label="Filters">
      <div>
        <label htmlFor="quality-range" className={label}>Period</label>
        <select
          id="quality-range"
          className={select}
          value={range}
          onChange={(event) => {
            const next = event.target.value as (typeof QUALITY_RANGES)[number];
            if (next === 'custom') {
              const to = data?.to ?? new Date().toISOString();
              const from = data?.from ?? new Date(Date.now() - 7 * 86_400_000).toISOString();
              void setState({ range: 'custom', from, to });
            } else void setState({ range: next === '7d' ? null : next, from: null, to: null });
          }}
        >
          {QUALITY_RANGES.map((value) => (
            <option key={value} value={value}>
              {QUALITY_RANGE_LABELS[value]}
            </option>
          ))}
        </select>
      </div>
      {range === 'custom' ? (
        <>
          <div>
            <label htmlFor="quality-from" className={label}>From (UTC)</label>
            <input id="quality-from" type="datetime-local" className={select} value={toLocalInput(state.from)} onChange={(event) => void setState({ range: 'custom', from: fromLocalInput(event.target.value) })} />
          </div>
          <div>
            <label htmlFor="quality-to" className={label}>To (UTC)</label>
            <input id="quality-to" type="datetime-local" className={select} value={toLocalInput(state.to)} onChange={(event) => void setState({ range: 'custom', to: fromLocalInput(event.target.value) })} />
          </div>
        </>
      ) : null}
      <div>
        <label htmlFor="quality-trunk" className={label}>Trunk group</label>
        <select id="quality-trunk" className={select} value={state.trunkGroup ?? ''} onChange={(event) => void setState({ trunkGroup: event.target.value || null })}>
          <option value="">All trunk groups</option>
          {optionsOf(data?.options.trunkGroups, state.trunkGroup).map((option) => (
            <option key={option.value} value={option.value}>{option.label}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="quality-upstream" className={label}>Carrier</label>
        <select id="quality-upstream" className={select} value={state.upstream ?? ''} onChange={(event) => void setState({ upstream: event.target.value || null })}>
          <option value="">All carriers</option>
          {optionsOf(data?.options.upstreams, state.upstream).map((option) => (
            <option key={option.value} value={option.value}>{option.label}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="quality-destination" className={label}>Destination</label>
        <select id="quality-destination" className={select} value={state.destination ?? ''} onChange={(event) => void setState({ destination: event.target.value || null })}>
          <option value="">All destinations</option>
          {optionsOf(data?.options.destinations, state.destination).map((option) => (
            <option key={option.value} value={option.value}>{option.label}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="quality-direction" className={label}>Direction</label>
        <select id="quality-direction" className={select} value={state.direction ?? ''} onChange={(event) => void setState({ direction: (event.target.value || null) as State['direction'] })}>
          <option value="">Both directions</option>
          <option value="inbound">Inbound</option>
          <option value="outbound">Outbound</option>
        </select>
      </div>
    </form>
  );
}

type HrefOf = (extra: { from: string; to: string; trunkGroup?: string | null; destination?: string | null; upstream?: string | null }) => string;

function Overview({ data, busy, hrefOf, go }: { data: QualityOverview; busy: boolean; hrefOf: HrefOf; go: (href: string) => void }) {
  const points: (MetricPoint & { start: string; end: string })[] = data.series.map((point) => ({
    ...pointLabels(point, data.grain),
    start: point.bucketStart,
    end: point.bucketEnd,
    values: { attempts: point.attempts, answered: point.answered, asr: point.asr === null ? null : point.asr * 100, ner: point.ner === null ? null : point.ner * 100, acd: point.acd, p50: point.pddP50Ms, p95: point.pddP95Ms },
    text: { attempts: count(point.attempts), answered: count(point.answered), asr: pct(point.asr), ner: pct(point.ner), acd: secs(point.acd), p50: ms(point.pddP50Ms), p95: ms(point.pddP95Ms) },
  }));
  const index = new Map(data.series.map((point, i) => [point.bucketStart, i]));
  const markers: ChartMarker[] = data.markers.flatMap((marker) => {
    const at = index.get(marker.bucketStart);
    return at === undefined ? [] : [{ index: at, label: `${marker.label} (${fullFormat.format(new Date(marker.at))} UTC)` }];
  });
  const bucketHref = (i: number) => hrefOf({ from: points[i]!.start, to: points[i]!.end });
  const select = (i: number) => go(bucketHref(i));
  const k = data.kpis;
  const period = `${fullFormat.format(new Date(data.from))} – ${fullFormat.format(new Date(data.to))} UTC`;
  const common = { points, markers, hrefOf: bucketHref, onSelect: select };

  return (
    <div className="space-y-6" aria-busy={busy}>
      <section aria-labelledby="kpi-heading">
        <h2 id="kpi-heading" className="mb-3 text-lg font-semibold text-slate-900">
          {period} <span className="text-sm font-normal text-slate-600">against the period of the same length before it</span>
        </h2>
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {KPIS.map((spec) => {
            const kpi = k[spec.key];
            const trend = kpi.change === null || kpi.change === 0 ? 0 : kpi.change > 0 ? 1 : -1;
            return (
              <KpiTile
                key={spec.key}
                label={spec.label}
                value={spec.format(kpi.value)}
                previous={spec.format(kpi.previous)}
                change={kpi.change === null ? null : spec.change(kpi.change)}
                trend={trend}
                good={spec.better === null ? null : (spec.better === 'up') === trend > 0}
                definition={spec.definition}
                note={spec.key === 'pddP50Ms' ? `PDD unknown on ${pct(k.pddUnknownShare.value)} of calls` : undefined}
              />
            );
          })}
        </div>
      </section>

      <section aria-labelledby="charts-heading" className="space-y-4">
        <h2 id="charts-heading" className="text-lg font-semibold text-slate-900">Over time</h2>
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          <MetricLineChart
            title="Attempts"
            definition={METRIC_DEFINITIONS.attempts}
            summary={`${count(k.attempts.value)} attempts, ${count(data.series.reduce((sum, point) => sum + point.answered, 0))} answered.`}
            lines={[
              { key: 'attempts', label: 'Attempts', color: '#4f46e5' },
              { key: 'answered', label: 'Answered', color: '#059669' },
            ]}
            {...common}
          />
          <MetricLineChart
            title="ASR and NER (%)"
            definition={`${METRIC_DEFINITIONS.asr} ${METRIC_DEFINITIONS.ner}`}
            summary={`ASR ${pct(k.asr.value)}, NER ${pct(k.ner.value)} over the period.`}
            lines={[
              { key: 'asr', label: 'ASR', color: '#4f46e5' },
              { key: 'ner', label: 'NER', color: '#0891b2' },
            ]}
            domain={[0, 100]}
            formatTick={(value) => `${value}%`}
            {...common}
          />
          <MetricLineChart
            title="ACD (seconds)"
            definition={METRIC_DEFINITIONS.acd}
            summary={`ACD ${secs(k.acd.value)} over the period.`}
            lines={[{ key: 'acd', label: 'ACD', color: '#7c3aed' }]}
            {...common}
          />
          <MetricLineChart
            title="PDD p50 and p95 (ms)"
            definition={METRIC_DEFINITIONS.pdd}
            summary={`PDD p50 ${ms(k.pddP50Ms.value)}, p95 ${ms(k.pddP95Ms.value)}; unknown on ${pct(k.pddUnknownShare.value)} of calls.`}
            lines={[
              { key: 'p50', label: 'PDD p50', color: '#0d9488' },
              { key: 'p95', label: 'PDD p95', color: '#dc2626' },
            ]}
            {...common}
          />
        </div>
      </section>

      <section aria-labelledby="breakdown-heading" className="space-y-4">
        <h2 id="breakdown-heading" className="text-lg font-semibold text-slate-900">Breakdowns</h2>
        <Breakdown title="By trunk group" column="Trunk group" rows={data.breakdowns.trunkGroups} hrefOf={(row) => hrefOf({ from: data.from, to: data.to, trunkGroup: row.key })} go={go} />
        <Breakdown title="By destination" column="Destination" rows={data.breakdowns.destinations} hrefOf={(row) => hrefOf({ from: data.from, to: data.to, destination: row.key })} go={go} />
        <Breakdown title="By carrier" column="Carrier" rows={data.breakdowns.upstreams} hrefOf={(row) => hrefOf({ from: data.from, to: data.to, upstream: row.key })} go={go} />
      </section>
    </div>
  );
}

function Breakdown({ title, column, rows, hrefOf, go }: { title: string; column: string; rows: QualityBreakdownRow[]; hrefOf: (row: QualityBreakdownRow) => string; go: (href: string) => void }) {
  const metric = (header: string, read: (row: QualityFigures) => string): ColumnDef<QualityBreakdownRow> => ({ id: header, header, cell: ({ row }) => <span className="tabular-nums">{read(row.original)}</span> });
  const columns: ColumnDef<QualityBreakdownRow>[] = [
    {
      id: 'label',
      header: column,
      cell: ({ row }) =>
        row.original.key === null ? (
          row.original.label
        ) : (
          <Link href={hrefOf(row.original)} className="font-medium text-indigo-800 hover:underline">
            {row.original.label}
          </Link>
        ),
    },
    metric('Attempts', (row) => count(row.attempts)),
    metric('ASR', (row) => pct(row.asr)),
    metric('NER', (row) => pct(row.ner)),
    metric('ACD', (row) => secs(row.acd)),
    metric('PDD p50', (row) => ms(row.pddP50Ms)),
    metric('PDD p95', (row) => ms(row.pddP95Ms)),
    metric('PDD unknown', (row) => pct(row.pddUnknownShare)),
  ];
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="mb-2 text-base font-semibold text-slate-900">{title}</h3>
      {rows.length > 0 ? (
        <BreakdownBarChart
          title={`${title}: attempts`}
          bars={rows.map((row) => ({ label: row.label, value: row.attempts, text: `${count(row.attempts)} attempts, ASR ${pct(row.asr)}` }))}
          onSelect={(i) => {
            const row = rows[i];
            if (row && row.key !== null) go(hrefOf(row));
          }}
        />
      ) : null}
      <DataTable rows={rows} columns={columns} getRowId={(row) => row.key ?? '(none)'} caption={`${title}: attempts and quality`} rowHeader="label" empty={<EmptyState title="No calls in this period" />} />
    </div>
  );
}
