/**
 * VoiceTel HTTP: API-key login persisted in connection state (re-login once on a rejected key),
 * the 6-per-hour budgets of the rate-limited reads, and the envelope/404/204 conventions. Every call
 * goes through context.http.
 */
import { ProviderError, isProviderError } from '../errors';
import type { HttpResponse } from '../http';
import { exhaustBudget, spendBudget, type RateBudget } from '../rate-budget';
import type { ProviderContext } from '../types';
import { API_KEY_STATE_KEY, API_PREFIX, BUDGETS, SEND_USERNAME_AS_NUMBER } from './assumptions';
import { isKeyRejected, voicetelError } from './errors';
import { apiKeyResponse } from './schema';

export interface VoiceTelCall<T> {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below /v2.2. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent: boolean;
  /** A rate-limited endpoint: spend from this budget before calling. */
  budget?: RateBudget;
  /** VoiceTel answers some empty lists with 404: this value stands for the empty list. */
  emptyOn404?: () => T;
  /** Receives the parsed JSON of a 2xx (undefined for 204 or an empty body). */
  parse: (body: unknown, response: HttpResponse) => T;
}

export interface VoiceTelClient {
  call<T>(call: VoiceTelCall<T>): Promise<T>;
  /** Logs in if no key is stored yet; returns nothing, so the key does not travel further. */
  ensureApiKey(): Promise<void>;
  now(): Date;
}

export function createVoiceTelClient(context: ProviderContext): VoiceTelClient {
  const now = () => context.now?.() ?? new Date();
  // VoiceTel limits per source IP: every connection to this host spends from the same budgets.
  const budgets = context.budgets ?? context.state;
  let loginInFlight: Promise<string> | null = null;

  async function withBudget<T>(budget: RateBudget | undefined, send: () => Promise<T>): Promise<T> {
    if (!budget) return send();
    await spendBudget('voicetel', budgets, budget, now().getTime());
    try {
      return await send();
    } catch (error) {
      // The upstream says the hour is used up (someone else on our IP, or a restart lost track).
      if (isProviderError(error) && error.providerKind === 'rate_limited' && error.httpStatus === 429) {
        await exhaustBudget(budgets, budget, now().getTime());
      }
      throw error;
    }
  }

  async function login(): Promise<string> {
    const username = context.credentials.username?.trim();
    const password = context.credentials.password;
    if (!username || !password) {
      throw new ProviderError('voicetel', 'auth', { upstreamMessage: 'username and password are required' });
    }
    const key = await withBudget(BUDGETS.login, () =>
      context.http.request({
        operation: 'POST /account/api-key',
        method: 'POST',
        path: `${API_PREFIX}/account/api-key`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: SEND_USERNAME_AS_NUMBER ? Number(username) : username, password }),
        // Safe to repeat, but each attempt spends the 6/hour login budget: never retried.
        idempotent: false,
        parse: (response) => {
          if (response.status !== 200) throw voicetelError(response.status, response.text);
          return apiKeyResponse.parse(JSON.parse(response.text)).data.apikey;
        },
      }),
    );
    await context.state.set(API_KEY_STATE_KEY, key, { secret: true });
    return key;
  }

  async function apiKey(): Promise<string> {
    const stored = await context.state.get<string>(API_KEY_STATE_KEY, { secret: true });
    if (stored) return stored;
    loginInFlight ??= login().finally(() => {
      loginInFlight = null;
    });
    return loginInFlight;
  }

  function send<T>(call: VoiceTelCall<T>, key: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${key}`, ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    return context.http.request({
      operation: call.operation,
      method: call.method,
      path: `${API_PREFIX}${call.path}`,
      query: call.query,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      idempotent: call.idempotent,
      parse: (response) => {
        if (response.status === 404 && call.emptyOn404) return call.emptyOn404();
        if (response.status < 200 || response.status >= 300) throw voicetelError(response.status, response.text);
        const body = response.status === 204 || response.text.trim() === '' ? undefined : (JSON.parse(response.text) as unknown);
        return call.parse(body, response);
      },
    });
  }

  return {
    now,
    async ensureApiKey() {
      await apiKey();
    },
    async call<T>(call: VoiceTelCall<T>): Promise<T> {
      const key = await apiKey();
      try {
        return await withBudget(call.budget, () => send(call, key));
      } catch (error) {
        if (!isKeyRejected(error)) throw error;
        // The stored key went stale (password changed, key revoked): log in again, once.
        if ((await context.state.get<string>(API_KEY_STATE_KEY, { secret: true })) === key) await context.state.delete(API_KEY_STATE_KEY);
        const fresh = await apiKey();
        return withBudget(call.budget, () => send(call, fresh));
      }
    },
  };
}
