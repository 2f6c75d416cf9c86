import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatMonth } from '@/lib/format';
import { getDisputeFor } from '@/lib/services/disputes';
import { dueSentence } from '@/lib/views/disputes';
import { openCreditNoteInvoiceAction } from '../actions';
import { CreditNoteInvoiceButton } from '../credit-note-button';
import { DisputeDetailView } from '../dispute-view';

export const metadata: Metadata = { title: 'Dispute' };
export const dynamic = 'force-dynamic';

export default async function DisputePage({ params, searchParams }: { params: Promise<{ disputeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess();
  // Without money, another tenant's dispute and one that does not exist answer alike.
  if (!can(access, 'billing.read')) notFound();
  const { disputeId } = await params;
  const justOpened = (await searchParams).opened === '1';
  const dispute = await orNotFound(getDisputeFor(access, disputeId));
  const credit = dispute.creditNote;
  const creditMonth = credit ? formatMonth(credit.month) : '';
  const invoiceWord = credit?.invoice && credit.invoice.status !== 'draft' ? `the ${creditMonth} invoice` : `the ${creditMonth} invoice draft`;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/billing/disputes" className="text-indigo-800 hover:underline">
          ← Disputes
        </Link>
      </p>
      <PageHeader title={`Dispute ${dispute.reference}`} description={`${dispute.line.description} on ${dispute.invoice.number} · ${dispute.account.name}`} />
      {justOpened && dispute.status === 'open' ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          We received your dispute. It will be {dueSentence(dispute.dueAt)}; if it is not, it is credited in full.
        </p>
      ) : null}
      <DisputeDetailView
        dispute={dispute}
        invoiceHref={`/billing/invoices/${dispute.invoice.id}`}
        lineHref={`/billing/invoices/${dispute.invoice.id}/lines/${dispute.line.id}`}
        creditNoteAction={credit ? <CreditNoteInvoiceButton disputeId={dispute.id} label={`Open ${invoiceWord}`} action={openCreditNoteInvoiceAction} /> : undefined}
      />
    </>
  );
}
