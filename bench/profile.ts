/**
 * `tsx bench/profile.ts [path…]`: the bench server (PGlite, or a throwaway PostgreSQL database with
 * BENCH_PROFILE_POSTGRES=url) under `node --cpu-prof`, each path loaded signed in for
 * BENCH_DURATION seconds (5), then the hottest functions by self time. The .cpuprofile files stay in
 * bench/results/profile for Chrome DevTools. How bench/README.md's "where the time goes" was found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCleanups } from './cleanup';
import { load, signIn } from './http-load';
import { startBenchServer } from './server';

const root = path.resolve(import.meta.dirname, '..');
const profileDir = path.join(root, 'bench', 'results', 'profile');
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/dashboard', '/numbers'];
const durationS = Number(process.env.BENCH_DURATION ?? 5);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function (and by package), as shares of the samples. */
function summarize(file: string, top = 40) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)!.callFrame;
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/\.next\//, '.next/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    const pkg = frame.url === '' ? `(${frame.functionName})` : /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ?? (frame.url.startsWith('node:') ? 'node' : 'app');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
  });
  const share = (value: number) => `${((100 * value) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled`);
  for (const [pkg, value] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${share(value)}  ${pkg}`);
  console.log('');
  for (const [key, value] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(value)}  ${key}`);
}

fs.rmSync(profileDir, { recursive: true, force: true });
fs.mkdirSync(profileDir, { recursive: true });
const started = Date.now();
const server = await startBenchServer({
  root,
  port: Number(process.env.BENCH_PORT ?? 3200),
  logFile: path.join(profileDir, 'server.log'),
  postgresUrl: process.env.BENCH_PROFILE_POSTGRES,
  afterSeed: [['bench/seed-numbers.ts', '50000']],
  serverNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
});
try {
  const cookie = await signIn(server.url, 'owner@acme.example', 'portal-demo');
  for (const page of paths) {
    await load(`${server.url}${page}`, { connections: 20, amount: 100, headers: { cookie } });
    const result = await load(`${server.url}${page}`, { connections: 20, durationS, headers: { cookie } });
    console.log(`${page}: ${result.rps.toFixed(1)} req/s, mean ${result.meanMs.toFixed(0)} ms`);
  }
} finally {
  await server.stop();
  await runCleanups();
}
// The server's profile (the largest, should Next.js have started helper processes).
const profiles = fs
  .readdirSync(profileDir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => path.join(profileDir, name))
  .filter((file) => fs.statSync(file).mtimeMs >= started)
  .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
if (profiles[0]) summarize(profiles[0]);
