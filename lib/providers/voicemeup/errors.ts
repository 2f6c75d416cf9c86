/**
 * Maps the XML Engine's error codes (seed L306–L482, §1.5) to ProviderError kinds. Errors are read
 * from the body, never from the HTTP status (§1.5), and keyed on (request_type, code) because some
 * codes mean different things per request type (§3.1).
 */
import { ProviderError, type ProviderErrorKind, type Refusal } from '../errors';
import { ADD_DID_UNAVAILABLE_CODES, NOTICE_CODES, REQUEST_TYPES } from './assumptions';
import type { WireMessage } from './schema';

const PROVIDER = 'voicemeup' as const;

const byCode: Record<string, ProviderErrorKind> = {
  // General table (L307–363): credentials.
  authentication_failed: 'auth',
  authentication_token_required: 'auth',
  client_account_id_invalid: 'auth',
  client_account_id_required: 'auth',
  // Our request_type names are inferred: an unknown one means this API does not offer it (to us).
  request_type_invalid: 'unsupported',
  request_type_not_implemented: 'unsupported',
  // Upstream trouble.
  'internal_error-database_error': 'unavailable',
  socket_error: 'unavailable',
  could_not_send: 'unavailable',
  // Things that exist already or are tied to something else.
  peer_exist: 'conflict',
  peers_limit_reached: 'conflict',
  peer_did_dependency: 'conflict',
  forward_number_used_by_did: 'conflict',
  extension_already_in_use: 'conflict',
  default_mailbox_dependency: 'conflict',
  mailbox_did_dependency: 'conflict',
  voice_mailboxes_limit_reached: 'conflict',
  entry_is_default_endpoint: 'conflict',
  // Lookups that found nothing (e911 group L451–468, request_dids group L469–482).
  client_endpoint_id_not_found: 'not_found',
  client_peer_id_not_found: 'not_found',
  client_did_id_not_found: 'not_found',
  phone_number_not_found: 'not_found',
  no_e911_endpoint_found: 'not_found',
  prefix_not_found: 'not_found',
  ratecenter_id_not_found: 'not_found',
  billing_contact_not_found: 'not_found',
  // Payment group (L392–421).
  payment_denied: 'conflict',
  payment_attempt_failed: 'unavailable',
};

const byRequestAndCode: Record<string, ProviderErrorKind> = {
  // A peer id that does not exist is reported as "invalid" (general table); for a read it is a miss.
  [`${REQUEST_TYPES.getPeers}:client_peer_id_invalid`]: 'not_found',
  [`${REQUEST_TYPES.getDids}:client_did_id_invalid`]: 'not_found',
  ...Object.fromEntries(ADD_DID_UNAVAILABLE_CODES.map((code) => [`${REQUEST_TYPES.addDid}:${code}`, 'conflict' as const])),
};

const notices = new Set<string>(NOTICE_CODES);

export function isNoticeCode(code: string): boolean {
  return notices.has(code);
}

/** Everything not listed is a validation failure of what we sent: `invalid`. */
export function kindForCode(requestType: string, code: string): ProviderErrorKind {
  return byRequestAndCode[`${requestType}:${code}`] ?? byCode[code] ?? 'invalid';
}

/** The most serious error of a failed answer decides its kind (credentials before validation). */
const severity: ProviderErrorKind[] = ['auth', 'unavailable', 'unsupported', 'conflict', 'not_found', 'invalid', 'malformed', 'rate_limited'];

export function errorFromMessages(requestType: string, errors: WireMessage[], httpStatus?: number): ProviderError {
  const failures = errors.filter((error) => !isNoticeCode(error.type));
  const considered = failures.length ? failures : errors;
  const kinds = considered.map((error) => kindForCode(requestType, error.type));
  const kind = severity.find((candidate) => kinds.includes(candidate)) ?? 'invalid';
  const upstreamMessage = considered.length
    ? considered.map((error) => (error.description ? `${error.type}: ${error.description}` : error.type)).join('; ')
    : 'request failed without an error code';
  return new ProviderError(PROVIDER, kind, { upstreamMessage: upstreamMessage.slice(0, 300), httpStatus });
}

/** Non-XML answers with an HTTP error status (a proxy, a wrong base URL). */
export function errorFromHttpStatus(status: number, body: string): ProviderError {
  const kind: ProviderErrorKind = status === 401 || status === 403 ? 'auth' : status === 404 ? 'unavailable' : 'invalid';
  return new ProviderError(PROVIDER, kind, { httpStatus: status, upstreamMessage: body.replace(/\s+/g, ' ').slice(0, 200) });
}

export function localError(kind: ProviderErrorKind, upstreamMessage: string, refusal?: Refusal): ProviderError {
  return new ProviderError(PROVIDER, kind, { upstreamMessage, refusal });
}
