import { createDispute as createDisputeEndpoint, listDisputes } from '@/lib/api/contracts/disputes';
import { withAccount } from '@/lib/api/handler';
import { disputeDetailJson, disputeJson } from '@/lib/api/presenters/disputes';
import { createDispute, listDisputesFor } from '@/lib/services/disputes';

export const dynamic = 'force-dynamic';

/** The billing account's disputes, newest first. */
export const GET = withAccount(listDisputes, async ({ access, query }) => {
  const page = await listDisputesFor(access, { status: query.status, cursor: query.cursor, limit: query.limit });
  return { data: page.data.map(disputeJson), nextCursor: page.nextCursor };
});

/** Disputes calls of a usage line of an issued invoice (checked against the line, never trusted). */
export const POST = withAccount(createDisputeEndpoint, async ({ access, body }) => disputeDetailJson(await createDispute(access, body)));
