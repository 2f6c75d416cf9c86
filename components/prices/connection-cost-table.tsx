'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import { KIND_LABELS } from '@/lib/validations/prices';
import { formatRate } from '@/lib/format';
import { ClearCostButton } from './price-forms';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface ConnectionCostRow {
  connectionId: string;
  connectionName: string;
  kind: keyof typeof KIND_LABELS;
  monthly: string;
  setup: string;
}

/** The upstream costs on file, one row per connection and number type, each with a Clear button. */
export function ConnectionCostTable({ rows, clearAction }: { rows: ConnectionCostRow[]; clearAction: Action }) {
  const columns: ColumnDef<ConnectionCostRow>[] = [
    { id: 'connection', header: 'Connection', cell: ({ row }) => row.original.connectionName },
    { id: 'kind', header: 'Number type', cell: ({ row }) => KIND_LABELS[row.original.kind] },
    { id: 'monthly', header: 'Monthly cost', meta: { numeric: true }, cell: ({ row }) => formatRate(row.original.monthly) },
    { id: 'setup', header: 'One-time cost', meta: { numeric: true }, cell: ({ row }) => formatRate(row.original.setup) },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original: cost } }) => <ClearCostButton connectionId={cost.connectionId} kind={cost.kind} label={`${cost.connectionName} ${KIND_LABELS[cost.kind].toLowerCase()}`} action={clearAction} />,
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => `${row.connectionId}:${row.kind}`} caption="Costs on file per connection and number type" cardTitle="connection" />;
}
