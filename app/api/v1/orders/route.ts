import { z } from 'zod';
import { listOrders } from '@/lib/api/contracts/orders';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { listOrdersAfter } from '@/lib/services/number-orders';

export const dynamic = 'force-dynamic';

const orderPosition = z.object({ at: z.string().max(40), id: z.string().uuid() });

/** The account's number orders (and its subtree's for admins and owners), newest first, a keyset page at a time. */
export const GET = withAccount(listOrders, async ({ access, query }) => {
  const before = decodeCursor(query.cursor, orderPosition);
  const { rows, showCharges } = await listOrdersAfter(access, { status: query.status, before, limit: query.limit });
  return pageFrom(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      accountId: row.accountId,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      numbers: Number(row.lineCount),
      active: Number(row.activeLines),
      failed: Number(row.failedLines),
      charged: showCharges ? (row.charged ?? '0') : null,
    }),
    (row) => row.position,
  );
});
