'use client';

import Link from 'next/link';
import { E911StatusBadge } from '@/components/e911/status-badge';
import { Badge, Card } from '@/components/ui/card';
import { formatMoney, formatE164 } from '@/lib/format';
import { useLiveJson } from '@/lib/hooks/use-live-json';
import type { OrderProgress as OrderProgressView } from '@/lib/views/order-progress';

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

/** The order's lines as they settle: polls the order route while anything is in flight, then stops. */
export function OrderProgress({ initial }: { initial: OrderProgressView }) {
  const { data: order, error } = useLiveJson({ queryKey: ['order', initial.id], url: `/api/v1/orders/${initial.id}`, initialData: initial, settled: (view) => view.settled });
  const running = order.status === 'pending' || order.status === 'in_progress';
  const total = order.lines.length;
  const withE911 = order.e911Address !== null;
  return (
    <Card title={orderText[order.status]} description={running ? `${order.settledLines} of ${total} settled; this page updates by itself.` : `Charged ${formatMoney(order.charged)} for the numbers bought.`}>
      <div role="progressbar" aria-label="Order progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={order.settledLines} className="mb-4 h-2 w-full overflow-hidden rounded bg-slate-100">
        <div className="h-full bg-indigo-600 transition-all" style={{ width: `${total ? (order.settledLines / total) * 100 : 100}%` }} />
      </div>
      {error && !order.settled ? (
        <p role="status" className="mb-4 text-sm text-amber-900">
          Could not check the order just now ({error.message}); reload the page to see where it stands.
        </p>
      ) : null}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Numbers in this order, scrollable">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Numbers in this order</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">Number</th>
              <th scope="col" className="py-2 pr-3">Status</th>
              <th scope="col" className="py-2 pr-3">Detail</th>
              {withE911 ? <th scope="col" className="py-2 pr-3">Emergency address</th> : null}
              <th scope="col" className="py-2 text-right">Charged</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.id} className="border-b border-slate-100 last:border-0">
                <td className="whitespace-nowrap py-2 pr-3 font-mono">{formatE164(line.e164)}</td>
                <td className="py-2 pr-3">{lineBadge[line.status]}</td>
                <td className="py-2 pr-3 text-xs text-slate-700">{line.reason ?? (line.owned ? 'Yours now' : line.status === 'active' ? 'Bought; no longer among this account’s numbers' : '')}</td>
                {withE911 ? <td className="py-2 pr-3">{line.e911 ? <E911StatusBadge status={line.e911.status} detail={line.e911.detail ?? undefined} /> : '—'}</td> : null}
                <td className="py-2 text-right tabular-nums">{line.charged ? formatMoney(line.charged) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {withE911 ? (
        <p className="mt-4 text-sm text-slate-700">
          Emergency address chosen at checkout:{' '}
          {order.e911Address && order.e911Address !== 'deleted' ? (
            <Link href={`/e911/${order.e911Address.id}`} className="text-indigo-800 underline">
              {order.e911Address.label}
            </Link>
          ) : (
            'since deleted'
          )}
          {order.registering ? '; registering it with the carriers…' : '.'}
        </p>
      ) : null}
      {!running ? (
        <p className="mt-4 text-sm">
          <Link href="/numbers" className="font-medium text-indigo-800 underline">
            See your numbers
          </Link>
        </p>
      ) : null}
    </Card>
  );
}
