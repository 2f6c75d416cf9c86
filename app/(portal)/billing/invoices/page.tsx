import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatMonth } from '@/lib/format';
import { getInvoiceList } from '@/lib/services/billing-overview';
import { INVOICE_STATUSES, loadInvoiceListParams, serializeInvoiceList, type InvoiceStatusFilter } from '@/lib/url-state/invoices';
import { invoiceListRow } from '@/lib/views/invoices';
import { previewDraftInvoiceAction } from './actions';
import { DraftPreviewForm } from './draft-preview';
import { InvoiceTable } from './invoice-tables';

export const metadata: Metadata = { title: 'Invoices' };
export const dynamic = 'force-dynamic';

const STATUS_LABELS: Record<InvoiceStatusFilter, string> = { draft: 'Drafts', issued: 'Unpaid', paid: 'Paid', void: 'Void' };

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess();
  if (!can(access, 'billing.read')) notFound();
  const { status } = loadInvoiceListParams(await searchParams);
  const list = await getInvoiceList(access, { status });

  if (!list.seesBillingAccount) {
    return (
      <>
        <PageHeader title="Invoices" />
        <Card>
          <EmptyState title="Invoices are the billing account’s">
            {access.account.name} is invoiced as part of its billing account, and only that account’s owners, admins and finance users see the invoices. This month’s usage of {access.account.name} is on the{' '}
            <Link href="/billing" className="text-indigo-800 underline">
              Billing overview
            </Link>
            .
          </EmptyState>
        </Card>
      </>
    );
  }

  const filters: { value: InvoiceStatusFilter | null; label: string }[] = [{ value: null, label: 'All' }, ...INVOICE_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }))];
  const caption = `Invoices${status ? `: ${STATUS_LABELS[status].toLowerCase()}` : ''}, newest first`;
  return (
    <>
      <PageHeader
        title="Invoices"
        description="One invoice a month for the billing account and its sub-accounts (a section each), issued on the 1st for the month before. An issued invoice never changes: a mistake is corrected by voiding it and issuing a new one."
      />
      <div className="space-y-6">
        {list.draftable.length > 0 ? (
          <Card title="Drafts" description="See what an invoice will hold before it is issued: the draft is computed from the calls rated so far and the numbers held, and says what it leaves out.">
            <div className="flex flex-col gap-4 sm:flex-row sm:flex-wrap">
              {list.draftable.map((draftable) => (
                <DraftPreviewForm
                  key={draftable.month}
                  accountId={access.account.id}
                  month={draftable.month}
                  label={draftable.which === 'current' ? 'Preview this month' : `Draft of ${formatMonth(draftable.month)}`}
                  action={previewDraftInvoiceAction}
                />
              ))}
            </div>
          </Card>
        ) : null}
        <Card title="Invoices">
          <nav aria-label="Show invoices" className="mb-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {filters.map((filter) => (
              <Link
                key={filter.label}
                href={serializeInvoiceList('/billing/invoices', { status: filter.value })}
                aria-current={filter.value === status ? 'page' : undefined}
                className={filter.value === status ? 'font-semibold text-slate-900 underline' : 'text-indigo-800 hover:underline'}
              >
                {filter.label}
              </Link>
            ))}
          </nav>
          <InvoiceTable
            rows={list.invoices.map((invoice) => invoiceListRow(invoice, { href: `/billing/invoices/${invoice.id}` }))}
            caption={caption}
            empty={
              status ? (
                <EmptyState title={`No ${STATUS_LABELS[status].toLowerCase()} invoices`}>
                  <Link href="/billing/invoices" className="text-indigo-800 underline">
                    Show every invoice
                  </Link>
                </EmptyState>
              ) : (
                <EmptyState title="No invoices yet">The first invoice is issued on the 1st after a month with calls or numbers. Preview this month’s draft above.</EmptyState>
              )
            }
          />
        </Card>
      </div>
    </>
  );
}
