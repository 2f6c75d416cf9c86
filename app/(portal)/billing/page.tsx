import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LedgerTable } from '@/components/billing/ledger-table';
import { TimeSeriesChart, type ChartPoint } from '@/components/charts/time-series-chart';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { formatCount, formatDate, formatMoney, formatMonth, isNegativeAmount } from '@/lib/format';
import { getBillingOverview, OVERVIEW_LEDGER_ENTRIES, type BillingOverview } from '@/lib/services/billing-overview';
import { ledgerTableRow } from '@/lib/views/ledger';
import { invoiceListRow } from '@/lib/views/invoices';
import { LEDGER_KIND_LABELS } from '@/lib/validations/ledger';
import { PaymentsTable, UnratedReasonsTable, type PaymentRow, type UnratedReasonRow } from './billing-tables';
import { InvoiceTable } from './invoices/invoice-tables';

export const metadata: Metadata = { title: 'Billing' };
export const dynamic = 'force-dynamic';

const UNRATED_REASON_WORDS: Record<string, string> = {
  no_deck: 'No sell deck in force for the account at the call’s time',
  no_rate: 'No prefix of the deck matches the called number',
  not_rated: 'Stored without rating',
};

function Figure({ label, value, caption, tone }: { label: string; value: string; caption?: React.ReactNode; tone?: 'owed' | 'favour' }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-sm text-slate-600">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${tone === 'owed' ? 'text-red-700' : tone === 'favour' ? 'text-emerald-800' : 'text-slate-900'}`}>{value}</p>
      {caption ? <p className="mt-1 text-xs text-slate-600">{caption}</p> : null}
    </div>
  );
}

/** The balance as a person says it: "$120.00 in your favour", "$45.10 owed". */
function balanceWords(balance: string, currency: string): { text: string; tone?: 'owed' | 'favour' } {
  if (isNegativeAmount(balance)) return { text: `${formatMoney(balance.replace(/^-/, ''), currency)} owed`, tone: 'owed' };
  if (parseMicros(balance, 6) === 0n) return { text: `${formatMoney('0', currency)}, settled` };
  return { text: `${formatMoney(balance, currency)} in your favour`, tone: 'favour' };
}

function usagePoints(overview: BillingOverview): ChartPoint[] {
  return overview.usage.days.map((day) => {
    const at = new Date(`${day.day}T00:00:00Z`);
    return {
      label: String(at.getUTCDate()),
      fullLabel: formatDate(at, 'long'),
      // Plotted in currency units to the cent; the exact amounts are the text.
      values: { charge: Number(formatMicros(parseMicros(day.charge, 6), 2)), calls: day.calls },
      text: { charge: formatMoney(day.charge, overview.currency), calls: formatCount(day.calls) },
    };
  });
}

