/**
 * `npm run bench`: relative performance numbers for the portal and its provider layer. Every value
 * comes with a baseline measured in the same run, because these machines are shared and noisy:
 * compare ratios across runs, not absolute times.
 */
import path from 'node:path';
import { getOk, getSignedIn, load, signIn, timeSequential } from './http-load';
import { benchAdapterOverhead, benchBreakerFailFast } from './providers';
import { ensureBuild, startBenchServer, type BenchServer } from './server';
import { formatTable, row, writeJson, type Row } from './table';

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
const ADAPTER_CALLS = 200;
const FAIL_FAST_CALLS = 50;
const OWNER = { email: 'owner@acme.example', password: 'portal-demo' };

let server: BenchServer | undefined;
let interrupted = false;

// Ctrl-C or a CI timeout must not leave next-server (and its database) behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the bench server…`);
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function benchPortal(base: string): Promise<Row[]> {
  const health = `${base}/api/health`;
  const dashboard = `${base}/dashboard`;

  console.log('Signing in as the demo owner…');
  const cookie = await signIn(base, OWNER.email, OWNER.password);
  const page = await getSignedIn(dashboard, cookie);
  if (!page.includes('Sub-accounts')) throw new Error('GET /dashboard answered 200 but is not the dashboard');

  // An unreported round each, so JIT and first-request work do not land in the numbers. Counted in
  // requests, not seconds: a cold dashboard can take longer than a short warm-up window.
  console.log('Warming up…');
  await load(health, { connections: CONNECTIONS, amount: 10 * CONNECTIONS });
  await load(dashboard, { connections: CONNECTIONS, amount: 5 * CONNECTIONS, headers: { cookie } });

  console.log(`Load: GET /api/health, ${CONNECTIONS} connections, ${durationS} s…`);
  const baseline = await load(health, { connections: CONNECTIONS, durationS });
  console.log(`Load: GET /dashboard (signed in), ${CONNECTIONS} connections, ${durationS} s…`);
  const signedIn = await load(dashboard, { connections: CONNECTIONS, durationS, headers: { cookie } });

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

try {
  ensureBuild(root);
  console.log(`Starting the production server on port ${port} (${process.env.DATABASE_URL ? 'fresh PostgreSQL database' : 'fresh PGlite in .data-bench'})…`);
  server = await startBenchServer({ root, port, logFile: path.join(resultsDir, 'server.log') });
  const portalRows = await benchPortal(server.url);
  // The provider measurements are in-process: stop the server first so it does not compete for the CPU.
  await server.stop();
  const rows = [...portalRows, ...(await benchProviders())];

  console.log(`\n${formatTable(rows)}\n`);
  const file = path.join(resultsDir, 'latest.json');
  writeJson(file, rows);
  console.log(`Written to ${path.relative(root, file)} (server log: ${path.relative(root, server.logFile)}).`);
} catch (error) {
  // After a signal the failures are just the server going away under the load.
  if (!interrupted) console.error(`\nBench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
}
