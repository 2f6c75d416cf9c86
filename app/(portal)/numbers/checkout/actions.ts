'use server';

import { redirect } from 'next/navigation';
import { after } from 'next/server';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { authorize } from '@/lib/auth/guard';
import { executeOrder, placeOrder } from '@/lib/services/number-orders';
import { placeOrderSchema } from '@/lib/validations/numbers';
import { log } from '@/lib/log';

/** Records the order, answers at once, and runs the upstream calls after the response. */
export async function placeOrderAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  let orderId: string;
  try {
    const input = placeOrderSchema.parse(formToObject(formData));
    const access = await authorize('technical.write');
    const order = await placeOrder(access, input);
    orderId = order.id;
    after(() => executeOrder(order.id).catch((error) => log.error('numbers.execute_failed', { orderId: order.id, error })));
  } catch (error) {
    return errorState(error);
  }
  redirect(`/numbers/orders/${orderId}`);
}
