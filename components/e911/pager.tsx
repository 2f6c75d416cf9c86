import Link from 'next/link';
import { formatCount } from '@/lib/format';

/** Previous / next links for a list read one page at a time on the server. */
export function Pager({ label, page, pageSize, total, hrefFor }: { label: string; page: number; pageSize: number; total: number; hrefFor: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav aria-label={label} className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-slate-700">
        Showing {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </p>
      <div className="flex items-center gap-3">
        {page > 1 ? (
          <Link href={hrefFor(page - 1)} rel="prev" className="font-medium text-indigo-800 underline">
            ← Previous
          </Link>
        ) : (
          <span className="text-slate-500" aria-disabled="true">
            ← Previous
          </span>
        )}
        <span className="tabular-nums text-slate-700">
          Page {page} of {pages}
        </span>
        {page < pages ? (
          <Link href={hrefFor(page + 1)} rel="next" className="font-medium text-indigo-800 underline">
            Next →
          </Link>
        ) : (
          <span className="text-slate-500" aria-disabled="true">
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}
