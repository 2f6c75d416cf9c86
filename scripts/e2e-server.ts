/**
 * The server the browser tests run against: the production build on a database of its own (a fresh
 * PostgreSQL database when DATABASE_URL is set, else a fresh PGlite folder), seeded with the demo.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { startSandboxes } from './sandboxes';
import { portalServerArgs } from './server-node-flags';

const root = path.resolve(import.meta.dirname, '..');
const port = process.env.E2E_PORT ?? '3100';
const dataDir = path.join(root, '.data-e2e');
fs.rmSync(dataDir, { recursive: true, force: true });

// Sandboxes on ports of their own, so a portal already running with `npm start` does not collide.
const sandboxPorts = { SANDBOX_VOICETEL_PORT: '4201', SANDBOX_VITCOM_PORT: '4202', SANDBOX_CARRIERX_PORT: '4203', SANDBOX_VOICEMEUP_PORT: '4204' };
Object.assign(process.env, sandboxPorts);
const env: NodeJS.ProcessEnv = { ...process.env, ...sandboxPorts, DATA_DIR: dataDir, PORT: port, APP_URL: `http://127.0.0.1:${port}`, SEED_DEMO: '1', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
const sandboxes = await startSandboxes();
let dropDatabase: (() => Promise<void>) | undefined;
if (process.env.DATABASE_URL) {
  // Against PostgreSQL the app generates no secrets of its own: give this run throwaway ones.
  env.AUTH_SECRET ??= randomBytes(32).toString('hex');
  env.CREDENTIALS_KEY ??= randomBytes(32).toString('hex');
  const name = `cp_e2e_${randomBytes(5).toString('hex')}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  // Databases of earlier runs that were killed before they could drop theirs; one still in use stays.
  for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where datname like 'cp_e2e_%'`) {
    await admin.unsafe(`drop database if exists ${datname}`).catch(() => undefined);
  }
  await admin.unsafe(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
// Five weeks of demo calls: the usage pages have charts, and the alert rule its four-week baseline.
const prepared = spawn(tsx, ['scripts/seed.ts', '--demo-cdrs=35'], { cwd: root, env, stdio: 'inherit' });
const code = await new Promise<number>((resolve) => prepared.on('exit', (exit) => resolve(exit ?? 1)));
if (code !== 0) process.exit(code);

const server = spawn(process.execPath, portalServerArgs(['-p', port, '-H', '127.0.0.1']), { cwd: root, env, stdio: 'inherit' });
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const serverExited = server.exitCode !== null || server.signalCode !== null ? Promise.resolve() : new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const kill = setTimeout(() => server.kill('SIGKILL'), 4000);
  // The database goes only once the server using it has.
  await Promise.all([serverExited, ...sandboxes.map((sandbox) => sandbox.close())]);
  clearTimeout(kill);
  await dropDatabase?.();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
server.on('exit', () => void stop());
