/**
 * `npm run bench`: relative performance numbers for the portal and its provider layer. Every value
 * comes with a baseline measured in the same run, because these machines are shared and noisy:
 * compare ratios across runs, not absolute times.
 */
import fs from 'node:fs';
import path from 'node:path';
import '../scripts/server-only-outside-next';
import { runCleanups } from './cleanup';
import { getOk, getSignedIn, load, signIn, timeSequential, type LoadResult } from './http-load';
import { ensureBuild, startBenchServer, type BenchServer } from './server';
import postgres from 'postgres';
import { formatSideBySide, formatTable, row, writeJson, type Row } from './table';

// lib/services is loaded only after the server-only hook is registered (static imports resolve first).
const { benchCheckout, benchSearchFanout } = await import('./numbers');
const { benchAdapterOverhead, benchBreakerFailFast } = await import('./providers');
const { apiBenchServerEnv, apiBenchSetup, apiSeedStep, benchApi } = await import('./api');
const { benchCdrsOn } = await import('./cdrs');
const { benchBillingOn } = await import('./billing');

const root = path.resolve(import.meta.dirname, '..');
const resultsDir = path.join(root, 'bench', 'results');

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

const port = positiveNumber('BENCH_PORT', 3200);
const durationS = positiveNumber('BENCH_DURATION', 5);
const signIns = Math.round(positiveNumber('BENCH_SIGNINS', 15));
const CONNECTIONS = 20;
/** Turns the health, dashboard and My numbers loads take (see benchPortal). */
const ROUNDS = 5;
const ADAPTER_CALLS = 200;
const FAIL_FAST_CALLS = 50;
const OWNER = { email: 'owner@acme.example', password: 'portal-demo' };
/** Numbers given to Acme Telecom before the server starts, for the My numbers rows. */
const MY_NUMBERS = 50_000;
const MY_NUMBERS_PAGE_ROWS = 50;
/** Search fan-out: every sandbox this late, an NPA all four stock, this many timed searches each side. */
const SEARCH = { npa: '312', latencyMs: 250, runs: 10 };
/** The target: the merged search costs at most 25% over the slowest provider alone. Reported, never enforced. */
const SEARCH_FANOUT_TARGET = 1.25;
const CHECKOUT = { numbers: 100, runs: 3 };
/** The PostgreSQL server the HTTP rows also run on (a throwaway database there) when DATABASE_URL is unset. */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Only the portal over HTTP, on both databases: for iterating on the pages. */
const httpOnly = process.env.BENCH_HTTP_ONLY === '1';
/** Only the public API's rows (and their health baseline), on both databases: for working on the API. */
const apiOnly = process.env.BENCH_API_ONLY === '1';
/** Only the CDR rows (ingest, charts, export, live feed), in process on both databases: for working on usage and quality. */
const cdrsOnly = process.env.BENCH_CDRS_ONLY === '1';
/** Only the rating row (ingest with decks vs without), in process on both databases: for working on billing. */
const billingOnly = process.env.BENCH_BILLING_ONLY === '1';

let server: BenchServer | undefined;
let interrupted = false;

// Ctrl-C or a CI timeout must not leave next-server (and its database) behind. `on`, not `once`:
// the signal often arrives twice (from the terminal, and relayed by the tsx that runs us), and a
// second one with no listener left would end the process in the middle of the clean-up.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the bench server…`);
    // The server, and whatever an in-process measurement had open (sandboxes, temp folders, databases).
    void (server?.stop() ?? Promise.resolve()).then(runCleanups).finally(() => process.exit(130));
  });
}

/**
 * My numbers, first page, as the owner sees it: the numbers table of Acme Telecom and its
 * sub-accounts, a full page of rows, and the capped total of a large inventory. Cheap enough to run
 * on every response under load. Rows are counted by their links to the number's page rather than
 * inside <table>: under load React streams part of the table as hidden segments after the shell.
 */
function myNumbersProblem(body: string): string | undefined {
  if (!/<table[\s>]/.test(body)) return 'no <table>';
  if (!body.includes('Numbers of Acme Telecom and its sub-accounts')) return 'no "Numbers of Acme Telecom and its sub-accounts" caption';
  if (!body.includes(`Showing 1–${MY_NUMBERS_PAGE_ROWS} of 10,000+ numbers`)) return `no "Showing 1–${MY_NUMBERS_PAGE_ROWS} of 10,000+ numbers" summary (the 50,000 numbers are not there?)`;
  // HTML attributes only: the RSC payload in the same response spells them as JSON ("href":"…").
  const rows = new Set([...body.matchAll(/href="\/numbers\/([0-9a-f-]{36})"/g)].map((match) => match[1])).size;
  if (rows !== MY_NUMBERS_PAGE_ROWS) return `${rows} numbers in the table, expected a full page of ${MY_NUMBERS_PAGE_ROWS}`;
  return undefined;
}

