/**
 * The public API's rows (issue 13): the same request with an API key and with a session cookie,
 * and `GET /api/v1/numbers` over the 50,000 numbers of bench/seed-numbers.ts, each against the
 * health endpoint measured in the same interleaved rounds.
 */
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret } from '@/lib/auth/api-key-secret';
import { load, signIn, type LoadResult } from './http-load';
import { row, type Row } from './table';

export interface ApiBenchSetup {
  secret: string;
  orderId: string;
}

/** The key's secret and the order's id, chosen here so bench/seed-api.ts can store them and the loads can use them. */
export function apiBenchSetup(): ApiBenchSetup {
  return { secret: generateApiKeySecret(), orderId: randomUUID() };
}

export const apiSeedStep = (setup: ApiBenchSetup) => ['bench/seed-api.ts', setup.secret, setup.orderId];

/** Limits far above what 20 connections can ask for: the rows measure the key's path, not 429s. */
export function apiBenchServerEnv(): Record<string, string> {
  return { API_KEY_RATE_PER_SECOND: '1000000', API_KEY_RATE_BURST: '1000000', API_ACCOUNT_RATE_PER_SECOND: '1000000', API_ACCOUNT_RATE_BURST: '1000000' };
}

const NUMBERS_PAGE = 50;
/** autocannon's default is 10 s: on a machine shared by several loads a cold route's first requests can take longer. */
const LOAD_TIMEOUT_S = 30;

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  verify?: (body: string) => boolean;
}

async function fetchAnswer(target: Target): Promise<{ status: number; body: string }> {
  const response = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

async function expectOk(target: Target) {
  const { status, body } = await fetchAnswer(target);
  if (status !== 200) throw new Error(`${target.name}: GET ${target.url} answered ${status}: ${body.slice(0, 300)}`);
  if (target.verify && !target.verify(body)) throw new Error(`${target.name}: GET ${target.url} answered 200 but not the expected body: ${body.slice(0, 300)}`);
}

/** Means over every request of the rounds, weighted by requests (as run.ts combines its rounds). */
function meanOf(rounds: LoadResult[]): number {
  const requests = rounds.reduce((sum, round) => sum + round.requests, 0);
  return rounds.reduce((sum, round) => sum + round.meanMs * round.requests, 0) / requests;
}

export async function benchApi(
  base: string,
  setup: ApiBenchSetup,
  { connections, rounds, durationS, owner }: { connections: number; rounds: number; durationS: number; owner: { email: string; password: string } },
): Promise<{ rows: Row[]; notes: string[] }> {
  const notes: string[] = [];
  const cookie = await signIn(base, owner.email, owner.password);
  const bearer = { authorization: `Bearer ${setup.secret}` };
  const orderUrl = `${base}/api/v1/orders/${setup.orderId}`;
  const numbersUrl = `${base}/api/v1/numbers?limit=${NUMBERS_PAGE}`;
  const isOrder = (body: string) => body.includes(`"id":"${setup.orderId}"`) && body.includes('"status":"completed"');
  const isNumbersPage = (body: string) => (body.match(/"e164":"\+1/g)?.length ?? 0) >= NUMBERS_PAGE && body.includes('"nextCursor":"');

  const health: Target = { name: 'health', url: `${base}/api/health` };
  const orderSession: Target = { name: 'order (session)', url: orderUrl, headers: { cookie }, verify: isOrder };
  const orderKey: Target = { name: 'order (API key)', url: orderUrl, headers: bearer, verify: isOrder };
  const numbersSession: Target = { name: 'numbers (session)', url: numbersUrl, headers: { cookie }, verify: isNumbersPage };
  const numbersKey: Target = { name: 'numbers (API key)', url: numbersUrl, headers: bearer, verify: isNumbersPage };

  const targets = [health, orderSession, orderKey];
  // Another part of issue 13 adds GET /api/v1/numbers: until it is there, its rows are skipped, saying so.
  const numbersProbe = await fetchAnswer(numbersKey);
  if (numbersProbe.status === 404) {
    notes.push('api_numbers_50k: GET /api/v1/numbers answers 404 in this build (the route is not there yet): its rows are skipped.');
  } else {
    targets.push(numbersSession, numbersKey);
  }
  for (const target of targets) await expectOk(target);

  const run = (target: Target, amount: number) =>
    load(target.url, { connections, amount, headers: target.headers, timeoutS: LOAD_TIMEOUT_S, ...(target.verify ? { verifyBody: target.verify } : {}) });
  console.log(`API: warming up ${targets.map((target) => target.name).join(', ')}…`);
  const warm = new Map<Target, LoadResult>();
  for (const target of targets) warm.set(target, await run(target, 10 * connections));
  const amountFor = (target: Target) => Math.max(2 * connections, Math.round(((connections * 1000) / warm.get(target)!.meanMs) * (durationS / rounds)));
  const results = new Map<Target, LoadResult[]>(targets.map((target) => [target, []]));
  console.log(`API: ${targets.length} loads, ${connections} connections, ${rounds} interleaved rounds of about ${durationS / rounds} s each…`);
  for (let round = 0; round < rounds; round += 1) {
    for (const target of targets) results.get(target)!.push(await run(target, amountFor(target)));
  }
  const mean = (target: Target) => meanOf(results.get(target)!);

  const rows = [
    row('api.health.mean', mean(health), 'ms'),
    row('api.order.session.mean', mean(orderSession), 'ms', mean(health)),
    row('api.order.key_vs_session.mean', mean(orderKey), 'ms', mean(orderSession)),
  ];
  if (results.has(numbersKey)) {
    rows.push(
      row('api.numbers_50k.key.mean', mean(numbersKey), 'ms', mean(health)),
      row('api.numbers_50k.key_vs_session.mean', mean(numbersKey), 'ms', mean(numbersSession)),
    );
  }
  return { rows, notes };
}
