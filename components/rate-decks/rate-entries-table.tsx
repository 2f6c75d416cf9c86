'use client';

import type { ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { DataTable } from '@/components/ui/data-table';

/** One rate of a deck version, formatted on the server. */
export interface RateEntryRow {
  key: string;
  prefix: string;
  destination: string;
  kind: string;
  rate: string;
  connectionFee: string;
  increment: string;
  minimum: string;
  /** The rate that prices the number searched for (its longest prefix). */
  match?: boolean;
}

const columns: ColumnDef<RateEntryRow>[] = [
  {
    id: 'prefix',
    header: 'Prefix',
    meta: { className: 'tabular-nums md:whitespace-nowrap' },
    cell: ({ row }) => (
      <span className={row.original.match ? 'font-semibold text-indigo-900' : undefined}>
        {row.original.prefix}
        {row.original.match ? <span className="ml-1 text-xs font-normal text-indigo-800">(prices the number)</span> : null}
      </span>
    ),
  },
  { id: 'destination', header: 'Destination', meta: { className: 'break-words' }, cell: ({ row }) => row.original.destination },
  { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.kind },
  { id: 'rate', header: 'Rate / min', meta: { numeric: true }, cell: ({ row }) => row.original.rate },
  { id: 'connectionFee', header: 'Connection fee', meta: { numeric: true }, cell: ({ row }) => row.original.connectionFee },
  { id: 'increment', header: 'Increment', meta: { numeric: true }, cell: ({ row }) => row.original.increment },
  { id: 'minimum', header: 'Minimum', meta: { numeric: true }, cell: ({ row }) => row.original.minimum },
];

/** A page of a deck's rates (staff's version page and the customer's rates page); cards below md. */
export function RateEntriesTable({ rows, caption, empty }: { rows: RateEntryRow[]; caption: string; empty: ReactNode }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.key} caption={caption} cardTitle="prefix" regionLabel="Rates, scrollable" empty={empty} />;
}
