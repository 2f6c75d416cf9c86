import { validateE911Address } from '@/lib/api/contracts/e911';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { parseE911Address, validationJson } from '@/lib/api/presenters/e911';
import { checkE911AddressWithCarriers } from '@/lib/services/e911';

export const dynamic = 'force-dynamic';

/** The carriers' check and the normalized address, saving nothing. */
export const POST = withAccount(validateE911Address, async ({ access, body }) => {
  const address = parseE911Address(body);
  return validationJson(await withCarrierNamesScrubbed(access, () => checkE911AddressWithCarriers(access, address)));
});
