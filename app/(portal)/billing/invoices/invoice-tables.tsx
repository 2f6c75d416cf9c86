'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { FileDown } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { InvoiceLineRow, InvoiceListRow } from '@/lib/views/invoices';

/** Invoices: number (to its page), month, status, total due, due date, and the PDF once issued. */
export function InvoiceTable({ rows, caption, empty, showAccount = false, documents = true }: { rows: InvoiceListRow[]; caption: string; empty: React.ReactNode; showAccount?: boolean; documents?: boolean }) {
  const columns: ColumnDef<InvoiceListRow>[] = [
    {
      id: 'number',
      header: 'Invoice',
      cell: ({ row: { original: invoice } }) => (
        <Link href={invoice.href} className="font-mono font-medium text-indigo-800 underline">
          {invoice.number}
        </Link>
      ),
    },
    ...(showAccount ? [{ id: 'account', header: 'Account', cell: ({ row: { original: invoice } }) => invoice.accountName } satisfies ColumnDef<InvoiceListRow>] : []),
    {
      id: 'period',
      header: 'Period',
      cell: ({ row: { original: invoice } }) => (
        <span title={invoice.period} className="whitespace-nowrap">
          {invoice.month}
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: ({ row: { original: invoice } }) => <Badge tone={invoice.status.tone}>{invoice.status.label}</Badge> },
    { id: 'total', header: 'Total due', meta: { numeric: true }, cell: ({ row: { original: invoice } }) => invoice.totalDue },
    { id: 'due', header: 'Due', cell: ({ row: { original: invoice } }) => <span className="whitespace-nowrap">{invoice.dueDate}</span> },
    ...(documents ? [documentsColumn] : []),
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="number" empty={empty} regionLabel={`${caption}, scrollable`} />;
}

const documentsColumn: ColumnDef<InvoiceListRow> = {
  id: 'documents',
  header: 'Documents',
  meta: { actions: true },
  cell: ({ row: { original: invoice } }) =>
    invoice.pdfHref ? (
      <a href={invoice.pdfHref} className="inline-flex items-center gap-1 text-sm font-medium text-indigo-800 underline" aria-label={`PDF of ${invoice.number}`}>
        <FileDown aria-hidden="true" className="size-4" />
        PDF
      </a>
    ) : (
      <span className="text-xs text-slate-600">No PDF until issued</span>
    ),
};

/**
 * One section's lines: what, quantity × unit price (or the percentage and its base), calls, amount,
 * and for usage lines the link to their rated calls. `lineAction` adds a column (staff: remove a discount).
 */
export function InvoiceLinesTable({ rows, caption, lineAction }: { rows: InvoiceLineRow[]; caption: string; lineAction?: (row: InvoiceLineRow) => React.ReactNode }) {
  const columns: ColumnDef<InvoiceLineRow>[] = [
    {
      id: 'description',
      header: 'Description',
      cell: ({ row: { original: line } }) => (
        <div className="min-w-0">
          <p className="break-words text-slate-900">{line.description}</p>
          <p className="text-xs text-slate-600">{[line.kind, line.detail].filter(Boolean).join(' · ')}</p>
        </div>
      ),
    },
    {
      id: 'quantity',
      header: 'Quantity × price',
      cell: ({ row: { original: line } }) => <span className="tabular-nums">{line.quantity ?? line.basis ?? '—'}</span>,
    },
    { id: 'calls', header: 'Calls', meta: { numeric: true }, cell: ({ row: { original: line } }) => line.calls ?? '—' },
    {
      id: 'amount',
      header: 'Amount',
      meta: { numeric: true },
      cell: ({ row: { original: line } }) => <span className={line.negative ? 'text-emerald-800' : undefined}>{line.amount}</span>,
    },
    {
      id: 'actions',
      header: 'Calls and actions',
      meta: { actions: true },
      cell: ({ row: { original: line } }) => (
        <div className="flex flex-wrap items-center justify-end gap-3">
          {line.callsHref ? (
            <Link href={line.callsHref} className="text-sm font-medium text-indigo-800 underline">
              Calls<span className="sr-only"> of {line.description}</span>
            </Link>
          ) : null}
          {lineAction?.(line)}
        </div>
      ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="description" regionLabel={`${caption}, scrollable`} empty={<p className="text-sm text-slate-600">No lines in this section.</p>} />;
}
