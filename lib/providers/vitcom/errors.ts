/**
 * VITCOM reports every failure the same way: HTTP 404 with `{"status":"404","error":"Invalid {parameter}"}`.
 * The parameter name is the only signal, so each call says which parameters mean "not found" or
 * "conflict" for it (an "Invalid reserveId" at checkout means the hold expired).
 */
import { ProviderError, type ProviderErrorKind, type Refusal, type RefusedField } from '../errors';
import type { VitcomEnvelope } from './schema';

export interface ErrorHints {
  /** Parameters whose "Invalid X" means the referenced item does not exist. */
  notFound?: readonly string[];
  /** Parameters whose "Invalid X" means the item was there but is no longer usable. */
  conflict?: readonly string[];
}

const AUTH_PARAMS = new Set(['token', 'accountno', 'account', 'credentials', 'api key', 'apikey']);

export function classifyVitcomError(message: string, httpStatus: number, hints: ErrorHints = {}): ProviderErrorKind {
  const text = message.trim();
  const param = /^invalid\s+\{?([A-Za-z_ ]+?)\}?\s*\.?$/i.exec(text)?.[1]?.trim();
  if (param && AUTH_PARAMS.has(param.toLowerCase())) return 'auth';
  if (/unauthori[sz]ed|authentication|access denied|invalid (token|account)/i.test(text)) return 'auth';
  if (param && hints.notFound?.some((name) => name.toLowerCase() === param.toLowerCase())) return 'not_found';
  if (param && hints.conflict?.some((name) => name.toLowerCase() === param.toLowerCase())) return 'conflict';
  if (/not available|already (reserved|taken|ordered|processed)|no longer available/i.test(text)) return 'conflict';
  if (/not found|no record|does not exist/i.test(text)) return 'not_found';
  if (httpStatus === 401 || httpStatus === 403) return 'auth';
  if (httpStatus === 409) return 'conflict';
  return 'invalid';
}

/** Removes any credential the upstream might echo back ("Invalid token abc…"). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.slice(0, 300);
}

/**
 * Trunk parameters VITCOM names in an "Invalid {parameter}": the trunk-group setting it refused
 * ("Invalid primaryTrunk" is a destination it will not take, e.g. a host name where it wants an IP).
 */
const TRUNK_PARAM_FIELDS: Record<string, RefusedField> = {
  primarytrunk: 'destinations',
  secondarytrunk: 'destinations',
  primaryport: 'destinations',
  secondaryport: 'destinations',
  ipaddress: 'allowedIps',
  ports: 'maxChannels',
  cps: 'maxCps',
  title: 'name',
};

function refusalFor(message: string, kind: ProviderErrorKind): Refusal | undefined {
  if (kind !== 'invalid') return undefined;
  const param = /^invalid\s+\{?([A-Za-z_ ]+?)\}?\s*\.?$/i.exec(message.trim())?.[1]?.trim().toLowerCase();
  const field = param ? TRUNK_PARAM_FIELDS[param] : undefined;
  return field ? { code: 'unsupported_setting', field } : undefined;
}

export function vitcomError(
  envelope: VitcomEnvelope | undefined,
  httpStatus: number,
  options: { hints?: ErrorHints; secrets?: readonly string[] } = {},
): ProviderError {
  const raw = envelope?.error ?? (envelope?.status ? `status ${envelope.status}` : `HTTP ${httpStatus}`);
  const upstreamMessage = scrubSecrets(raw, options.secrets ?? []);
  const kind = classifyVitcomError(upstreamMessage, httpStatus, options.hints);
  return new ProviderError('vitcom', kind, { upstreamMessage, httpStatus, refusal: refusalFor(upstreamMessage, kind) });
}
