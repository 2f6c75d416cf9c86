import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getSubtreeSpendSince } from '@/lib/db/queries/accounts';
import { accountLedger, cdrRollups, phoneNumbers, providerConnections, users } from '@/lib/db/schema';
import { getNumbersAndSpendByMonth, getNumbersAndSpendView } from '@/lib/services/dashboard-series';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

// The chart's route reads the session; services take their access explicitly.
const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

describe('dashboard: numbers and spend per month', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const now = new Date('2026-06-15T12:00:00Z');

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Series', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false })
      .returning();
    const number = (accountId: string, e164: string, activatedAt: string, releasedAt?: string) => ({
      accountId,
      e164,
      kind: 'local' as const,
      npa: '312',
      connectionId: connection!.id,
      monthly: '1.2500',
      activatedAt: new Date(activatedAt),
      ...(releasedAt ? { status: 'released' as const, releasedAt: new Date(releasedAt) } : {}),
    });
    await test.db.insert(phoneNumbers).values([
      number(tenants.acme.id, '+13125550001', '2025-12-31T23:59:59Z'),
      number(tenants.east.id, '+13125550002', '2026-02-01T00:00:00Z'),
      // Live at the end of February and March; released on the first instant of April: not at April's end.
      number(tenants.acme.id, '+13125550003', '2026-02-10T00:00:00Z', '2026-04-01T00:00:00Z'),
      number(tenants.acme.id, '+13125550004', '2026-06-14T00:00:00Z'),
      number(tenants.globex.id, '+13125550005', '2026-01-05T00:00:00Z'),
    ]);
    const entry = (accountId: string, billingAccountId: string, kind: 'charge' | 'credit' | 'payment', amount: string, createdAt: string) => ({ accountId, billingAccountId, kind, amount, description: 'test', createdAt: new Date(createdAt) });
    const acmeBilling = tenants.acme.billingAccountId;
    await test.db.insert(accountLedger).values([
      entry(tenants.acme.id, acmeBilling, 'charge', '-1.2500', '2026-02-10T00:00:00Z'),
      entry(tenants.east.id, acmeBilling, 'charge', '-0.0050', '2026-02-28T23:59:59Z'),
      entry(tenants.acme.id, acmeBilling, 'charge', '-3.3333', '2026-03-01T00:00:00Z'),
      entry(tenants.acme.id, acmeBilling, 'credit', '5.0000', '2026-03-02T00:00:00Z'),
      entry(tenants.acme.id, acmeBilling, 'payment', '100.0000', '2026-03-03T00:00:00Z'),
      // A year before the window opens.
      entry(tenants.acme.id, acmeBilling, 'charge', '-9.0000', '2025-06-30T23:59:59Z'),
      entry(tenants.globex.id, tenants.globex.billingAccountId, 'charge', '-7.0000', '2026-02-11T00:00:00Z'),
    ]);
  });

  it('counts the subtree’s numbers at each month’s end and sums its charges exactly, month by month', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const months = await getNumbersAndSpendByMonth(owner, { now });
    expect(months.map((month) => month.month)).toEqual(['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    const byMonth = Object.fromEntries(months.map((month) => [month.month, month]));
    expect(byMonth['2025-11']).toEqual({ month: '2025-11', numbers: 0, spend: '0' });
    expect(byMonth['2025-12']).toMatchObject({ numbers: 1 });
    expect(byMonth['2026-02']).toMatchObject({ numbers: 3 });
    expect(byMonth['2026-03']).toMatchObject({ numbers: 3 });
    expect(byMonth['2026-04']).toMatchObject({ numbers: 2 });
    expect(byMonth['2026-06']).toMatchObject({ numbers: 3 });
    // Charges only (credits and payments are not spend), to the ten-thousandth, in the month they were made.
    expect(Number(byMonth['2026-02']!.spend)).toBe(1.255);
    expect(byMonth['2026-02']!.spend).toMatch(/^1\.2550*$/);
    expect(byMonth['2026-03']!.spend).toMatch(/^3\.33330*$/);
    expect(byMonth['2025-07']!.spend).toBe('0');
  });

  it('keeps to the account’s own subtree, and leaves spend out for roles that do not read billing', async () => {
    const east = await accessAs(test.db, 'owner@acme.example', tenants.east.id);
    const eastMonths = await getNumbersAndSpendByMonth(east, { now, months: 6 });
    expect(eastMonths.map((month) => [month.month, month.numbers, month.spend])).toEqual([
      ['2026-01', 0, '0'],
      ['2026-02', 1, expect.stringMatching(/^0\.0050*$/)],
      ['2026-03', 1, '0'],
      ['2026-04', 1, '0'],
      ['2026-05', 1, '0'],
      ['2026-06', 1, '0'],
    ]);
    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    const techMonths = await getNumbersAndSpendByMonth(tech, { now, months: 3 });
    expect(techMonths).toEqual([
      { month: '2026-04', numbers: 2 },
      { month: '2026-05', numbers: 2 },
      { month: '2026-06', numbers: 3 },
    ]);
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    expect((await getNumbersAndSpendByMonth(globex, { now, months: 5 })).find((month) => month.month === '2026-02')).toEqual({ month: '2026-02', numbers: 1, spend: expect.stringMatching(/^7\.0+$/) });
  });

  it('adds the months’ spend up exactly for the chart, and leaves it out for roles that do not read billing', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const view = await getNumbersAndSpendView(owner, { now });
    expect(view.totalSpend).toMatch(/^4\.58830*$/);
    const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
    expect(await getNumbersAndSpendView(viewer, { now })).not.toHaveProperty('totalSpend');
  });

  it('counts rated calls as spend, from the daily rollups, as the “Spent this month” tile does', async () => {
    const rollup = (accountId: string, grain: '5m' | '1h' | '1d', bucketStart: string, charge: string, destination = 'US') => ({ accountId, grain, bucketStart: new Date(bucketStart), destination, direction: 'outbound' as const, attempts: 1, answered: 1, charge });
    await test.db.insert(cdrRollups).values([
      rollup(tenants.globex.id, '1d', '2026-05-10T00:00:00Z', '2.123456'),
      rollup(tenants.globex.id, '1d', '2026-05-31T00:00:00Z', '0.000044', 'CA'),
      rollup(tenants.globex.id, '1d', '2026-06-01T00:00:00Z', '10.500000'),
      // The same calls at finer grains, and a call before the window: none of them counted again.
      rollup(tenants.globex.id, '1h', '2026-05-10T10:00:00Z', '2.123456'),
      rollup(tenants.globex.id, '5m', '2026-06-01T10:00:00Z', '10.500000'),
      rollup(tenants.globex.id, '1d', '2025-12-31T00:00:00Z', '50.000000'),
      // Another tenant's calls.
      rollup(tenants.acme.id, '1d', '2026-05-10T00:00:00Z', '80.000000'),
    ]);
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const months = await getNumbersAndSpendByMonth(globex, { now, months: 5 });
    expect(months.map((month) => [month.month, month.spend])).toEqual([
      ['2026-02', expect.stringMatching(/^7\.0+$/)],
      ['2026-03', '0'],
      ['2026-04', '0'],
      ['2026-05', expect.stringMatching(/^2\.12350*$/)],
      ['2026-06', expect.stringMatching(/^10\.50*$/)],
    ]);
    const tile = (await getSubtreeSpendSince(test.db, { billingAccountId: tenants.globex.billingAccountId, accountIds: [tenants.globex.id], since: new Date('2026-06-01T00:00:00Z') })).get(tenants.globex.id)!;
    expect(Number(tile.charged) + Number(tile.usage)).toBe(Number(months.at(-1)!.spend));
    expect((await getNumbersAndSpendView(globex, { now, months: 5 })).totalSpend).toMatch(/^19\.62350*$/);
    // Acme's chart now has its May calls beside its charges.
    const acme = await getNumbersAndSpendByMonth(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { now, months: 2 });
    expect(acme.map((month) => [month.month, month.spend])).toEqual([
      ['2026-05', expect.stringMatching(/^80\.0+$/)],
      ['2026-06', '0'],
    ]);
  });

  it('GET /api/v1/dashboard/numbers-and-spend answers an account’s 12 months: 404 for another tenant’s, 400 for a bad id, 401 signed out', async () => {
    const { GET: route } = await import('@/app/api/v1/dashboard/numbers-and-spend/route');
    const GET = (request: Request) => route(request, undefined as never);
    const [finance] = await test.db.select().from(users).where(eq(users.email, 'finance@acme.example'));
    session.userId = finance!.id;
    session.accountCookie = tenants.acme.id;
    const response = await GET(new Request(`http://portal.test/api/v1/dashboard/numbers-and-spend?accountId=${tenants.acme.id}`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { months: { month: string; numbers: number; spend?: string }[]; totalSpend?: string };
    expect(body.months).toHaveLength(12);
    expect(body.months.at(-1)).toMatchObject({ numbers: expect.any(Number), spend: expect.any(String) });
    expect(body.totalSpend).toEqual(expect.any(String));
    session.userId = undefined;
    const [globex] = await test.db.select().from(users).where(eq(users.email, 'owner@globex.example'));
    session.userId = globex!.id;
    session.accountCookie = tenants.globex.id;
    expect((await GET(new Request(`http://portal.test/api/v1/dashboard/numbers-and-spend?accountId=${tenants.acme.id}`))).status).toBe(404);
    expect((await GET(new Request('http://portal.test/api/v1/dashboard/numbers-and-spend?accountId=nope'))).status).toBe(400);
    session.userId = undefined;
    const signedOut = await GET(new Request('http://portal.test/api/v1/dashboard/numbers-and-spend'));
    expect(signedOut.status).toBe(401);
  });
});
