'use client';

import { useQuery } from '@tanstack/react-query';
import { TimeSeriesChart, type ChartPoint, type ChartSeries } from '@/components/charts/time-series-chart';
import { formatCount, formatMonth, formatMoney } from '@/lib/format';
import { fetchJson } from '@/lib/hooks/use-live-json';
import type { NumbersAndSpendView } from '@/lib/views/dashboard';

/**
 * Numbers at each month's end as a line, spend per month as bars (for roles that read billing): calls
 * and numbers bought, as the "Spent this month" tile counts it.
 * Loaded after the page: a year of history is the dashboard's costliest read, and the headline
 * figures should not wait for it.
 */
export function NumbersAndSpendChart({ accountId }: { accountId: string }) {
  const query = useQuery({ queryKey: ['dashboard', 'numbers-and-spend', accountId], queryFn: ({ signal }) => fetchJson<NumbersAndSpendView>(`/api/v1/dashboard/numbers-and-spend?accountId=${encodeURIComponent(accountId)}`, signal), staleTime: 60_000 });

  if (query.isPending) {
    return (
      <div role="status" aria-live="polite" className="flex h-64 items-center justify-center rounded-md bg-slate-50 text-sm text-slate-600">
        Loading the last 12 months…
      </div>
    );
  }
  if (query.isError) {
    return (
      <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        The chart could not be loaded: {query.error.message}{' '}
        <button type="button" onClick={() => void query.refetch()} className="font-medium underline">
          Try again
        </button>
      </p>
    );
  }

  const { months, totalSpend } = query.data;
  const money = totalSpend !== undefined;
  const series: ChartSeries[] = [
    { key: 'numbers', label: 'Numbers at month end', type: 'line', color: '#4f46e5' },
    ...(money ? [{ key: 'spend', label: 'Spend (calls and numbers bought)', type: 'bar', color: '#94a3b8', axis: 'right' } satisfies ChartSeries] : []),
  ];
  const points: ChartPoint[] = months.map((month) => ({
    label: formatMonth(month.month, 'short'),
    fullLabel: formatMonth(month.month, 'long'),
    values: { numbers: month.numbers, ...(month.spend !== undefined ? { spend: Number(month.spend) } : {}) },
    text: { numbers: formatCount(month.numbers), ...(month.spend !== undefined ? { spend: formatMoney(month.spend) } : {}) },
  }));
  const first = months[0];
  const last = months.at(-1);
  const spent = money ? `; ${formatMoney(totalSpend)} spent over these ${months.length} months` : '';
  const summary = first && last ? `From ${formatCount(first.numbers)} numbers at the end of ${formatMonth(first.month)} to ${formatCount(last.numbers)} now${spent}.` : 'Nothing yet.';
  return <TimeSeriesChart title={money ? 'Numbers and spend by month' : 'Numbers by month'} summary={summary} series={series} points={points} />;
}
