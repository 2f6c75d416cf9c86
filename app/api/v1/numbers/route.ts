import { after } from 'next/server';
import { z } from 'zod';
import { inventoryFilterOf, listNumbers, purchaseNumbers } from '@/lib/api/contracts/numbers';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { log } from '@/lib/log';
import { executeOrder } from '@/lib/services/number-orders';
import { getOrderProgress } from '@/lib/services/order-progress';
import { purchaseIdempotencyKey, purchaseNumbers as buyNumbers, type PurchaseRequest } from '@/lib/services/number-purchase';
import { listAccountNumbersAfter } from '@/lib/services/numbers';

export const dynamic = 'force-dynamic';

const numberPosition = z.object({ e164: z.string().max(20), id: z.string().uuid() });

/** The account's numbers in number order, a keyset page at a time (no count: fast at any size). */
export const GET = withAccount(listNumbers, async ({ access, query }) => {
  const after = decodeCursor(query.cursor, numberPosition);
  const rows = await listAccountNumbersAfter(access, { filter: inventoryFilterOf(query), after, limit: query.limit + 1 });
  return pageFrom(rows, query.limit, (row) => row, (row) => ({ e164: row.e164, id: row.id }));
});

/** Buys numbers and answers the order at once (202); the carriers are asked after the answer, as checkout does. */
export const POST = withAccount(purchaseNumbers, async ({ access, body, request }) => {
  const idempotencyKey = purchaseIdempotencyKey(access, request.headers.get('idempotency-key'));
  const order = await buyNumbers(access, body as PurchaseRequest, { idempotencyKey });
  after(() => executeOrder(order.id).catch((error) => log.error('numbers.execute_failed', { orderId: order.id, error })));
  return getOrderProgress(access, order.id);
});
