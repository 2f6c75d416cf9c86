import { z } from 'zod';
import { AppError, toPublicError } from '@/lib/errors';
import { log } from '@/lib/log';
import { issuesByField, textProblem } from '@/lib/validations/common';

/**
 * Null when every key and value of the query string is plain text; else messages by parameter. No
 * query a route understands holds NUL or other control characters, so they are refused before the
 * handler runs, whichever parameter carries them (one it reads or one it would ignore).
 */
export function queryStringProblems(params: URLSearchParams): Record<string, string[]> | null {
  // A Map: a parameter may be named `__proto__` or `valueOf`.
  const problems = new Map<string, string[]>();
  const add = (key: string, message: string) => problems.set(key, [...(problems.get(key) ?? []), message]);
  for (const [key, value] of params) {
    const keyProblem = textProblem(key);
    const valueProblem = textProblem(value);
    if (keyProblem) add('query', `A parameter name ${keyProblem}`);
    else if (valueProblem) add(key, `${key} ${valueProblem}`);
  }
  return problems.size > 0 ? Object.fromEntries(problems) : null;
}

const isNextInterrupt = (error: unknown) =>
  Boolean(error && typeof error === 'object' && 'digest' in error && String((error as { digest: unknown }).digest).startsWith('NEXT_'));

/**
 * Wraps a route handler so every AppError becomes a JSON error body with its status, never a stack.
 * A query string with control characters is a 400 before the handler runs; a zod error a handler
 * lets escape is a 400 with its field messages, not a 500.
 */
export function jsonRoute<Context>(handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const problems = queryStringProblems(new URL(request.url).searchParams);
      if (problems) throw new AppError('invalid:query', 'The query string holds characters no parameter accepts.', { fieldErrors: problems });
      return await handler(request, context);
    } catch (caught) {
      if (isNextInterrupt(caught)) throw caught;
      const error = caught instanceof z.ZodError ? new AppError('invalid:request', undefined, { fieldErrors: issuesByField(caught), cause: caught }) : caught;
      const publicError = toPublicError(error);
      if (publicError.status >= 500) log.error('route.failed', { url: request.url, error });
      return Response.json(
        { error: { code: publicError.code, message: publicError.message, ...(publicError.fieldErrors ? { fields: publicError.fieldErrors } : {}) } },
        { status: publicError.status },
      );
    }
  };
}

/** The last line of a streamed CSV that broke part-way: the rows above it are not the whole file. */
export const INCOMPLETE_EXPORT_LINE = '"#EXPORT INCOMPLETE: an error stopped this export part-way; the rows above are not all of them. Export again."\r\n';

/**
 * A streamed body that cannot pass for complete when its source fails. The first `prefetch` chunks
 * are read before the response is built, so an early failure is still an ordinary error status. After
 * that the status (200) is already sent: the body gets a last line saying it is incomplete, then the
 * stream errors, so the server breaks the transfer (no clean end of the chunked response).
 */
export async function streamFailingLoudly(
  source: ReadableStream<Uint8Array>,
  { prefetch = 0, trailer = INCOMPLETE_EXPORT_LINE }: { prefetch?: number; trailer?: string } = {},
): Promise<ReadableStream<Uint8Array>> {
  const reader = source.getReader();
  const ready: Uint8Array[] = [];
  let done = false;
  try {
    while (ready.length < prefetch && !done) {
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else ready.push(chunk.value);
    }
  } catch (error) {
    reader.releaseLock();
    throw error;
  }
  let failure: { error: unknown } | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = ready.shift();
        if (next) return controller.enqueue(next);
        if (failure) return controller.error(failure.error);
        if (done) return controller.close();
        try {
          const chunk = await reader.read();
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (error) {
          log.error('route.stream_failed', { error });
          failure = { error };
          // Errored on the next pull, once this line has been handed on (error() drops queued chunks).
          controller.enqueue(new TextEncoder().encode(trailer));
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
