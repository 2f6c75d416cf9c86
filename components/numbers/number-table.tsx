'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { SelectAllNumbers } from '@/components/trunk-groups/route-numbers-form';
import { DataTable, type SortDirection } from '@/components/ui/data-table';
import { NUMBER_SORT_LABELS, type NumberSort, type RoutingFilter } from '@/lib/validations/number-inventory';
import { E911Badge, NumberRoutingBadge, NumberStatusBadge } from './badges';

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
  /** Where its calls really go (absent for released numbers), and why not when they do not. */
  routing?: { state: RoutingFilter; reason?: string };
  /** May be ticked for the bulk controls (a number of the current account, not released). */
  selectable?: boolean;
  e911Status: string;
  /** Only for roles that read billing. */
  monthly?: string;
  activated: string;
  released?: string;
  /** Operator staff only. */
  provider?: string;
}

function numberColumns(showAccount: boolean, showProvider: boolean, showPrice: boolean): ColumnDef<NumberTableRow>[] {
  const columns: (ColumnDef<NumberTableRow> | false)[] = [
    {
      id: 'number',
      header: NUMBER_SORT_LABELS.number,
      cell: ({ row: { original: row } }) => (
        <>
          <Link href={`/numbers/${row.id}`} className="whitespace-nowrap font-medium tabular-nums text-indigo-800 hover:underline">
            {row.number}
          </Link>
          {row.rateCenter ? <span className="block text-xs font-normal text-slate-600">{row.rateCenter}</span> : null}
        </>
      ),
    },
    showAccount && { id: 'account', header: 'Account', cell: ({ row }) => row.original.accountName },
    { id: 'state', header: NUMBER_SORT_LABELS.state, cell: ({ row }) => row.original.state ?? '—' },
    { id: 'npa', header: NUMBER_SORT_LABELS.npa, meta: { className: 'tabular-nums' }, cell: ({ row }) => row.original.npa },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: row } }) => (
        <>
          <NumberStatusBadge status={row.status} />
          {row.released ? <span className="block text-xs text-slate-600">{row.released}</span> : null}
        </>
      ),
    },
    {
      id: 'routing',
      header: 'Routing',
      cell: ({ row: { original: row } }) => (
        <>
          {row.trunkGroupRef && row.trunkGroupName ? (
            <Link href={`/trunk-groups/${row.trunkGroupRef}`} className="text-indigo-800 hover:underline">
              {row.trunkGroupName}
            </Link>
          ) : row.trunkGroupRef ? (
            <span className="break-all font-mono text-xs">{row.trunkGroupRef}</span>
          ) : row.routing ? null : (
            <span className="text-slate-600">No trunk group</span>
          )}
          {row.routing ? (
            <span className="block">
              <NumberRoutingBadge state={row.routing.state} />
            </span>
          ) : null}
          {row.routing?.reason ? <span className="mt-0.5 block max-w-xs break-words text-xs text-red-800">{row.routing.reason}</span> : null}
        </>
      ),
    },
    { id: 'e911', header: 'E911', cell: ({ row }) => <E911Badge status={row.original.e911Status} /> },
    showPrice && { id: 'monthly', header: NUMBER_SORT_LABELS.monthly, meta: { numeric: true }, cell: ({ row }) => row.original.monthly },
    { id: 'activated', header: NUMBER_SORT_LABELS.activated, meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.activated },
    showProvider && { id: 'provider', header: 'Provider', meta: { className: 'text-slate-700' }, cell: ({ row }) => row.original.provider },
  ];
  return columns.filter((column) => column !== false);
}

export function NumberTable({
  rows,
  caption,
  sort,
  dir,
  sortHrefs,
  showAccount,
  showProvider,
  showPrice,
  selectionFormId,
}: {
  rows: NumberTableRow[];
  caption: string;
  sort: NumberSort;
  dir: SortDirection;
  /** The URL for each column and direction, with the current filters kept. */
  sortHrefs: Record<NumberSort, Record<SortDirection, string>>;
  showAccount: boolean;
  showProvider: boolean;
  /** The Monthly column: for roles that read billing. */
  showPrice: boolean;
  /**
   * The id of the form the row checkboxes belong to ("Route to trunk group", or "Set emergency
   * address" when there is no route form; the other bulk form reads the ticks); absent: no checkboxes.
   */
  selectionFormId?: string;
}) {
  return (
    <DataTable
      rows={rows}
      columns={numberColumns(showAccount, showProvider, showPrice)}
      getRowId={(row) => row.id}
      caption={caption}
      regionLabel="Numbers, scrollable"
      rowHeader="number"
      sort={{ column: sort, dir, hrefs: sortHrefs }}
      selection={
        selectionFormId
          ? { form: selectionFormId, name: 'numberIds', label: (row) => `Select ${row.number}`, canSelect: (row) => Boolean(row.selectable), header: <SelectAllNumbers formId={selectionFormId} /> }
          : undefined
      }
    />
  );
}
