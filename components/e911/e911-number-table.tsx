'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import type { E911BulkRow } from './number-bulk-form';
import { E911StatusBadge } from './status-badge';

/** Numbers and their emergency-address status, read-only (for viewers who cannot change them). */
export function E911NumberTable({ rows, caption, showAddress }: { rows: E911BulkRow[]; caption: string; showAddress?: boolean }) {
  const columns: ColumnDef<E911BulkRow>[] = [
    { id: 'number', header: 'Number', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.number },
    { id: 'status', header: 'Emergency address status', cell: ({ row }) => <E911StatusBadge status={row.original.status} detail={row.original.detail} staffDetail={row.original.staffDetail} /> },
  ];
  if (showAddress) columns.push({ id: 'address', header: 'Address', meta: { className: 'text-slate-700' }, cell: ({ row }) => row.original.address ?? 'None' });
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="number" />;
}
