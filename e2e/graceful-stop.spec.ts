/**
 * Issue 11.7, the whole of it: `npm start` (scripts/start.ts: sandboxes, then the portal on the
 * production build with pg-boss on the embedded database) stops within 5 s of SIGTERM or Ctrl-C
 * with kept-alive and hung connections open to the portal and to the sandboxes, and leaves nothing
 * listening. Runs its own `npm start` on ports and a data folder of its own; no browser needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

// Playwright runs from the repository root, as its webServer command (scripts/e2e-server.ts) assumes.
const root = process.cwd();
const STOP_BUDGET_MS = 5000;
const portalPort = 3190;
const sandboxPorts = { voicetel: 4311, vitcom: 4312, carrierx: 4313, voicemeup: 4314 };
const allPorts = [portalPort, ...Object.values(sandboxPorts)];

// A first `npm start` on a fresh data folder migrates and seeds PGlite before it serves.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

let dataDir: string;
test.beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-stop-'));
});
test.afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function startPortal(): { child: ChildProcess; exited: Promise<number> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(portalPort),
    APP_URL: `http://127.0.0.1:${portalPort}`,
    DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: '1',
    // Every VoiceTel request hangs: an upstream that never answers.
    SANDBOX_VOICETEL_HANG_RATE: '1',
    ...Object.fromEntries(Object.entries(sandboxPorts).map(([name, port]) => [`SANDBOX_${name.toUpperCase()}_PORT`, String(port)])),
  };
  // Embedded mode: pg-boss on the same PGlite as the app, the case with the most to get wrong.
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  delete env.CREDENTIALS_KEY;
  // Its own process group, so a test can send Ctrl-C's SIGINT to the group as a terminal does.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  return { child, exited };
}

/** Whatever is left of this `npm start`, if the test failed half-way. */
function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function waitUntilHealthy() {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${portalPort}/api/health`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('npm start did not become healthy');
}

function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A kept-alive connection left idle after its answer, a request never answered, and a request whose headers never end. */
async function openStubbornConnections(port: number, hungPath?: string) {
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: port === portalPort ? '/api/health' : '/__sandbox/knobs', agent }, (response) => response.resume().on('end', resolve)).on('error', reject);
  });
  const opened: { destroy(): void }[] = [agent];
  if (hungPath) {
    const hung = http.get({ host: '127.0.0.1', port, path: hungPath });
    hung.on('error', () => undefined);
    opened.push(hung);
  }
  const partial = net.connect(port, '127.0.0.1');
  partial.on('error', () => undefined);
  await new Promise((resolve) => partial.once('connect', resolve));
  partial.write('GET /api/health HTTP/1.1\r\nHost: stuck\r\n');
  opened.push(partial);
  return () => opened.forEach((connection) => connection.destroy());
}

async function expectStopsInTime(signal: () => void, exited: Promise<number>) {
  const cleanups = [
    await openStubbornConnections(portalPort),
    await openStubbornConnections(sandboxPorts.voicetel, '/v2.2/account'),
    await openStubbornConnections(sandboxPorts.vitcom),
  ];
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    const sentAt = Date.now();
    signal();
    const at = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 15_000))]);
    expect(at - sentAt).toBeLessThan(STOP_BUDGET_MS);
    for (const port of allPorts) expect(await isFree(port), `port ${port} is free`).toBe(true);
  } finally {
    cleanups.forEach((cleanup) => cleanup());
  }
}

test('npm start stops within 5 s of SIGTERM with kept-alive and hung connections, leaving no port in use', async () => {
  for (const port of allPorts) expect(await isFree(port), `port ${port} is free before the test`).toBe(true);
  const { child, exited } = startPortal();
  try {
    await waitUntilHealthy();
    await expectStopsInTime(() => child.kill('SIGTERM'), exited);
  } finally {
    killGroup(child);
  }
});

test('npm start stops within 5 s of Ctrl-C (SIGINT to the whole process group)', async () => {
  const { child, exited } = startPortal();
  try {
    await waitUntilHealthy();
    await expectStopsInTime(() => process.kill(-child.pid!, 'SIGINT'), exited);
  } finally {
    killGroup(child);
  }
});
