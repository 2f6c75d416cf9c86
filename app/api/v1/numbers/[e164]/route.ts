import { deleteNumber, getNumber, updateNumber } from '@/lib/api/contracts/numbers';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { findNumberIdByE164, getApiNumber, releaseNumber, updateNumberSettings } from '@/lib/services/numbers';

export const dynamic = 'force-dynamic';

/** One number of the account or its subtree, by E.164; 404 for any other. */
export const GET = withAccount(getNumber, async ({ access, params }) => getApiNumber(access, await findNumberIdByE164(access, params.e164)));

/** Trunk group and emergency address, through the services My numbers uses; the outcome says what each carrier did. */
export const PATCH = withAccount(updateNumber, async ({ access, params, body }) => {
  const numberId = await findNumberIdByE164(access, params.e164);
  // A refusal can name a carrier (its address rules, what it did with the emergency address).
  return withCarrierNamesScrubbed(access, () => updateNumberSettings(access, numberId, body));
});

/** Releases the number (recorded first, then the carrier asked), as My numbers does. */
export const DELETE = withAccount(deleteNumber, async ({ access, params }) => {
  const outcome = await releaseNumber(access, await findNumberIdByE164(access, params.e164));
  return {
    id: outcome.numberId,
    e164: outcome.e164,
    status: 'released' as const,
    alreadyReleased: Boolean(outcome.alreadyReleased),
    billedUntil: outcome.billedUntil.toISOString(),
    upstreamReleased: outcome.upstreamReleased,
  };
});
