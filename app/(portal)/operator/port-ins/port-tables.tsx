'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

/** A port in the staff list, formatted on the server. */
export interface StaffPortListRow {
  id: string;
  reference: string;
  account: string;
  status: string;
  tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo';
  numbers: number;
  losingCarrier: string;
  carrier: string;
  due: string;
  flags: string[];
}

export function StaffPortTable({ rows, empty }: { rows: StaffPortListRow[]; empty: React.ReactNode }) {
  const columns: ColumnDef<StaffPortListRow>[] = [
    {
      id: 'reference',
      header: 'Port',
      cell: ({ row }) => (
        <Link href={`/operator/port-ins/${row.original.id}`} className="font-medium text-indigo-800 underline">
          {row.original.reference}
        </Link>
      ),
    },
    { id: 'account', header: 'Account', cell: ({ row }) => row.original.account },
    { id: 'status', header: 'State', cell: ({ row }) => <Badge tone={row.original.tone}>{row.original.status}</Badge> },
    { id: 'numbers', header: 'Numbers', cell: ({ row }) => row.original.numbers },
    { id: 'losingCarrier', header: 'Losing carrier', cell: ({ row }) => row.original.losingCarrier },
    { id: 'carrier', header: 'Winning upstream', cell: ({ row }) => row.original.carrier },
    { id: 'due', header: 'FOC (requested)', cell: ({ row }) => row.original.due },
    {
      id: 'flags',
      header: 'Needs a look',
      cell: ({ row }) =>
        row.original.flags.length ? (
          <span className="flex flex-wrap gap-1">
            {row.original.flags.map((flag) => (
              <Badge key={flag} tone="amber">
                {flag}
              </Badge>
            ))}
          </span>
        ) : (
          <span className="text-slate-600">—</span>
        ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption="Port-ins across accounts, the earliest FOC date first" rowHeader="reference" empty={empty} />;
}

export interface PortNumberRow {
  e164: string;
  kind: string;
  status: string;
  losingCarrier: string;
  rateCenter: string;
  exception: string;
}

export function PortNumberTable({ rows }: { rows: PortNumberRow[] }) {
  const columns: ColumnDef<PortNumberRow>[] = [
    { id: 'e164', header: 'Number', cell: ({ row }) => row.original.e164 },
    { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.kind },
    { id: 'status', header: 'State', cell: ({ row }) => row.original.status },
    { id: 'losingCarrier', header: 'Losing carrier', cell: ({ row }) => row.original.losingCarrier },
    { id: 'rateCenter', header: 'Rate centre', cell: ({ row }) => row.original.rateCenter },
    { id: 'exception', header: 'Exception', cell: ({ row }) => row.original.exception },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.e164} caption="Numbers of this port, each with its own state" rowHeader="e164" empty={<p className="text-sm text-slate-700">No numbers.</p>} />;
}
