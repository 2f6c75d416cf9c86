import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '@/lib/auth/access';
import { insertCdrBatch, ensureCdrPartitions, type CdrRecord } from '@/lib/db/queries/cdrs';
import { providerConnections } from '@/lib/db/schema';
import { getCarrierScorecard, resetCarrierScorecardCache } from '@/lib/services/carrier-scorecard';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
// As next.config.ts enables it: forbidden() answers 403.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

describe('carrier scorecard (staff)', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let staff: SessionUser;
  let voicetel: string;
  let vitcom: string;
  let serial = 0;
  // The window is 2026-06-08 12:00 (cut to the hour) to 2026-06-15 13:00: whole days 9–14 from the daily rollups, the ends hourly.
  const now = new Date('2026-06-15T12:30:00Z');

  function call(accountId: string, connectionId: string | null, at: string, { answered, pdd, destination = 'MX', direction = 'outbound', cost }: { answered: boolean; pdd?: number; destination?: string; direction?: 'inbound' | 'outbound'; cost?: string }): CdrRecord {
    const inviteAt = new Date(new Date(at).getTime() + (serial % 50) * 1000);
    serial++;
    const answerAt = answered ? new Date(inviteAt.getTime() + 3000) : null;
    return {
      accountId,
      source: 'test-switch',
      sourceId: `call-${serial}`,
      direction,
      fromE164: '+13125550100',
      toE164: destination === 'MX' ? '+525512345678' : '+13125550199',
      destinationCountry: destination,
      destinationPrefix: destination === 'MX' ? '5255' : '1312',
      trunkGroupId: null,
      connectionId,
      inviteAt,
      ringingAt: pdd === undefined ? null : new Date(inviteAt.getTime() + pdd),
      answerAt,
      endAt: answerAt ? new Date(answerAt.getTime() + 60_000) : new Date(inviteAt.getTime() + 5000),
      sipCode: answered ? 200 : 503,
      q850Cause: null,
      billsec: answered ? 60 : 0,
      mos: null,
      upstreamCost: answered ? (cost ?? null) : null,
    };
  }

  /** `count` calls at `at`, the first `answeredCount` answered. */
  const calls = (count: number, answeredCount: number, make: (answered: boolean) => CdrRecord) => Array.from({ length: count }, (_, i) => make(i < answeredCount));

  async function store(records: CdrRecord[]) {
    await ensureCdrPartitions(test.db, records.map((r) => r.inviteAt));
    await insertCdrBatch(test.db, records);
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    const credentialsCiphertext = sealCredentials({ username: 'u', password: 'p' });
    const [vt, vc] = await test.db
      .insert(providerConnections)
      .values([
        { provider: 'voicetel', name: 'VT main', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext, enabled: false },
        { provider: 'vitcom', name: 'VC east', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext, enabled: false },
      ])
      .returning();
    voicetel = vt!.id;
    vitcom = vc!.id;
    const acme = tenants.acme.id;
    const globex = tenants.globex.id;
    // VoiceTel to MX, 150 attempts in the window across two customers (120 answered, 60 s each at $0.01: $0.0100/min), PDD 680 ms.
    const vtCall = (accountId: string, at: string) => (answered: boolean) => call(accountId, voicetel, at, { answered, pdd: 680, cost: '0.010000' });
    await store([
      ...calls(50, 40, vtCall(acme, '2026-06-08T13:05:00Z')),
      ...calls(30, 24, vtCall(acme, '2026-06-10T09:00:00Z')),
      ...calls(20, 16, vtCall(globex, '2026-06-10T15:00:00Z')),
      ...calls(50, 40, vtCall(acme, '2026-06-15T10:00:00Z')),
      // Outside the window or not outbound routing: none of these count.
      ...calls(7, 0, vtCall(acme, '2026-06-08T11:30:00Z')),
      ...calls(5, 5, vtCall(acme, '2026-06-01T10:00:00Z')),
      ...calls(4, 4, vtCall(acme, '2026-06-15T13:10:00Z')),
      ...calls(3, 3, (answered) => call(acme, voicetel, '2026-06-10T10:00:00Z', { answered, pdd: 680, direction: 'inbound', cost: '0.010000' })),
      ...calls(6, 6, (answered) => call(acme, null, '2026-06-10T10:00:00Z', { answered, pdd: 680, cost: '0.010000' })),
    ]);
    // VITCOM to MX: 100 attempts, 50 answered at $0.008 a minute, no ringing times; to US: 10 calls, too few to score.
    await store([
      ...calls(100, 50, (answered) => call(acme, vitcom, '2026-06-12T08:00:00Z', { answered, cost: '0.008000' })),
      ...calls(10, 10, (answered) => call(acme, vitcom, '2026-06-12T08:00:00Z', { answered, destination: 'US', cost: '0.008000' })),
    ]);
  });

  beforeEach(() => resetCarrierScorecardCache());

  it('scores each upstream per destination over every account’s outbound calls of the last 7 days, with provider and connection names', async () => {
    const scorecard = await getCarrierScorecard(staff, { now });
    expect(scorecard.computedAt).toEqual(now);
    expect(scorecard.destinations.map((d) => [d.destination, d.attempts])).toEqual([
      ['MX', 250],
      ['US', 10],
    ]);
    const [vt, vc] = scorecard.destinations[0]!.carriers;
    expect(vt).toMatchObject({ carrier: 'VoiceTel · VT main', rank: 1, attempts: 150, answered: 120, pddP50Ms: 680, enoughCalls: true });
    expect(vt!.costPerMinute).toBeCloseTo(0.01, 10);
    // cost 100 × 0.008 / 0.010 = 80; ASR 80; PDD 680 ms → 100; post-answer (100 + 100 × 60/120) / 2 = 75.
    expect(vt!.sub.cost).toBeCloseTo(80, 10);
    expect(vt!.sub.asr).toBeCloseTo(80, 10);
    expect(vt!.sub).toMatchObject({ pdd: 100, postAnswer: 75 });
    expect(vt!.score).toBe(82.5);
    expect(vc).toMatchObject({ carrier: 'VITCOM · VC east', rank: 2, attempts: 100, answered: 50, pddP50Ms: null, pddUnknownShare: 1 });
    // (0.4 × 100 + 0.35 × 50 + 0.1 × 75) / 0.85 = 76.47: the PDD weight is spread, not counted as 0.
    expect(vc!.sub).toEqual({ cost: 100, asr: 50, pdd: null, postAnswer: 75 });
    expect(vc!.score).toBe(76.5);
    const [us] = scorecard.destinations[1]!.carriers;
    expect(us).toMatchObject({ carrier: 'VITCOM · VC east', attempts: 10, enoughCalls: false, score: null, rank: null });
  });

  it('serves one computation for 30 s, then recomputes from the rollups', async () => {
    const first = await getCarrierScorecard(staff, { now });
    await store(calls(100, 100, (answered) => call(tenants.acme.id, vitcom, '2026-06-13T08:00:00Z', { answered, destination: 'US', cost: '0.008000' })));
    const within = await getCarrierScorecard(staff, { now: new Date(now.getTime() + 29_999) });
    expect(within).toBe(first);
    expect(within.destinations[1]!.carriers[0]!.attempts).toBe(10);
    const later = new Date(now.getTime() + 30_000);
    const next = await getCarrierScorecard(staff, { now: later });
    expect(next.computedAt).toEqual(later);
    expect(next.destinations.find((d) => d.destination === 'US')!.carriers[0]).toMatchObject({ attempts: 110, enoughCalls: true, rank: 1 });
  });

  it('renders for staff with names, sub-scores, when it was computed and the definitions; customers get 403', async () => {
    // The page reads the real clock: calls from yesterday.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await store(calls(120, 90, (answered) => call(tenants.acme.id, voicetel, yesterday, { answered, destination: 'BR', pdd: 680, cost: '0.020000' })));
    const { default: ScorecardPage } = await import('@/app/(portal)/operator/scorecard/page');
    session.userId = staff.id;
    const text = textOf(await ScorecardPage());
    expect(text).toMatch(/Computed\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(text).toContain('Destination BR');
    expect(text).toContain('VoiceTel · VT main');
    expect(text).toContain('$0.0200');
    expect(text).toContain('75.0 %');
    // 0.4 × 100 + 0.35 × 75 + 0.15 × 100 + 0.1 × 75 = 88.75
    expect(text).toContain('88.8');
    expect(text).toContain('0.35 × 68.2 = 23.87');
    expect(text).toContain('cost_rank = 100 × (cheapest cost per billed minute');
    session.userId = (await sessionUser(test.db, 'owner@acme.example')).id;
    session.accountCookie = tenants.acme.id;
    await expect(ScorecardPage()).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
  });

  it('is for operator staff only', async () => {
    for (const email of ['owner@acme.example', 'owner@globex.example']) {
      await expect(getCarrierScorecard(await sessionUser(test.db, email), { now })).rejects.toMatchObject({ code: 'forbidden:staff' });
    }
  });
});
