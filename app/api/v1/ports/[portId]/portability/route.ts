import { checkPortPortabilityEndpoint } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { scrubProviderNames } from '@/lib/services/carrier-labels';
import { checkPortPortability, getPortDetail } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** Asks every carrier that ports about each number, as the wizard's portability step does. */
export const POST = withAccount(checkPortPortabilityEndpoint, async ({ access, params }) => {
  const outcome = await withCarrierNamesScrubbed(access, () => checkPortPortability(access, params.portId));
  const staff = access.user.isOperatorStaff;
  return {
    checked: outcome.checked,
    portable: outcome.portable,
    unavailable: outcome.unavailable.map((item) => ({ carrier: staff ? item.provider : 'A carrier', message: scrubProviderNames(item.message.split(item.provider).join('the carrier'), staff, 'the carrier') })),
    port: portDetailJson(await getPortDetail(access, params.portId)),
  };
});
