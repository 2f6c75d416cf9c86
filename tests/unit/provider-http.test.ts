import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '@/lib/providers/errors';
import { createProviderHttp, parseRetryAfter, resetBreakers } from '@/lib/providers/http';

/** A bare upstream whose next answers the test scripts, counting what it receives. */
let hits = 0;
let respond: (res: http.ServerResponse) => void = (res) => res.end('{}');
const server = http.createServer((_req, res) => {
  hits += 1;
  respond(res);
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  hits = 0;
  resetBreakers();
});

const client = (overrides: Partial<Parameters<typeof createProviderHttp>[0]> = {}) =>
  createProviderHttp({ provider: 'voicetel', connectionId: `c-${Math.random()}`, baseUrl, timeoutMs: 300, retryInitialDelayMs: 5, maxAttempts: 2, ...overrides });

const getJson = { operation: 'GET /x', method: 'GET' as const, path: '/x', idempotent: true, parse: (response: { text: string }) => JSON.parse(response.text) as unknown };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('the shared provider HTTP layer', () => {
  it('retries idempotent calls on 5xx, with backoff, and then succeeds', async () => {
    let calls = 0;
    respond = (res) => {
      calls += 1;
      if (calls < 3) {
        res.statusCode = 503;
        res.end('busy');
      } else res.end('{"ok":true}');
    };
    await expect(client().request(getJson)).resolves.toEqual({ ok: true });
    expect(hits).toBe(3);
  });

  it('never retries a call that is not idempotent', async () => {
    respond = (res) => {
      res.statusCode = 500;
      res.end('boom');
    };
    const error = await failure(client().request({ ...getJson, method: 'POST', idempotent: false }));
    expect(error).toMatchObject({ providerKind: 'unavailable', httpStatus: 500, code: 'unavailable:provider' });
    expect(hits).toBe(1);
  });

  it('turns a hang into unavailable at the timeout', async () => {
    respond = () => undefined;
    const error = await failure(client({ maxAttempts: 0 }).request(getJson));
    expect(error.providerKind).toBe('unavailable');
    expect(error.upstreamMessage).toBe('timed out after 300 ms');
    expect(error.message).toBe('VoiceTel is not responding right now.');
    expect(error.message).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('reports 429 as rate_limited with Retry-After, and does not retry it', async () => {
    respond = (res) => {
      res.writeHead(429, { 'retry-after': '30' });
      res.end('slow down');
    };
    const error = await failure(client().request(getJson));
    expect(error).toMatchObject({ providerKind: 'rate_limited', retryAfterMs: 30_000 });
    expect(hits).toBe(1);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', Date.parse('Thu, 26 Nov 2026 10:00:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('reports a body the adapter cannot parse as malformed', async () => {
    respond = (res) => res.end('<html>not json');
    const error = await failure(client().request(getJson));
    expect(error.providerKind).toBe('malformed');
    expect(hits).toBe(1);
  });

  it('opens the breaker after repeated faults, fails fast without calling, and closes after a success', async () => {
    respond = (res) => {
      res.statusCode = 502;
      res.end('bad gateway');
    };
    const http = client({ maxAttempts: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 100 });
    for (let attempt = 0; attempt < 3; attempt++) await failure(http.request(getJson));
    expect(http.breakerState).toBe('open');
    const before = hits;
    const fast = await failure(http.request(getJson));
    expect(fast.upstreamMessage).toBe('circuit open: failing fast');
    expect(hits).toBe(before);

    respond = (res) => res.end('{"back":true}');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(http.request(getJson)).resolves.toEqual({ back: true });
    expect(http.breakerState).toBe('closed');
    expect(http.stats.recent.filter((ok) => !ok).length).toBeGreaterThanOrEqual(4);
    expect(http.stats.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('does not count a refusal the caller caused (4xx mapped by the adapter) against the breaker', async () => {
    respond = (res) => {
      res.statusCode = 400;
      res.end('{"error":"bad"}');
    };
    const http = client({ breakerThreshold: 2 });
    const invalid = { ...getJson, parse: () => { throw new ProviderError('voicetel', 'invalid', { httpStatus: 400 }); } };
    for (let attempt = 0; attempt < 4; attempt++) await failure(http.request(invalid));
    expect(http.breakerState).toBe('closed');
  });
});
