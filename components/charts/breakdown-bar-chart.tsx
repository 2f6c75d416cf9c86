'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface BreakdownBar {
  label: string;
  value: number;
  text: string;
}

/**
 * Horizontal bars, one per row of a breakdown (a trunk group, a country, an upstream); a click
 * selects the row. Decorative for assistive technology: the same rows are in the table beside it.
 */
export function BreakdownBarChart({ title, bars, color = '#4f46e5', onSelect }: { title: string; bars: BreakdownBar[]; color?: string; onSelect: (index: number) => void }) {
  const height = Math.max(80, bars.length * 30 + 24);
  return (
    <div aria-hidden className="w-full cursor-pointer" style={{ height }} title={title}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height }}>
        <BarChart
          data={bars}
          layout="vertical"
          margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
          accessibilityLayer={false}
          onClick={(state) => {
            const index = Number(state?.activeTooltipIndex);
            if (Number.isInteger(index) && index >= 0) onSelect(index);
          }}
        >
          <CartesianGrid horizontal={false} stroke="#e2e8f0" />
          <XAxis type="number" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#475569' }} allowDecimals={false} />
          <YAxis type="category" dataKey="label" tickLine={false} axisLine={false} width={120} tick={{ fontSize: 11, fill: '#334155' }} />
          <Tooltip formatter={(_value, _name, item) => [(item.payload as BreakdownBar).text, title]} cursor={{ fill: '#eef2ff' }} />
          <Bar dataKey="value" fill={color} radius={[0, 3, 3, 0]} maxBarSize={20} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
