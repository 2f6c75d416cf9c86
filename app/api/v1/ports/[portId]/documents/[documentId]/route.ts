import { downloadPortDocument } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { getPortDocumentFile } from '@/lib/services/port-documents';

export const dynamic = 'force-dynamic';

/** A document of a port of the account, as stored; never from a public path. */
export const GET = withAccount(downloadPortDocument, async ({ access, params }) => {
  const file = await getPortDocumentFile(access, params.portId, params.documentId);
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
      'content-length': String(file.bytes.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
});
