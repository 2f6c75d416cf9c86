import type { Metadata } from 'next';
import Link from 'next/link';
import { CartTable } from '@/components/numbers-buy/cart-table';
import { NumbersTabs } from '@/components/numbers-buy/numbers-tabs';
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
          {writable ? (
            <Link href="/numbers/buy" className="text-indigo-800 underline">
              Search for numbers to buy
            </Link>
          ) : access.permissions.has('technical.write') ? (
            `${access.suspendedAccountName ?? access.account.name} is suspended: numbers cannot be bought until it is reactivated.`
          ) : (
            'Your role can look at numbers but not buy them; someone with technical access to this account can.'
          )}
        </EmptyState>
      ) : (
        <Card>
          {cart.noE911.length > 0 ? (
            <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {cart.noE911.length === 1 ? '1 number' : `${cart.noE911.length} numbers`} in your cart cannot have E911 (an emergency address): {cart.noE911.map(formatE164).join(', ')}. Their carrier cannot register an emergency address through us, so a 911 call from them may not give the dispatcher your street address. Checkout asks you to confirm this; or remove them and choose numbers without the “No E911” badge.
            </p>
          ) : null}
          <CartTable
            rows={cart.items.map((item) => ({
              id: item.id,
              number: formatE164(item.e164),
              location: item.kind === 'tollfree' ? 'Toll-free' : [item.rateCenter, item.state].filter(Boolean).join(', ') || '—',
              holdSecondsLeft: item.holdSecondsLeft,
              monthly: formatMoney(item.monthly),
              setup: formatMoney(item.setup),
              why: item.why,
            }))}
            totals={{ label: `Total (${cart.items.length} number${cart.items.length === 1 ? '' : 's'})`, monthly: formatMoney(cart.totalMonthly), setup: formatMoney(cart.totalSetup) }}
            removeAction={writable ? removeFromCartAction : undefined}
          />
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
