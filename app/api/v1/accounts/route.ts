import { z } from 'zod';
import { listAccounts } from '@/lib/api/contracts/accounts';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { effectiveLimitsJson, limitsJson } from '@/lib/api/presenters/accounts';
import { listAccountSubtreePage } from '@/lib/services/accounts';

export const dynamic = 'force-dynamic';

const position = z.object({ path: z.string().max(400) });

/** The caller's account and its subtree, parents first, with the limits that bind each one. */
export const GET = withAccount(listAccounts, async ({ access, query }) => {
  const after = decodeCursor(query.cursor, position);
  const { rows, effective } = await listAccountSubtreePage(access, { afterPath: after?.path, limit: query.limit });
  return pageFrom(
    rows,
    query.limit,
    (account) => ({
      id: account.id,
      name: account.name,
      parentId: account.parentId,
      depth: account.depth - access.account.depth,
      status: account.status,
      limits: limitsJson(access, account),
      effectiveLimits: effectiveLimitsJson(access, effective.get(account.id)!),
    }),
    (account) => ({ path: account.path }),
  );
});
