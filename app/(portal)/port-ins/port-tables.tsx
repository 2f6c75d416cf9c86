'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { StatusTone } from './port-views';

/** A port-in in the list, formatted on the server. */
export interface PortListRow {
  id: string;
  href: string;
  reference: string;
  label: string;
  numbers: string;
  losingCarrier: string;
  status: { label: string; tone: StatusTone };
  date: string;
  updated: string;
}

const listColumns: ColumnDef<PortListRow>[] = [
  {
    id: 'reference',
    header: 'Reference',
    cell: ({ row: { original: port } }) => (
      <Link href={port.href} className="font-mono font-medium text-indigo-800 underline">
        {port.reference}
      </Link>
    ),
  },
  { id: 'label', header: 'Label', cell: ({ row }) => <span className="break-words">{row.original.label}</span> },
  { id: 'numbers', header: 'Numbers', meta: { numeric: true }, cell: ({ row }) => row.original.numbers },
  { id: 'losingCarrier', header: 'Losing carrier', cell: ({ row }) => row.original.losingCarrier },
  { id: 'status', header: 'Status', cell: ({ row }) => <Badge tone={row.original.status.tone}>{row.original.status.label}</Badge> },
  { id: 'date', header: 'FOC or requested date', meta: { className: 'tabular-nums' }, cell: ({ row }) => row.original.date },
  { id: 'updated', header: 'Updated', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.updated },
];

export function PortListTable({ rows, caption, empty }: { rows: PortListRow[]; caption: string; empty: React.ReactNode }) {
  return <DataTable rows={rows} columns={listColumns} getRowId={(row) => row.id} caption={caption} rowHeader="reference" empty={empty} regionLabel={`${caption}, scrollable`} />;
}

/** One number of a port, formatted on the server. */
export interface PortNumberRow {
  id: string;
  number: string;
  kind: string;
  status: { label: string; tone: StatusTone };
  detail: string;
}

const numberColumns: ColumnDef<PortNumberRow>[] = [
  { id: 'number', header: 'Number', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.number },
  { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.kind },
  { id: 'status', header: 'Status', cell: ({ row }) => <Badge tone={row.original.status.tone}>{row.original.status.label}</Badge> },
  { id: 'detail', header: 'Detail', cell: ({ row }) => <span className="break-words">{row.original.detail}</span> },
];

export function PortNumbersTable({ rows, caption }: { rows: PortNumberRow[]; caption: string }) {
  return <DataTable rows={rows} columns={numberColumns} getRowId={(row) => row.id} caption={caption} rowHeader="number" empty={<p className="text-sm text-slate-700">No numbers listed yet.</p>} regionLabel={`${caption}, scrollable`} />;
}
