import { createPort as createPortEndpoint, listPorts } from '@/lib/api/contracts/ports';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { parseStatusFilter, portDetailJson, portListPosition, portSummaryJson } from '@/lib/api/presenters/ports';
import { createPortDraft, getPortDetail, listPortIns } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** The account's port-ins (drafts included), latest change first, a keyset page at a time. */
export const GET = withAccount(listPorts, async ({ access, query }) => {
  const statuses = parseStatusFilter(query.status);
  const after = decodeCursor(query.cursor, portListPosition);
  const rows = await listPortIns(access, { statuses, before: after && { updatedAt: after.at, id: after.id }, limit: query.limit + 1 });
  return pageFrom(rows, query.limit, portSummaryJson, (row) => ({ at: row.position.updatedAt, id: row.position.id }));
});

/** A new draft, with its numbers when given, in one transaction: numbers that do not parse leave no draft. */
export const POST = withAccount(createPortEndpoint, async ({ access, body }) => {
  const numbers = body.numbers === undefined ? undefined : Array.isArray(body.numbers) ? body.numbers.join('\n') : body.numbers;
  const draft = await createPortDraft(access, { label: body.label, numbers });
  return portDetailJson(await getPortDetail(access, draft.id));
});
