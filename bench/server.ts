/**
 * The production server the benchmark loads, started as scripts/e2e-server.ts starts it: a build, a
 * database of its own (a fresh PGlite folder, or a fresh database on the PostgreSQL server
 * `postgresUrl` names), the demo seed, then `next start`. Its output goes to a log file so the
 * table stays readable.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { portalServerArgs } from '../scripts/server-node-flags';
import { onInterrupt } from './cleanup';

export interface BenchServer {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

const nextBin = (root: string) => path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

export function ensureBuild(root: string) {
  if (fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
  console.log('No production build: running next build…');
  const build = spawnSync(process.execPath, [nextBin(root), 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Waits until no process is left in the group (true), or `ms` pass (false). */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Ends a child started with `detached: true` and everything in its process group: `signal`, then
 * SIGKILL after `graceMs`. The group matters: tsx runs the script in a grandchild that would
 * otherwise outlive the tsx we know about.
 */
async function killGroup(child: ChildProcess, signal: NodeJS.Signals, graceMs: number) {
  // Once the leader has exited (and been waited for) its id may be reused: leave it alone.
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {}
  if (await groupGone(child.pid, graceMs)) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
  await groupGone(child.pid, 5000);
}

/**
 * `afterSeed`: tsx scripts (paths from the root, with arguments) run one after another against the
 * server's database once the demo is seeded and before `next start` opens it, with the server's
 * environment. Each must close the database before it exits (PGlite takes no lock).
 */
export async function startBenchServer({
  root,
  port,
  logFile,
  postgresUrl,
  afterSeed = [],
  serverNodeArgs = [],
  env: extraEnv = {},
}: {
  root: string;
  port: number;
  logFile: string;
  /** A PostgreSQL server to create the throwaway database on; without it, PGlite. */
  postgresUrl?: string;
  afterSeed?: string[][];
  /** Node options for the server process alone (bench/profile.ts: `--cpu-prof`). */
  serverNodeArgs?: string[];
  /** Defaults for the seed steps' and the server's environment; the caller's own environment wins. */
  env?: Record<string, string>;
}): Promise<BenchServer> {
  const url = `http://127.0.0.1:${port}`;
  // Something already on the port would answer the health check and get benchmarked instead.
  if (await answers(`${url}/api/health`)) throw new Error(`port ${port} is already in use; set BENCH_PORT or stop what listens there`);

  const dataDir = path.join(root, '.data-bench');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'w');

  const env: NodeJS.ProcessEnv = { ...extraEnv, ...process.env, DATA_DIR: dataDir, PORT: String(port), APP_URL: url, SEED_DEMO: '1', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  delete env.DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (postgresUrl) {
    const name = `cp_bench_${randomBytes(5).toString('hex')}`;
    const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const dbUrl = new URL(postgresUrl);
    dbUrl.pathname = `/${name}`;
    env.DATABASE_URL = dbUrl.toString();
    // With DATABASE_URL the app does not generate its secrets (lib/env.ts): seed and server must share these.
    env.AUTH_SECRET ??= randomBytes(32).toString('hex');
    env.CREDENTIALS_KEY ??= randomBytes(32).toString('hex');
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }

  let server: ChildProcess | undefined;
  // The seed step running now, if any: an interrupt must not leave it writing into a folder we delete.
  // Like the server, in a process group of its own, so it is stopped here rather than by the terminal.
  let step: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  // One shutdown however many callers ask (the signal handler and the finally block may both).
  const stop = () => (stopping ??= shutdown());
  const forget = onInterrupt(stop);
  const shutdown = async () => {
    // Its database is about to be deleted: no need to let it finish.
    if (step) await killGroup(step, 'SIGKILL', 0);
    // Its own process group, so anything next start forks goes with it.
    if (server) await killGroup(server, 'SIGTERM', 5000);
    fs.closeSync(log);
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
    forget();
  };

  try {
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    for (const [script, ...args] of [['scripts/seed.ts'], ...afterSeed]) {
      if (!script) continue;
      step = spawn(tsx, [script, ...args], { cwd: root, env, stdio: ['ignore', log, log], detached: true });
      const code = await exited(step);
      if (stopping) throw new Error(`stopped during ${script}`);
      if (code !== 0) throw new Error(`${script === 'scripts/seed.ts' ? 'seeding' : script} failed (exit ${code}):\n${tail(logFile)}`);
    }

    // The portal's own server where the tree has one (it resolves client addresses), with the
    // flags `npm start` gives it, else next start.
    const command = fs.existsSync(path.join(root, 'scripts', 'serve.ts'))
      ? [process.execPath, ...portalServerArgs(['-p', String(port), '-H', '127.0.0.1'], serverNodeArgs)]
      : [process.execPath, ...serverNodeArgs, nextBin(root), 'start', '-p', String(port), '-H', '127.0.0.1'];
    server = spawn(command[0]!, command.slice(1), { cwd: root, env, stdio: ['ignore', log, log], detached: true });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null || server.signalCode !== null) throw new Error(`next start exited early:\n${tail(logFile)}`);
      const status = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`no 200 from /api/health within 60 s (last status ${status}):\n${tail(logFile)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logFile, stop };
}
