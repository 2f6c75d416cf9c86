import { cn } from '@/components/ui/cn';

/**
 * One headline figure against the previous period. `trend` is the sign of the change and `good`
 * whether that way is good (a rise in PDD reads red, a rise in ASR green); the words say the same
 * for screen readers.
 */
export function KpiTile({ label, value, change, previous, trend, good, definition, note }: { label: string; value: string; change: string | null; previous: string; trend: -1 | 0 | 1; good: boolean | null; definition: string; note?: string }) {
  const tone = trend === 0 || good === null ? 'text-slate-600' : good ? 'text-emerald-700' : 'text-red-700';
  const arrow = trend > 0 ? '▲' : trend < 0 ? '▼' : '';
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-sm text-slate-600" title={definition}>
        {label}
      </p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</p>
      {note ? <p className="text-xs text-slate-600">{note}</p> : null}
      <p className={cn('mt-1 text-xs tabular-nums', tone)}>
        {change === null ? (
          <>No previous figure</>
        ) : (
          <>
            <span aria-hidden>{arrow} </span>
            {change} <span className="text-slate-600">vs {previous} before</span>
          </>
        )}
      </p>
    </div>
  );
}
