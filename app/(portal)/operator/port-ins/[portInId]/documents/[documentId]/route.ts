import { getSessionUser } from '@/lib/auth/guard';
import { AppError, toPublicError } from '@/lib/errors';
import { getPortDocumentFileAsStaff } from '@/lib/services/port-documents';

export const dynamic = 'force-dynamic';

/** A port's document for operator staff, whatever the account; never from a public path. */
export async function GET(_request: Request, { params }: { params: Promise<{ portInId: string; documentId: string }> }): Promise<Response> {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError('unauthorized:session', 'Sign in first.');
    const { portInId, documentId } = await params;
    const file = await getPortDocumentFileAsStaff(user, portInId, documentId);
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      },
    });
  } catch (error) {
    const publicError = toPublicError(error);
    return Response.json({ error: { code: publicError.code, message: publicError.message } }, { status: publicError.status, headers: { 'cache-control': 'no-store' } });
  }
}
