/**
 * The one HTTP layer every adapter goes through: per-call timeout, retries with backoff for
 * idempotent calls only, a circuit breaker per connection (cockatiel), and structured logs
 * without secrets. Adapters decide what a response means; this layer decides when to give up.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { log } from '@/lib/log';
import { ProviderError, isProviderError, isUpstreamFault } from './errors';
import type { ProviderId } from './types';

export interface HttpRequest<T> {
  /** Short name of the upstream operation, for logs and health ("GET /inventory"). */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | FormData;
  /** Safe to send twice (reads, and writes that carry an idempotency key). Only these are retried. */
  idempotent: boolean;
  timeoutMs?: number;
  /**
   * Turns the raw response into the adapter's value or throws a ProviderError. Runs inside the
   * breaker, so a body that cannot be parsed counts as the upstream's fault.
   */
  parse: (response: HttpResponse) => T | Promise<T>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
}

export interface ProviderHttpOptions {
  provider: ProviderId;
  connectionId: string;
  baseUrl: string;
  timeoutMs?: number;
  maxAttempts?: number;
  retryInitialDelayMs?: number;
  breakerThreshold?: number;
  breakerHalfOpenAfterMs?: number;
  fetch?: typeof fetch;
  /** Told the outcome of every request that reached (or tried to reach) the upstream; never of a fail-fast. */
  onCall?: (call: CallRecord) => void;
}

/** How one upstream request ended, as the connection's health shows it. */
export type CallOutcome = 'success' | 'refused' | 'auth_rejected' | 'rate_limited' | 'timeout' | 'server_error' | 'unreachable' | 'malformed';

export interface CallRecord {
  connectionId: string;
  operation: string;
  outcome: CallOutcome;
  at: Date;
  /** Short and without secrets: the upstream's words or what went wrong on the wire. */
  message?: string;
}

/** Undefined when no request went out (the breaker failed fast). */
export function callOutcomeOf(failure: ProviderError): CallOutcome | undefined {
  const detail = failure.upstreamMessage ?? '';
  switch (failure.providerKind) {
    case 'auth':
      return 'auth_rejected';
    case 'rate_limited':
      return 'rate_limited';
    case 'malformed':
      return 'malformed';
    case 'unavailable':
      if (detail.startsWith('circuit open')) return undefined;
      if (detail.startsWith('timed out')) return 'timeout';
      if (detail.startsWith('network error')) return 'unreachable';
      return 'server_error';
    default:
      // The upstream answered and turned this one request down: it is up and knows us.
      return 'refused';
  }
}

function callMessageOf(failure: ProviderError): string {
  const words = failure.upstreamMessage ?? failure.message;
  return (failure.httpStatus && failure.httpStatus >= 400 ? `HTTP ${failure.httpStatus}: ${words}` : words).replace(/\s+/g, ' ').slice(0, 200);
}

export interface ProviderHttp {
  request<T>(request: HttpRequest<T>): Promise<T>;
  readonly breakerState: 'closed' | 'open' | 'half-open' | 'isolated';
  readonly stats: CallStats;
}

export interface CallStats {
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastFailure?: string;
  /** Outcomes of the most recent calls, newest last, for the recent error rate. */
  recent: boolean[];
}

const breakers = new Map<string, { policy: CircuitBreakerPolicy; stats: CallStats }>();

function breakerFor(options: ProviderHttpOptions) {
  const key = `${options.connectionId}|${options.baseUrl}`;
  let entry = breakers.get(key);
  if (!entry) {
    const policy = circuitBreaker(handleWhen(isUpstreamFault), {
      halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    });
    entry = { policy, stats: { recent: [] } };
    breakers.set(key, entry);
  }
  return entry;
}

/** Forget every breaker (tests, and a connection whose settings changed). */
export function resetBreakers(connectionId?: string) {
  for (const key of breakers.keys()) {
    if (!connectionId || key.startsWith(`${connectionId}|`)) breakers.delete(key);
  }
}

const stateNames: Record<CircuitState, ProviderHttp['breakerState']> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** `Retry-After` is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) && at > now ? at - now : undefined;
}

