import 'server-only';

/** An order as its page and `GET /api/v1/orders/{id}` show it, from the same read as the page (getOrderView). */
import type { AccountAccess } from '@/lib/auth/access';
import type { OrderProgress } from '@/lib/views/order-progress';
import { getOrderView, type OrderView } from './number-orders';

export type { OrderProgress };

export function toOrderProgress(view: OrderView, now = new Date()): OrderProgress {
  const running = view.order.status === 'pending' || view.order.status === 'in_progress';
  const registering = view.lines.some((line) => line.e911?.status === 'pending');
  return {
    id: view.order.id,
    status: view.order.status,
    createdAt: view.order.createdAt.toISOString(),
    completedAt: view.order.completedAt?.toISOString() ?? null,
    settledLines: view.lines.filter((line) => line.status === 'active' || line.status === 'failed').length,
    registering,
    settled: !running && !registering,
    charged: view.charged,
    lines: view.lines.map((line) => ({
      id: line.id,
      e164: line.e164,
      status: line.status,
      reason: line.reason,
      ...(line.status === 'failed' && line.reasonDetail ? { reasonDetail: line.reasonDetail } : {}),
      owned: line.owned,
      charged: line.charged ?? null,
      e911: line.e911 ? { status: line.e911.status, detail: line.e911.detail ?? null } : null,
      why: line.why,
    })),
    e911Address: view.order.e911AddressRef ? (view.e911Address ?? 'deleted') : null,
    generatedAt: now.toISOString(),
  };
}

/** not_found for an order of another account (or none), like the page. */
export async function getOrderProgress(access: AccountAccess, orderId: string): Promise<OrderProgress> {
  return toOrderProgress(await getOrderView(access, orderId));
}
