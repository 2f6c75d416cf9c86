import { z } from 'zod';
import { createTrunkGroup as createTrunkGroupEndpoint, listTrunkGroups } from '@/lib/api/contracts/trunk-groups';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { parseTrunkGroupInput, saveAnswer, trunkGroupJson } from '@/lib/api/presenters/trunk-groups';
import { createTrunkGroup, listTrunkGroupsPage } from '@/lib/services/trunk-groups';

export const dynamic = 'force-dynamic';

const position = z.object({ name: z.string(), id: z.string().uuid() });

/** The account's trunk groups by name, a page at a time. */
export const GET = withAccount(listTrunkGroups, async ({ access, query }) => {
  const rows = await listTrunkGroupsPage(access, { after: decodeCursor(query.cursor, position), limit: query.limit });
  return pageFrom(rows, query.limit, (row) => trunkGroupJson(access, row.group, row.numbers), (row) => ({ name: row.group.name, id: row.group.id }));
});

/** Creates a trunk group with the form's rules; the digest password, when generated, is in this answer only. */
export const POST = withAccount(createTrunkGroupEndpoint, async ({ access, body }) => {
  const input = parseTrunkGroupInput(body);
  return saveAnswer(access, await withCarrierNamesScrubbed(access, () => createTrunkGroup(access, input)));
});
