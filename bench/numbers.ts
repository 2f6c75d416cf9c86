/**
 * In-process measurements of buying numbers, driven the way tests/integration/number-orders.test.ts
 * drives them: the four sandboxes on free ports, a database of our own (in-memory PGlite, or a
 * throwaway PostgreSQL database when DATABASE_URL is set) seeded with the demo and connected to the
 * sandboxes, and the services called directly as the demo owner.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { resolveAccess, type AccountAccess } from '@/lib/auth/access';
import { openPglite, openPostgres, setDbHandle, type Db, type DbHandle } from '@/lib/db/client';
import { phoneNumbers, providerConnections, users } from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed-demo';
import { resetEnvCache } from '@/lib/env';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type NumbersCapability, type ProviderId } from '@/lib/providers/types';
import { addToCart } from '@/lib/services/number-cart';
import { executeOrder, placeOrder } from '@/lib/services/number-orders';
import { searchAvailableNumbers, toProviderQuery, type SearchAnswer } from '@/lib/services/number-search';
import { ensureDefaultConnections, getConnectionAdapter } from '@/lib/services/providers';
import { numberSearchSchema, type NumberSearchInput } from '@/lib/validations/numbers';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { carrierxDemoCredentials } from '@/sandbox/carrierx';
import { sandboxDefinitions } from '@/sandbox/index';
import { vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicemeupDemoCredentials } from '@/sandbox/voicemeup';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { onInterrupt } from './cleanup';

const CREDENTIALS: Record<ProviderId, Record<string, string>> = {
  voicetel: voicetelDemoCredentials,
  vitcom: vitcomDemoCredentials,
  carrierx: carrierxDemoCredentials,
  voicemeup: voicemeupDemoCredentials,
};
const PROVIDER_IDS = Object.keys(sandboxDefinitions) as ProviderId[];
const OWNER_EMAIL = 'owner@acme.example';

// ---------- environment, sandboxes, database ----------

/**
 * The services read secrets through lib/env.ts, which in embedded mode would write them into the
 * developer's .data folder: point it at a temporary folder with throwaway secrets instead, and put
 * everything back afterwards.
 */
async function withBenchEnv<T>(run: () => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-bench-'));
  const overrides: Record<string, string> = {
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_KEY: randomBytes(32).toString('hex'),
    // A provider that times out or refuses is reported by the checks below, not by a log line per call.
    LOG_SILENT: '1',
  };
  const previous = Object.fromEntries(Object.keys(overrides).map((key) => [key, process.env[key]]));
  Object.assign(process.env, overrides);
  resetEnvCache();
  const removeDataDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  const forget = onInterrupt(removeDataDir);
  try {
    return await run();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvCache();
    forget();
    await removeDataDir();
  }
}

async function closeSandboxes(running: Map<ProviderId, RunningSandbox>) {
  await Promise.all([...running.values()].map((sandbox) => sandbox.close()));
}

async function startSandboxes(): Promise<Map<ProviderId, RunningSandbox>> {
  const running = new Map<ProviderId, RunningSandbox>();
  try {
    for (const provider of PROVIDER_IDS) running.set(provider, await startSandbox(sandboxDefinitions[provider], { port: 0 }));
  } catch (error) {
    await closeSandboxes(running);
    throw error;
  }
  return running;
}


