import { submitPort } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { getPortDetail, submitPortIn } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** Submits the port once the readiness check finds no blocker (the handler honours Idempotency-Key). */
export const POST = withAccount(submitPort, async ({ access, params }) => {
  const outcome = await withCarrierNamesScrubbed(access, () => submitPortIn(access, params.portId));
  return { message: outcome.message, port: portDetailJson(await getPortDetail(access, params.portId)) };
});