/** Checks My numbers pages, keeping the first that fails in the results folder so it can be looked at. */
function myNumbersChecker() {
  let first: string | undefined;
  const verify = (body: string): boolean => {
    const problem = myNumbersProblem(body);
    if (problem && !first) {
      const file = path.join(resultsDir, 'numbers-page.html');
      fs.mkdirSync(resultsDir, { recursive: true });
      fs.writeFileSync(file, body);
      first = `${problem} (page saved to ${path.relative(root, file)})`;
    }
    return !problem;
  };
  /** autocannon, every body checked; a failure says what was wrong with the first bad page. */
  const loadChecked = async (url: string, options: Omit<Parameters<typeof load>[1], 'verifyBody'>) => {
    try {
      return await load(url, { ...options, verifyBody: verify });
    } catch (error) {
      if (first && error instanceof Error) error.message += `; first bad page: ${first}`;
      throw error;
    }
  };
  return { verify, load: loadChecked, firstProblem: () => first };
}

/**
 * Rounds of one load as one: mean latency over every request, p99 the rounds' mean. Throughput by
 * Little's law (connections / mean latency; every connection always has a request out): autocannon
 * ends a run of a set number of requests on its next whole-second tick, so requests over its
 * duration would undercount.
 */
function combine(rounds: LoadResult[], connections: number): LoadResult {
  const requests = rounds.reduce((sum, round) => sum + round.requests, 0);
  const meanMs = rounds.reduce((sum, round) => sum + round.meanMs * round.requests, 0) / requests;
  return {
    requests,
    seconds: rounds.reduce((sum, round) => sum + round.seconds, 0),
    meanMs,
    p99Ms: rounds.reduce((sum, round) => sum + round.p99Ms, 0) / rounds.length,
    rps: (connections * 1000) / meanMs,
  };
}

async function benchPortal(base: string): Promise<Row[]> {
  const health = `${base}/api/health`;
  const dashboard = `${base}/dashboard`;
  const myNumbers = `${base}/numbers`;

  console.log('Signing in as the demo owner…');
  const cookie = await signIn(base, OWNER.email, OWNER.password);
  const page = await getSignedIn(dashboard, cookie);
  if (!page.includes('Sub-accounts')) throw new Error('GET /dashboard answered 200 but is not the dashboard');
  const numbersCheck = myNumbersChecker();
  if (!numbersCheck.verify(await getSignedIn(myNumbers, cookie))) {
    throw new Error(`GET /numbers answered 200 but is not the My numbers table of ${MY_NUMBERS.toLocaleString('en-US')} numbers: ${numbersCheck.firstProblem()}`);
  }

  // An unreported round each, so JIT and first-request work do not land in the numbers. Counted in
  // requests, not seconds: a cold dashboard can take longer than a short warm-up window.
  console.log('Warming up…');
  const warm = {
    health: await load(health, { connections: CONNECTIONS, amount: 10 * CONNECTIONS }),
    dashboard: await load(dashboard, { connections: CONNECTIONS, amount: 5 * CONNECTIONS, headers: { cookie } }),
    numbers: await numbersCheck.load(myNumbers, { connections: CONNECTIONS, amount: 5 * CONNECTIONS, headers: { cookie } }),
  };

  // The three loads take turns, ROUNDS times, each round sized from its warm-up throughput to last
  // about durationS / ROUNDS: the machine is shared, and drift then hits the baseline and the pages alike.
  const amountFor = (warmUp: LoadResult) => Math.max(2 * CONNECTIONS, Math.round(((CONNECTIONS * 1000) / warmUp.meanMs) * (durationS / ROUNDS)));
  const rounds = { health: [] as LoadResult[], dashboard: [] as LoadResult[], numbers: [] as LoadResult[] };
  console.log(`Load: GET /api/health, /dashboard and /numbers (signed in, ${MY_NUMBERS.toLocaleString('en-US')} numbers), ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of about ${durationS / ROUNDS} s each…`);
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds.health.push(await load(health, { connections: CONNECTIONS, amount: amountFor(warm.health) }));
    rounds.dashboard.push(await load(dashboard, { connections: CONNECTIONS, amount: amountFor(warm.dashboard), headers: { cookie } }));
    rounds.numbers.push(await numbersCheck.load(myNumbers, { connections: CONNECTIONS, amount: amountFor(warm.numbers), headers: { cookie } }));
  }
  const baseline = combine(rounds.health, CONNECTIONS);
  const signedIn = combine(rounds.dashboard, CONNECTIONS);
  const numbers = combine(rounds.numbers, CONNECTIONS);

  console.log(`Sequential: sign-in → /dashboard and GET /api/health, ${signIns} times each…`);
  const flow = async () => {
    await getSignedIn(dashboard, await signIn(base, OWNER.email, OWNER.password));
  };
  await flow();
  await getOk(health);
  const flowMs = await timeSequential(signIns, flow);
  const healthMs = await timeSequential(signIns, () => getOk(health));

  return [
    row('health.mean', baseline.meanMs, 'ms'),
    row('health.p99', baseline.p99Ms, 'ms'),
    row('health.throughput', baseline.rps, 'req/s'),
    row('dashboard.mean', signedIn.meanMs, 'ms', baseline.meanMs),
    row('dashboard.p99', signedIn.p99Ms, 'ms', baseline.p99Ms),
    row('dashboard.throughput', signedIn.rps, 'req/s', baseline.rps),
    row('my_numbers_50k.mean', numbers.meanMs, 'ms', baseline.meanMs),
    row('my_numbers_50k.p99', numbers.p99Ms, 'ms', baseline.p99Ms),
    row('my_numbers_50k.throughput', numbers.rps, 'req/s', baseline.rps),
    row('signin_to_dashboard.mean', flowMs, 'ms', healthMs),
  ];
}

