import type { ReactNode } from 'react';
import { cn } from './cn';

/** A page's stand-in while the server reads it: announced once to screen readers, pulsing. */
export function PageSkeleton({ label, titleWidth = 'w-48', children }: { label: string; titleWidth?: string; children: ReactNode }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="animate-pulse">
      <span className="sr-only">{label}</span>
      <div className={cn('mb-6 h-8 rounded bg-slate-200', titleWidth)} />
      {children}
    </div>
  );
}

/**
 * A card of placeholder rows, one bar per entry of `cells` (its width class); the first bar is the
 * darker one, like a row's name.
 */
export function SkeletonRows({ rows, cells, heading, className }: { rows: number; cells: string[]; heading?: string; className?: string }) {
  return (
    <div className={cn('rounded-lg border border-slate-200 bg-white p-5', className)}>
      {heading ? <div className={cn('mb-3 h-4 rounded bg-slate-200', heading)} /> : null}
      {Array.from({ length: rows }, (_, row) => (
        <div key={row} className="flex gap-4 border-b border-slate-100 py-3 last:border-0">
          {cells.map((width, cell) => (
            <div key={cell} className={cn('h-4 rounded', cell === 0 ? 'bg-slate-200' : 'bg-slate-100', width)} />
          ))}
        </div>
      ))}
    </div>
  );
}
