'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';

/** One audit event, formatted on the server. */
export interface AuditLogRow {
  id: string;
  when: string;
  actor: string;
  /** Done by the carrier's staff acting in the account. */
  byOperatorStaff: boolean;
  action: string;
  accountName: string;
  before: string;
  after: string;
  ip: string;
}

const columns: ColumnDef<AuditLogRow>[] = [
  { id: 'when', header: 'When', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.when },
  {
    id: 'actor',
    header: 'Who',
    meta: { className: 'break-words' },
    cell: ({ row }) => (
      <>
        {row.original.actor}
        {row.original.byOperatorStaff ? <span className="block text-xs text-indigo-800">as operator staff</span> : null}
      </>
    ),
  },
  { id: 'action', header: 'Action', meta: { className: 'font-mono text-xs' }, cell: ({ row }) => row.original.action },
  { id: 'account', header: 'Account', cell: ({ row }) => row.original.accountName },
  { id: 'before', header: 'Before', meta: { className: 'break-words text-xs text-slate-700' }, cell: ({ row }) => row.original.before },
  { id: 'after', header: 'After', meta: { className: 'break-words text-xs text-slate-700' }, cell: ({ row }) => row.original.after },
  { id: 'ip', header: 'IP', meta: { className: 'text-xs text-slate-600' }, cell: ({ row }) => row.original.ip },
];

export function AuditLogTable({ rows, caption }: { rows: AuditLogRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} regionLabel="Audit events, scrollable" cardTitle="action" />;
}
