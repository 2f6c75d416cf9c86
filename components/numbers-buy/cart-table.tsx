'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { NO_E911_BADGE } from '@/components/e911/no-e911-copy';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import type { OrderProgress } from '@/lib/views/order-progress';
import { HoldCountdown } from './hold-countdown';
import { RemoveItemForm } from './remove-item-form';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Why a line's number comes from its carrier; `upstream` and `staffDetail` only reach operator staff. */
export type LineWhy = OrderProgress['lines'][number]['why'];

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The plain reasons beside a cart, checkout or order line: a "No E911" badge is never left out. */
export function WhyThisCarrier({ why }: { why: LineWhy }) {
  return (
    <div className="space-y-1 text-xs text-slate-700">
      {why.e911 ? null : <Badge tone="amber">{NO_E911_BADGE}</Badge>}
      {why.reasons.length > 0 ? <p>{sentence(why.reasons.join(' · '))}</p> : null}
      {why.warnings.map((warning) => (
        <p key={warning} className="text-amber-900">
          {sentence(warning)}
        </p>
      ))}
      {why.upstream ? (
        <p className="text-slate-600">
          <span className="font-medium">Upstream (staff only):</span> {why.upstream}. {why.staffDetail}
        </p>
      ) : null}
    </div>
  );
}

/** A cart item as shown, formatted on the server. */
export interface CartTableRow {
  id: string;
  number: string;
  location: string;
  /** Seconds left on the upstream hold; absent when the number needs none. */
  holdSecondsLeft?: number;
  monthly: string;
  setup: string;
  why: LineWhy;
}

export function CartTable({ rows, totals, removeAction }: { rows: CartTableRow[]; totals: { label: string; monthly: string; setup: string }; removeAction?: Action }) {
  const columns: ColumnDef<CartTableRow>[] = [
    { id: 'number', header: 'Number', meta: { className: 'whitespace-nowrap font-mono' }, cell: ({ row }) => row.original.number, footer: () => totals.label },
    { id: 'location', header: 'Location', cell: ({ row }) => row.original.location },
    { id: 'why', header: 'Why this carrier', cell: ({ row }) => <WhyThisCarrier why={row.original.why} /> },
    { id: 'hold', header: 'Hold', meta: { className: 'text-xs' }, cell: ({ row }) => (row.original.holdSecondsLeft === undefined ? 'No hold needed' : <HoldCountdown secondsLeft={row.original.holdSecondsLeft} />) },
    { id: 'monthly', header: 'Monthly', meta: { numeric: true }, cell: ({ row }) => row.original.monthly, footer: () => totals.monthly },
    { id: 'setup', header: 'One-time', meta: { numeric: true }, cell: ({ row }) => row.original.setup, footer: () => totals.setup },
  ];
  if (removeAction) {
    columns.push({ id: 'actions', header: 'Actions', meta: { actions: true }, cell: ({ row }) => <RemoveItemForm itemId={row.original.id} label={row.original.number} action={removeAction} /> });
  }
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption="Numbers in your cart" cardTitle="number" />;
}
