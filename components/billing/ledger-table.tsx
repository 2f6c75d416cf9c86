'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { LedgerTableRow } from '@/lib/views/ledger';

export type { LedgerTableRow };

/**
 * The ledger's columns: date, kind in words, description (with the sub-account and, for staff, who
 * recorded it), reference, the signed amount and the balance after it. Exported so a page can add
 * its own column (the staff page's reversal form).
 */
export function ledgerColumns(): ColumnDef<LedgerTableRow>[] {
  return [
    {
      id: 'date',
      header: 'Date',
      cell: ({ row: { original: entry } }) => (
        <time dateTime={entry.at} title={entry.dateTime} className="whitespace-nowrap">
          {entry.date}
        </time>
      ),
    },
    {
      id: 'kind',
      header: 'Kind',
      cell: ({ row: { original: entry } }) => (
        <span className="space-x-1 whitespace-nowrap">
          <span>{entry.kind}</span>
          {entry.reversed ? <Badge tone="amber">Reversed</Badge> : null}
        </span>
      ),
    },
    {
      id: 'description',
      header: 'Description',
      cell: ({ row: { original: entry } }) => (
        <div className="min-w-0">
          <p className="break-words text-slate-900">{entry.description}</p>
          {entry.accountName ? <p className="text-xs text-slate-600">For {entry.accountName}</p> : null}
          {entry.recordedBy ? <p className="break-all text-xs text-slate-500">Recorded by {entry.recordedBy}</p> : null}
        </div>
      ),
    },
    {
      id: 'reference',
      header: 'Reference',
      cell: ({ row: { original: entry } }) => (entry.reference ? <span className="break-all font-mono text-xs">{entry.reference}</span> : <span className="text-slate-500">—</span>),
    },
    {
      id: 'amount',
      header: 'Amount',
      meta: { numeric: true },
      cell: ({ row: { original: entry } }) => <span className={entry.debit ? 'text-red-700' : 'text-emerald-800'}>{entry.amount}</span>,
    },
    {
      id: 'balance',
      header: 'Balance after',
      meta: { numeric: true },
      cell: ({ row: { original: entry } }) => <span className={entry.balanceNegative ? 'text-red-700' : undefined}>{entry.runningBalance}</span>,
    },
  ];
}

/** A billing account's ledger, newest first; rows formatted on the server (lib/views/ledger.ts). */
export function LedgerTable({ rows, caption, empty }: { rows: LedgerTableRow[]; caption: string; empty: React.ReactNode }) {
  return <DataTable rows={rows} columns={ledgerColumns()} getRowId={(row) => row.id} caption={caption} rowHeader="description" empty={empty} regionLabel="Ledger entries, scrollable" />;
}
