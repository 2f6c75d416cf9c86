'use client';

import Link from 'next/link';
import { E911StatusBadge } from '@/components/e911/status-badge';
import type { ColumnDef } from '@tanstack/react-table';
import { Badge, Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { StaffDetail } from '@/components/ui/staff-detail';
import { formatMoney, formatE164 } from '@/lib/format';
import { useLiveJson } from '@/lib/hooks/use-live-json';
import type { OrderProgress as OrderProgressView } from '@/lib/views/order-progress';
import { WhyThisCarrier } from './cart-table';

const lineBadge = {
  pending: <Badge tone="slate">Queued</Badge>,
  submitted: <Badge tone="indigo">Ordering…</Badge>,
  active: <Badge tone="green">Active</Badge>,
  failed: <Badge tone="red">Failed</Badge>,
} as const;

const orderText = {
  pending: 'Queued',
  in_progress: 'In progress',
  completed: 'Completed',
  partial: 'Partly completed',
  failed: 'Failed',
} as const;

type OrderLine = OrderProgressView['lines'][number];

function lineColumns(withE911: boolean, withCharges: boolean): ColumnDef<OrderLine>[] {
  const columns: ColumnDef<OrderLine>[] = [
    { id: 'number', header: 'Number', meta: { className: 'whitespace-nowrap font-mono' }, cell: ({ row }) => formatE164(row.original.e164) },
    { id: 'status', header: 'Status', cell: ({ row }) => lineBadge[row.original.status] },
    {
      id: 'detail',
      header: 'Detail',
      meta: { className: 'text-xs text-slate-700' },
      cell: ({ row: { original: line } }) => (
        <>
          {line.reason ?? (line.owned ? 'Yours now' : line.status === 'active' ? 'Bought; no longer among this account’s numbers' : '')}
          {line.reasonDetail ? <StaffDetail>{line.reasonDetail}</StaffDetail> : null}
        </>
      ),
    },
  ];
  columns.push({ id: 'why', header: 'Why this carrier', cell: ({ row }) => <WhyThisCarrier why={row.original.why} /> });
  if (withE911) {
    columns.push({ id: 'e911', header: 'Emergency address', cell: ({ row: { original: line } }) => (line.e911 ? <E911StatusBadge status={line.e911.status} detail={line.e911.detail ?? undefined} /> : '—') });
  }
  if (withCharges) columns.push({ id: 'charged', header: 'Charged', meta: { numeric: true }, cell: ({ row }) => (row.original.charged ? formatMoney(row.original.charged) : '—') });
  return columns;
}

/**
 * The order's lines as they settle: polls the order route while anything is in flight, then stops.
 * `technical`: the viewer opens My numbers and E911 (finance, who are told of finished orders too, do not).
 */
export function OrderProgress({ initial, technical }: { initial: OrderProgressView; technical: boolean }) {
  const { data: order, error } = useLiveJson({ queryKey: ['order', initial.id], url: `/api/v1/orders/${initial.id}`, initialData: initial, settled: (view) => view.settled });
  const running = order.status === 'pending' || order.status === 'in_progress';
  const total = order.lines.length;
  const withE911 = order.e911Address !== null;
  return (
    <Card title={orderText[order.status]} description={running ? `${order.settledLines} of ${total} settled; this page updates by itself.` : order.charged !== null ? `Charged ${formatMoney(order.charged)} for the numbers bought.` : 'Every number in this order is settled.'}>
      <div role="progressbar" aria-label="Order progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={order.settledLines} className="mb-4 h-2 w-full overflow-hidden rounded bg-slate-100">
        <div className="h-full bg-indigo-600 transition-all" style={{ width: `${total ? (order.settledLines / total) * 100 : 100}%` }} />
      </div>
      {error && !order.settled ? (
        <p role="status" className="mb-4 text-sm text-amber-900">
          Could not check the order just now ({error.message}); reload the page to see where it stands.
        </p>
      ) : null}
      <DataTable rows={order.lines} columns={lineColumns(withE911, order.charged !== null)} getRowId={(line) => line.id} caption="Numbers in this order" cardTitle="number" busy={!order.settled} />
      {withE911 ? (
        <p className="mt-4 text-sm text-slate-700">
          Emergency address chosen at checkout:{' '}
          {order.e911Address && order.e911Address !== 'deleted' ? (
            technical ? (
              <Link href={`/e911/${order.e911Address.id}`} className="text-indigo-800 underline">
                {order.e911Address.label}
              </Link>
            ) : (
              order.e911Address.label
            )
          ) : (
            'since deleted'
          )}
          {order.registering ? '; registering it with the carriers…' : '.'}
        </p>
      ) : null}
      {!running ? (
        <p className="mt-4 text-sm">
          {technical ? (
            <Link href="/numbers" className="font-medium text-indigo-800 underline">
              See your numbers
            </Link>
          ) : (
            <Link href="/numbers/orders" className="font-medium text-indigo-800 underline">
              All orders
            </Link>
          )}
        </p>
      ) : null}
    </Card>
  );
}
