/**
 * What every sandbox shares: an HTTP server over a request handler, fault knobs (latency, 500s,
 * 429s, hangs, malformed bodies) set from the environment or the admin endpoint, a seeded random
 * source, and a clock that tests can move forward. Sandboxes import nothing from lib/: they are
 * peers that speak a wire format.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Knobs {
  latencyMs: number;
  /** Share of requests (0..1) answered 500. */
  errorRate: number;
  /** Share of requests answered 429. */
  rate429: number;
  /** Share of requests that never get an answer. */
  hangRate: number;
  /** Share of successful answers whose body is cut short and corrupted. */
  malformedRate: number;
  /**
   * Named wire-format drifts a sandbox plays while they are listed (each sandbox's README says which
   * it knows): answers that parse but are not the shape an adapter expects, as an upstream's quiet
   * format change would be.
   */
  scenarios: string[];
}

export const defaultKnobs: Knobs = { latencyMs: 0, errorRate: 0, rate429: 0, hangRate: 0, malformedRate: 0, scenarios: [] };

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
  text(): string;
  json(): unknown;
  /** Parses urlencoded and multipart bodies alike. */
  formData(): Promise<FormData>;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SandboxContext {
  now(): Date;
  random(): number;
  /** Whether the named scenario (Knobs.scenarios) is switched on. */
  scenario(name: string): boolean;
}

export interface SandboxDefinition {
  name: string;
  defaultPort: number;
  /** Called once at start and on POST /__sandbox/reset: build the seeded state. */
  reset(context: SandboxContext): void;
  handle(request: SandboxRequest, context: SandboxContext): SandboxResponse | Promise<SandboxResponse>;
}

export interface RunningSandbox {
  name: string;
  url: string;
  port: number;
  knobs: Knobs;
  setKnobs(knobs: Partial<Knobs>): void;
  advanceClock(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

/** Deterministic PRNG (mulberry32) so every run sees the same inventory and CDRs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function knobsFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): Knobs {
  const prefix = `SANDBOX_${name.toUpperCase()}_`;
  const read = (key: string, fallback: number) => {
    const value = Number(env[prefix + key]);
    return Number.isFinite(value) && env[prefix + key] !== undefined ? value : fallback;
  };
  return {
    latencyMs: read('LATENCY_MS', 0),
    errorRate: read('ERROR_RATE', 0),
    rate429: read('RATE_429', 0),
    hangRate: read('HANG_RATE', 0),
    malformedRate: read('MALFORMED_RATE', 0),
    scenarios: (env[`${prefix}SCENARIOS`] ?? '').split(',').map((name) => name.trim()).filter(Boolean),
  };
}

export function portFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[`SANDBOX_${name.toUpperCase()}_PORT`]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const xml = (status: number, body: string): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/xml; charset=utf-8' },
  body,
});

export async function startSandbox(
  definition: SandboxDefinition,
  options: { port?: number; host?: string; knobs?: Partial<Knobs>; seed?: number } = {},
): Promise<RunningSandbox> {
  let knobs: Knobs = { ...defaultKnobs, ...knobsFromEnv(definition.name), ...options.knobs };
  let clockOffsetMs = 0;
  const faultRandom = seededRandom((options.seed ?? 1) * 7919);
  const context: SandboxContext = {
    now: () => new Date(Date.now() + clockOffsetMs),
    random: seededRandom(options.seed ?? 1),
    scenario: (name) => knobs.scenarios.includes(name),
  };
  const reset = () => {
    context.random = seededRandom(options.seed ?? 1);
    definition.reset(context);
  };
  reset();
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const send = (response: SandboxResponse) => {
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    };

    if (url.pathname.startsWith('/__sandbox/')) {
      send(handleAdmin(url.pathname, req.method ?? 'GET', rawBody));
      return;
    }

    if (knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.latencyMs));
    if (knobs.hangRate > 0 && faultRandom() < knobs.hangRate) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (knobs.rate429 > 0 && faultRandom() < knobs.rate429) {
      send(json(429, { error: 'Too Many Requests' }, { 'retry-after': '60' }));
      return;
    }
    if (knobs.errorRate > 0 && faultRandom() < knobs.errorRate) {
      send({ status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>500 Internal Server Error</body></html>' });
      return;
    }

    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      text: () => rawBody.toString('utf8'),
      json: () => JSON.parse(rawBody.toString('utf8') || 'null'),
      formData: () =>
        new Response(rawBody, {
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
        }).formData(),
    };
    let response: SandboxResponse;
    try {
      response = await definition.handle(request, context);
    } catch (error) {
      response = json(500, { error: 'sandbox handler failed', detail: String(error) });
    }
    if (knobs.malformedRate > 0 && response.status < 300 && faultRandom() < knobs.malformedRate) {
      const body = String(response.body ?? '');
      response = { ...response, body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) + '\u0000<<garbage' };
    }
    send(response);
  });

  function handleAdmin(path: string, method: string, body: Buffer): SandboxResponse {
    if (path === '/__sandbox/knobs' && method === 'GET') return json(200, knobs);
    if (path === '/__sandbox/knobs' && method === 'POST') {
      knobs = { ...knobs, ...(JSON.parse(body.toString('utf8') || '{}') as Partial<Knobs>) };
      return json(200, knobs);
    }
    if (path === '/__sandbox/reset' && method === 'POST') {
      knobs = { ...defaultKnobs, ...knobsFromEnv(definition.name), ...options.knobs };
      clockOffsetMs = 0;
      reset();
      return json(200, { ok: true });
    }
    if (path === '/__sandbox/clock' && method === 'POST') {
      const { advanceMs } = JSON.parse(body.toString('utf8') || '{}') as { advanceMs?: number };
      clockOffsetMs += Number(advanceMs ?? 0);
      return json(200, { now: context.now().toISOString() });
    }
    return json(404, { error: 'unknown admin endpoint' });
  }

  const port = options.port ?? portFromEnv(definition.name, definition.defaultPort);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    name: definition.name,
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    get knobs() {
      return knobs;
    },
    setKnobs(next) {
      knobs = { ...knobs, ...next };
    },
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    reset() {
      clockOffsetMs = 0;
      reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
