import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager, pageHref } from '@/components/ui/pager';
import { requireStaff } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatDate, formatMoney, isNegativeAmount, isoDate } from '@/lib/format';
import { getStaffLedger } from '@/lib/services/ledger';
import { getStaffLimitUse, type LimitUseView } from '@/lib/services/spend-limits';
import { parseLedgerPage } from '@/lib/validations/ledger';
import { ledgerTableRow } from '@/lib/views/ledger';
import { recordAdjustmentAction, recordPaymentAction, reverseEntryAction, updateBillingProfileAction } from './actions';
import { AdjustmentForm, BillingProfileForm, PaymentForm, StaffLedgerTable } from './ledger-forms';

export const metadata: Metadata = { title: 'Billing account' };
export const dynamic = 'force-dynamic';

function Figure({ label, value, negative, strong }: { label: string; value: string; negative?: boolean; strong?: boolean }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1">
      <dt className="text-slate-700">{label}</dt>
      <dd className={`tabular-nums ${negative ? 'text-red-700' : 'text-slate-900'} ${strong ? 'font-semibold' : ''}`}>{value}</dd>
    </div>
  );
}

function LimitLine({ use, currency }: { use: LimitUseView; currency: string }) {
  const tone = use.usedPercent >= 100 ? 'red' : use.usedPercent >= 80 ? 'amber' : 'green';
  const what = use.limitKind === 'credit_limit' ? `Credit limit (${use.accountName})` : `${use.accountName}: monthly spend cap`;
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium text-slate-900">{what}</span>
        <Badge tone={tone}>{use.usedPercent}% used</Badge>
      </div>
      <p className="text-sm text-slate-700">
        {formatMoney(use.used, currency)} {use.limitKind === 'credit_limit' ? 'of credit used' : 'spent this month'} of {formatMoney(use.limit, currency)}
        {use.alerted.length > 0 ? ` · alerted at ${use.alerted.map((threshold) => `${threshold}%`).join(' and ')} this month` : ''}
      </p>
    </li>
  );
}

export default async function StaffBillingAccountPage({ params, searchParams }: { params: Promise<{ accountId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaff();
  const { accountId } = await params;
  const page = parseLedgerPage(await searchParams);
  const loaded = await orNotFound(getStaffLedger(staff, { accountId, page }));
  const { account, billingAccount, ledger, profile } = loaded;

  if (!ledger || !profile) {
    return (
      <>
        <PageHeader title={`${account.name}: billing`} description="A sub-account has no ledger of its own: the account it is billed to pays for it." />
        <Card>
          <p className="text-sm text-slate-700">
            {account.name} is billed to{' '}
            {billingAccount ? (
              <Link href={`/operator/accounts/${billingAccount.id}/billing`} className="font-medium text-indigo-800 underline">
                {billingAccount.name}
              </Link>
            ) : (
              'its top-level account'
            )}
            : payments, adjustments and its charges are on that ledger.
          </p>
        </Card>
      </>
    );
  }

  const { funds, limits } = await getStaffLimitUse(staff, { accountId: account.id });
  const { currency } = profile;
  const rows = ledger.rows.map((entry) => ledgerTableRow(entry, { billingAccountId: account.id, currency, staff: true }));
  const path = `/operator/accounts/${account.id}/billing`;
  const onPrepay = profile.prepayDiscountPercent !== '0';

  return (
    <>
      <PageHeader
        title={`${account.name}: ledger and limits`}
        description="Payments received, prepayments and adjustments; corrections by reversal (entries never change). Every entry is recorded in the account’s audit log as done by carrier staff."
        actions={
          <Link href="/operator/accounts" className="text-sm font-medium text-indigo-800 underline">
            All customer accounts
          </Link>
        }
      />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-3">
          <Card title="Funds" description={`In ${currency}.`}>
            <dl className="text-sm">
              <Figure label="Balance" value={formatMoney(funds.balance, currency)} negative={isNegativeAmount(funds.balance)} />
              <Figure label="Credit limit" value={formatMoney(funds.creditLimit, currency)} />
              <Figure label={funds.invoicedUntil ? `Usage since ${formatDate(funds.invoicedUntil)} (not invoiced yet)` : 'Usage not invoiced yet'} value={formatMoney(`-${funds.unbilledUsage}`, currency)} />
              <Figure label="Orders not charged yet" value={formatMoney(`-${funds.outstanding}`, currency)} />
              <Figure label="Available" value={formatMoney(funds.available, currency)} negative={isNegativeAmount(funds.available)} strong />
            </dl>
          </Card>
          <Card title="Prepay tier" description="A prepayment of $10,000 or more bills usage 8% less. Unspent credit rolls over; once the credit is used up, the tier ends from the next month.">
            {onPrepay ? (
              <p className="text-sm text-slate-800">
                <Badge tone="green">{profile.prepayDiscountPercent}% off usage</Badge> since {formatDate(profile.prepaySince, 'long')}.
              </p>
            ) : (
              <p className="text-sm text-slate-700">Not on the prepay tier: usage is billed at the deck’s rates.</p>
            )}
          </Card>
          <Card title="Limits this month" description="Spend caps over each account’s subtree (charges, rated usage, orders not charged yet) and the credit limit. Alerts go out at 80% and 100%.">
            {limits.length === 0 ? (
              <p className="text-sm text-slate-700">No spend cap in this account tree and no credit limit.</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {limits.map((use) => (
                  <LimitLine key={`${use.limitKind}:${use.accountId}`} use={use} currency={currency} />
                ))}
              </ul>
            )}
          </Card>
        </div>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Record a payment" description="A wire, ACH or cheque received. Card payments are taken by the payment provider, never typed here.">
            <PaymentForm accountId={account.id} requestKey={randomUUID()} action={recordPaymentAction} today={isoDate(new Date())} />
          </Card>
          <Card title="Record an adjustment" description="A correction in either direction, with the reason the customer will read.">
            <AdjustmentForm accountId={account.id} requestKey={randomUUID()} action={recordAdjustmentAction} />
          </Card>
        </div>

        <Card title="Invoice settings" description="The currency of the account's invoices, its tax (none by default) and when invoices fall due. Drafts use them from now on; an issued invoice keeps what it was issued with.">
          <BillingProfileForm accountId={account.id} action={updateBillingProfileAction} profile={profile} />
        </Card>

        <Card title="Ledger" description="Newest first. The balance is the sum of every entry; a reversal cancels one entry, once.">
          <StaffLedgerTable
            rows={rows}
            caption={`Ledger of ${account.name}, newest first, page ${ledger.page}`}
            accountId={account.id}
            reverseAction={reverseEntryAction}
            empty={
              <EmptyState title={ledger.page > 1 ? 'No entries on this page' : 'No entries yet'}>
                {ledger.page > 1 ? (
                  <Link href={path} className="text-indigo-800 underline">
                    Back to the first page
                  </Link>
                ) : (
                  'Payments, charges and invoices appear here as they are recorded.'
                )}
              </EmptyState>
            }
          />
          {rows.length === 0 ? null : <Pager label="Pages of ledger entries" page={ledger.page} pageSize={ledger.pageSize} total={ledger.total} rowCount={rows.length} noun={{ one: 'entry', many: 'entries' }} hrefFor={(target) => pageHref(path, {}, 'page', target)} />}
        </Card>
      </div>
    </>
  );
}
