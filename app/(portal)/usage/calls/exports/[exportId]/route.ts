import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getCdrExport, openCdrExportFile } from '@/lib/services/cdr-export';

export const dynamic = 'force-dynamic';

/**
 * A prepared CDR export: `?progress` answers its state as JSON (the page polls it), otherwise the
 * file itself. Only for users of the account that asked for it (another account's id is a 404);
 * the files live under DATA_DIR, never on a public path.
 */
export const GET = jsonRoute(async (request: Request, { params }: { params: Promise<{ exportId: string }> }) => {
  const { exportId } = await params;
  const access = await authorize('usage.read');
  if (new URL(request.url).searchParams.has('progress')) return Response.json(await getCdrExport(access, exportId), { headers: { 'cache-control': 'no-store' } });
  const file = await openCdrExportFile(access, exportId);
  return new Response(file.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': String(file.size),
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