export default async function BillingPage() {
  const access = await requireAccountAccess();
  // Technical and viewer roles never see money: for them Billing does not exist.
  if (!can(access, 'billing.read')) notFound();
  const overview = await getBillingOverview(access);
  const { currency, funds, usage } = overview;
  const monthName = formatMonth(usage.from.toISOString().slice(0, 7));
  const minutes = Math.floor(usage.billedSeconds / 60);
  const staff = access.user.isOperatorStaff;

  return (
    <>
      <PageHeader
        title="Billing"
        description={
          overview.seesBillingAccount
            ? `Balance, usage and invoices of ${access.account.name}${access.account.parentId ? ' (its billing account pays for it)' : ' and its sub-accounts'}. Amounts in ${currency}; days in UTC.`
            : `What ${access.account.name} and its sub-accounts have used this month. Amounts in ${currency}; days in UTC.`
        }
      />
      <div className="space-y-6">
        {!overview.seesBillingAccount ? (
          <p role="note" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
            You read billing in {access.account.name} only. Its balance, credit, invoices and payments belong to the billing account it is part of, and only that account’s owners, admins and finance users see them.
          </p>
        ) : null}

        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {funds ? (
            <>
              <Figure label="Balance" value={balanceWords(funds.balance, currency).text} tone={balanceWords(funds.balance, currency).tone} caption="Payments and credits less invoiced charges, from the ledger." />
              <Figure
                label="Available to spend"
                value={formatMoney(funds.available, currency)}
                caption={`Balance plus the credit limit of ${formatMoney(funds.creditLimit, currency)}, less usage not invoiced yet (${formatMoney(funds.unbilledUsage, currency)})${parseMicros(funds.outstanding, 6) > 0n ? ` and orders not charged yet (${formatMoney(funds.outstanding, currency)})` : ''}.`}
              />
            </>
          ) : null}
          <Figure label={`Usage in ${monthName}`} value={formatMoney(usage.charge, currency)} caption={`${formatCount(usage.calls)} calls, ${formatCount(minutes)} billed minutes so far (rated at your deck’s prices; invoiced after the month ends).`} />
          {overview.prepay ? (
            <Figure label="Prepay tier" value={`${overview.prepay.percent}% off`} caption={`Usage and DIDs billed ${overview.prepay.percent}% less${overview.prepay.since ? ` since ${formatDate(overview.prepay.since, 'long')}` : ''}; unspent prepaid credit rolls over.`} />
          ) : funds ? (
            <Figure label="Prepay tier" value="Not on it" caption="A payment of $10,000 or more up front moves the account to the prepay tier (8% off usage)." />
          ) : null}
        </div>

        {usage.unrated > 0 ? (
          <div role="status" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950">
            <p>
              {`This month, ${formatCount(usage.unrated)} ${usage.unrated === 1 ? 'call has no price on your deck; it is not billed.' : 'calls have no price on your deck; they are not billed.'}`}
              {staff ? ' Why, below (staff only).' : ' Ask the carrier if you expected a price for them.'}
            </p>
            {staff && overview.unratedReasons ? (
              <div className="mt-3">
                <UnratedReasonsTable
                  caption="Calls without a price this month, by reason (staff only)"
                  rows={overview.unratedReasons.map((group, index): UnratedReasonRow => ({
                    id: String(index),
                    reason: UNRATED_REASON_WORDS[group.reason] ?? group.reason,
                    direction: group.direction === 'inbound' ? 'Inbound' : 'Outbound',
                    country: group.country ?? 'Unknown',
                    example: group.example,
                    calls: formatCount(group.calls),
                  }))}
                />
              </div>
            ) : null}
          </div>
        ) : null}

        <Card title={`Usage to date: ${monthName}`} description={`Rated charge per day of the calls of ${access.account.name} and its sub-accounts, from the first of the month to today.`}>
          {usage.calls > 0 ? (
            <TimeSeriesChart
              title={`Charge and calls per day, ${monthName}`}
              summary={`Bars: the rated charge of each day (${currency}); line: the calls of each day. ${formatMoney(usage.charge, currency)} over ${formatCount(usage.calls)} calls so far.`}
              series={[
                { key: 'charge', label: `Charge (${currency})`, type: 'bar', color: '#4338ca' },
                { key: 'calls', label: 'Calls', type: 'line', color: '#0f766e', axis: 'right' },
              ]}
              points={usagePoints(overview)}
              height={240}
            />
          ) : (
            <EmptyState title="No calls this month yet">Charges appear here a few minutes after calls end, priced at your rate deck. Last month’s calls are on its invoice.</EmptyState>
          )}
        </Card>

        {overview.spendCaps.length > 0 ? (
          <Card title="Spend caps" description="Charges, rated usage and orders not charged yet this month, over each capped account and its sub-accounts. Orders past a cap are refused; you are alerted at 80% and 100%.">
            <ul className="space-y-4">
              {overview.spendCaps.map((cap) => (
                <li key={cap.accountId}>
                  <p className="flex flex-wrap justify-between gap-x-3 text-sm">
                    <span className="font-medium text-slate-900">{cap.accountName}</span>
                    <span className="tabular-nums text-slate-700">
                      {formatMoney(cap.spent, currency)} of {formatMoney(cap.cap, currency)} ({cap.usedPercent}%)
                    </span>
                  </p>
                  <div className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
                    <div className={`h-full ${cap.usedPercent >= 100 ? 'bg-red-600' : cap.usedPercent >= 80 ? 'bg-amber-500' : 'bg-indigo-600'}`} style={{ width: `${Math.min(cap.usedPercent, 100)}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}

        {overview.invoices ? (
          <Card
            title="Latest invoices"
            actions={
              <Link href="/billing/invoices" className="text-sm font-medium text-indigo-800 underline">
                All invoices
              </Link>
            }
          >
            <InvoiceTable
              rows={overview.invoices.map((invoice) => invoiceListRow(invoice, { href: `/billing/invoices/${invoice.id}` }))}
              caption="Latest invoices"
              empty={<EmptyState title="No invoices yet">The first invoice is issued on the 1st after a month with calls or numbers. You can preview this month’s draft on the Invoices tab.</EmptyState>}
            />
          </Card>
        ) : null}

        {overview.payments ? (
          <Card title="Recent payments" description="Payments and prepayments the carrier has recorded (wire, ACH or cheque).">
            <PaymentsTable
              caption="Recent payments"
              rows={overview.payments.map(
                (payment): PaymentRow => ({
                  id: payment.id,
                  date: formatDate(payment.createdAt),
                  kind: LEDGER_KIND_LABELS[payment.kind],
                  description: payment.description,
                  reference: payment.reference ?? '—',
                  amount: formatMoney(payment.amount, currency),
                  reversed: payment.reversed,
                }),
              )}
              empty={<EmptyState title="No payments yet">Payments appear here once the carrier records them.</EmptyState>}
            />
          </Card>
        ) : null}

        {overview.ledger ? (
          <Card title="Ledger" description={`The latest ${OVERVIEW_LEDGER_ENTRIES} entries of the billing account, newest first. Entries never change: a correction is a reversal.`}>
            <LedgerTable
              caption="Latest ledger entries"
              rows={overview.ledger.map((entry) => ledgerTableRow(entry, { billingAccountId: access.account.billingAccountId, currency, staff: false }))}
              empty={<EmptyState title="No entries yet">Payments, charges and invoices appear here as they are recorded.</EmptyState>}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}
