import { authorizeStaff } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { getPortDocumentFileAsStaff } from '@/lib/services/port-documents';

export const dynamic = 'force-dynamic';

/** A port's document for operator staff, whatever the account; never from a public path. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ portInId: string; documentId: string }> }) => {
  const { portInId, documentId } = await params;
  const { user } = await authorizeStaff();
  const file = await getPortDocumentFileAsStaff(user, portInId, documentId);
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
});
