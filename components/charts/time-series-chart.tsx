'use client';

import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { cn } from '@/components/ui/cn';
import { ChartNumbers } from './chart-numbers';

export interface ChartSeries {
  key: string;
  label: string;
  /** Bars for amounts per period, a line for a level (a count at the period's end). */
  type: 'bar' | 'line';
  color: string;
  /** A second series of another unit goes on the right-hand axis. */
  axis?: 'left' | 'right';
}

export interface ChartPoint {
  /** The period as shown under the axis ("Jan") and in full ("January 2026"). */
  label: string;
  fullLabel: string;
  /** Plotted values; exactness lives in `text`, which the tooltip and the table show. */
  values: Record<string, number>;
  text: Record<string, string>;
}

function ChartTooltip({ active, payload, series }: TooltipContentProps<number, string> & { series: ChartSeries[] }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium text-slate-900">{point.fullLabel}</p>
      <ul className="space-y-0.5">
        {series.map((entry) => (
          <li key={entry.key} className="flex items-center gap-2">
            <span aria-hidden className="inline-block size-2 rounded-sm" style={{ backgroundColor: entry.color }} />
            <span className="text-slate-700">{entry.label}</span>
            <span className="ml-auto pl-3 font-medium tabular-nums text-slate-900">{point.text[entry.key]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A small chart of one or two series over periods (months, days), fed already-aggregated points.
 * The picture is for the eye; the same numbers, exact, are in the table under "Show the numbers"
 * (and the summary names what is drawn), so a screen reader or keyboard user misses nothing.
 */
export function TimeSeriesChart({ title, summary, series, points, height = 220, className }: { title: string; summary: string; series: ChartSeries[]; points: ChartPoint[]; height?: number; className?: string }) {
  const right = series.some((entry) => entry.axis === 'right');
  return (
    <figure className={cn('min-w-0', className)}>
      <figcaption className="mb-3 text-sm text-slate-600">{summary}</figcaption>
      <div aria-hidden className="w-full" style={{ height }}>
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height }}>
          <ComposedChart data={points} margin={{ top: 4, right: right ? 0 : 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#475569' }} interval="preserveStartEnd" minTickGap={8} />
            <YAxis yAxisId="left" allowDecimals={false} tickLine={false} axisLine={false} width={36} tick={{ fontSize: 11, fill: '#475569' }} />
            {right ? <YAxis yAxisId="right" orientation="right" tickLine={false} axisLine={false} width={44} tick={{ fontSize: 11, fill: '#475569' }} /> : null}
            <Tooltip content={(props) => <ChartTooltip {...(props as TooltipContentProps<number, string>)} series={series} />} cursor={{ fill: '#f1f5f9' }} />
            {series.map((entry) =>
              entry.type === 'bar' ? (
                <Bar key={entry.key} dataKey={(point: ChartPoint) => point.values[entry.key] ?? 0} name={entry.label} yAxisId={entry.axis ?? 'left'} fill={entry.color} radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
              ) : (
                <Line key={entry.key} dataKey={(point: ChartPoint) => point.values[entry.key] ?? 0} name={entry.label} yAxisId={entry.axis ?? 'left'} stroke={entry.color} strokeWidth={2} dot={{ r: 2 }} type="monotone" isAnimationActive={false} />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-hidden>
        {series.map((entry) => (
          <li key={entry.key} className="flex items-center gap-1.5">
            <span className={cn('inline-block', entry.type === 'bar' ? 'size-2.5 rounded-sm' : 'h-0.5 w-3')} style={{ backgroundColor: entry.color }} />
            {entry.label}
          </li>
        ))}
      </ul>
      <ChartNumbers title={title} columns={series} rows={points.map((point) => ({ key: point.fullLabel, period: point.fullLabel, text: point.text }))} />
    </figure>
  );
}
