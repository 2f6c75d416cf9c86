import Link from 'next/link';
import { formatCount } from '@/lib/format';

export type SearchParams = Record<string, string | string[] | undefined>;

/** The URL of `page`, every other parameter kept; page 1 is the bare URL. */
export function pageHref(pathname: string, searchParams: SearchParams | URLSearchParams, param: string, page: number): string {
  const search = new URLSearchParams();
  const entries = searchParams instanceof URLSearchParams ? [...searchParams] : Object.entries(searchParams);
  for (const [key, value] of entries) {
    if (key === param || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  if (page > 1) search.set(param, String(page));
  const query = search.toString();
  return query ? `${pathname}?${query}` : pathname;
}

export interface PagerProps {
  /** Names the navigation, e.g. "Pages of numbers". */
  label: string;
  page: number;
  pageSize: number;
  total: number;
  /** The total was counted only up to a limit: "of 10,000+". */
  capped?: boolean;
  /** Rows on this page, when the total may be capped (a short page is the last one). */
  rowCount?: number;
  /** What the rows are, for the summary: "Showing 1–50 of 120 numbers". */
  noun?: { one: string; many: string };
}

/**
 * Where the links go: the page's path and its query (every parameter but `param` kept), or, from a
 * server component, a function that serializes the page's URL state itself.
 */
type PagerLinks = { pathname: string; searchParams?: SearchParams | URLSearchParams; param?: string; hrefFor?: never } | { hrefFor: (page: number) => string; pathname?: never; searchParams?: never; param?: never };

/** Previous / next links for a list read one page at a time on the server. */
export function Pager({ label, page, pageSize, total, capped = false, rowCount, noun, ...links }: PagerProps & PagerLinks) {
  if (total === 0) return null;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = (page - 1) * pageSize + 1;
  const last = rowCount === undefined ? Math.min(total, page * pageSize) : first + rowCount - 1;
  const hasNext = (capped || page < pages) && (rowCount === undefined || rowCount === pageSize);
  const count = `${formatCount(total)}${capped ? '+' : ''}`;
  const what = noun ? ` ${total === 1 && !capped ? noun.one : noun.many}` : '';
  // One string, so the HTML holds the sentence unbroken by React's text separators.
  const summary = (
    <p className="text-slate-700" aria-live="polite">
      {`Showing ${formatCount(first)}–${formatCount(last)} of ${count}${what}`}
    </p>
  );
  if (pages <= 1 && !hasNext) return <div className="mt-3 text-sm">{summary}</div>;
  const href = (target: number) => (links.hrefFor ? links.hrefFor(target) : pageHref(links.pathname, links.searchParams ?? {}, links.param ?? 'page', target));
  return (
    <nav aria-label={label} className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      {summary}
      <div className="flex items-center gap-3">
        {page > 1 ? (
          <Link href={href(page - 1)} rel="prev" className="font-medium text-indigo-800 underline">
            ← Previous
          </Link>
        ) : (
          <span className="text-slate-500" aria-disabled="true">
            ← Previous
          </span>
        )}
        <span className="tabular-nums text-slate-700">
          {`Page ${formatCount(page)} of ${formatCount(pages)}${capped ? '+' : ''}`}
        </span>
        {hasNext ? (
          <Link href={href(page + 1)} rel="next" className="font-medium text-indigo-800 underline">
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
