import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { providerConnections, rateDeckAssignments, rateDeckEntries, rateDecks, rateDeckVersions } from '@/lib/db/schema';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { searchCdrs } from '@/lib/services/cdr-search';
import { defaultMarginPeriod, getMarginReport, marginPercentOf, parseMarginPeriod } from '@/lib/services/margins';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Entry = { kind?: 'termination' | 'origination'; prefix: string; rate: string; fee?: string; increment?: [number, number]; minimum?: number };

async function createDeck(db: Db, { name, purpose = 'sell', connectionId, isDefault = false }: { name: string; purpose?: 'sell' | 'cost'; connectionId?: string; isDefault?: boolean }) {
  const [deck] = await db.insert(rateDecks).values({ name, purpose, connectionId, isDefault }).returning();
  return deck!.id;
}

async function addVersion(db: Db, deckId: string, version: number, effectiveFrom: Date, entries: Entry[]) {
  const [created] = await db.insert(rateDeckVersions).values({ deckId, version, effectiveFrom, entryCount: entries.length }).returning();
  await db.insert(rateDeckEntries).values(
    entries.map((entry) => ({
      versionId: created!.id,
      kind: entry.kind ?? 'termination',
      prefix: entry.prefix,
      destination: `Destination ${entry.prefix}`,
      rate: entry.rate,
      connectionFee: entry.fee ?? '0',
      firstIncrement: entry.increment?.[0] ?? 60,
      nextIncrement: entry.increment?.[1] ?? 60,
      minimumDuration: entry.minimum ?? 0,
    })),
  );
  return created!.id;
}

interface RatedRow {
  source_id: string;
  billed_seconds: number | null;
  rate_version_id: string | null;
  rate_prefix: string | null;
  rate: string | null;
  charge: string | null;
  cost_version_id: string | null;
  cost_rate: string | null;
  cost: string | null;
  rating_error: string | null;
}

/**
 * Rating at ingest (issue 15.3): every call priced against the sell deck in force for its account at
 * its INVITE (own assignment, inherited, or the default deck) and costed against its upstream's cost
 * deck, with the rollups summing the same charges.
 */