async function benchProviders(): Promise<Row[]> {
  console.log(`Provider: VoiceTel searchNumbers vs raw fetch, ${ADAPTER_CALLS} calls each…`);
  const overhead = await benchAdapterOverhead(ADAPTER_CALLS);
  console.log(`Provider: breaker fail-fast on a hanging sandbox, ${FAIL_FAST_CALLS} calls…`);
  const breaker = await benchBreakerFailFast(FAIL_FAST_CALLS);
  return [
    row('voicetel.search_numbers.mean', overhead.adapterUs, 'µs', overhead.rawUs),
    row('breaker.timed_out_call.mean', breaker.timedOutMs, 'ms', breaker.timeoutMs),
    row('breaker.calls_to_open', breaker.callsToOpen, 'calls'),
    row('breaker.fail_fast.mean', breaker.failFastMs, 'ms', breaker.timeoutMs),
  ];
}

async function benchBuying(notes: string[]): Promise<Row[]> {
  const where = process.env.DATABASE_URL ? 'a throwaway PostgreSQL database' : 'in-memory PGlite';
  console.log(`Buying: merged search of NPA ${SEARCH.npa} vs each provider alone, sandboxes ${SEARCH.latencyMs} ms late, ${SEARCH.runs} runs each (${where})…`);
  const search = await benchSearchFanout(SEARCH);
  console.log(`Buying: checkout of ${CHECKOUT.numbers} numbers (${CHECKOUT.runs} runs) vs 1 number (once per provider), a fresh database each (${where})…`);
  const checkout = await benchCheckout(CHECKOUT);

  const fanoutRatio = search.fanoutMs / search.singleMs[search.slowest];
  const alone = Object.entries(search.singleMs)
    .map(([provider, ms]) => `${provider} ${Math.round(ms)} ms`)
    .join(', ');
  notes.push(
    `search.fanout.mean: target ≤ ${SEARCH_FANOUT_TARGET}x the slowest provider alone (not enforced): ${fanoutRatio.toFixed(2)}x, ${fanoutRatio <= SEARCH_FANOUT_TARGET ? 'within' : 'OVER'} target. ` +
      `Baseline ${search.slowest}; alone: ${alone}. ${Math.round(search.resultsPerSearch)} merged results per search.`,
    `checkout.${CHECKOUT.numbers}_numbers: placeOrder + executeOrder until completed, spread evenly over the four providers, found by ${checkout.searches.length} searches (NPA ${checkout.searches.join(', ')}); ` +
      `baseline the same for 1 number (mean of one run per provider, ${checkout.singleMs.toFixed(0)} ms).`,
  );
  return [
    row('search.fanout.mean', search.fanoutMs, 'ms', search.singleMs[search.slowest]),
    row(`checkout.${CHECKOUT.numbers}_numbers.total`, checkout.totalMs, 'ms'),
    row(`checkout.${CHECKOUT.numbers}_numbers.per_number`, checkout.perNumberMs, 'ms', checkout.singleMs),
  ];
}

