import { authorize } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { previewPortLoa } from '@/lib/services/port-documents';

export const dynamic = 'force-dynamic';

/** The LOA generated from the draft, unsigned, to read before signing; the account's own ports only. */
export const GET = jsonRoute(async (_request: Request, { params }: { params: Promise<{ portInId: string }> }) => {
  const { portInId } = await params;
  const file = await previewPortLoa(await authorize('technical.read'), portInId);
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `inline; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
      'content-length': String(file.bytes.byteLength),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
});
