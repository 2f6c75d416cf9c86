'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

/** One version of a deck, formatted on the server. */
export interface VersionRow {
  id: string;
  version: number;
  effectiveFrom: string;
  status: 'in_force' | 'scheduled' | 'superseded';
  rates: string;
  published: string;
  note: string;
  href: string;
  exportHref: string;
}

const STATUS = {
  in_force: <Badge tone="green">In force</Badge>,
  scheduled: <Badge tone="indigo">Scheduled</Badge>,
  superseded: <Badge>Superseded</Badge>,
};

const columns: ColumnDef<VersionRow>[] = [
  {
    id: 'version',
    header: 'Version',
    cell: ({ row }) => (
      <Link href={row.original.href} className="font-medium text-indigo-800 underline">
        Version {row.original.version}
      </Link>
    ),
  },
  { id: 'status', header: 'Status', cell: ({ row }) => STATUS[row.original.status] },
  { id: 'effectiveFrom', header: 'Effective from', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.effectiveFrom },
  { id: 'rates', header: 'Rates', meta: { numeric: true }, cell: ({ row }) => row.original.rates },
  { id: 'published', header: 'Published', cell: ({ row }) => row.original.published },
  { id: 'note', header: 'Note', meta: { className: 'break-words' }, cell: ({ row }) => row.original.note || '—' },
  {
    id: 'export',
    header: 'Export',
    meta: { actions: true },
    cell: ({ row }) => (
      <a href={row.original.exportHref} download className="text-sm font-medium text-indigo-800 underline">
        Export CSV<span className="sr-only"> of version {row.original.version}</span>
      </a>
    ),
  },
];

export function VersionsTable({ rows }: { rows: VersionRow[] }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption="Versions, newest first" cardTitle="version" />;
}
