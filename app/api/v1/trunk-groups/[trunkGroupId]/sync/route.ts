import { getTrunkGroupSync, reapplyTrunkGroup as reapplyTrunkGroupEndpoint } from '@/lib/api/contracts/trunk-groups';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { syncOutcomeJson } from '@/lib/api/presenters/trunk-groups';
import { reapplyTrunkGroup } from '@/lib/services/trunk-groups';
import { getTrunkSyncStatus } from '@/lib/services/trunk-sync-status';

export const dynamic = 'force-dynamic';

/** Where a trunk group of the account stands on each carrier (what its page polls); 404 for any other. */
export const GET = withAccount(getTrunkGroupSync, async ({ access, params }) => getTrunkSyncStatus(access, params.trunkGroupId));

/** Re-applies the group on every carrier of its numbers, as the page's Re-apply button does. */
export const POST = withAccount(reapplyTrunkGroupEndpoint, async ({ access, params }) => {
  const outcome = await withCarrierNamesScrubbed(access, () => reapplyTrunkGroup(access, params.trunkGroupId));
  return syncOutcomeJson(access, params.trunkGroupId, outcome);
});
