/**
 * Issue 11.7: after SIGTERM the sandboxes process and the portal's server (scripts/serve.ts's
 * plumbing, with pg-boss running a job that never ends) are gone within 5 s, with kept-alive, hung
 * and half-sent connections open, and nothing is left listening. The whole `npm start` against a
 * build is checked in e2e/graceful-stop.spec.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const STOP_BUDGET_MS = 5000;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function isFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts `node --import tsx <script>` and resolves once its output has said `ready` as often as asked. */
function start(script: string, env: Record<string, string>, ready: RegExp, times = 1) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if ((output.match(new RegExp(ready.source, `${ready.flags}g`)) ?? []).length >= times) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`exited before it was ready:\n${output}`)));
  });
  return { child, started, exited, output: () => output };
}

/** A kept-alive connection left idle after its answer, a request never answered, and a request whose headers never end. */
async function openStubbornConnections(answered: number, unanswered: number, halfSent: number) {
  const agent = new http.Agent({ keepAlive: true });
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: answered, path: '/__sandbox/knobs', agent }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  expect(body.length).toBeGreaterThan(0);
  expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);

  const hung = http.get({ host: '127.0.0.1', port: unanswered, path: '/hang' });
  hung.on('error', () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(hung.socket?.readyState).toBe('open');

  const partial = net.connect(halfSent, '127.0.0.1');
  partial.on('error', () => undefined);
  await new Promise((resolve) => partial.once('connect', resolve));
  partial.write('GET / HTTP/1.1\r\nHost: stuck\r\n');
  return () => {
    agent.destroy();
    hung.destroy();
    partial.destroy();
  };
}

describe('stopping on SIGTERM', () => {
  it('stops the sandboxes process within 5 s with kept-alive, hung and half-sent connections, leaving every port free', async () => {
    const ports = { voicetel: await freePort(), vitcom: await freePort(), carrierx: await freePort(), voicemeup: await freePort() };
    const env = Object.fromEntries(Object.entries(ports).map(([name, port]) => [`SANDBOX_${name.toUpperCase()}_PORT`, String(port)]));
    // Every VoiceTel request hangs, as an upstream that never answers.
    const sandboxes = start('sandbox/run.ts', { ...env, SANDBOX_VOICETEL_HANG_RATE: '1' }, /sandbox listening on/, 4);
    await sandboxes.started;
    const cleanup = await openStubbornConnections(ports.vitcom, ports.voicetel, ports.carrierx);
    try {
      const sentAt = Date.now();
      sandboxes.child.kill('SIGTERM');
      const { code, at } = await sandboxes.exited;
      expect(at - sentAt).toBeLessThan(STOP_BUDGET_MS);
      expect(code).toBe(0);
      for (const port of Object.values(ports)) expect(await isFree(port), `port ${port}`).toBe(true);
    } finally {
      cleanup();
    }
  });

  it('stops the portal server and pg-boss within 5 s with kept-alive, hung and half-sent connections and a job that never ends', async () => {
    const port = await freePort();
    const portal = start('tests/support/portal-stop-fixture.ts', { PORT: String(port) }, /^ready$/m);
    await portal.started;
    const cleanup = await openStubbornConnections(port, port, port);
    try {
      const sentAt = Date.now();
      portal.child.kill('SIGTERM');
      const { code, at } = await portal.exited;
      expect(at - sentAt).toBeLessThan(STOP_BUDGET_MS);
      // 0: stopped by itself, not by the deadline; pg-boss stopped and gave the running job back.
      expect(code, portal.output()).toBe(0);
      expect(portal.output()).toContain('stopped; endless job retry');
      expect(await isFree(port)).toBe(true);
    } finally {
      cleanup();
    }
  });
});
