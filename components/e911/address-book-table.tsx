'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { E911CheckBadge, type E911AddressCheckView } from './address-check';

export interface AddressBookRow {
  id: string;
  /** The address on one line. */
  address: string;
  callerName: string | null;
  numbers: string;
  check: E911AddressCheckView['state'];
}

const columns: ColumnDef<AddressBookRow>[] = [
  {
    id: 'address',
    header: 'Address',
    cell: ({ row }) => (
      <Link href={`/e911/${row.original.id}`} className="font-medium text-indigo-800 hover:underline">
        {row.original.address}
      </Link>
    ),
  },
  { id: 'check', header: 'Carriers', cell: ({ row }) => <E911CheckBadge state={row.original.check} /> },
  { id: 'callerName', header: 'Caller name', cell: ({ row }) => row.original.callerName ?? <span className="text-slate-600">None</span> },
  { id: 'numbers', header: 'Numbers using it', meta: { numeric: true }, cell: ({ row }) => row.original.numbers },
];

export function AddressBookTable({ rows, caption }: { rows: AddressBookRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} regionLabel="Address book, scrollable" rowHeader="address" />;
}
