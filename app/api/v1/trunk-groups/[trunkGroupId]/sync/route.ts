import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getTrunkSyncStatus } from '@/lib/services/trunk-sync-status';

export const dynamic = 'force-dynamic';

/** Where a trunk group of the caller's account stands on each upstream (what its page polls); 404 for any other. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ trunkGroupId: string }> }) => {
  const { trunkGroupId } = await params;
  const access = await authorize('technical.read');
  return Response.json(await getTrunkSyncStatus(access, trunkGroupId), { headers: { 'cache-control': 'no-store' } });
});
