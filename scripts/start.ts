/**
 * `npm start`: build if needed, migrate and seed, start the upstream sandboxes, then serve the
 * portal (scripts/serve.ts: Next.js behind the server that resolves client addresses). Ctrl-C stops
 * everything.
 */
import './server-only-outside-next';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getEnv } from '@/lib/env';
import { startSandboxes } from './sandboxes';
import { portalServerArgs } from './server-node-flags';

const root = path.resolve(import.meta.dirname, '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const dev = process.argv.includes('--dev');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

if (!dev && !fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.log('No production build yet: building (about a minute)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const config = getEnv();
const { prepareDatabase } = await import('./prepare-database');
// The sandboxes first: the demo's phone numbers are read from them.
const sandboxes = process.env.SANDBOXES === '0' ? [] : await startSandboxes();
for (const sandbox of sandboxes) console.log(`  ${sandbox.name} sandbox on ${sandbox.url}`);

const { driver, seeded } = await prepareDatabase({ demoCdrDays: 90, importNumbers: sandboxes.length > 0 });
console.log(`Database ready (${driver === 'pglite' ? `embedded, ${path.relative(root, config.dataDir) || '.'}/pglite` : 'PostgreSQL'})${seeded ? ', demo data seeded' : ''}.`);

const server = spawn(process.execPath, portalServerArgs([...(dev ? ['--dev'] : []), '-p', String(config.port)]), { cwd: root, stdio: 'inherit', env });
console.log(`Carrier Portal on ${config.appUrl} (demo users: see README.md, password portal-demo)`);

// SIGTERM or Ctrl-C: the portal gets SIGTERM (it stops within its own 3.5 s), the sandboxes drop
// their connections, and this process exits only once the portal has, so nothing is left listening;
// a portal that has not exited after 4.2 s is killed. All within the 5 s supervisors allow.
let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  const portalExited = server.exitCode !== null || server.signalCode !== null ? Promise.resolve() : new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const kill = setTimeout(() => server.kill('SIGKILL'), 4200);
  void Promise.all([portalExited, ...sandboxes.map((sandbox) => sandbox.close())]).then(() => {
    clearTimeout(kill);
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.on('exit', (code) => stop(code ?? 0));
