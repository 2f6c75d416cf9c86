'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

export interface PaymentRow {
  id: string;
  date: string;
  kind: string;
  description: string;
  reference: string;
  amount: string;
  reversed: boolean;
}

export function PaymentsTable({ rows, caption, empty }: { rows: PaymentRow[]; caption: string; empty: React.ReactNode }) {
  const columns: ColumnDef<PaymentRow>[] = [
    { id: 'date', header: 'Received', cell: ({ row: { original: payment } }) => <span className="whitespace-nowrap">{payment.date}</span> },
    {
      id: 'description',
      header: 'Payment',
      cell: ({ row: { original: payment } }) => (
        <span className="space-x-1">
          <span>{payment.description}</span>
          {payment.reversed ? <Badge tone="amber">Reversed</Badge> : null}
        </span>
      ),
    },
    { id: 'kind', header: 'Kind', cell: ({ row: { original: payment } }) => payment.kind },
    { id: 'reference', header: 'Reference', cell: ({ row: { original: payment } }) => <span className="break-all font-mono text-xs">{payment.reference}</span> },
    { id: 'amount', header: 'Amount', meta: { numeric: true }, cell: ({ row: { original: payment } }) => <span className="text-emerald-800">{payment.amount}</span> },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="description" empty={empty} regionLabel={`${caption}, scrollable`} />;
}

export interface UnratedReasonRow {
  id: string;
  reason: string;
  direction: string;
  country: string;
  example: string;
  calls: string;
}

/** Staff only: why calls have no price, so the deck (or its assignment) can be fixed. */
export function UnratedReasonsTable({ rows, caption }: { rows: UnratedReasonRow[]; caption: string }) {
  const columns: ColumnDef<UnratedReasonRow>[] = [
    { id: 'reason', header: 'Why', cell: ({ row: { original: group } }) => group.reason },
    { id: 'direction', header: 'Direction', cell: ({ row: { original: group } }) => group.direction },
    { id: 'country', header: 'Country', cell: ({ row: { original: group } }) => group.country },
    { id: 'example', header: 'For example', cell: ({ row: { original: group } }) => <span className="font-mono text-xs">{group.example}</span> },
    { id: 'calls', header: 'Calls', meta: { numeric: true }, cell: ({ row: { original: group } }) => group.calls },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="reason" regionLabel={`${caption}, scrollable`} />;
}
