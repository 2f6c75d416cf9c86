import { ProviderError, type ProviderErrorKind, type Refusal } from '../errors';
import { NON_AUTH_401_MESSAGES, PAYMENT_REQUIRED_KIND } from './assumptions';
import { errorResponse } from './schema';

/** The upstream's own words from an error body, including the per-item reasons of partial failures. */
export function upstreamMessageOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text ? text.slice(0, 200) : undefined;
  }
  const parsed = errorResponse.safeParse(body);
  if (!parsed.success) return text.slice(0, 200);
  const { error, errors, data } = parsed.data;
  const details = [
    ...(errors ?? []).map((item) => [item.field, item.message].filter(Boolean).join(': ')),
    ...(data?.failed ?? []).map((item) => [item.cidr, item.reason].filter(Boolean).join(': ')),
  ].filter(Boolean);
  const head = [error.message, error.requirement].filter(Boolean).join(' — ');
  return details.length ? `${head} (${details.join('; ')})` : head || undefined;
}

/** 409s that carry field errors or ACL rejections are about what we sent, not about a conflict. */
const VALIDATION_409 = /must be|invalid mask|must be routable|alphanumeric/i;

function kindFor(status: number, message: string): ProviderErrorKind {
  switch (status) {
    case 400:
    case 422:
      return 'invalid';
    case 401:
      return NON_AUTH_401_MESSAGES.some((pattern) => pattern.test(message)) ? 'not_found' : 'auth';
    case 402:
      return PAYMENT_REQUIRED_KIND;
    case 403:
      return /not on (the )?(authenticated )?account/i.test(message) ? 'not_found' : 'auth';
    case 404:
      return 'not_found';
    case 409:
      return VALIDATION_409.test(message) ? 'invalid' : 'conflict';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'unavailable' : 'invalid';
  }
}

/** What a refusal means where VoiceTel's words say it: a number not on the account, an allow-list entry it will not take. */
function refusalFor(message: string): Refusal | undefined {
  if (/not on (the )?(authenticated )?account/i.test(message)) return { code: 'number_not_on_account' };
  if (/invalid mask|must be routable|cidr/i.test(message)) return { code: 'unsupported_setting', field: 'allowedIps' };
  return undefined;
}

/** Maps a non-2xx VoiceTel answer to a ProviderError; the key and password never reach the message. */
export function voicetelError(status: number, text: string, kindOverride?: ProviderErrorKind): ProviderError {
  const upstreamMessage = upstreamMessageOf(text);
  return new ProviderError('voicetel', kindOverride ?? kindFor(status, upstreamMessage ?? ''), { upstreamMessage, httpStatus: status, refusal: refusalFor(upstreamMessage ?? '') });
}

/** A 401 that says our bearer key is no good (as opposed to "Number not on account"). */
export function isKeyRejected(error: unknown): boolean {
  return error instanceof ProviderError && error.providerKind === 'auth' && error.httpStatus === 401;
}
