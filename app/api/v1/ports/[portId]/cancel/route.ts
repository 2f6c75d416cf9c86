import { cancelPort } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { cancelPortIn, getPortDetail } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** Cancels a live port or discards a draft, with the reason on the timeline when given; 409 once it is completed or cancelled. */
export const POST = withAccount(cancelPort, async ({ access, params, body }) => {
  await cancelPortIn(access, params.portId, { reason: body.reason });
  return portDetailJson(await getPortDetail(access, params.portId));
});
