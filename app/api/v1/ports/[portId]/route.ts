import { getPort, updatePort as updatePortEndpoint } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { getPortDetail, updatePortDraft } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** A port of the account with its numbers, documents and public timeline; 404 for any other. */
export const GET = withAccount(getPort, async ({ access, params }) => portDetailJson(await getPortDetail(access, params.portId)));

/** Every group of fields is checked as its wizard step checks it, and all are saved together or none is. */
export const PATCH = withAccount(updatePortEndpoint, async ({ access, params, body }) => {
  const current = await getPortDetail(access, params.portId);
  await withCarrierNamesScrubbed(access, () => updatePortDraft(access, current.id, body));
  return portDetailJson(await getPortDetail(access, current.id));
});
