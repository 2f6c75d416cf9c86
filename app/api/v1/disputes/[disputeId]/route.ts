import { getDispute } from '@/lib/api/contracts/disputes';
import { withAccount } from '@/lib/api/handler';
import { disputeDetailJson } from '@/lib/api/presenters/disputes';
import { getDisputeFor } from '@/lib/services/disputes';

export const dynamic = 'force-dynamic';

/** A dispute of the caller's billing account with its calls and credit note; 404 for any other. */
export const GET = withAccount(getDispute, async ({ access, params }) => disputeDetailJson(await getDisputeFor(access, params.disputeId)));
