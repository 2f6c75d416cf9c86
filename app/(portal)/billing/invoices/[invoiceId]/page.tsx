import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { getInvoicePage } from '@/lib/services/billing-overview';
import { invoiceMonth, totalDueText } from '@/lib/views/invoices';
import { InvoiceLinesTable } from '../invoice-tables';
import { InvoiceDownloads, InvoiceHeader, InvoiceTotalsCard, invoiceSections } from '../invoice-view';

export const metadata: Metadata = { title: 'Invoice' };
export const dynamic = 'force-dynamic';

export default async function InvoicePage({ params }: { params: Promise<{ invoiceId: string }> }) {
  const access = await requireAccountAccess();
  // Without money, another tenant's invoice and one that does not exist answer alike.
  if (!can(access, 'billing.read')) notFound();
  const { invoiceId } = await params;
  const detail = await orNotFound(getInvoicePage(access, invoiceId));
  const { invoice } = detail;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/billing/invoices" className="text-indigo-800 hover:underline">
          ← Invoices
        </Link>
      </p>
      <PageHeader
        title={invoice.number}
        description={`${detail.accountName} · ${invoiceMonth(invoice)} · ${invoice.totalDueCents < 0 ? 'credit balance' : 'total due'} ${totalDueText(Math.abs(invoice.totalDueCents), invoice.currency)}`}
        actions={invoice.status === 'draft' ? undefined : <InvoiceDownloads invoiceId={invoice.id} number={invoice.number} />}
      />
      <div className="space-y-6">
        <InvoiceHeader detail={detail} invoiceHref={(id) => `/billing/invoices/${id}`} />
        {invoiceSections(detail).map((section) => (
          <Card key={section.accountId} title={section.name}>
            <InvoiceLinesTable rows={section.rows} caption={`Lines of ${section.name} on ${invoice.number}`} />
          </Card>
        ))}
        {detail.sections.length === 0 ? (
          <Card>
            <p className="text-sm text-slate-700">No calls, numbers or charges in this period.</p>
          </Card>
        ) : null}
        <InvoiceTotalsCard detail={detail} />
        {access.user.isOperatorStaff ? (
          <p className="text-sm">
            <Link href={`/operator/invoices/${invoice.id}`} className="font-medium text-indigo-800 underline">
              Manage this invoice as staff (discounts, issue, void)
            </Link>
          </p>
        ) : null}
      </div>
    </>
  );
}
