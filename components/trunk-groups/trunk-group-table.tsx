'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { DriftBadge, SyncStatusBadge, type TrunkSyncStatus } from './badges';

export interface TrunkGroupTableRow {
  id: string;
  name: string;
  direction: { short: string; full: string };
  auth: { short: string; full: string };
  numbers: string;
  syncStatus: TrunkSyncStatus;
  /** A disabled group shows as such, never as "Applied". */
  status?: 'active' | 'disabled';
  /** Carriers whose copy was changed outside the portal. */
  drifted: number;
}

const columns: ColumnDef<TrunkGroupTableRow>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: ({ row }) => (
      <Link href={`/trunk-groups/${row.original.id}`} className="font-medium text-indigo-800 hover:underline">
        {row.original.name}
      </Link>
    ),
  },
  { id: 'direction', header: 'Direction', cell: ({ row }) => <span title={row.original.direction.full}>{row.original.direction.short}</span> },
  { id: 'auth', header: 'Authentication', cell: ({ row }) => <span title={row.original.auth.full}>{row.original.auth.short}</span> },
  { id: 'numbers', header: 'Numbers', meta: { numeric: true }, cell: ({ row }) => row.original.numbers },
  { id: 'sync', header: 'Sync status', cell: ({ row }) => <SyncStatusBadge status={row.original.syncStatus} groupStatus={row.original.status} /> },
  { id: 'drift', header: 'Drift', cell: ({ row }) => <DriftBadge carriers={row.original.drifted} /> },
];

export function TrunkGroupTable({ rows, caption }: { rows: TrunkGroupTableRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} regionLabel="Trunk groups, scrollable" rowHeader="name" />;
}
