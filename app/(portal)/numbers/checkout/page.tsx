import { randomUUID } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { WhyThisCarrier } from '@/components/numbers-buy/cart-table';
import { PlaceOrderForm } from '@/components/numbers-buy/place-order-form';
import { Card, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatE164, formatMoney } from '@/lib/format';
import { listE911Addresses } from '@/lib/services/e911';
import { getCheckoutSummary } from '@/lib/services/number-orders';
import { isE911RequiredForRouting, listTrunkGroups } from '@/lib/services/trunk-groups';
import { formatE911Address } from '@/lib/validations/e911';
import { placeOrderAction } from './actions';

export const metadata: Metadata = { title: 'Checkout' };

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className={`flex justify-between py-1 ${strong ? 'font-semibold' : ''}`}>
      <dt>{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}

export default async function CheckoutPage() {
  const access = await requireAccountAccess('technical.write');
  const [summary, groups, addresses, e911Required] = await Promise.all([getCheckoutSummary(access), listTrunkGroups(access), listE911Addresses(access), isE911RequiredForRouting(access)]);
  const trunkGroups = groups.filter(({ group }) => group.status === 'active').map(({ group }) => ({ id: group.id, name: group.name }));
  const e911Addresses = addresses.map(({ address }) => ({ id: address.id, label: formatE911Address(address) }));
  return (
    <>
      <PageHeader title="Checkout" description={`Buying for ${access.account.name}.`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Order total">
          <dl className="text-sm">
            <Row label={`${summary.itemCount} number${summary.itemCount === 1 ? '' : 's'}, first month`} value={formatMoney(summary.totalMonthly)} />
            <Row label="One-time charges" value={formatMoney(summary.totalSetup)} />
            <Row label="Due now" value={formatMoney(summary.dueNow)} strong />
            <Row label="Then every month" value={formatMoney(summary.totalMonthly)} />
          </dl>
          <p className="mt-3 text-xs text-slate-600">You are charged only for numbers that are actually bought; a number an upstream refuses costs nothing.</p>
        </Card>
        {/* Money of the account only for roles that read billing; the master's funds only to those who read billing on the master. */}
        {summary.funds || (summary.spendCaps && summary.spendCaps.length > 0) ? (
          <Card title="Account funds">
            <dl className="text-sm">
              {summary.funds ? (
                <>
                  <Row label="Balance" value={formatMoney(summary.funds.balance)} />
                  <Row label="Credit limit" value={formatMoney(summary.funds.creditLimit)} />
                  {summary.funds.unbilledUsage !== '0.0000' ? <Row label="Usage not invoiced yet" value={formatMoney(`-${summary.funds.unbilledUsage}`)} /> : null}
                  {summary.funds.outstanding !== '0.0000' ? <Row label="Orders not charged yet" value={formatMoney(`-${summary.funds.outstanding}`)} /> : null}
                  <Row label="Available" value={formatMoney(summary.funds.available)} strong />
                </>
              ) : null}
              {summary.spendCaps?.map((cap) => (
                <Row key={cap.accountId} label={`${cap.accountName}: monthly spend cap (${formatMoney(cap.spent)} spent)`} value={formatMoney(cap.cap)} />
              ))}
            </dl>
          </Card>
        ) : null}
        {summary.lines.length > 0 ? (
          <Card title="Numbers and why each comes from its carrier" className="lg:col-span-2">
            <ul className="divide-y divide-slate-100 text-sm">
              {summary.lines.map((line) => (
                <li key={line.id} className="flex flex-col gap-1 py-2 sm:flex-row sm:items-start sm:justify-between">
                  <span className="font-mono whitespace-nowrap">{formatE164(line.e164)}</span>
                  <div className="sm:max-w-[70%]">
                    <WhyThisCarrier why={line.why} />
                  </div>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        <Card title="Routing and e911" className="lg:col-span-2">
          <p className="text-sm text-slate-700">
            {trunkGroups.length > 0 ? 'Choose the trunk group the new numbers ring on, below.' : 'New numbers ring on the carrier\'s default route until you create a trunk group and route them to it.'}{' '}
            {e911Addresses.length > 0 ? (
              'Choose the emergency address 911 calls from them report; it is registered with each number’s carrier as soon as the number is yours.'
            ) : (
              <>
                <Link href="/e911/new" className="text-indigo-800 underline">
                  Add an emergency address
                </Link>{' '}
                to register the new numbers at checkout, or register them on the E911 page once they are active.
              </>
            )}
            {e911Required ? ' Numbers are routed to a trunk group only once their emergency address is registered.' : ''}
          </p>
        </Card>
      </div>
      <div className="mt-6">
        {summary.problems.length > 0 ? (
          <div role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            <ul className="list-inside list-disc">
              {summary.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
            <Link href="/numbers/cart" className="mt-2 inline-block font-medium underline">
              Back to the cart
            </Link>
          </div>
        ) : null}
        <PlaceOrderForm accountId={access.account.id} idempotencyKey={randomUUID()} numbers={summary.lines.map((line) => line.e164)} dueNow={formatMoney(summary.dueNow)} disabled={summary.problems.length > 0} action={placeOrderAction} trunkGroups={trunkGroups} e911Addresses={e911Addresses} noE911={summary.noE911.map((e164) => ({ e164, label: formatE164(e164) }))} />
      </div>
    </>
  );
}
