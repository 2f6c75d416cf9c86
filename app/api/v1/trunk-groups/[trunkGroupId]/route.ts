import { deleteTrunkGroup as deleteTrunkGroupEndpoint, getTrunkGroup, updateTrunkGroup as updateTrunkGroupEndpoint } from '@/lib/api/contracts/trunk-groups';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { mergeTrunkGroupPatch, parseTrunkGroupInput, saveAnswer, trunkGroupJson } from '@/lib/api/presenters/trunk-groups';
import { deleteTrunkGroup, getTrunkGroupDetail, updateTrunkGroup } from '@/lib/services/trunk-groups';

export const dynamic = 'force-dynamic';

/** A trunk group of the account; 404 for any other. */
export const GET = withAccount(getTrunkGroup, async ({ access, params }) => trunkGroupJson(access, (await getTrunkGroupDetail(access, params.trunkGroupId)).group));

/** Changes what the body names, checks the whole like the edit form, and pushes it to the group's carriers. */
export const PATCH = withAccount(updateTrunkGroupEndpoint, async ({ access, params, body }) => {
  const { group } = await getTrunkGroupDetail(access, params.trunkGroupId);
  const input = parseTrunkGroupInput(mergeTrunkGroupPatch(group, body));
  return saveAnswer(access, await withCarrierNamesScrubbed(access, () => updateTrunkGroup(access, group.id, input)));
});

/** Deletes a group that routes no numbers (409 while some do), as the page does. */
export const DELETE = withAccount(deleteTrunkGroupEndpoint, async ({ access, params }) => {
  const outcome = await withCarrierNamesScrubbed(access, () => deleteTrunkGroup(access, params.trunkGroupId));
  return { id: params.trunkGroupId, deleted: true as const, upstreamCopiesRemoved: outcome.removed.length, upstreamCopiesLeft: outcome.left.length };
});
