import { ProviderError, type ProviderErrorKind } from '../errors';
import type { HttpResponse } from '../http';
import { errorBodySchema, wrappedErrorSchema, type WireError } from './schema';

/** §1.8 status table; 403 is a token without the scope, which the user fixes like bad credentials. */
function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** Both shapes of §1.9: `{message, errors[]}` and the JSON-parse 400 `{body: {...}, status}`. */
export function parseWireError(text: string): WireError | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const wrapped = wrappedErrorSchema.safeParse(value);
  if (wrapped.success) return wrapped.data.body;
  const plain = errorBodySchema.safeParse(value);
  return plain.success ? plain.data : undefined;
}

export function describeWireError(error: WireError): string {
  const details = (error.errors ?? [])
    .filter((item) => item.message && item.message !== error.message)
    .map((item) => (item.field && item.field !== 'cause' ? `${item.field}: ${item.message}` : item.message));
  return [error.message, ...details].join('; ').slice(0, 300);
}

export function carrierxError(status: number, text: string): ProviderError {
  const wire = parseWireError(text);
  return new ProviderError('carrierx', kindForStatus(status), {
    httpStatus: status,
    upstreamMessage: wire ? describeWireError(wire) : text.slice(0, 200) || `HTTP ${status}`,
  });
}

/** For parse callbacks: anything that is not 2xx becomes the mapped ProviderError. */
export function assertOk(response: HttpResponse): void {
  if (response.status < 200 || response.status >= 300) throw carrierxError(response.status, response.text);
}