/** A fresh, migrated database: in-memory PGlite, or a throwaway database on `serverUrl` (default DATABASE_URL's server). */
export async function createDatabase(serverUrl: string | null | undefined = process.env.DATABASE_URL): Promise<DbHandle & { drop(): Promise<void> }> {
  if (!serverUrl) {
    // In memory: nothing to clean up on an interrupt.
    const handle = openPglite();
    try {
      await handle.migrate();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { ...handle, drop: () => handle.close() };
  }
  const name = `cp_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString(), { max: 4 });
  let dropping: Promise<void> | undefined;
  const drop = () =>
    (dropping ??= (async () => {
      forget();
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    })());
  const forget = onInterrupt(drop);
  try {
    await handle.migrate();
  } catch (error) {
    await drop();
    throw error;
  }
  return { ...handle, drop };
}

interface World {
  db: Db;
  access: AccountAccess;
  connections: Map<ProviderId, string>;
}

/**
 * A fresh database installed as the app's, seeded with the demo and one connection per sandbox, the
 * sandboxes back to their seeded inventory: every call of `run` starts from the same state.
 */
async function withWorld<T>(sandboxes: Map<ProviderId, RunningSandbox>, run: (world: World) => Promise<T>): Promise<T> {
  for (const sandbox of sandboxes.values()) sandbox.reset();
  const handle = await createDatabase();
  setDbHandle(handle);
  try {
    const { acme } = await seedDemo(handle.db);
    await ensureDefaultConnections(
      handle.db,
      [...sandboxes].map(([provider, sandbox]) => ({ provider, name: `${provider} sandbox`, baseUrl: sandbox.url, credentials: CREDENTIALS[provider] })),
    );
    const [owner] = await handle.db.select().from(users).where(eq(users.email, OWNER_EMAIL));
    if (!owner) throw new Error(`the demo seed made no ${OWNER_EMAIL}`);
    const access = await resolveAccess(handle.db, { id: owner.id, email: owner.email, name: owner.name, isOperatorStaff: owner.isOperatorStaff }, acme.id, '127.0.0.1');
    const connections = new Map((await handle.db.select().from(providerConnections)).map((row) => [row.provider as ProviderId, row.id]));
    return await run({ db: handle.db, access, connections });
  } finally {
    // Breakers and stats live in a module-wide map keyed by connection id: none of them outlive the world.
    resetBreakers();
    setDbHandle(undefined);
    await handle.drop();
  }
}

async function withSandboxes<T>(run: (sandboxes: Map<ProviderId, RunningSandbox>) => Promise<T>): Promise<T> {
  return withBenchEnv(async () => {
    const sandboxes = await startSandboxes();
    const forget = onInterrupt(() => closeSandboxes(sandboxes));
    try {
      return await run(sandboxes);
    } finally {
      forget();
      await closeSandboxes(sandboxes);
    }
  });
}

const searchInput = (query: Record<string, string>): NumberSearchInput => numberSearchSchema.parse(query);


async function elapsed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

// ---------- 1. search fan-out ----------

export interface SearchFanout {
  npa: string;
  latencyMs: number;
  runs: number;
  fanoutMs: number;
  /** Mean of each provider searched alone through its adapter. */
  singleMs: Record<ProviderId, number>;
  slowest: ProviderId;
  resultsPerSearch: number;
}

/**
 * The merged search across the four sandboxes (cache bypassed) against each provider searched alone
 * with the same query, every sandbox answering `latencyMs` late. Runs interleave (one fan-out, then
 * each provider alone), so drift on a shared machine lands on both sides alike.
 */
export async function benchSearchFanout({ runs, latencyMs, npa }: { runs: number; latencyMs: number; npa: string }): Promise<SearchFanout> {
  return withSandboxes((sandboxes) =>
    withWorld(sandboxes, async ({ access, connections }) => {
      for (const sandbox of sandboxes.values()) sandbox.setKnobs({ latencyMs });
      const input = searchInput({ npa });
      const query = toProviderQuery(input);
      const check = (answer: SearchAnswer) => {
        const failed = answer.providers.filter((outcome) => !outcome.ok);
        if (failed.length > 0 || answer.providers.length !== PROVIDER_IDS.length) {
          throw new Error(`merged ${npa} search: ${failed.map((outcome) => `${outcome.providerName}: ${outcome.reason}`).join('; ') || `${answer.providers.length} providers answered`}`);
        }
        if (answer.results.length === 0) throw new Error(`merged ${npa} search found nothing`);
        return answer;
      };
      const adapters = new Map<ProviderId, NumbersCapability>();
      for (const provider of PROVIDER_IDS) {
        const { adapter } = await getConnectionAdapter(connections.get(provider)!);
        adapters.set(provider, requireCapability(adapter, 'numbers'));
      }
      const alone = async (provider: ProviderId) => {
        const found = await adapters.get(provider)!.search(query);
        if (found.length === 0) throw new Error(`${provider} alone found no ${npa} numbers`);
      };

      // Unreported: logs every adapter in (tokens land in the state store) and lets VITCOM learn its NPA-NXX states.
      check(await searchAvailableNumbers(access, input, { fresh: true }));
      for (const provider of PROVIDER_IDS) await alone(provider);

      const fanout: number[] = [];
      const single = Object.fromEntries(PROVIDER_IDS.map((provider) => [provider, [] as number[]])) as Record<ProviderId, number[]>;
      let results = 0;
      for (let run = 0; run < runs; run += 1) {
        const merged = await elapsed(() => searchAvailableNumbers(access, input, { fresh: true }));
        results += check(merged.value).results.length;
        fanout.push(merged.ms);
        for (const provider of PROVIDER_IDS) single[provider].push((await elapsed(() => alone(provider))).ms);
      }
      const singleMs = Object.fromEntries(PROVIDER_IDS.map((provider) => [provider, mean(single[provider])])) as Record<ProviderId, number>;
      const slowest = PROVIDER_IDS.reduce((worst, provider) => (singleMs[provider] > singleMs[worst] ? provider : worst));
      return { npa, latencyMs, runs, fanoutMs: mean(fanout), singleMs, slowest, resultsPerSearch: results / runs };
    }),
  );
}

// ---------- 2. checkout ----------

/** NPAs tried in turn until every provider has offered its share: all four stock most of them. */
const CHECKOUT_NPAS = ['312', '773', '214', '303', '206', '415', '305', '404', '713'];
const TERMINAL = new Set(['completed', 'partial', 'failed']);

/**
 * Searches (quantity 100) until each provider has offered `perProvider[provider]` numbers, and adds
 * them to the owner's cart, one addToCart per search as the Buy numbers page does (VITCOM holds them).
 */
async function fillCart(access: AccountAccess, perProvider: Partial<Record<ProviderId, number>>): Promise<{ added: number; searches: string[] }> {
  const wanted = new Map(Object.entries(perProvider).filter(([, amount]) => (amount ?? 0) > 0) as [ProviderId, number][]);
  let added = 0;
  const searches: string[] = [];
  for (const npa of CHECKOUT_NPAS) {
    if ([...wanted.values()].every((amount) => amount === 0)) break;
    searches.push(npa);
    const answer = await searchAvailableNumbers(access, searchInput({ npa, quantity: '100' }), { fresh: true });
    const numbers: string[] = [];
    for (const result of answer.results) {
      const left = wanted.get(result.provider) ?? 0;
      if (left === 0) continue;
      numbers.push(result.e164);
      wanted.set(result.provider, left - 1);
    }
    if (numbers.length === 0) continue;
    const outcome = await addToCart(access, { searchId: answer.searchId, numbers });
    if (outcome.failed.length > 0 || outcome.added.length !== numbers.length) {
      throw new Error(`addToCart (${npa}) added ${outcome.added.length} of ${numbers.length}: ${outcome.failed.map((failure) => `${failure.e164} ${failure.reason}`).join('; ')}`);
    }
    added += numbers.length;
  }
  const short = [...wanted].filter(([, left]) => left > 0);
  if (short.length > 0) throw new Error(`the sandboxes offered too few numbers in ${CHECKOUT_NPAS.join(', ')}: short of ${short.map(([provider, left]) => `${left} from ${provider}`).join(', ')}`);
  return { added, searches };
}

/** placeOrder, then executeOrder until the order settles; only this part is timed. */
async function checkout(world: World, expected: number): Promise<number> {
  const { ms } = await elapsed(async () => {
    const placed = await placeOrder(world.access, { idempotencyKey: `bench-${randomBytes(6).toString('hex')}` });
    let order = await executeOrder(placed.id);
    for (let attempt = 1; !TERMINAL.has(order.status); attempt += 1) {
      if (attempt >= 10) throw new Error(`order ${order.id} still ${order.status} after ${attempt} executeOrder calls`);
      order = await executeOrder(placed.id);
    }
    if (order.status !== 'completed') throw new Error(`order ${order.id} settled as ${order.status}, not completed`);
  });
  const [owned] = await world.db.select({ count: count() }).from(phoneNumbers);
  if (owned?.count !== expected) throw new Error(`checkout of ${expected} numbers left ${owned?.count ?? 0} phone_numbers rows`);
  return ms;
}

export interface CheckoutCost {
  numbers: number;
  /** Mean over the runs of the timed part (placeOrder + executeOrder until completed). */
  totalMs: number;
  perNumberMs: number;
  /** One number, once from each provider: mean of those runs. */
  singleMs: number;
  runs: number;
  singleRuns: number;
  /** The NPAs searched (quantity 100 each) to fill one 100-number cart. */
  searches: string[];
}

/**
 * Checkout of `numbers` numbers spread evenly over the four providers, against the same flow for one
 * number (once per provider, so the mix matches). Each run gets a fresh database and freshly reset
 * sandboxes; a first one-number run is a warm-up and is not reported.
 */
export async function benchCheckout({ numbers, runs }: { numbers: number; runs: number }): Promise<CheckoutCost> {
  const evenly = Object.fromEntries(PROVIDER_IDS.map((provider, index) => [provider, Math.floor(numbers / PROVIDER_IDS.length) + (index < numbers % PROVIDER_IDS.length ? 1 : 0)]));
  return withSandboxes(async (sandboxes) => {
    let searches: string[] = [];
    const once = (perProvider: Partial<Record<ProviderId, number>>) =>
      withWorld(sandboxes, async (world) => {
        const cart = await fillCart(world.access, perProvider);
        if (cart.added > 1) searches = cart.searches;
        return checkout(world, cart.added);
      });
    await once({ voicetel: 1 });
    const single: number[] = [];
    const many: number[] = [];
    // Alternated, for the same reason as the search runs.
    for (let run = 0; run < Math.max(runs, PROVIDER_IDS.length); run += 1) {
      if (run < PROVIDER_IDS.length) single.push(await once({ [PROVIDER_IDS[run]!]: 1 }));
      if (run < runs) many.push(await once(evenly));
    }
    const totalMs = mean(many);
    return { numbers, totalMs, perNumberMs: totalMs / numbers, singleMs: mean(single), runs, singleRuns: single.length, searches };
  });
}
