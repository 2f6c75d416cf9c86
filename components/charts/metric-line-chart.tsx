'use client';

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { ChartNumbers } from './chart-numbers';

export interface MetricLine {
  key: string;
  label: string;
  color: string;
}

export interface MetricPoint {
  /** Under the axis ("14:05") and in full ("15 Jun 2026, 14:05–14:10"). */
  label: string;
  fullLabel: string;
  /** null: undefined in this bucket (no calls); the line has a gap there. */
  values: Record<string, number | null>;
  text: Record<string, string>;
}

export interface ChartMarker {
  /** Index of the point the event falls in. */
  index: number;
  label: string;
}

function MetricTooltip({ active, payload, lines, markers }: TooltipContentProps<number, string> & { lines: MetricLine[]; markers: ChartMarker[] }) {
  const point = payload?.[0]?.payload as (MetricPoint & { index: number }) | undefined;
  if (!active || !point) return null;
  const events = markers.filter((marker) => marker.index === point.index);
  return (
    <div className="max-w-xs rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="mb-1 font-medium text-slate-900">{point.fullLabel}</p>
      <ul className="space-y-0.5">
        {lines.map((line) => (
          <li key={line.key} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-0.5 w-3" style={{ backgroundColor: line.color }} />
            <span className="text-slate-700">{line.label}</span>
            <span className="ml-auto pl-3 font-medium tabular-nums text-slate-900">{point.text[line.key]}</span>
          </li>
        ))}
      </ul>
      {events.map((event, i) => (
        <p key={i} className="mt-1 border-t border-slate-100 pt-1 text-amber-800">
          ◆ {event.label}
        </p>
      ))}
      <p className="mt-1 text-slate-500">Click to see these calls</p>
    </div>
  );
}

/**
 * Lines of one unit over time buckets, with audit events as dashed markers on the time axis. The
 * picture is for the eye and the mouse (a click opens the calls of a bucket); the definition, a
 * summary and a table of the same numbers with links serve everyone else.
 */
export function MetricLineChart({
  title,
  definition,
  summary,
  lines,
  points,
  markers = [],
  hrefOf,
  onSelect,
  formatTick,
  domain,
  height = 220,
}: {
  title: string;
  definition: string;
  summary: string;
  lines: MetricLine[];
  points: MetricPoint[];
  markers?: ChartMarker[];
  /** The drill-down of a point, for the table's links. */
  hrefOf: (index: number) => string;
  onSelect: (index: number) => void;
  formatTick?: (value: number) => string;
  domain?: [number, number];
  height?: number;
}) {
  const data = points.map((point, index) => ({ ...point, index }));
  return (
    <figure className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-base font-semibold text-slate-900">{title}</h3>
      <figcaption className="mb-3 mt-1 space-y-1 text-sm text-slate-600">
        <span className="block">{definition}</span>
        <span className="block text-slate-800">{summary}</span>
      </figcaption>
      <div aria-hidden className="w-full cursor-pointer" style={{ height }}>
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height }}>
          <LineChart
            data={data}
            margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer={false}
            onClick={(state) => {
              const index = Number(state?.activeTooltipIndex);
              if (Number.isInteger(index) && index >= 0) onSelect(index);
            }}
          >
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#475569' }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis tickLine={false} axisLine={false} width={44} tick={{ fontSize: 11, fill: '#475569' }} tickFormatter={formatTick} domain={domain} allowDecimals />
            <Tooltip content={(props) => <MetricTooltip {...(props as TooltipContentProps<number, string>)} lines={lines} markers={markers} />} />
            {markers.map((marker, i) => {
              const point = data[marker.index];
              return point ? <ReferenceLine key={i} x={point.label} stroke="#d97706" strokeDasharray="4 3" ifOverflow="extendDomain" label={{ value: '◆', position: 'top', fill: '#d97706', fontSize: 10 }} /> : null;
            })}
            {lines.map((line) => (
              <Line key={line.key} dataKey={(point: MetricPoint) => point.values[line.key]} name={line.label} stroke={line.color} strokeWidth={2} dot={false} activeDot={{ r: 4 }} type="linear" connectNulls={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-hidden>
        {lines.map((line) => (
          <li key={line.key} className="flex items-center gap-1.5">
            <span className="inline-block h-0.5 w-3" style={{ backgroundColor: line.color }} />
            {line.label}
          </li>
        ))}
        {markers.length > 0 ? (
          <li className="flex items-center gap-1.5">
            <span className="text-amber-600">◆</span> Trunk group change or number move
          </li>
        ) : null}
      </ul>
      <ChartNumbers
        title={title}
        columns={lines}
        notes="Events"
        maxHeight
        rows={data.map((point) => ({
          key: point.index,
          period: (
            <a href={hrefOf(point.index)} className="text-indigo-800 underline">
              {point.fullLabel}
            </a>
          ),
          text: point.text,
          note: markers.filter((marker) => marker.index === point.index).map((marker) => marker.label).join('; '),
        }))}
      />
    </figure>
  );
}
