import type { Metadata } from 'next';
import Link from 'next/link';
import { HoldCountdown } from '@/components/numbers-buy/hold-countdown';
import { NumbersTabs } from '@/components/numbers-buy/numbers-tabs';
import { RemoveItemForm } from '@/components/numbers-buy/remove-item-form';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatE164, formatMoney } from '@/lib/format';
import { getCart } from '@/lib/services/number-cart';
import { removeFromCartAction } from './actions';

export const metadata: Metadata = { title: 'Cart' };

export default async function CartPage() {
  const access = await requireAccountAccess('technical.read');
  const cart = await getCart(access);
  const writable = can(access, 'technical.write');
  return (
    <>
      <PageHeader title="Cart" description={`Numbers you are about to buy for ${access.account.name}. The cart is kept for you across sessions and tabs.`} />
      <NumbersTabs current="cart" cartCount={cart.items.length} />
      {cart.items.length === 0 ? (
        <EmptyState title="Your cart is empty">
          <Link href="/numbers/buy" className="text-indigo-800 underline">
            Search for numbers to buy
          </Link>
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Numbers in your cart</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2">Number</th>
                <th scope="col" className="py-2">Location</th>
                <th scope="col" className="py-2">Hold</th>
                <th scope="col" className="py-2 text-right">Monthly</th>
                <th scope="col" className="py-2 text-right">One-time</th>
                <th scope="col" className="py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.items.map((item) => (
                <tr key={item.id} className="border-b border-slate-100 last:border-0">
                  <td className="py-2 font-mono">{formatE164(item.e164)}</td>
                  <td className="py-2">{item.kind === 'tollfree' ? 'Toll-free' : [item.rateCenter, item.state].filter(Boolean).join(', ') || '—'}</td>
                  <td className="py-2 text-xs">{item.holdSecondsLeft === undefined ? 'No hold needed' : <HoldCountdown secondsLeft={item.holdSecondsLeft} />}</td>
                  <td className="py-2 text-right tabular-nums">{formatMoney(item.monthly)}</td>
                  <td className="py-2 text-right tabular-nums">{formatMoney(item.setup)}</td>
                  <td className="py-2">{writable ? <RemoveItemForm itemId={item.id} label={formatE164(item.e164)} action={removeFromCartAction} /> : null}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="font-medium">
                <td className="pt-3" colSpan={3}>
                  Total ({cart.items.length} number{cart.items.length === 1 ? '' : 's'})
                </td>
                <td className="pt-3 text-right tabular-nums">{formatMoney(cart.totalMonthly)}</td>
                <td className="pt-3 text-right tabular-nums">{formatMoney(cart.totalSetup)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
          {writable ? (
            <div className="mt-6 flex justify-end">
              <Link href="/numbers/checkout" className={buttonClass('primary')}>
                Check out · {formatMoney(cart.dueNow)} now
              </Link>
            </div>
          ) : null}
        </Card>
      )}
    </>
  );
}
