import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getOrderProgress } from '@/lib/services/order-progress';

export const dynamic = 'force-dynamic';

/** A number order of the caller's account and the progress of its lines (what the order page polls); 404 for any other. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ orderId: string }> }) => {
  const { orderId } = await params;
  const access = await authorize('account.read');
  return Response.json(await getOrderProgress(access, orderId), { headers: { 'cache-control': 'no-store' } });
});
