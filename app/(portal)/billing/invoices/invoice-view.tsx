import { FileDown, FileSpreadsheet, PhoneCall } from 'lucide-react';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { Badge, Card } from '@/components/ui/card';
import { formatCount } from '@/lib/format';
import type { InvoiceDetail } from '@/lib/services/staff-invoices';
import { invoiceDates, invoiceLineRow, invoiceMonth, invoicePeriodRange, invoiceStatusBadge, invoiceTotals, type InvoiceLineRow } from '@/lib/views/invoices';

/** The three downloads of an issued invoice (routes under /billing/invoices/<id>/). */
export function InvoiceDownloads({ invoiceId, number }: { invoiceId: string; number: string }) {
  const base = `/billing/invoices/${invoiceId}`;
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label={`Download ${number}`}>
      <a href={`${base}/pdf`} className={buttonClass('primary')}>
        <FileDown aria-hidden="true" className="size-4" />
        PDF
      </a>
      <a href={`${base}/csv`} className={buttonClass('secondary')}>
        <FileSpreadsheet aria-hidden="true" className="size-4" />
        CSV
      </a>
      <a href={`${base}/calls`} className={buttonClass('secondary')}>
        <PhoneCall aria-hidden="true" className="size-4" />
        Rated calls (CSV)
      </a>
    </div>
  );
}

/** Status, period, dates, a void's reason and the invoice that replaced it (or that it replaces). */
export function InvoiceHeader({ detail, invoiceHref }: { detail: InvoiceDetail; invoiceHref: (id: string) => string }) {
  const { invoice } = detail;
  const badge = invoiceStatusBadge(invoice);
  return (
    <Card title="Invoice">
      <dl className="grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className="text-slate-600">Status</dt>
          <dd>
            <Badge tone={badge.tone}>{badge.label}</Badge>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Period</dt>
          <dd>
            {invoiceMonth(invoice)} <span className="text-slate-600">({invoicePeriodRange(invoice)}, UTC)</span>
          </dd>
        </div>
        {invoiceDates(invoice).map((date) => (
          <div key={date.label}>
            <dt className="text-slate-600">{date.label}</dt>
            <dd className="tabular-nums">{date.value}</dd>
          </div>
        ))}
        <div>
          <dt className="text-slate-600">Currency</dt>
          <dd>{invoice.currency}</dd>
        </div>
      </dl>
      {invoice.status === 'draft' ? (
        <p className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
          A draft: computed from the calls rated and the numbers held so far, and recomputed until it is issued after the month ends. It is not due and has no PDF yet.
        </p>
      ) : null}
      {invoice.status === 'void' ? (
        <div className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-950">
          <p>
            Voided{invoice.voidReason ? `: ${invoice.voidReason}` : '.'} Its charges were reversed on the ledger; it is kept as it was.
          </p>
          {detail.replacedBy ? (
            <p className="mt-1">
              Replaced by{' '}
              <Link href={invoiceHref(detail.replacedBy.id)} className="font-mono font-medium underline">
                {detail.replacedBy.number}
              </Link>
              .
            </p>
          ) : null}
        </div>
      ) : null}
      {detail.replaces ? (
        <p className="mt-4 text-sm text-slate-800">
          Issued in place of{' '}
          <Link href={invoiceHref(detail.replaces.id)} className="font-mono font-medium text-indigo-800 underline">
            {detail.replaces.number}
          </Link>
          , which was voided.
        </p>
      ) : null}
      {detail.unratedCalls > 0 ? (
        <p role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950">
          {formatCount(detail.unratedCalls)} {detail.unratedCalls === 1 ? 'call' : 'calls'} of this period {detail.unratedCalls === 1 ? 'has' : 'have'} no price on the deck; {detail.unratedCalls === 1 ? 'it is' : 'they are'} not on this invoice.
        </p>
      ) : null}
    </Card>
  );
}

/** Each section's lines as rows, the billing account's section first (the engine's order). */
export function invoiceSections(detail: InvoiceDetail): { accountId: string; name: string; rows: InvoiceLineRow[] }[] {
  const { invoice, lines } = detail;
  return detail.sections.map((section) => ({
    ...section,
    rows: lines.filter((line) => line.accountId === section.accountId).map((line) => invoiceLineRow(line, { invoiceId: invoice.id, currency: invoice.currency })),
  }));
}

/** Subtotal down to the total due, every step shown. */
export function InvoiceTotalsCard({ detail }: { detail: InvoiceDetail }) {
  const totals = invoiceTotals(detail.invoice);
  return (
    <Card title="Totals">
      <dl className="ml-auto max-w-md space-y-1 text-sm">
        {totals.rows.map((row) => (
          <div key={row.label} className={`flex justify-between gap-4 ${row.emphasis ? 'border-t border-slate-200 pt-1 font-semibold text-slate-900' : 'text-slate-700'}`}>
            <dt>{row.label}</dt>
            <dd className="tabular-nums">{row.value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
