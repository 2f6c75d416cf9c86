import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { requireStaff } from '@/lib/auth/guard';
import { listInvoicedAccounts, listStaffInvoices } from '@/lib/services/staff-invoices';
import { INVOICE_STATUSES, loadStaffInvoiceListParams, serializeStaffInvoiceList } from '@/lib/url-state/invoices';
import { invoiceListRow } from '@/lib/views/invoices';
import { InvoiceTable } from '../../billing/invoices/invoice-tables';
import { generateDraftAction } from './actions';
import { GenerateDraftForm } from './invoice-actions';

export const metadata: Metadata = { title: 'Invoices (all accounts)' };
export const dynamic = 'force-dynamic';

const STATUS_WORDS = { draft: 'Draft', issued: 'Issued, unpaid', paid: 'Paid', void: 'Void' } as const;

export default async function StaffInvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaff();
  const raw = await searchParams;
  const query = loadStaffInvoiceListParams(raw);
  const periodStart = query.month ? new Date(`${query.month}-01T00:00:00Z`) : undefined;
  const [list, accounts] = await Promise.all([
    listStaffInvoices(staff, { filter: { status: query.status ?? undefined, periodStart, accountName: query.account ?? undefined }, page: query.page }),
    listInvoicedAccounts(staff),
  ]);
  const now = new Date();
  const thisMonth = now.toISOString().slice(0, 7);
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const filtered = Boolean(query.status || query.month || query.account);
  // A month typed that is not YYYY-MM of 2000–2100 reads as no filter: say so rather than silently showing everything.
  const monthTyped = typeof raw.month === 'string' && raw.month.trim() !== '' && !query.month;
  const hrefFor = (page: number) => serializeStaffInvoiceList('/operator/invoices', { ...query, page: page > 1 ? page : null });

  return (
    <>
      <PageHeader
        title="Invoices"
        description="Every invoice of every billing account. Drafts are computed on demand; every night the period-close job issues each month that is over and has something to bill, oldest first, so a month whose calls came in late is issued the day after. Staff add negotiated discounts to drafts, issue (months with calls in order), and void with a reason. Every change is in the customer’s audit log."
      />
      <div className="space-y-6">
        <Card title="Generate a draft" description="Compute (or recompute) the draft invoice of an account for a month, to check it or add a discount before it is issued.">
          <GenerateDraftForm accounts={accounts} defaultMonth={lastMonth} maxMonth={thisMonth} action={generateDraftAction} />
        </Card>
        <Card title="All invoices">
          <form method="get" className="mb-4 grid items-start gap-4 sm:grid-cols-[1fr_1fr_2fr_auto]" noValidate role="search" aria-label="Find invoices">
            <SelectField idPrefix="invoices" label="Status" name="status" defaultValue={query.status ?? ''}>
              <option value="">Any status</option>
              {INVOICE_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS_WORDS[status]}
                </option>
              ))}
            </SelectField>
            <TextField idPrefix="invoices" label="Month" name="month" type="month" defaultValue={query.month ?? ''} errors={monthTyped ? ['Give a month from 2000 to 2100 as YYYY-MM'] : undefined} />
            <TextField idPrefix="invoices" label="Account name" name="account" defaultValue={query.account ?? ''} maxLength={100} autoComplete="off" placeholder="Acme" />
            <div className="flex gap-3 sm:pt-6">
              <button type="submit" className={buttonClass('secondary')}>
                Search
              </button>
              {filtered ? (
                <Link href="/operator/invoices" className="self-center text-sm font-medium text-indigo-800 underline">
                  Clear
                </Link>
              ) : null}
            </div>
          </form>
          <InvoiceTable
            showAccount
            documents={false}
            rows={list.rows.map((invoice) => invoiceListRow(invoice, { href: `/operator/invoices/${invoice.id}`, now }))}
            caption={`Invoices${filtered ? ' matching the search' : ''}, newest period first, page ${list.page}`}
            empty={
              <EmptyState title={filtered ? 'No invoice matches' : 'No invoices yet'}>
                {filtered ? 'Clear a filter, or check the account’s name.' : 'Invoices appear once a draft is generated, and once a month is over and has something to bill.'}
              </EmptyState>
            }
          />
          <Pager label="Pages of invoices" page={list.page} pageSize={list.pageSize} total={list.total} rowCount={list.rows.length} noun={{ one: 'invoice', many: 'invoices' }} hrefFor={hrefFor} />
        </Card>
      </div>
    </>
  );
}
