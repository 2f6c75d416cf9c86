import { cn } from './cn';

/**
 * The carrier's own words behind a refusal, folded away: customers read a next step instead, so the
 * services hand this text to operator staff only.
 */
export function StaffDetail({ children, className }: { children: string; className?: string }) {
  return (
    <details className={cn('mt-1 text-xs text-slate-700', className)}>
      <summary className="cursor-pointer">The carrier’s words (staff only)</summary>
      <span className="mt-1 block break-words font-mono">{children}</span>
    </details>
  );
}
