import { deleteE911Address as deleteE911AddressEndpoint, getE911Address, updateE911Address } from '@/lib/api/contracts/e911';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { addressFieldsOf, e911AddressJson, parseE911Address, saveE911AddressAnswer } from '@/lib/api/presenters/e911';
import { deleteE911Address, getE911AddressWithCheck } from '@/lib/services/e911';

export const dynamic = 'force-dynamic';

/** An address of the account with how it stands with the carriers; 404 for any other. */
export const GET = withAccount(getE911Address, async ({ access, params }) => {
  const { address, check } = await getE911AddressWithCheck(access, params.addressId);
  return e911AddressJson(address, check);
});

/** Changes what the body names; the whole address is checked again and registered again on its numbers. */
export const PATCH = withAccount(updateE911Address, async ({ access, params, body }) => {
  const { address } = await getE911AddressWithCheck(access, params.addressId);
  const { keepAsTyped, ...changes } = body;
  const merged = { ...addressFieldsOf(address), ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) };
  return saveE911AddressAnswer(access, parseE911Address(merged), { addressId: address.id, keepAsTyped });
});

/** Releases the address from its numbers, then deletes it (409 and kept when a carrier does not confirm a release). */
export const DELETE = withAccount(deleteE911AddressEndpoint, async ({ access, params }) => {
  const released = await withCarrierNamesScrubbed(access, () => deleteE911Address(access, params.addressId));
  return { id: params.addressId, deleted: true as const, releasedNumbers: released.map((result) => result.e164) };
});
