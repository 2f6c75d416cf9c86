'use server';

import { redirect } from 'next/navigation';
import { after } from 'next/server';
import { accountAction } from '@/lib/auth/action';
import { executeOrder, placeOrder } from '@/lib/services/number-orders';
import { placeOrderSchema } from '@/lib/validations/numbers';
import { log } from '@/lib/log';

/**
 * Records the order, answers at once (the order's page), and runs the upstream calls after the
 * response. The form names its account and the numbers it showed, so a switch or a cart changed in
 * another tab buys nothing rather than something else.
 */
export const placeOrderAction = accountAction({
  schema: placeOrderSchema,
  permission: 'technical.write',
  accountField: 'accountId',
  run: async (input, access) => {
    // The service refuses numbers without E911 that this form did not confirm, under the cart's lock.
    const order = await placeOrder(access, input);
    after(() => executeOrder(order.id).catch((error) => log.error('numbers.execute_failed', { orderId: order.id, error })));
    redirect(`/numbers/orders/${order.id}`);
  },
});
