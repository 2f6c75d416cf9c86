/**
 * VoiceMeUp sandbox: the XML Engine's single GET endpoint, dispatching on `request_type`, with the
 * seed's parameter checks in the digest's assumed order (account id, token, credentials, request
 * type, language/currency, then the type's own parameters), XML answers only, and errors in the
 * body with HTTP 200 (the seed gives no status codes).
 */
import type { SandboxDefinition, SandboxResponse } from '../common/server';
import { xml } from '../common/server';
import { describe } from './errors';
import { CATALOG_ONLY, ROUTES, type RouteInput } from './routes';
import { DEMO_ACCOUNT, OWING_ACCOUNT, buildState, type VoicemeupState } from './state';
import { envelope } from './xml';

export const VOICEMEUP_PATH = '/xml_engine/xml_engine.php';

/** The credentials the sandbox accepts, as the adapter's credential map (the seed's own placeholders, L14). */
export const voicemeupDemoCredentials: Record<string, string> = { ...DEMO_ACCOUNT };
/** A second account whose balance is owed (no "CR" marker). */
export const voicemeupOwingCredentials: Record<string, string> = { ...OWING_ACCOUNT };

let state: VoicemeupState | undefined;

const answer = (requestType: string, result: { errors?: string[]; notices?: string[]; body?: string }): SandboxResponse =>
  xml(200, envelope(requestType, { errors: (result.errors ?? []).map(describe), notices: (result.notices ?? []).map(describe), body: result.body }));

export const voicemeupSandbox: SandboxDefinition = {
  name: 'voicemeup',
  defaultPort: 4104,
  reset(context) {
    state = buildState(context);
  },
  handle(request, context) {
    if (request.path !== VOICEMEUP_PATH) {
      return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>404 Not Found</h1></body></html>' };
    }
    if (request.method !== 'GET') {
      return { status: 405, headers: { 'content-type': 'text/html', allow: 'GET' }, body: '<html><body><h1>405 Method Not Allowed</h1></body></html>' };
    }
    if (!state) state = buildState(context);
    const query = request.query;
    const requestType = query.get('request_type') ?? '';
    const accountId = query.get('client_account_id');
    const token = query.get('auth_token');
    if (!accountId) return answer(requestType, { errors: ['client_account_id_required'] });
    if (!/^\d{8}$/.test(accountId)) return answer(requestType, { errors: ['client_account_id_invalid'] });
    if (!token) return answer(requestType, { errors: ['authentication_token_required'] });
    const account = state.accounts.get(accountId);
    if (!/^[0-9a-f]{32}$/i.test(token) || !account || account.token.toLowerCase() !== token.toLowerCase()) {
      return answer(requestType, { errors: ['authentication_failed'] });
    }
    if (!requestType) return answer(requestType, { errors: ['request_type_required'] });
    const route = ROUTES[requestType];
    if (!route) return answer(requestType, { errors: [CATALOG_ONLY.includes(requestType) ? 'request_type_not_implemented' : 'request_type_invalid'] });
    const language = query.get('language');
    if (language !== null && language !== 'en' && language !== 'fr' && requestType !== 'e911_update_address') {
      return answer(requestType, { errors: ['language_invalid'] });
    }
    const currency = (query.get('currency') ?? 'CAD').toUpperCase();
    if (currency !== 'CAD' && currency !== 'USD' && currency !== 'EUR') return answer(requestType, { errors: ['currency_invalid'] });
    const input: RouteInput = { query, account, state, context, currency };
    return answer(requestType, route(input));
  },
};
