import { toPublicError } from '@/lib/errors';
import { log } from '@/lib/log';

/** Wraps a route handler so every AppError becomes a JSON error body with its status, never a stack. */
export function jsonRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (error) {
      const publicError = toPublicError(error);
      if (publicError.status >= 500) log.error('route.failed', { url: request.url, error });
      return Response.json(
        { error: { code: publicError.code, message: publicError.message, fieldErrors: publicError.fieldErrors } },
        { status: publicError.status },
      );
    }
  };
}
