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
  /** Present only for readers allowed to see them. */
  charge?: string;
  cost?: string;
  margin?: string;
}

/** Which money columns the reader may see. */
export type CallMoneyColumns = 'none' | 'charge' | 'staff';

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

const chargeColumn: ColumnDef<CallRow> = { id: 'charge', header: 'Charge', meta: { numeric: true }, cell: ({ row }) => row.original.charge };
const staffColumns: ColumnDef<CallRow>[] = [
  { id: 'cost', header: 'Cost', meta: { numeric: true }, cell: ({ row }) => row.original.cost },
  { id: 'margin', header: 'Margin', meta: { numeric: true }, cell: ({ row }) => row.original.margin },
];

export function CallsTable({ rows, caption, money = 'none' }: { rows: CallRow[]; caption: string; money?: CallMoneyColumns }) {
  const shown = money === 'none' ? columns : money === 'charge' ? [...columns, chargeColumn] : [...columns, chargeColumn, ...staffColumns];
  return <DataTable rows={rows} columns={shown} getRowId={(row) => row.id} caption={caption} regionLabel="Calls, scrollable" cardTitle="time" />;
}
