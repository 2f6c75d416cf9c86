'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable, type DataTableSort } from '@/components/ui/data-table';
import { OrderLineStatusBadge, OrderStatusBadge } from './order-status-badge';

/** One order line, formatted on the server. */
export interface OrderTableLine {
  id: string;
  number: string;
  status: string;
  reason: string | null;
  /** The live number's page, when the viewer reaches it. */
  numberHref?: string;
  /** Billing roles only. */
  charged?: string;
}

/** One order, formatted on the server; money only for roles that read billing. */
export interface OrderTableRow {
  id: string;
  shortId: string;
  /** The order's page, for roles that read technical data. */
  href?: string;
  placed: string;
  placedBy: string;
  accountName: string;
  status: string;
  /** "2 of 3 bought". */
  progress: string;
  lines: OrderTableLine[];
  /** Lines not shown here ("and 7 more"). */
  moreLines: number;
  charged?: string;
}

function OrderLines({ order }: { order: OrderTableRow }) {
  return (
    <>
      <ul className="space-y-1.5">
        {order.lines.map((line) => (
          <li key={line.id} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
            {line.numberHref ? (
              <Link href={line.numberHref} className="tabular-nums text-indigo-800 underline">
                {line.number}
              </Link>
            ) : (
              <span className="tabular-nums">{line.number}</span>
            )}
            <OrderLineStatusBadge status={line.status} />
            {line.charged ? <span className="text-xs tabular-nums text-slate-700">{line.charged}</span> : null}
            {line.reason ? <span className="block w-full text-xs text-slate-600">{line.reason}</span> : null}
          </li>
        ))}
      </ul>
      {order.moreLines > 0 ? (
        <p className="mt-1 text-xs text-slate-600">
          {order.href ? (
            <Link href={order.href} className="text-indigo-800 underline">
              and {order.moreLines} more
            </Link>
          ) : (
            `and ${order.moreLines} more`
          )}
        </p>
      ) : null}
    </>
  );
}

function columnsFor({ showAccount, showCharges }: { showAccount: boolean; showCharges: boolean }): ColumnDef<OrderTableRow>[] {
  return [
    {
      id: 'order',
      header: 'Order',
      cell: ({ row: { original: order } }) => (
        <>
          {order.href ? (
            <Link href={order.href} className="font-mono text-xs font-medium text-indigo-800 underline" aria-label={`Order ${order.shortId}, placed ${order.placed}`}>
              {order.shortId}
            </Link>
          ) : (
            <span className="font-mono text-xs">{order.shortId}</span>
          )}
          <span className="block text-xs text-slate-600">by {order.placedBy}</span>
        </>
      ),
    },
    { id: 'placed', header: 'Placed', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.placed },
    ...(showAccount ? [{ id: 'account', header: 'Account', cell: ({ row }) => row.original.accountName } satisfies ColumnDef<OrderTableRow>] : []),
    {
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: order } }) => (
        <>
          <OrderStatusBadge status={order.status} />
          <span className="block text-xs text-slate-600">{order.progress}</span>
        </>
      ),
    },
    { id: 'numbers', header: 'Numbers', meta: { className: 'min-w-64' }, cell: ({ row }) => <OrderLines order={row.original} /> },
    ...(showCharges ? [{ id: 'charged', header: 'Charged', meta: { numeric: true }, cell: ({ row }) => row.original.charged ?? '—' } satisfies ColumnDef<OrderTableRow>] : []),
  ];
}

export function OrderTable({ rows, caption, sort, showAccount, showCharges }: { rows: OrderTableRow[]; caption: string; sort: DataTableSort; showAccount: boolean; showCharges: boolean }) {
  return <DataTable rows={rows} columns={columnsFor({ showAccount, showCharges })} getRowId={(row) => row.id} caption={caption} cardTitle="order" sort={sort} regionLabel="Orders, scrollable" />;
}
