'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';

/** One call, formatted on the server. */
export interface CallRow {
  id: string;
  time: string;
  direction: string;
  from: string;
  to: string;
  destination: string;
  trunkGroup: string;
  carrier: string;
  sip: string;
  pdd: string;
  billsec: string;
  mos: string;
}

const columns: ColumnDef<CallRow>[] = [
  { id: 'time', header: 'Time (UTC)', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.time },
  { id: 'direction', header: 'Direction', cell: ({ row }) => row.original.direction },
  { id: 'from', header: 'From', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.from },
  { id: 'to', header: 'To', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.to },
  { id: 'destination', header: 'Destination', cell: ({ row }) => row.original.destination },
  { id: 'trunkGroup', header: 'Trunk group', meta: { className: 'break-words' }, cell: ({ row }) => row.original.trunkGroup },
  { id: 'carrier', header: 'Carrier', cell: ({ row }) => row.original.carrier },
  { id: 'sip', header: 'SIP / Q.850', meta: { className: 'tabular-nums' }, cell: ({ row }) => row.original.sip },
  { id: 'pdd', header: 'PDD', meta: { numeric: true }, cell: ({ row }) => row.original.pdd },
  { id: 'billsec', header: 'Billed', meta: { numeric: true }, cell: ({ row }) => row.original.billsec },
  { id: 'mos', header: 'MOS', meta: { numeric: true }, cell: ({ row }) => row.original.mos },
];

export function CallsTable({ rows, caption }: { rows: CallRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} regionLabel="Calls, scrollable" cardTitle="time" />;
}