/** Whether a PostgreSQL server answers at `url`: the reason it does not, or undefined. */
async function postgresProblem(url: string): Promise<string | undefined> {
  const client = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/** The portal rows on one database: its own server and seed, stopped before anything else runs. */
async function benchPortalOn(database: 'pglite' | 'postgres', notes: string[], postgresUrl?: string): Promise<Row[]> {
  const where = database === 'pglite' ? 'fresh PGlite in .data-bench' : `throwaway database on ${new URL(postgresUrl!).host}`;
  console.log(`Starting the production server on port ${port} (${where}, ${MY_NUMBERS.toLocaleString('en-US')} numbers for Acme Telecom)…`);
  // A Ctrl-C while the previous server stopped must not start another one behind the clean-up.
  if (interrupted) throw new Error('interrupted');
  const logFile = path.join(resultsDir, `server-${database}.log`);
  const api = apiBenchSetup();
  server = await startBenchServer({ root, port, logFile, postgresUrl, env: apiBenchServerEnv(), afterSeed: [['bench/seed-numbers.ts', String(MY_NUMBERS)], apiSeedStep(api)] });
  try {
    const portalRows = apiOnly ? [] : await benchPortal(server.url);
    const apiRows = await benchApi(server.url, api, { connections: CONNECTIONS, rounds: ROUNDS, durationS, owner: OWNER });
    for (const note of apiRows.notes) if (!notes.includes(note)) notes.push(note);
    return [...portalRows, ...apiRows.rows];
  } finally {
    // The next measurements need the port and the CPU.
    await server.stop();
    server = undefined;
  }
}

try {
  ensureBuild(root);
  const postgresUrl = process.env.DATABASE_URL ?? LOCAL_POSTGRES;
  const notes: string[] = [];
  const unreachable = await postgresProblem(postgresUrl);
  if (unreachable) console.log(`PostgreSQL at ${new URL(postgresUrl).host} is not reachable (${unreachable}): its rows are skipped.`);
  const pgliteRows = cdrsOnly || billingOnly ? [] : await benchPortalOn('pglite', notes);
  const postgresRows = unreachable || cdrsOnly || billingOnly ? undefined : await benchPortalOn('postgres', notes, postgresUrl);

  const inProcess = httpOnly || apiOnly || cdrsOnly || billingOnly ? [] : [...(await benchProviders()), ...(await benchBuying(notes))];
  const cdrRows = httpOnly || apiOnly || billingOnly ? undefined : await benchCdrsOn(unreachable ? undefined : postgresUrl, notes);
  const billingRows = httpOnly || apiOnly || cdrsOnly ? undefined : await benchBillingOn(unreachable ? undefined : postgresUrl, notes);

  console.log(`\nPortal over HTTP (${CONNECTIONS} connections; each ratio against its own database's health row):\n`);
  console.log(formatSideBySide([
    { title: 'PGlite', rows: pgliteRows },
    { title: unreachable ? 'PostgreSQL (skipped: not reachable)' : 'PostgreSQL', rows: postgresRows },
  ]));
  if (inProcess.length > 0) console.log(`\nIn process (${process.env.DATABASE_URL ? 'throwaway PostgreSQL databases' : 'in-memory PGlite'}):\n\n${formatTable(inProcess)}`);
  if (cdrRows) {
    console.log(`\nCDRs in process (issue 14; PostgreSQL: 1M pushed, 10M charted; PGlite: 1M):\n`);
    console.log(formatSideBySide([
      { title: 'PGlite', rows: cdrRows.pglite },
      { title: cdrRows.postgres ? 'PostgreSQL' : 'PostgreSQL (skipped: not reachable)', rows: cdrRows.postgres },
    ]));
  }
  if (billingRows) {
    console.log(`\nBilling in process (issue 15: rating at ingest, 200k calls each way, goal ≥ 0.5x; an invoice run, PGlite 1M and PostgreSQL 5M rated calls, goal ≤ 2x one aggregation):\n`);
    console.log(formatSideBySide([
      { title: 'PGlite', rows: billingRows.pglite },
      { title: billingRows.postgres ? 'PostgreSQL' : 'PostgreSQL (skipped: not reachable)', rows: billingRows.postgres },
    ]));
  }
  console.log('');
  for (const note of notes) console.log(`Note: ${note}`);
  if (notes.length > 0) console.log('');
  const file = path.join(resultsDir, 'latest.json');
  writeJson(file, { http: { pglite: pgliteRows, postgres: postgresRows ?? null }, inProcess, cdrs: cdrRows ?? null, billing: billingRows ?? null });
  console.log(`Written to ${path.relative(root, file)} (server logs: bench/results/server-pglite.log, server-postgres.log).`);
} catch (error) {
  // After a signal the failures are just the server going away under the load.
  if (!interrupted) console.error(`\nBench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
  await runCleanups();
}
