import { z } from 'zod';
import { listOrders } from '@/lib/api/contracts/orders';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { listOrdersAfter } from '@/lib/services/number-orders';

export const dynamic = 'force-dynamic';

/** created_at as PostgreSQL's text (`2026-12-07 02:33:12.123456+00`): anything else would reach `::timestamptz` and fail as a 500. */
const orderPosition = z.object({
  at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/)
    .refine((at) => {
      const date = new Date(`${at.slice(0, 10)}T${at.slice(11, 19)}Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === `${at.slice(0, 10)}T${at.slice(11, 19)}` && date.getUTCFullYear() >= 1970;
    }),
  id: z.string().uuid(),
});

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
