import { createPort as createPortEndpoint, listPorts } from '@/lib/api/contracts/ports';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { parseStatusFilter, portDetailJson, portListPosition, portSummaryJson } from '@/lib/api/presenters/ports';
import { AppError } from '@/lib/errors';
import { createPortDraft, getPortDetail, listPortIns, savePortNumbers } from '@/lib/services/port-ins';
import { parsePortNumbers } from '@/lib/validations/port-ins';

export const dynamic = 'force-dynamic';

/** The account's port-ins (drafts included), latest change first, a keyset page at a time. */
export const GET = withAccount(listPorts, async ({ access, query }) => {
  const statuses = parseStatusFilter(query.status);
  const after = decodeCursor(query.cursor, portListPosition);
  const rows = await listPortIns(access, { statuses, before: after && { updatedAt: after.at, id: after.id }, limit: query.limit + 1 });
  return pageFrom(rows, query.limit, portSummaryJson, (row) => ({ at: row.position.updatedAt, id: row.position.id }));
});

/** A new draft, with its numbers when given; numbers that do not parse are refused before any draft exists. */
export const POST = withAccount(createPortEndpoint, async ({ access, body }) => {
  const numbers = body.numbers === undefined ? undefined : Array.isArray(body.numbers) ? body.numbers.join('\n') : body.numbers;
  if (numbers !== undefined) {
    const { numbers: parsed, errors } = parsePortNumbers(numbers);
    if (errors.length || !parsed.length) {
      const messages = errors.length ? errors.slice(0, 20).concat(errors.length > 20 ? [`…and ${errors.length - 20} more lines`] : []) : ['List at least one number to port.'];
      throw new AppError('invalid:port_in', 'Some lines are not numbers we can port; no draft was created.', { fieldErrors: { numbers: messages } });
    }
  }
  const draft = await createPortDraft(access, { label: body.label });
  if (numbers !== undefined) await savePortNumbers(access, draft.id, { numbers });
  return portDetailJson(access, await getPortDetail(access, draft.id));
});
