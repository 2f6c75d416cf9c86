/**
 * `npx tsx bench/api-key-path.ts [postgres url]`: what each statement of an API key's request costs,
 * in process, as multiples of `select 1` on the same database (in-memory PGlite, or a throwaway
 * database on the PostgreSQL server named): the key lookup, the rate-limit statement, the account
 * chain, the last-used touch, and the session's equivalents. For bench/README.md's "Issue 13".
 */
import '../scripts/server-only-outside-next';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';

const { openPglite, openPostgres, setDbHandle } = await import('@/lib/db/client');
const { seedTwoTenants } = await import('../tests/support/fixtures');
const { createTestApiKey } = await import('../tests/support/api');
const { getApiKeyForAuthentication, touchApiKey } = await import('@/lib/db/queries/api-keys');
const { takeRateTokens } = await import('@/lib/db/queries/api-requests');
const { getAccountChainWithRoles } = await import('@/lib/db/queries/accounts');
const { hashApiKeySecret } = await import('@/lib/auth/api-key-secret');

const RUNS = Number(process.argv[3] ?? 300);
const serverUrl = process.argv[2];
let drop = async () => {};
let handle;
if (serverUrl) {
  const name = `cp_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  handle = openPostgres(url.toString(), { max: 1 });
  drop = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
} else {
  handle = openPglite();
}
try {
  await handle.migrate();
  // The fixtures' services reach the database through the app's handle.
  setDbHandle(handle);
  const db = handle.db;
  const tenants = await seedTwoTenants(db);
  const key = await createTestApiKey(db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'owner@acme.example' });
  const hash = hashApiKeySecret(key.secret);
  const steps: [string, () => Promise<unknown>][] = [
    ['select 1', () => db.execute(sql`select 1`)],
    ['key lookup (getApiKeyForAuthentication)', () => getApiKeyForAuthentication(db, { secretHash: hash })],
    ['rate limit (takeRateTokens, 2 buckets)', () => takeRateTokens(db, [{ bucket: `key:${key.id}`, perSecond: 1e6, burst: 1e6 }, { bucket: `account:${tenants.acme.id}`, perSecond: 1e6, burst: 1e6 }])],
    ['account chain (getAccountChainWithRoles)', () => getAccountChainWithRoles(db, { accountId: tenants.acme.id, userId: '00000000-0000-0000-0000-000000000000' })],
    ['last-used touch (touchApiKey, once a minute)', () => touchApiKey(db, { keyId: key.id, ip: '192.0.2.1' })],
  ];
  const results: [string, number][] = [];
  for (const [name, step] of steps) {
    for (let i = 0; i < 20; i += 1) await step();
    const started = performance.now();
    for (let i = 0; i < RUNS; i += 1) await step();
    results.push([name, (performance.now() - started) / RUNS]);
  }
  const base = results[0]![1];
  console.log(`${serverUrl ? 'PostgreSQL' : 'PGlite (in memory)'}, ${RUNS} runs each, sequential:`);
  for (const [name, ms] of results) console.log(`  ${name.padEnd(48)} ${ms.toFixed(3)} ms  ${(ms / base).toFixed(1)}x`);
} finally {
  await handle.close();
  await drop();
}
