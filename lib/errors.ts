/**
 * One error vocabulary for the whole app. Codes are `kind:subject`; the kind decides the HTTP status
 * and the user-safe text, the subject says what it was about. Details stay in `cause` for the logs.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'unsupported'
  | 'malformed'
  | 'auth'
  | 'internal';

export type ErrorCode = `${ErrorKind}:${string}`;

const statusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  unsupported: 501,
  malformed: 502,
  auth: 502,
  internal: 500,
};

const defaultMessageByKind: Record<ErrorKind, string> = {
  invalid: 'Please check the highlighted fields.',
  unauthorized: 'Please sign in.',
  forbidden: 'You do not have permission to do that.',
  not_found: 'Not found.',
  conflict: 'That conflicts with the current state; reload and try again.',
  too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body must be JSON (Content-Type: application/json).',
  unprocessable: 'The request cannot be processed as sent.',
  rate_limited: 'Too many requests; please wait and try again.',
  unavailable: 'The service is unavailable right now; please try again shortly.',
  unsupported: 'That is not supported here.',
  malformed: 'An upstream service answered with something we could not read.',
  auth: 'An upstream service rejected our credentials.',
  internal: 'Something went wrong on our side.',
};

export interface AppErrorOptions {
  fieldErrors?: Record<string, string[]>;
  cause?: unknown;
  retryAfterMs?: number;
  /** For `rate_limited` answers of the API: the bucket that refused (RateLimit headers). */
  rateLimit?: { limit: number; remaining: number; resetSeconds: number };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  readonly retryAfterMs?: number;
  readonly rateLimit?: AppErrorOptions['rateLimit'];

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? defaultMessageByKind[errorKind(code)], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = options.fieldErrors;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimit = options.rateLimit;
  }

  get kind(): ErrorKind {
    return errorKind(this.code);
  }

  get status(): number {
    return statusByKind[this.kind];
  }
}

export function errorKind(code: ErrorCode): ErrorKind {
  const kind = code.slice(0, code.indexOf(':')) as ErrorKind;
  return kind in statusByKind ? kind : 'internal';
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** What may be shown to a user or returned in an API body for any thrown value. */
export function toPublicError(error: unknown): { status: number; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]> } {
  if (isAppError(error)) {
    return { status: error.status, code: error.code, message: error.message, fieldErrors: error.fieldErrors };
  }
  return { status: 500, code: 'internal:unexpected', message: defaultMessageByKind.internal };
}