describe('rating at ingest', () => {
  const test = useTestDatabase();
  const now = Date.now();
  const before = new Date(now - 3 * HOUR);
  const after = new Date(now - 1 * HOUR);
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let connectionId: string;
  const v: Record<string, string> = {};

  const call = (accountId: string, sourceId: string, input: Partial<CdrInput> & { inviteAt: Date }): { line: number; input: CdrInput } => {
    const billsec = input.billsec ?? 0;
    const answered = input.sipCode === undefined || (input.sipCode >= 200 && input.sipCode < 300);
    return {
      line: 1,
      input: {
        source: 'rating-test',
        sourceId,
        accountId,
        direction: 'outbound',
        from: '+13125550100',
        to: '+14155550100',
        sipCode: 200,
        answerAt: answered ? new Date(input.inviteAt.getTime() + 2000) : undefined,
        endAt: new Date(input.inviteAt.getTime() + 2000 + billsec * 1000),
        ...input,
        billsec: answered ? billsec : undefined,
      },
    };
  };
  const ingest = async (...calls: { line: number; input: CdrInput }[]) => {
    const result = await ingestCdrBatch(
      test.db,
      calls.map((c, i) => ({ ...c, line: i + 1 })),
    );
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toBe(calls.length);
  };
  const rated = async (sourceId: string): Promise<RatedRow> => {
    const rows = rowsOf<RatedRow>(
      await test.db.execute(sql`
        SELECT source_id, billed_seconds, rate_version_id::text AS rate_version_id, rate_prefix, rate::text AS rate, charge::text AS charge,
          cost_version_id::text AS cost_version_id, cost_rate::text AS cost_rate, cost::text AS cost, rating_error
        FROM cdrs WHERE source = 'rating-test' AND source_id = ${sourceId}`),
    );
    expect(rows, sourceId).toHaveLength(1);
    return rows[0]!;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    // Whatever the demo seeded, this suite decides which decks exist.
    await test.db.delete(rateDeckAssignments);
    await test.db.update(rateDecks).set({ isDefault: false });
    const [connection] = await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'Rating test upstream', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: 'unused' }).returning();
    connectionId = connection!.id;

    const acmeDeck = await createDeck(test.db, { name: 'Acme wholesale' });
    v.acme1 = await addVersion(test.db, acmeDeck, 1, new Date(now - 30 * DAY), [
      { prefix: '1', rate: '0.0100', increment: [6, 6] },
      { prefix: '52', rate: '0.0160' },
      { prefix: '5255', rate: '0.0120', fee: '0.0020', increment: [1, 1] },
      { prefix: '1900', rate: '0.5000', increment: [30, 6], minimum: 60 },
      { kind: 'origination', prefix: '1', rate: '0.0050', increment: [1, 1] },
    ]);
    v.acme2 = await addVersion(test.db, acmeDeck, 2, new Date(now - 2 * HOUR), [
      { prefix: '1', rate: '0.0200', increment: [6, 6] },
      { prefix: '52', rate: '0.0160' },
      { kind: 'origination', prefix: '1', rate: '0.0060', increment: [1, 1] },
    ]);
    // Published but not yet in force: no call may take its price.
    v.acme3 = await addVersion(test.db, acmeDeck, 3, new Date(now + DAY), [{ prefix: '1', rate: '9.0000' }]);
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.acme.id, deckId: acmeDeck });

    const eastDeck = await createDeck(test.db, { name: 'East special' });
    v.east1 = await addVersion(test.db, eastDeck, 1, new Date(now - 30 * DAY), [{ prefix: '1', rate: '0.0070', increment: [1, 1] }]);
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.east.id, deckId: eastDeck });

    const costDeck = await createDeck(test.db, { name: 'Upstream cost', purpose: 'cost', connectionId });
    v.cost1 = await addVersion(test.db, costDeck, 1, new Date(now - 30 * DAY), [
      { prefix: '1', rate: '0.0040' },
      { prefix: '52', rate: '0.0090' },
      { kind: 'origination', prefix: '1', rate: '0.0010', increment: [1, 1] },
    ]);
  });

  it('prices a sub-account’s calls on the deck its parent is assigned, at the version in force at each INVITE', async () => {
    const west = tenants.west.id;
    await ingest(
      call(west, 'west-us-before', { inviteAt: before, billsec: 10, connectionId: undefined }),
      call(west, 'west-us-after', { inviteAt: after, billsec: 10, to: '+14155550101' }),
      call(west, 'west-mx-before', { inviteAt: before, billsec: 61, to: '+525512345678' }),
      call(west, 'west-mx-after', { inviteAt: after, billsec: 61, to: '+525512345678' }),
      call(west, 'west-premium', { inviteAt: before, billsec: 31, to: '+19005550100' }),
    );
    // v1, 6/6: 10 s → 12 s × $0.0100/min.
    expect(await rated('west-us-before')).toMatchObject({ rate_version_id: v.acme1, rate_prefix: '1', billed_seconds: 12, rate: '0.010000', charge: '0.002000', rating_error: null });
    // v2 took effect two hours ago: $0.0200.
    expect(await rated('west-us-after')).toMatchObject({ rate_version_id: v.acme2, billed_seconds: 12, rate: '0.020000', charge: '0.004000' });
    // v1's longest prefix 5255, 1/1 with a $0.002 connection fee: 61 × 0.012 / 60 + 0.002.
    expect(await rated('west-mx-before')).toMatchObject({ rate_version_id: v.acme1, rate_prefix: '5255', billed_seconds: 61, charge: '0.014200' });
    // v2 has no 5255: 52 at 60/60.
    expect(await rated('west-mx-after')).toMatchObject({ rate_version_id: v.acme2, rate_prefix: '52', billed_seconds: 120, charge: '0.032000' });
    // 30/6 with a 60-second minimum: 31 s → 36 s → the minimum, 60 s × $0.50.
    expect(await rated('west-premium')).toMatchObject({ rate_prefix: '1900', billed_seconds: 60, charge: '0.500000' });
  });

  it('prices an account with its own deck on that deck, not its parent’s', async () => {
    await ingest(call(tenants.east.id, 'east-us', { inviteAt: after, billsec: 10 }));
    // 10 s × $0.0070 / 60 = $0.0011666… → $0.001167.
    expect(await rated('east-us')).toMatchObject({ rate_version_id: v.east1, billed_seconds: 10, rate: '0.007000', charge: '0.001167', rating_error: null });
  });

  it('prices inbound calls as origination', async () => {
    await ingest(call(tenants.west.id, 'west-inbound', { inviteAt: after, direction: 'inbound', from: '+14155550000', to: '+13125550100', billsec: 30, connectionId }));
    expect(await rated('west-inbound')).toMatchObject({ rate_version_id: v.acme2, rate: '0.006000', billed_seconds: 30, charge: '0.003000', cost_version_id: v.cost1, cost_rate: '0.001000', cost: '0.000500' });
  });

  it('costs a call on its upstream connection’s cost deck, with the cost deck’s own increments', async () => {
    await ingest(
      call(tenants.west.id, 'west-costed-us', { inviteAt: after, billsec: 10, connectionId, to: '+14155550102' }),
      call(tenants.west.id, 'west-costed-mx', { inviteAt: before, billsec: 61, connectionId, to: '+525512345670' }),
    );
    // Sold 6/6 (12 s × $0.02), bought 60/60 (60 s × $0.004).
    expect(await rated('west-costed-us')).toMatchObject({ charge: '0.004000', cost_version_id: v.cost1, cost_rate: '0.004000', cost: '0.004000' });
    expect(await rated('west-costed-mx')).toMatchObject({ charge: '0.014200', cost_rate: '0.009000', cost: '0.018000' });
    // Without a connection there is no cost.
    expect(await rated('west-us-after')).toMatchObject({ cost_version_id: null, cost: null });
  });

  it('records no_rate with the version when no prefix matches, and prices unanswered calls at zero', async () => {
    await ingest(
      call(tenants.west.id, 'west-uk', { inviteAt: after, billsec: 40, to: '+447911123456' }),
      call(tenants.west.id, 'west-busy', { inviteAt: after, sipCode: 486, to: '+14155550103' }),
    );
    expect(await rated('west-uk')).toMatchObject({ rating_error: 'no_rate', rate_version_id: v.acme2, charge: null, billed_seconds: null });
    expect(await rated('west-busy')).toMatchObject({ rating_error: null, billed_seconds: 0, charge: '0.000000' });
  });

  it('records no_deck without a default deck, and prices on the default deck once there is one', async () => {
    await ingest(call(tenants.globex.id, 'globex-no-deck', { inviteAt: after, billsec: 60 }));
    expect(await rated('globex-no-deck')).toMatchObject({ rating_error: 'no_deck', rate_version_id: null, charge: null });

    const defaultDeck = await createDeck(test.db, { name: 'Standard', isDefault: true });
    v.default1 = await addVersion(test.db, defaultDeck, 1, new Date(now - 30 * DAY), [{ prefix: '1', rate: '0.0300' }]);
    await ingest(
      call(tenants.globex.id, 'globex-default', { inviteAt: after, billsec: 60, to: '+14155550104' }),
      call(tenants.globexBranch.id, 'globex-branch-default', { inviteAt: after, billsec: 61, to: '+14155550105' }),
    );
    expect(await rated('globex-default')).toMatchObject({ rate_version_id: v.default1, billed_seconds: 60, charge: '0.030000', rating_error: null });
    expect(await rated('globex-branch-default')).toMatchObject({ rate_version_id: v.default1, billed_seconds: 120, charge: '0.060000' });
    // Acme's tree keeps its own decks.
    await ingest(call(tenants.west.id, 'west-still-acme', { inviteAt: after, billsec: 6, to: '+14155550106' }));
    expect(await rated('west-still-acme')).toMatchObject({ rate_version_id: v.acme2 });
  });

  it('sums the same charges, costs and billed seconds into every rollup grain as the calls hold', async () => {
    const calls = rowsOf<{ account_id: string; charge: string; cost: string; billed_seconds: string; unrated: string; attempts: string }>(
      await test.db.execute(sql`
        SELECT account_id::text AS account_id, coalesce(sum(charge), 0)::text AS charge, coalesce(sum(cost), 0)::text AS cost,
          coalesce(sum(billed_seconds), 0)::text AS billed_seconds, count(*) FILTER (WHERE rating_error IS NOT NULL OR charge IS NULL)::text AS unrated, count(*)::text AS attempts
        FROM cdrs WHERE source = 'rating-test' GROUP BY 1 ORDER BY 1`),
    );
    expect(calls.length).toBe(4);
    for (const grain of ['5m', '1h', '1d']) {
      const rollups = rowsOf<(typeof calls)[number]>(
        await test.db.execute(sql`
          SELECT account_id::text AS account_id, sum(charge)::text AS charge, sum(cost)::text AS cost, sum(billed_seconds)::text AS billed_seconds,
            sum(unrated)::text AS unrated, sum(attempts)::text AS attempts
          FROM cdr_rollups WHERE grain = ${grain}::cdr_rollup_grain GROUP BY 1 ORDER BY 1`),
      );
      const asNumbers = (rows: typeof calls) => rows.map((row) => ({ ...row, charge: parseMicros(row.charge), cost: parseMicros(row.cost) }));
      expect(asNumbers(rollups), grain).toEqual(asNumbers(calls));
    }
    // West by hand: 0.002 + 0.004 + 0.0142 + 0.032 + 0.5 + 0.003 + 0.004 + 0.0142 + 0 (busy) + 0.002 (6 s at 6/6 × $0.02).
    const west = calls.find((row) => row.account_id === tenants.west.id)!;
    expect(parseMicros(west.charge)).toBe(575_400n);
    expect(west.unrated).toBe('1');
  });

  it('shows staff the margin per destination and per upstream from the rollups, to the micro', async () => {
    const period = defaultMarginPeriod(new Date(now));
    // The calls span three hours back: make sure yesterday is in when it is just after midnight.
    period.from = new Date(Math.min(period.from.getTime(), Math.floor((now - 3 * HOUR) / DAY) * DAY));
    const report = await getMarginReport(await sessionUser(test.db, 'staff@carrier.example'), period);
    const sums = rowsOf<{ key: string; charge: string; cost: string; calls: string; billed_seconds: string }>(
      await test.db.execute(sql`
        SELECT destination_country AS key, coalesce(sum(charge), 0)::text AS charge, coalesce(sum(cost), 0)::text AS cost, count(*)::text AS calls,
          coalesce(sum(billed_seconds), 0)::text AS billed_seconds
        FROM cdrs GROUP BY 1`),
    );
    expect(report.byDestination.map((line) => line.key).sort()).toEqual(sums.map((row) => row.key).sort());
    for (const row of sums) {
      const line = report.byDestination.find((candidate) => candidate.key === row.key)!;
      const margin = parseMicros(row.charge) - parseMicros(row.cost);
      expect(line, row.key).toMatchObject({ calls: Number(row.calls), billedSeconds: Number(row.billed_seconds), revenue: formatMicros(parseMicros(row.charge)), cost: formatMicros(parseMicros(row.cost)), margin: formatMicros(margin), marginPercent: marginPercentOf(margin, parseMicros(row.charge)) });
    }
    expect(report.byDestination.find((line) => line.key === 'MX')).toMatchObject({ label: 'Mexico' });
    // Over the test's upstream: west-inbound, west-costed-us, west-costed-mx.
    const upstream = report.byUpstream.find((line) => line.key === connectionId)!;
    expect(upstream).toMatchObject({ label: 'VoiceTel · Rating test upstream', calls: 3, revenue: '0.021200', cost: '0.022500', margin: '-0.001300', marginPercent: '-6.1', hasCostDeck: true });
    expect(report.byUpstream.find((line) => line.key === 'none')).toMatchObject({ hasCostDeck: false, cost: '0.000000' });
    expect(parseMicros(report.totals.revenue)).toBe(sums.reduce((sum, row) => sum + parseMicros(row.charge), 0n));
    // Outbound only leaves the inbound call out.
    const outbound = await getMarginReport(await sessionUser(test.db, 'staff@carrier.example'), { ...period, direction: 'outbound' });
    expect(outbound.byUpstream.find((line) => line.key === connectionId)).toMatchObject({ calls: 2, revenue: '0.018200' });
  });

  it('refuses margins to anyone but operator staff, and checks the period asked for', async () => {
    await expect(getMarginReport(await sessionUser(test.db, 'owner@acme.example'), defaultMarginPeriod())).rejects.toMatchObject({ code: 'forbidden:staff' });
    expect(parseMarginPeriod({ from: '2026-04-01', to: '2026-04-30' }).period).toEqual({ from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z'), direction: undefined });
    expect(parseMarginPeriod({ from: '2026-02-30' }).fieldErrors.from).toBeDefined();
    expect(parseMarginPeriod({ from: '2026-05-01', to: '2026-04-01' }).fieldErrors.to).toBeDefined();
    expect(parseMarginPeriod({ direction: 'sideways' }).fieldErrors.direction).toBeDefined();
    expect(marginPercentOf(-1_300n, 21_200n)).toBe('-6.1');
    expect(marginPercentOf(5n, 0n)).toBeNull();
  });

  it('shows each call’s charge to billing roles, its cost and margin to staff only, and no money to technical roles', async () => {
    const search = { from: new Date(now - 4 * HOUR), to: new Date(now), number: '+525512345670' };
    const finance = await searchCdrs(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), search, { money: true });
    expect(finance.data).toHaveLength(1);
    expect(finance.data[0]!.money).toEqual({ charge: '0.014200' });
    const technical = await searchCdrs(await accessAs(test.db, 'tech@acme.example', tenants.acme.id), search, { money: true });
    expect(technical.data).toHaveLength(1);
    expect(technical.data[0]!.money).toBeUndefined();
    const staff = await searchCdrs(await accessAs(test.db, 'staff@carrier.example', tenants.acme.id), search, { money: true });
    expect(staff.data[0]!.money).toEqual({ charge: '0.014200', cost: '0.018000', margin: '-0.003800' });
    // The API's search (no `money`) carries none, whoever asks.
    const plain = await searchCdrs(await accessAs(test.db, 'staff@carrier.example', tenants.acme.id), search);
    expect(plain.data[0]!.money).toBeUndefined();
  });

  it('renders the calls page with the money columns each role may see, and the margins page for staff', async () => {
    const { default: CallsPage } = await import('@/app/(portal)/usage/calls/page');
    const { default: MarginsPage } = await import('@/app/(portal)/operator/margins/page');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const params = { from: day(now - 4 * HOUR), to: day(now), number: '+525512345670' };
    const render = async (email: string) => {
      session.userId = (await sessionUser(test.db, email)).id;
      session.accountCookie = tenants.acme.id;
      return textOf(await CallsPage({ searchParams: Promise.resolve(params) }));
    };
    const technical = await render('tech@acme.example');
    expect(technical).toContain('+52 55 1234 5670');
    expect(technical).not.toMatch(/\$\d/);
    const finance = await render('finance@acme.example');
    expect(finance).toContain('$0.0142');
    expect(finance).not.toContain('$0.018');
    const staff = await render('staff@carrier.example');
    expect(staff).toContain('$0.0142');
    expect(staff).toContain('$0.018');
    expect(staff).toContain('-$0.0038');
    const margins = textOf(await MarginsPage({ searchParams: Promise.resolve({ from: day(now - 4 * HOUR), to: day(now) }) }));
    expect(margins).toContain('Mexico');
    expect(margins).toContain('VoiceTel · Rating test upstream');
    expect(margins).toContain('No upstream (calls pushed without one)');
  });
});
