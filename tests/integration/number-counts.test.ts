import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountNumberCounts, phoneNumbers, providerConnections, trunkGroups, trunkNumberCounts } from '@/lib/db/schema';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

/**
 * account_number_counts is kept by statement triggers on phone_numbers (migration 0012). Whatever
 * a statement does to numbers — insert many, release, register or lose an E911 address, move to
 * another account, delete — the counters must equal a count of the inventory.
 */
describe('account number counters', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let connectionId: string;

  const counted = async () => {
    const rows = (await test.db.execute(sql`
      select account_id, count(*)::int as live, (count(*) filter (where e911_status <> 'registered'))::int as uncovered
      from phone_numbers where status <> 'released' group by account_id`)) as unknown;
    const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    return new Map((list as { account_id: string; live: number; uncovered: number }[]).map((row) => [row.account_id, { live: Number(row.live), uncovered: Number(row.uncovered) }]));
  };
  const kept = async () => {
    const rows = await test.db.select().from(accountNumberCounts);
    return new Map(rows.filter((row) => row.live !== 0 || row.liveWithoutE911 !== 0).map((row) => [row.accountId, { live: row.live, uncovered: row.liveWithoutE911 }]));
  };
  const expectCountersToMatch = async () => expect(await kept()).toEqual(await counted());

  const number = (accountId: string, index: number, e911Status: 'none' | 'registered' = 'none') => ({
    accountId,
    e164: `+1312555${String(index).padStart(4, '0')}`,
    kind: 'local' as const,
    npa: '312',
    connectionId,
    monthly: '1.2500',
    e911Status,
  });

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Counters', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false })
      .returning();
    connectionId = connection!.id;
  });

  it('follow inserts, releases, E911 changes, moves and deletes, statement by statement', async () => {
    await test.db.insert(phoneNumbers).values([
      ...Array.from({ length: 40 }, (_, index) => number(tenants.acme.id, index, index % 4 === 0 ? 'registered' : 'none')),
      ...Array.from({ length: 15 }, (_, index) => number(tenants.east.id, 100 + index)),
      ...Array.from({ length: 7 }, (_, index) => number(tenants.globex.id, 200 + index, 'registered')),
    ]);
    await expectCountersToMatch();
    expect((await kept()).get(tenants.acme.id)).toEqual({ live: 40, uncovered: 30 });

    // Release some (one of them registered), register others, and touch rows without changing what counts.
    const acmeNumbers = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.accountId, tenants.acme.id)).orderBy(phoneNumbers.e164);
    await test.db.update(phoneNumbers).set({ status: 'released', releasedAt: new Date() }).where(inArray(phoneNumbers.id, acmeNumbers.slice(0, 5).map((row) => row.id)));
    await test.db.update(phoneNumbers).set({ e911Status: 'registered' }).where(inArray(phoneNumbers.id, acmeNumbers.slice(10, 14).map((row) => row.id)));
    await test.db.update(phoneNumbers).set({ rateCenter: 'CHICAGO' }).where(eq(phoneNumbers.accountId, tenants.acme.id));
    await expectCountersToMatch();

    // Move East's numbers to Acme West, one registered Globex number loses its address, then delete released rows.
    await test.db.update(phoneNumbers).set({ accountId: tenants.west.id }).where(eq(phoneNumbers.accountId, tenants.east.id));
    await test.db.update(phoneNumbers).set({ e911Status: 'failed' }).where(eq(phoneNumbers.e164, '+13125550200'));
    await test.db.delete(phoneNumbers).where(eq(phoneNumbers.status, 'released'));
    await test.db.delete(phoneNumbers).where(eq(phoneNumbers.e164, '+13125550201'));
    await expectCountersToMatch();
    expect((await kept()).get(tenants.east.id)).toBeUndefined();
    expect((await kept()).get(tenants.west.id)).toEqual({ live: 15, uncovered: 15 });
    expect((await kept()).get(tenants.globex.id)).toEqual({ live: 6, uncovered: 1 });
  });

  it('stay right when a statement fails half-way (a duplicate live number rolls the insert back)', async () => {
    const before = await kept();
    await expect(test.db.insert(phoneNumbers).values([number(tenants.acme.id, 900), number(tenants.globex.id, 202)])).rejects.toThrow();
    expect(await kept()).toEqual(before);
    await expectCountersToMatch();
  });

  it('keep the per-(trunk group, connection) counters the routing alert reads equal to the inventory', async () => {
    const group = async (accountId: string, name: string) =>
      (
        await test.db
          .insert(trunkGroups)
          .values({ accountId, name, direction: 'both', auth: 'ip', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU'] })
          .returning()
      )[0]!.id;
    const trunkCounted = async () => {
      const rows = (await test.db.execute(sql`
        select account_id, trunk_group_ref, connection_id, count(*)::int as live, (count(*) filter (where routing_refused_at is not null))::int as refused
        from phone_numbers where status <> 'released' and trunk_group_ref is not null group by 1, 2, 3`)) as unknown;
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { account_id: string; trunk_group_ref: string; connection_id: string; live: number; refused: number }[];
      return new Map(list.map((row) => [`${row.account_id}/${row.trunk_group_ref}/${row.connection_id}`, { live: Number(row.live), refused: Number(row.refused) }]));
    };
    const trunkKept = async () => {
      const rows = await test.db.select().from(trunkNumberCounts);
      return new Map(rows.filter((row) => row.live !== 0 || row.refused !== 0).map((row) => [`${row.accountId}/${row.trunkGroupId}/${row.connectionId}`, { live: row.live, refused: row.refused }]));
    };
    const expectTrunkCountersToMatch = async () => expect(await trunkKept()).toEqual(await trunkCounted());

    const main = await group(tenants.acme.id, 'Counted PBX');
    const backup = await group(tenants.acme.id, 'Counted backup');
    await test.db.insert(phoneNumbers).values(Array.from({ length: 12 }, (_, index) => ({ ...number(tenants.acme.id, 3000 + index), trunkGroupRef: index < 8 ? main : null })));
    await expectTrunkCountersToMatch();
    const numbers = await test.db.select().from(phoneNumbers).where(sql`${phoneNumbers.e164} like '+13125553%'`).orderBy(phoneNumbers.e164);
    expect((await trunkKept()).get(`${tenants.acme.id}/${main}/${connectionId}`)).toEqual({ live: 8, refused: 0 });

    // A carrier refuses two, some move to the backup group, one is released, one leaves its group, a refusal clears.
    await test.db.update(phoneNumbers).set({ routingRefusedAt: new Date() }).where(inArray(phoneNumbers.id, numbers.slice(0, 2).map((row) => row.id)));
    await test.db.update(phoneNumbers).set({ trunkGroupRef: backup }).where(inArray(phoneNumbers.id, numbers.slice(8, 12).map((row) => row.id)));
    await test.db.update(phoneNumbers).set({ status: 'released' }).where(eq(phoneNumbers.id, numbers[3]!.id));
    await test.db.update(phoneNumbers).set({ trunkGroupRef: null }).where(eq(phoneNumbers.id, numbers[4]!.id));
    await test.db.update(phoneNumbers).set({ routingRefusedAt: null }).where(eq(phoneNumbers.id, numbers[1]!.id));
    await expectTrunkCountersToMatch();
    expect((await trunkKept()).get(`${tenants.acme.id}/${main}/${connectionId}`)).toEqual({ live: 6, refused: 1 });
    expect((await trunkKept()).get(`${tenants.acme.id}/${backup}/${connectionId}`)).toEqual({ live: 4, refused: 0 });

    await test.db.delete(phoneNumbers).where(sql`${phoneNumbers.e164} like '+13125553%'`);
    await expectTrunkCountersToMatch();
    expect(await trunkKept()).toEqual(new Map());
  });
});
