import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCents, formatDate } from '@/lib/format';
import { getStaffInvoice } from '@/lib/services/staff-invoices';
import { invoiceMonth, totalDueText } from '@/lib/views/invoices';
import { InvoiceHeader, InvoiceTotalsCard, invoiceSections } from '../../../billing/invoices/invoice-view';
import { addDiscountAction, generateDraftAction, issueInvoiceAction, removeDiscountAction, voidInvoiceAction } from '../actions';
import { AddDiscountForm, IssueInvoiceForm, RecomputeDraftForm, StaffInvoiceSections, VoidInvoiceForm } from '../invoice-actions';

export const metadata: Metadata = { title: 'Invoice (staff)' };
export const dynamic = 'force-dynamic';

export default async function StaffInvoicePage({ params }: { params: Promise<{ invoiceId: string }> }) {
  const staff = await requireStaff();
  const { invoiceId } = await params;
  const detail = await orNotFound(getStaffInvoice(staff, invoiceId));
  const { invoice } = detail;
  const draft = invoice.status === 'draft';
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/operator/invoices" className="text-indigo-800 hover:underline">
          ← All invoices
        </Link>
      </p>
      <PageHeader title={invoice.number} description={`${detail.accountName} · ${invoiceMonth(invoice)} · total due ${totalDueText(invoice.totalDueCents, invoice.currency)}`} />
      <div className="space-y-6">
        <InvoiceHeader detail={detail} invoiceHref={(id) => `/operator/invoices/${id}`} />
        {draft ? (
          <Card title="Before it is issued" description="A draft is recomputed from the rated calls, numbers and ledger each time; discounts added here stay through recomputing.">
            <div className="space-y-6">
              <RecomputeDraftForm accountId={invoice.billingAccountId} month={invoice.periodStart.toISOString().slice(0, 7)} action={generateDraftAction} />
              <AddDiscountForm invoiceId={invoice.id} subtotal={formatCents(invoice.subtotalCents, invoice.currency)} action={addDiscountAction} />
              <IssueInvoiceForm invoiceId={invoice.id} number={invoice.number} totalDue={totalDueText(invoice.totalDueCents, invoice.currency)} openUntil={detail.periodOpen ? formatDate(invoice.periodEnd, 'long') : null} action={issueInvoiceAction} />
            </div>
          </Card>
        ) : invoice.status === 'void' ? null : (
          <Card title="Correct it" description="An issued invoice never changes. If it is wrong, void it with the reason: its ledger posting is reversed and a new draft for the month replaces it.">
            <VoidInvoiceForm invoiceId={invoice.id} number={invoice.number} action={voidInvoiceAction} />
          </Card>
        )}
        <StaffInvoiceSections invoiceId={invoice.id} number={invoice.number} sections={invoiceSections(detail)} removeAction={draft ? removeDiscountAction : undefined} />
        {detail.sections.length === 0 ? (
          <Card>
            <p className="text-sm text-slate-700">No calls, numbers or charges in this period.</p>
          </Card>
        ) : null}
        <InvoiceTotalsCard detail={detail} />
      </div>
    </>
  );
}
