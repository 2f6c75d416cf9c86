import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { E911StatusBadge } from '@/components/e911/status-badge';
import { AutoRefresh } from '@/components/numbers-buy/auto-refresh';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { formatDateTime, formatE164 } from '@/lib/format';
import { getOrderView } from '@/lib/services/number-orders';
import { formatMoney } from '@/lib/services/pricing';

export const metadata: Metadata = { title: 'Order' };

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

export default async function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const access = await requireAccountAccess('technical.read');
  const view = await getOrderView(access, orderId).catch((error: unknown) => {
    if (isAppError(error) && error.kind === 'not_found') notFound();
    throw error;
  });
  const running = view.order.status === 'pending' || view.order.status === 'in_progress';
  const registering = view.lines.some((line) => line.e911?.status === 'pending');
  const withE911 = Boolean(view.order.e911AddressRef);
  const done = view.lines.filter((line) => line.status === 'active' || line.status === 'failed').length;
  return (
    <>
      <PageHeader title={`Order of ${view.lines.length} number${view.lines.length === 1 ? '' : 's'}`} description={`Placed ${formatDateTime(view.order.createdAt)}`} />
      <AutoRefresh active={running || registering} />
      <Card title={orderText[view.order.status]} description={running ? `${done} of ${view.lines.length} settled; this page updates by itself.` : `Charged ${formatMoney(view.charged)} for the numbers bought.`}>
        <div role="progressbar" aria-label="Order progress" aria-valuemin={0} aria-valuemax={view.lines.length} aria-valuenow={done} className="mb-4 h-2 w-full overflow-hidden rounded bg-slate-100">
          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${view.lines.length ? (done / view.lines.length) * 100 : 100}%` }} />
        </div>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Numbers in this order</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
            <tr>
              <th scope="col" className="py-2">Number</th>
              <th scope="col" className="py-2">Status</th>
              <th scope="col" className="py-2">Detail</th>
              {withE911 ? <th scope="col" className="py-2">Emergency address</th> : null}
              <th scope="col" className="py-2 text-right">Charged</th>
            </tr>
          </thead>
          <tbody>
            {view.lines.map((line) => (
              <tr key={line.id} className="border-b border-slate-100 last:border-0">
                <td className="py-2 font-mono">{formatE164(line.e164)}</td>
                <td className="py-2">{lineBadge[line.status]}</td>
                <td className="py-2 text-xs text-slate-700">{line.reason ?? (line.owned ? 'Yours now' : line.status === 'active' ? 'Bought; no longer among this account’s numbers' : '')}</td>
                {withE911 ? <td className="py-2">{line.e911 ? <E911StatusBadge status={line.e911.status} detail={line.e911.detail} /> : '—'}</td> : null}
                <td className="py-2 text-right tabular-nums">{line.charged ? formatMoney(line.charged) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {withE911 ? (
          <p className="mt-4 text-sm text-slate-700">
            Emergency address chosen at checkout:{' '}
            {view.e911Address ? (
              <Link href={`/e911/${view.e911Address.id}`} className="text-indigo-800 underline">
                {view.e911Address.label}
              </Link>
            ) : (
              'since deleted'
            )}
            {registering ? '; registering it with the carriers…' : '.'}
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
    </>
  );
}
