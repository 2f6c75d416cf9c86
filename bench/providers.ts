/**
 * In-process measurements of the provider layer against the VoiceTel sandbox: what the adapter
 * (HTTP layer, breaker, retries, zod, mapping) costs over a bare fetch of the same request, and how
 * fast an open breaker turns calls away.
 */
import { randomBytes } from 'node:crypto';
import { isProviderError } from '@/lib/providers/errors';
import { createProviderHttp, resetBreakers, type ProviderHttpOptions } from '@/lib/providers/http';
import { createMemoryStateStore } from '@/lib/providers/state-store';
import { requireCapability, type NumberSearchQuery } from '@/lib/providers/types';
import { voicetelProvider } from '@/lib/providers/voicetel';
import { API_KEY_STATE_KEY, API_PREFIX } from '@/lib/providers/voicetel/assumptions';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { voicetelDemoCredentials, voicetelSandbox } from '@/sandbox/voicetel';

// 312 (Chicago) is one of the area codes the sandbox stocks, with more than 10 numbers.
const QUERY: NumberSearchQuery = { kind: 'local', npa: '312', quantity: 10 };

function voicetelAdapter(sandbox: RunningSandbox, http: Partial<ProviderHttpOptions> = {}) {
  // Breakers live in a module-wide map keyed by connection: a fresh id keeps runs from sharing one.
  const connectionId = `bench-${randomBytes(4).toString('hex')}`;
  const providerHttp = createProviderHttp({ provider: 'voicetel', connectionId, baseUrl: sandbox.url, ...http });
  const state = createMemoryStateStore();
  const adapter = voicetelProvider.create({ connectionId, baseUrl: sandbox.url, credentials: voicetelDemoCredentials, http: providerHttp, state });
  const numbers = requireCapability(adapter, 'numbers');
  return { search: () => numbers.search(QUERY), http: providerHttp, state, connectionId };
}

/** The http layer warns on every failed call; the breaker bench fails on purpose, hundreds of times. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const previous = process.env.LOG_SILENT;
  process.env.LOG_SILENT = '1';
  try {
    return await run();
  } finally {
    if (previous === undefined) delete process.env.LOG_SILENT;
    else process.env.LOG_SILENT = previous;
  }
}

async function timeCalls(times: number, call: () => Promise<unknown>): Promise<number> {
  let total = 0;
  for (let index = 0; index < times; index += 1) {
    const started = performance.now();
    await call();
    total += performance.now() - started;
  }
  return total;
}

export interface AdapterOverhead {
  adapterUs: number;
  rawUs: number;
}

export async function benchAdapterOverhead(calls: number): Promise<AdapterOverhead> {
  const sandbox = await startSandbox(voicetelSandbox, { port: 0 });
  const { search, state, connectionId } = voicetelAdapter(sandbox);
  try {
    const first = await search();
    if (first.length !== QUERY.quantity) throw new Error(`searchNumbers returned ${first.length} numbers, expected ${QUERY.quantity}`);
    const apiKey = await state.get<string>(API_KEY_STATE_KEY);
    if (!apiKey) throw new Error('the adapter stored no API key after its first call');

    // The exact request the adapter sends for this query (client.ts headers, index.ts query).
    const url = `${sandbox.url}${API_PREFIX}/inventory?tnMask=${QUERY.npa}&quantity=${QUERY.quantity}`;
    const headers = { accept: 'application/json', authorization: `Bearer ${apiKey}` };
    const raw = async () => {
      const response = await fetch(url, { headers });
      const body = (await response.json()) as { data?: { numbers?: unknown[] } };
      if (response.status !== 200 || body.data?.numbers?.length !== QUERY.quantity) throw new Error(`raw inventory fetch answered ${response.status}`);
    };

    const warmup = Math.min(50, calls);
    await timeCalls(warmup, search);
    await timeCalls(warmup, raw);
    // Alternating blocks, so drift on a shared machine (GC, a neighbour's load) hits both sides alike.
    const blocks = 4;
    let adapterMs = 0;
    let rawMs = 0;
    for (let block = 0; block < blocks; block += 1) {
      const size = Math.floor(calls / blocks) + (block < calls % blocks ? 1 : 0);
      adapterMs += await timeCalls(size, search);
      rawMs += await timeCalls(size, raw);
    }
    return { adapterUs: (adapterMs / calls) * 1000, rawUs: (rawMs / calls) * 1000 };
  } finally {
    resetBreakers(connectionId);
    await sandbox.close();
  }
}

export interface BreakerFailFast {
  failFastMs: number;
  timeoutMs: number;
  callsToOpen: number;
  /** Mean of the calls that waited for the timeout before the breaker opened. */
  timedOutMs: number;
}

export async function benchBreakerFailFast(calls: number, timeoutMs = 300, threshold = 3): Promise<BreakerFailFast> {
  const sandbox = await startSandbox(voicetelSandbox, { port: 0 });
  // No retries, so each hung call is one failure; half-open far away so the breaker stays open while timed.
  const { search, http, connectionId } = voicetelAdapter(sandbox, { timeoutMs, breakerThreshold: threshold, maxAttempts: 0, breakerHalfOpenAfterMs: 10 * 60_000 });
  const expectUnavailable = async (call: Promise<unknown>, circuitOpen: boolean) => {
    try {
      await call;
    } catch (error) {
      if (!isProviderError(error) || error.providerKind !== 'unavailable') throw error;
      const open = error.upstreamMessage?.startsWith('circuit open') ?? false;
      if (open !== circuitOpen) throw new Error(`expected ${circuitOpen ? 'a circuit-open' : 'a timeout'} failure, got: ${error.upstreamMessage}`);
      return;
    }
    throw new Error('a call to a hanging sandbox succeeded');
  };
  try {
    return await quietly(async () => {
      // Log in while the sandbox still answers: the login itself would hang otherwise.
      await search();
      sandbox.setKnobs({ hangRate: 1 });

      let callsToOpen = 0;
      let timedOut = 0;
      while (http.breakerState !== 'open') {
        if (callsToOpen >= threshold * 3) throw new Error(`breaker still ${http.breakerState} after ${callsToOpen} hung calls`);
        callsToOpen += 1;
        timedOut += await timeCalls(1, () => expectUnavailable(search(), false));
      }
      const failFast = await timeCalls(calls, () => expectUnavailable(search(), true));
      if (http.breakerState !== 'open') throw new Error(`breaker left the open state during the timed calls (${http.breakerState})`);
      return { failFastMs: failFast / calls, timeoutMs, callsToOpen, timedOutMs: timedOut / callsToOpen };
    });
  } finally {
    resetBreakers(connectionId);
    await sandbox.close();
  }
}
