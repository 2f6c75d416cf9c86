import { z } from 'zod';
import { authorize } from '@/lib/auth/guard';
import { jsonRoute, streamFailingLoudly } from '@/lib/auth/route';
import { AppError } from '@/lib/errors';
import { isoDate } from '@/lib/format';
import { auditQueryOf, exportAuditCsv } from '@/lib/services/audit';
import { parseAuditFilter } from '@/lib/validations/account';

export const dynamic = 'force-dynamic';

const accountIdSchema = z.string().uuid('Choose an account you can reach (its id)').optional();

/**
 * The audit log as CSV with the page's filters (`?action=&actor=&from=&to=`), for the session's
 * account or `?accountId=` (one the user reaches), its subtree included, as the page shows it.
 * Owners and admins only. Parameters are checked before the first byte (400 with field messages);
 * a failure once rows flow ends the file with an "incomplete" line and a broken transfer.
 */
export const GET = jsonRoute(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const accountId = accountIdSchema.safeParse(params.get('accountId') || undefined);
  const access = await authorize('audit.read', accountId.success ? accountId.data : undefined);
  const { filter, fieldErrors } = parseAuditFilter(params);
  const problems: Record<string, string[]> = { ...(fieldErrors as Record<string, string[]>) };
  if (!accountId.success) problems.accountId = accountId.error.issues.map((issue) => issue.message);
  if (Object.keys(problems).length > 0) {
    throw new AppError('invalid:filter', 'Some filters are not valid; correct them and export again.', { fieldErrors: problems });
  }
  const slug = access.account.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'account';
  const body = await streamFailingLoudly(
    exportAuditCsv(access, auditQueryOf(filter)),
    { prefetch: 2 },
  );
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-log-${slug}-${isoDate(new Date())}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
