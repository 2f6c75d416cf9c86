/**
 * `tsx bench/seed-numbers.ts [count]`: gives Acme Telecom (the demo's root account) `count` phone
 * numbers (50,000 by default) in the database the environment names (DATA_DIR's PGlite, or
 * DATABASE_URL), through the app's own database client. Run by bench/server.ts after the demo seed
 * and before `next start`, as a process of its own: PGlite takes no lock, so the database must be
 * closed before the server opens it.
 *
 * The rows are synthetic but shaped like a real inventory: a dozen area codes across states, every
 * connection, a spread of activation dates, trunk groups, E911 states and a few released or
 * missing numbers. Every number is distinct.
 */
import '../scripts/server-only-outside-next';
import { and, count, eq, isNull, sql } from 'drizzle-orm';

const { getDbHandle } = await import('@/lib/db/client');
const { accounts, phoneNumbers, providerConnections, trunkGroups } = await import('@/lib/db/schema');

const total = Number(process.argv[2] ?? 50_000);
if (!Number.isInteger(total) || total <= 0) throw new Error(`count must be a positive integer, got "${process.argv[2]}"`);
const BATCH = 2_000;
const ACCOUNT_NAME = 'Acme Telecom';

const AREAS: { npa: string; state: string; rateCenter: string; monthly: string }[] = [
  { npa: '312', state: 'IL', rateCenter: 'CHICAGO', monthly: '1.2500' },
  { npa: '773', state: 'IL', rateCenter: 'CHICAGO', monthly: '1.2500' },
  { npa: '214', state: 'TX', rateCenter: 'DALLAS', monthly: '1.2500' },
  { npa: '713', state: 'TX', rateCenter: 'HOUSTON', monthly: '1.2500' },
  { npa: '212', state: 'NY', rateCenter: 'NEW YORK', monthly: '3.0000' },
  { npa: '646', state: 'NY', rateCenter: 'NEW YORK', monthly: '1.5000' },
  { npa: '415', state: 'CA', rateCenter: 'SAN FRANCISCO', monthly: '1.2500' },
  { npa: '213', state: 'CA', rateCenter: 'LOS ANGELES', monthly: '1.2500' },
  { npa: '305', state: 'FL', rateCenter: 'MIAMI', monthly: '1.2500' },
  { npa: '404', state: 'GA', rateCenter: 'ATLANTA', monthly: '1.2500' },
  { npa: '303', state: 'CO', rateCenter: 'DENVER', monthly: '1.2500' },
  { npa: '416', state: 'ON', rateCenter: 'TORONTO', monthly: '1.4000' },
];
const TRUNK_NAMES = ['Acme main', 'Acme backup'];
const E911 = ['none', 'none', 'registered', 'registered', 'registered', 'pending', 'failed'] as const;
const DAY_MS = 86_400_000;

const started = Date.now();
const handle = await getDbHandle();
try {
  const db = handle.db;
  const [acme] = await db.select().from(accounts).where(and(eq(accounts.name, ACCOUNT_NAME), isNull(accounts.parentId))).limit(1);
  if (!acme) throw new Error(`no ${ACCOUNT_NAME} account: run the demo seed first`);
  const connections = (await db.select({ id: providerConnections.id }).from(providerConnections)).map((row) => row.id);
  if (connections.length === 0) throw new Error('no provider connections: run the demo seed first');
  // Half the numbers route to one of two real trunk groups (the reference is a foreign key).
  await db
    .insert(trunkGroups)
    .values(TRUNK_NAMES.map((name) => ({ accountId: acme.id, name, direction: 'both' as const, auth: 'ip' as const, allowedIps: ['192.0.2.10/32'], destinations: [{ host: 'sip.acme.example', port: 5060, transport: 'udp' as const, priority: 10, weight: 100 }], codecs: ['PCMU'] })))
    .onConflictDoNothing();
  const groups = await db.select({ id: trunkGroups.id, name: trunkGroups.name }).from(trunkGroups).where(eq(trunkGroups.accountId, acme.id));
  const trunkIds = TRUNK_NAMES.map((name) => groups.find((group) => group.name === name)!.id);
  const TRUNKS = [...trunkIds, null, null];

  const now = Date.now();
  for (let offset = 0; offset < total; offset += BATCH) {
    const rows: (typeof phoneNumbers)['$inferInsert'][] = [];
    for (let index = offset; index < Math.min(total, offset + BATCH); index += 1) {
      const area = AREAS[index % AREAS.length]!;
      // Within an area code: exchanges 200 and up, 10,000 lines each, so every number is distinct.
      const serial = Math.floor(index / AREAS.length);
      const nxx = 200 + Math.floor(serial / 10_000);
      const line = String(serial % 10_000).padStart(4, '0');
      const status = index % 97 === 0 ? 'released' : index % 211 === 0 ? 'missing_upstream' : 'active';
      const activatedAt = new Date(now - (index % 730) * DAY_MS - (index % 86_400) * 1000);
      rows.push({
        accountId: acme.id,
        e164: `+1${area.npa}${nxx}${line}`,
        kind: 'local',
        state: area.state,
        npa: area.npa,
        rateCenter: area.rateCenter,
        connectionId: connections[index % connections.length]!,
        status,
        trunkGroupRef: TRUNKS[index % TRUNKS.length] ?? null,
        e911Status: E911[index % E911.length]!,
        monthly: area.monthly,
        activatedAt,
        releasedAt: status === 'released' ? new Date(activatedAt.getTime() + 30 * DAY_MS) : null,
        billedUntil: status === 'released' ? new Date(activatedAt.getTime() + 60 * DAY_MS) : null,
        lastSeenUpstreamAt: status === 'active' ? new Date(now - DAY_MS) : null,
      });
    }
    await db.insert(phoneNumbers).values(rows);
  }
  // Planner statistics and the visibility map, as a PostgreSQL server's autovacuum would produce
  // within a minute of such a load (during the measurement, if left to it). PGlite has no
  // autovacuum; the app's vacuum job does the same at start and every 6 hours: see README.md.
  await db.execute(sql`vacuum analyze`);
  const [stored] = await db.select({ count: count() }).from(phoneNumbers).where(eq(phoneNumbers.accountId, acme.id));
  if ((stored?.count ?? 0) < total) throw new Error(`${ACCOUNT_NAME} has ${stored?.count ?? 0} numbers after inserting ${total}`);
  console.log(`Seeded ${total.toLocaleString('en-US')} numbers for ${ACCOUNT_NAME} (${handle.driver}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await handle.close();
}
