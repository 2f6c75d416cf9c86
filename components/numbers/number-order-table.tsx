'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';

type Tone = 'slate' | 'green' | 'amber' | 'red' | 'indigo';

const ORDER_STATUS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'indigo' },
  in_progress: { label: 'In progress', tone: 'indigo' },
  submitted: { label: 'Submitted', tone: 'indigo' },
  completed: { label: 'Completed', tone: 'green' },
  active: { label: 'Active', tone: 'green' },
  partial: { label: 'Partly completed', tone: 'amber' },
  failed: { label: 'Failed', tone: 'red' },
};

function StatusOf({ status }: { status: string }) {
  const known = ORDER_STATUS[status];
  return <Badge tone={known?.tone ?? 'slate'}>{known?.label ?? status}</Badge>;
}

/** The order that bought a number, formatted on the server. */
export interface NumberOrderRow {
  orderId: string;
  /** The order's page, when the viewer may open it. */
  href?: string;
  orderedAt: string;
  orderStatus: string;
  lineStatus: string;
  lineReason: string | null;
  completedAt: string;
  /** Only for roles that read billing; the column is left out without it. */
  price?: string;
}

const columns: ColumnDef<NumberOrderRow>[] = [
  { id: 'ordered', header: 'Ordered', meta: { className: 'tabular-nums' }, cell: ({ row }) => row.original.orderedAt },
  {
    id: 'order',
    header: 'Order',
    meta: { className: 'font-mono text-xs' },
    cell: ({ row: { original: order } }) =>
      order.href ? (
        <Link href={order.href} className="font-medium text-indigo-800 underline" aria-label={`Order ${order.orderId.slice(0, 8)}: open the order`}>
          {order.orderId.slice(0, 8)}
        </Link>
      ) : (
        order.orderId.slice(0, 8)
      ),
  },
  { id: 'orderStatus', header: 'Order status', cell: ({ row }) => <StatusOf status={row.original.orderStatus} /> },
  {
    id: 'line',
    header: 'This number',
    cell: ({ row: { original: order } }) => (
      <>
        <StatusOf status={order.lineStatus} />
        {order.lineReason ? <span className="block text-xs text-slate-600">{order.lineReason}</span> : null}
      </>
    ),
  },
  { id: 'completed', header: 'Completed', meta: { className: 'tabular-nums' }, cell: ({ row }) => row.original.completedAt },
  { id: 'price', header: 'Price', meta: { numeric: true }, cell: ({ row }) => row.original.price },
];

export function NumberOrderTable({ order, caption }: { order: NumberOrderRow; caption: string }) {
  const shown = order.price === undefined ? columns.filter((column) => column.id !== 'price') : columns;
  return <DataTable rows={[order]} columns={shown} getRowId={(row) => row.orderId} caption={caption} cardTitle="ordered" />;
}
