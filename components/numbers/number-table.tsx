import Link from 'next/link';
import { SelectAllNumbers } from '@/components/trunk-groups/route-numbers-form';
import { NUMBER_SORT_LABELS, type NumberSort } from '@/lib/validations/number-inventory';
import { E911Badge, NumberStatusBadge } from './badges';

/** A row as the table shows it: already formatted on the server (money, dates, the number). */
export interface NumberTableRow {
  id: string;
  number: string;
  e164: string;
  accountName?: string;
  state: string | null;
  npa: string;
  rateCenter: string | null;
  status: 'active' | 'released' | 'missing_upstream';
  trunkGroupRef: string | null;
  /** The trunk group's name when it belongs to the current account. */
  trunkGroupName?: string;
  /** May be ticked for the bulk controls (a number of the current account, not released). */
  selectable?: boolean;
  e911Status: string;
  monthly: string;
  activated: string;
  released?: string;
  /** Operator staff only. */
  provider?: string;
}

type Dir = 'asc' | 'desc';

function SortHeader({ column, sort, dir, href, className }: { column: NumberSort; sort: NumberSort; dir: Dir; href: (column: NumberSort, dir: Dir) => string; className?: string }) {
  const active = column === sort;
  const next: Dir = active && dir === 'asc' ? 'desc' : 'asc';
  const label = NUMBER_SORT_LABELS[column];
  return (
    <th scope="col" className={className ?? 'py-2 pr-3'} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <Link href={href(column, next)} className="inline-flex items-center gap-1 hover:text-slate-900 hover:underline" aria-label={`${label}: sort ${next === 'asc' ? 'ascending' : 'descending'}`}>
        {label}
        <span aria-hidden="true">{active ? (dir === 'asc' ? '▲' : '▼') : '↕'}</span>
      </Link>
    </th>
  );
}

export function NumberTable({
  rows,
  caption,
  sort,
  dir,
  sortHrefs,
  showAccount,
  showProvider,
  selectionFormId,
}: {
  rows: NumberTableRow[];
  caption: string;
  sort: NumberSort;
  dir: Dir;
  /** The URL for each column and direction, with the current filters kept. */
  sortHrefs: Record<NumberSort, Record<Dir, string>>;
  showAccount: boolean;
  showProvider: boolean;
  /**
   * The id of the form the row checkboxes belong to ("Route to trunk group", or "Set emergency
   * address" when there is no route form; the other bulk form reads the ticks); absent: no checkboxes.
   */
  selectionFormId?: string;
}) {
  const href = (column: NumberSort, next: Dir) => sortHrefs[column][next];
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Numbers, scrollable">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
          <tr>
            {selectionFormId ? (
              <th scope="col" className="w-8 py-2 pr-2">
                <SelectAllNumbers formId={selectionFormId} />
              </th>
            ) : null}
            <SortHeader column="number" sort={sort} dir={dir} href={href} />
            {showAccount ? (
              <th scope="col" className="py-2 pr-3">
                Account
              </th>
            ) : null}
            <SortHeader column="state" sort={sort} dir={dir} href={href} />
            <SortHeader column="npa" sort={sort} dir={dir} href={href} />
            <th scope="col" className="py-2 pr-3">
              Status
            </th>
            <th scope="col" className="py-2 pr-3">
              Routing
            </th>
            <th scope="col" className="py-2 pr-3">
              E911
            </th>
            <SortHeader column="monthly" sort={sort} dir={dir} href={href} className="py-2 pr-3 text-right" />
            <SortHeader column="activated" sort={sort} dir={dir} href={href} />
            {showProvider ? (
              <th scope="col" className="py-2">
                Provider
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-b border-slate-100 last:border-0">
              {selectionFormId ? (
                <td className="py-2 pr-2">{row.selectable ? <input type="checkbox" name="numberIds" value={row.id} form={selectionFormId} aria-label={`Select ${row.number}`} /> : null}</td>
              ) : null}
              <th scope="row" className="py-2 pr-3 font-normal">
                <Link href={`/numbers/${row.id}`} className="whitespace-nowrap font-medium tabular-nums text-indigo-800 hover:underline">
                  {row.number}
                </Link>
                {row.rateCenter ? <span className="block text-xs text-slate-600">{row.rateCenter}</span> : null}
              </th>
              {showAccount ? <td className="py-2 pr-3">{row.accountName}</td> : null}
              <td className="py-2 pr-3">{row.state ?? '—'}</td>
              <td className="py-2 pr-3 tabular-nums">{row.npa}</td>
              <td className="py-2 pr-3">
                <NumberStatusBadge status={row.status} />
                {row.released ? <span className="block text-xs text-slate-600">{row.released}</span> : null}
              </td>
              <td className="py-2 pr-3">
                {row.trunkGroupRef && row.trunkGroupName ? (
                  <Link href={`/trunk-groups/${row.trunkGroupRef}`} className="text-indigo-800 hover:underline">
                    {row.trunkGroupName}
                  </Link>
                ) : row.trunkGroupRef ? (
                  <span className="font-mono text-xs">{row.trunkGroupRef}</span>
                ) : (
                  <span className="text-slate-600">Not routed</span>
                )}
              </td>
              <td className="py-2 pr-3">
                <E911Badge status={row.e911Status} />
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{row.monthly}</td>
              <td className="whitespace-nowrap py-2 pr-3 tabular-nums">{row.activated}</td>
              {showProvider ? <td className="py-2 text-slate-700">{row.provider}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NumberPagination({ page, pageCount, capped, previousHref, nextHref, summary }: { page: number; pageCount?: number; capped: boolean; previousHref?: string; nextHref?: string; summary: string }) {
  return (
    <nav aria-label="Pages of numbers" className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-slate-700" aria-live="polite">
        {summary}
      </p>
      <div className="flex items-center gap-3">
        {previousHref ? (
          <Link href={previousHref} rel="prev" className="font-medium text-indigo-800 underline">
            ← Previous
          </Link>
        ) : (
          <span className="text-slate-400" aria-disabled="true">
            ← Previous
          </span>
        )}
        <span className="tabular-nums text-slate-700">
          Page {page}
          {pageCount ? ` of ${pageCount.toLocaleString('en-US')}${capped ? '+' : ''}` : ''}
        </span>
        {nextHref ? (
          <Link href={nextHref} rel="next" className="font-medium text-indigo-800 underline">
            Next →
          </Link>
        ) : (
          <span className="text-slate-400" aria-disabled="true">
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}
