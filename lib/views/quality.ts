/**
 * The usage & quality overview as JSON (the API's answer and the page's data), and how a range
 * turns into a window and a grain. Pure, so the page's client components may import it.
 */
import type { QualityMetrics } from '@/lib/quality/metrics';

export const QUALITY_RANGES = ['24h', '7d', '30d', '90d', 'custom'] as const;
export type QualityRange = (typeof QUALITY_RANGES)[number];
export type QualityGrain = '5m' | '1h' | '1d';
export type QualityDirection = 'inbound' | 'outbound';

export const QUALITY_RANGE_LABELS: Record<QualityRange, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days', custom: 'Custom range' };

export const GRAIN_MS: Record<QualityGrain, number> = { '5m': 5 * 60_000, '1h': 3_600_000, '1d': 86_400_000 };
const DAY_MS = GRAIN_MS['1d'];
const RANGE_MS: Record<Exclude<QualityRange, 'custom'>, number> = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS };
/** A custom range is at most a year: a year of days is the longest series a chart draws. */
export const MAX_CUSTOM_RANGE_DAYS = 366;

/** Up to 2 days in 5-minute buckets, up to 14 days in hours, longer in days. */
export function grainForSpan(spanMs: number): QualityGrain {
  if (spanMs <= 2 * DAY_MS) return '5m';
  if (spanMs <= 14 * DAY_MS) return '1h';
  return '1d';
}

export interface QualityWindow {
  from: Date;
  to: Date;
  grain: QualityGrain;
  previousFrom: Date;
  previousTo: Date;
}

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * The buckets a range covers, aligned to its grain (UTC), and the period of the same length just
 * before it. A relative range ends with the bucket that holds `now`.
 */
export function qualityWindow(range: QualityRange, { from, to, now = new Date() }: { from?: Date; to?: Date; now?: Date } = {}): QualityWindow {
  let start: number;
  let end: number;
  let grain: QualityGrain;
  if (range === 'custom') {
    if (!from || !to) throw new Error('A custom range needs from and to.');
    grain = grainForSpan(to.getTime() - from.getTime());
    start = floorTo(from.getTime(), GRAIN_MS[grain]);
    end = ceilTo(to.getTime(), GRAIN_MS[grain]);
  } else {
    grain = grainForSpan(RANGE_MS[range]);
    end = floorTo(now.getTime(), GRAIN_MS[grain]) + GRAIN_MS[grain];
    start = end - RANGE_MS[range];
  }
  const span = end - start;
  return { from: new Date(start), to: new Date(end), grain, previousFrom: new Date(start - span), previousTo: new Date(start) };
}

/** The metrics of one slice of calls (a bucket, a breakdown row, a whole period). Ratios 0–1; null when undefined (no calls). */
export type QualityFigures = Omit<QualityMetrics, 'mos'>;

export const KPI_KEYS = ['attempts', 'asr', 'ner', 'acd', 'pddP50Ms', 'pddP95Ms', 'pddUnknownShare', 'minutes', 'shortCallShare'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export interface QualityKpi {
  value: number | null;
  previous: number | null;
  /** value − previous, in the figure's own unit (ratios in 0–1); null when either is unknown. */
  change: number | null;
}

export interface QualityPoint extends QualityFigures {
  bucketStart: string;
  bucketEnd: string;
}

export interface QualityBreakdownRow extends QualityFigures {
  /** The filter value that selects this row (trunk group id, connection id, country code); null: calls without one. */
  key: string | null;
  label: string;
}

export interface QualityMarker {
  at: string;
  /** Start of the bucket the event falls in (where the chart draws it). */
  bucketStart: string;
  action: string;
  label: string;
}

export interface QualityOption {
  value: string;
  label: string;
}

export interface QualityOverview {
  account: { id: string; name: string };
  range: QualityRange;
  grain: QualityGrain;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  filters: { trunkGroup: string | null; upstream: string | null; destination: string | null; direction: QualityDirection | null };
  kpis: Record<KpiKey, QualityKpi>;
  series: QualityPoint[];
  breakdowns: { trunkGroups: QualityBreakdownRow[]; destinations: QualityBreakdownRow[]; upstreams: QualityBreakdownRow[] };
  markers: QualityMarker[];
  options: { trunkGroups: QualityOption[]; upstreams: QualityOption[]; destinations: QualityOption[] };
}
