'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import { HoldCountdown } from './hold-countdown';
import { RemoveItemForm } from './remove-item-form';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** A cart item as shown, formatted on the server. */
export interface CartTableRow {
  id: string;
  number: string;
  location: string;
  /** Seconds left on the upstream hold; absent when the number needs none. */
  holdSecondsLeft?: number;
  monthly: string;
  setup: string;
}

export function CartTable({ rows, totals, removeAction }: { rows: CartTableRow[]; totals: { label: string; monthly: string; setup: string }; removeAction?: Action }) {
  const columns: ColumnDef<CartTableRow>[] = [
    { id: 'number', header: 'Number', meta: { className: 'whitespace-nowrap font-mono' }, cell: ({ row }) => row.original.number, footer: () => totals.label },
    { id: 'location', header: 'Location', cell: ({ row }) => row.original.location },
    { id: 'hold', header: 'Hold', meta: { className: 'text-xs' }, cell: ({ row }) => (row.original.holdSecondsLeft === undefined ? 'No hold needed' : <HoldCountdown secondsLeft={row.original.holdSecondsLeft} />) },
    { id: 'monthly', header: 'Monthly', meta: { numeric: true }, cell: ({ row }) => row.original.monthly, footer: () => totals.monthly },
    { id: 'setup', header: 'One-time', meta: { numeric: true }, cell: ({ row }) => row.original.setup, footer: () => totals.setup },
  ];
  if (removeAction) {
    columns.push({ id: 'actions', header: 'Actions', meta: { actions: true }, cell: ({ row }) => <RemoveItemForm itemId={row.original.id} label={row.original.number} action={removeAction} /> });
  }
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption="Numbers in your cart" cardTitle="number" />;
}
