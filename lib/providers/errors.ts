import { AppError, type ErrorKind } from '@/lib/errors';
import type { ProviderId, RouteNumberResult } from './types';

/** The few ways an upstream fails, as the rest of the app sees them. */
export type ProviderErrorKind = Extract<
  ErrorKind,
  'unavailable' | 'rate_limited' | 'auth' | 'invalid' | 'not_found' | 'conflict' | 'malformed' | 'unsupported'
>;

const userText: Record<ProviderErrorKind, (name: string) => string> = {
  unavailable: (name) => `${name} is not responding right now.`,
  rate_limited: (name) => `${name} is rate-limiting us; try again later.`,
  auth: (name) => `${name} rejected the connection's credentials.`,
  invalid: (name) => `${name} rejected the request.`,
  not_found: (name) => `${name} does not know that item.`,
  conflict: (name) => `${name} reports a conflict (for example, the number is no longer available).`,
  malformed: (name) => `${name} answered with something we could not read.`,
  unsupported: (name) => `${name} does not support that.`,
};

export const PROVIDER_NAMES: Record<ProviderId, string> = {
  voicetel: 'VoiceTel',
  vitcom: 'VITCOM',
  carrierx: 'CarrierX',
  voicemeup: 'VoiceMeUp',
};

/**
 * Why an upstream refused, in terms of what can be done about it (lib/services/upstream-refusals.ts
 * turns each into the customer's next step). Adapters attach one where they know better than the
 * error kind alone; `refusalOf` derives one otherwise.
 */
export const REFUSAL_CODES = [
  'credentials',
  'unsupported_setting',
  'trunk_not_linked',
  'number_not_on_account',
  'address_rejected',
  'rate_limited',
  'upstream_down',
  'unknown',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];
/** Fields of the trunk-group model a carrier may be unable to carry. */
export type RefusedField = 'direction' | 'auth' | 'allowedIps' | 'destinations' | 'maxChannels' | 'maxCps' | 'codecs' | 'name';
export interface Refusal {
  code: RefusalCode;
  /** With `unsupported_setting`: which setting, where the adapter knows. */
  field?: RefusedField;
}

export class ProviderError extends AppError {
  readonly provider: ProviderId;
  readonly providerKind: ProviderErrorKind;
  /** Set by the adapter where it knows what the refusal means; see `refusalOf`. */
  readonly refusal?: Refusal;
  /** Upstream's own words; logged, and shown only where it is safe and useful (validation text). */
  readonly upstreamMessage?: string;
  readonly httpStatus?: number;

  constructor(
    provider: ProviderId,
    kind: ProviderErrorKind,
    options: { upstreamMessage?: string; httpStatus?: number; retryAfterMs?: number; cause?: unknown; message?: string; refusal?: Refusal } = {},
  ) {
    super(`${kind}:provider`, options.message ?? userText[kind](PROVIDER_NAMES[provider]), {
      cause: options.cause,
      retryAfterMs: options.retryAfterMs,
    });
    this.name = 'ProviderError';
    this.provider = provider;
    this.providerKind = kind;
    this.upstreamMessage = options.upstreamMessage;
    this.httpStatus = options.httpStatus;
    this.refusal = options.refusal;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/**
 * The upstream refused one item of a batch we send item by item (a number not on the account, a
 * value it will not take): report that item and go on. Anything else (auth, rate limit, outage, an
 * unreadable answer) stops the batch.
 */
export function isItemRefusal(error: unknown): error is ProviderError {
  return isProviderError(error) && (error.providerKind === 'invalid' || error.providerKind === 'not_found' || error.providerKind === 'conflict');
}

/** What a failure means for whoever must act: the adapter's own refusal, else one read from the error kind. */
export function refusalOf(error: unknown): Refusal {
  if (!isProviderError(error)) return { code: 'unknown' };
  if (error.refusal) return error.refusal;
  switch (error.providerKind) {
    case 'auth':
      return { code: 'credentials' };
    case 'rate_limited':
      return { code: 'rate_limited' };
    case 'unavailable':
    case 'malformed':
      return { code: 'upstream_down' };
    case 'unsupported':
      return { code: 'unsupported_setting' };
    default:
      return { code: 'unknown' };
  }
}

/** Failures that say the upstream is unwell (and so count against its breaker), not that we asked badly. */
export function isUpstreamFault(error: unknown): boolean {
  return isProviderError(error) && (error.providerKind === 'unavailable' || error.providerKind === 'malformed');
}

/**
 * Routes numbers one call each, so each stands or falls on its own: `routeOne` answers a reason
 * when it refuses a number itself; an upstream refusal of one number is that number's reason; any
 * other failure (the upstream down, a malformed answer) stops the whole batch.
 */
export async function routeEachNumber(numbers: readonly string[], routeOne: (e164: string) => Promise<string | void>): Promise<RouteNumberResult[]> {
  const results: RouteNumberResult[] = [];
  for (const e164 of numbers) {
    try {
      const refusal = await routeOne(e164);
      results.push(refusal ? { e164, ok: false, reason: refusal } : { e164, ok: true });
    } catch (error) {
      if (!isItemRefusal(error)) throw error;
      results.push({ e164, ok: false, reason: error.upstreamMessage ?? error.message, refusal: refusalOf(error) });
    }
  }
  return results;
}
