import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCents, formatCount, formatDateTime, formatE164, formatMonth, formatRate } from '@/lib/format';
import { orNotFound } from '@/lib/not-found';
import { getLineCallsFor } from '@/lib/services/disputes';
import { disputeStatusLabel, disputeStatusTone } from '@/lib/views/disputes';
import { createDisputeAction } from './actions';
import { LineCallsDispute, type LineCallRow } from './line-calls';

export const metadata: Metadata = { title: 'Calls of an invoice line' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** "890104.0000" → "890,104", "12.5000" → "12.5". */
const quantityText = (quantity: string) => {
  const [whole = '0', fraction = ''] = quantity.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${trimmed ? `.${trimmed}` : ''}`;
};

export default async function InvoiceLineCallsPage({ params, searchParams }: { params: Promise<{ invoiceId: string; lineId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess();
  // Without money, another tenant's line and one that does not exist answer alike.
  if (!can(access, 'billing.read')) notFound();
  const { invoiceId, lineId } = await params;
  const query = await searchParams;
  const page = await orNotFound(getLineCallsFor(access, { invoiceId, lineId, after: first(query.after)?.slice(0, 60), before: first(query.before)?.slice(0, 60) }));
  const { invoice, line } = page;
  const base = `/billing/invoices/${invoice.id}/lines/${line.id}`;
  const rows: LineCallRow[] = page.calls.map((call) => ({
    id: call.id,
    time: formatDateTime(call.inviteAt, { seconds: true }),
    from: formatE164(call.from),
    to: formatE164(call.to),
    result: call.answered ? 'Answered' : `Not answered (SIP ${call.sipCode})`,
    billed: `${formatCount(call.billedSeconds)} s`,
    charge: formatRate(call.charge, invoice.currency, { minimumPlaces: 4 }),
    chargeDecimal: call.charge,
    dispute: call.dispute ? { href: `/billing/disputes/${call.dispute.id}`, label: `${call.dispute.reference} · ${disputeStatusLabel(call.dispute.status)}`, tone: disputeStatusTone(call.dispute.status) } : null,
    // A call charged nothing has nothing to credit.
    selectable: call.disputable && /[1-9]/.test(call.charge),
  }));
  const month = formatMonth(invoice.periodStart.toISOString().slice(0, 7));
  const notDisputable =
    invoice.status === 'draft'
      ? 'This invoice is a draft: its calls can be disputed once it is issued.'
      : invoice.status === 'void'
        ? 'This invoice was voided: dispute the calls on the invoice that replaced it.'
        : null;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/billing/invoices/${invoice.id}`} className="text-indigo-800 hover:underline">
          ← {invoice.number}
        </Link>
      </p>
      <PageHeader title={line.description} description={`Rated calls of ${page.account.name} on ${invoice.number} (${month}), in time order. Tick the calls that are wrong and dispute them: we decide within 2 business days.`} />
      <div className="space-y-6">
        <Card title="The line">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="text-slate-600">Calls</dt>
              <dd className="tabular-nums text-slate-900">{formatCount(line.calls)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Quantity</dt>
              <dd className="tabular-nums text-slate-900">{line.quantity ? `${quantityText(line.quantity)} ${line.unit ?? ''}` : '—'}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Rate</dt>
              <dd className="tabular-nums text-slate-900">{line.rate ? `${formatRate(line.rate, invoice.currency, { minimumPlaces: 4 })} a minute` : '—'}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Amount</dt>
              <dd className="tabular-nums text-slate-900">{formatCents(line.amountCents, invoice.currency)}</dd>
            </div>
          </dl>
          {page.disputes.length > 0 ? (
            <div className="mt-4 text-sm">
              <h3 className="font-medium text-slate-800">Disputes of this line</h3>
              <ul className="mt-1 space-y-1">
                {page.disputes.map((dispute) => (
                  <li key={dispute.id} className="flex flex-wrap items-center gap-2">
                    <Link href={`/billing/disputes/${dispute.id}`} className="font-mono text-indigo-800 underline">
                      {dispute.reference}
                    </Link>
                    <Badge tone={disputeStatusTone(dispute.status)}>{disputeStatusLabel(dispute.status)}</Badge>
                    <span className="text-slate-700">
                      {formatCount(dispute.callCount)} {dispute.callCount === 1 ? 'call' : 'calls'}, {formatCents(dispute.disputedCents, invoice.currency)} disputed
                      {dispute.creditedCents ? `, ${formatCents(dispute.creditedCents, invoice.currency)} credited` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card title="Calls">
          {notDisputable ? (
            <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {notDisputable}
            </p>
          ) : null}
          <LineCallsDispute rows={rows} caption={`Calls of ${line.description} on ${invoice.number}`} invoiceId={invoice.id} lineId={line.id} currency={invoice.currency} disputable={!notDisputable} action={createDisputeAction} />
          {page.previousCursor || page.nextCursor ? (
            <nav aria-label="Pages of calls" className="mt-4 flex justify-between text-sm">
              {page.previousCursor ? (
                <Link href={`${base}?before=${encodeURIComponent(page.previousCursor)}`} rel="prev" className="font-medium text-indigo-800 underline">
                  ← Earlier calls
                </Link>
              ) : (
                <span />
              )}
              {page.nextCursor ? (
                <Link href={`${base}?after=${encodeURIComponent(page.nextCursor)}`} rel="next" className="font-medium text-indigo-800 underline">
                  Later calls →
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Card>
      </div>
    </>
  );
}
