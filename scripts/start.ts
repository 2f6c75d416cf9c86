/**
 * `npm start`: build if needed, migrate and seed, start the upstream sandboxes, then serve the
 * portal (scripts/serve.ts: Next.js behind the server that resolves client addresses). Ctrl-C stops
 * everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getEnv } from '@/lib/env';
import { startSandboxes } from './sandboxes';
import { prepareDatabase } from './prepare-database';

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
const { driver, seeded } = await prepareDatabase();
console.log(`Database ready (${driver === 'pglite' ? `embedded, ${path.relative(root, config.dataDir) || '.'}/pglite` : 'PostgreSQL'})${seeded ? ', demo data seeded' : ''}.`);

const sandboxes = process.env.SANDBOXES === '0' ? [] : await startSandboxes();
for (const sandbox of sandboxes) console.log(`  ${sandbox.name} sandbox on ${sandbox.url}`);

const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const server = spawn(tsx, ['scripts/serve.ts', ...(dev ? ['--dev'] : []), '-p', String(config.port)], { cwd: root, stdio: 'inherit', env });
console.log(`Carrier Portal on ${config.appUrl} (demo users: see README.md, password portal-demo)`);

async function stop(code: number) {
  server.kill('SIGTERM');
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
server.on('exit', (code) => void stop(code ?? 0));