export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const doFetch = options.fetch ?? fetch;
  const breaker = breakerFor(options);
  const base = options.baseUrl.replace(/\/+$/, '');

  function report(operation: string, outcome: CallOutcome | undefined, message?: string) {
    if (!outcome || !options.onCall) return;
    try {
      options.onCall({ connectionId: options.connectionId, operation, outcome, at: new Date(), message });
    } catch (error) {
      log.warn('provider.call_record_failed', { connectionId: options.connectionId, error });
    }
  }

  function record(ok: boolean, failure?: string) {
    const { stats } = breaker;
    stats.recent.push(ok);
    if (stats.recent.length > 50) stats.recent.shift();
    if (ok) stats.lastSuccessAt = new Date();
    else {
      stats.lastFailureAt = new Date();
      stats.lastFailure = failure;
    }
  }

  async function attempt<T>(request: HttpRequest<T>): Promise<T> {
    const url = new URL(base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 10_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      throw new ProviderError(options.provider, 'unavailable', {
        cause,
        upstreamMessage: timedOut ? `timed out after ${timeoutMs} ms` : `network error: ${(cause as Error).message}`,
      });
    } finally {
      clearTimeout(timer);
    }
    const text = new TextDecoder().decode(bytes);
    if (response.status === 429) {
      throw new ProviderError(options.provider, 'rate_limited', {
        httpStatus: 429,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        upstreamMessage: text.slice(0, 200),
      });
    }
    if (response.status >= 500) {
      throw new ProviderError(options.provider, 'unavailable', {
        httpStatus: response.status,
        upstreamMessage: text.slice(0, 200),
      });
    }
    try {
      return await request.parse({ status: response.status, headers: response.headers, text, bytes });
    } catch (error) {
      if (isProviderError(error)) throw error;
      throw new ProviderError(options.provider, 'malformed', {
        cause: error,
        httpStatus: response.status,
        upstreamMessage: error instanceof Error ? error.message.slice(0, 300) : undefined,
      });
    }
  }

  return {
    get breakerState() {
      return stateNames[breaker.policy.state];
    },
    get stats() {
      return breaker.stats;
    },
    async request<T>(request: HttpRequest<T>): Promise<T> {
      const retryPolicy = retry(
        handleWhen((error) => request.idempotent && isProviderError(error) && error.providerKind === 'unavailable'),
        {
          maxAttempts: request.idempotent ? (options.maxAttempts ?? 2) : 0,
          backoff: new ExponentialBackoff({ initialDelay: options.retryInitialDelayMs ?? 200, maxDelay: 2_000 }),
        },
      );
      const started = Date.now();
      // The last attempt that went out, for health when a later one only met the opened breaker.
      let lastSent: ProviderError | undefined;
      const send = async () => {
        try {
          return await attempt(request);
        } catch (error) {
          if (isProviderError(error)) lastSent = error;
          throw error;
        }
      };
      try {
        const value = await retryPolicy.execute(() => breaker.policy.execute(send));
        record(true);
        report(request.operation, 'success');
        log.debug('provider.call', { provider: options.provider, connectionId: options.connectionId, operation: request.operation, ms: Date.now() - started });
        return value;
      } catch (error) {
        const failure =
          error instanceof BrokenCircuitError
            ? new ProviderError(options.provider, 'unavailable', {
                cause: error,
                upstreamMessage: 'circuit open: failing fast',
              })
            : isProviderError(error)
              ? error
              : new ProviderError(options.provider, 'unavailable', { cause: error, upstreamMessage: String(error) });
        if (isUpstreamFault(failure) || failure.providerKind === 'rate_limited') record(false, failure.upstreamMessage);
        const sent = error instanceof BrokenCircuitError ? lastSent : failure;
        if (sent) report(request.operation, callOutcomeOf(sent), callMessageOf(sent));
        log.warn('provider.call_failed', {
          provider: options.provider,
          connectionId: options.connectionId,
          operation: request.operation,
          kind: failure.providerKind,
          httpStatus: failure.httpStatus,
          detail: failure.upstreamMessage,
          ms: Date.now() - started,
        });
        throw failure;
      }
    },
  };
}
