import { withAccount } from '@/lib/api/handler';
import { getOrder } from '@/lib/api/contracts/orders';
import { getOrderProgress } from '@/lib/services/order-progress';

export const dynamic = 'force-dynamic';

/** A number order of the caller's account and the progress of its lines (what the order page polls); 404 for any other. */
export const GET = withAccount(getOrder, async ({ access, params }) => getOrderProgress(access, params.orderId));
