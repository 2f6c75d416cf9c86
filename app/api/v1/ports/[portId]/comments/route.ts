import { addPortComment } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { addCustomerPortComment, getPortDetail } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** A public comment on the port's timeline. */
export const POST = withAccount(addPortComment, async ({ access, params, body }) => {
  await addCustomerPortComment(access, params.portId, body.body);
  return portDetailJson(await getPortDetail(access, params.portId));
});
