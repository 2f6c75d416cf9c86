import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as qualityApi from '@/lib/api/contracts/quality';
import { auditEvents, providerConnections, trunkGroups } from '@/lib/db/schema';
import type { CdrInput } from '@/lib/services/cdr-ingest';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { getQualityOverview, qualityFilterOf } from '@/lib/services/quality';
import { sealCredentials } from '@/lib/services/secret-box';
import { qualityWindow } from '@/lib/views/quality';
import { callApi, createTestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const DAY = 86_400_000;

describe('quality windows', () => {
  const now = new Date('2026-06-15T12:03:10Z');
  it('chooses the grain by the span and ends with the bucket holding now', () => {
    expect(qualityWindow('24h', { now })).toMatchObject({ grain: '5m', from: new Date('2026-06-14T12:05:00Z'), to: new Date('2026-06-15T12:05:00Z'), previousFrom: new Date('2026-06-13T12:05:00Z') });
    expect(qualityWindow('7d', { now })).toMatchObject({ grain: '1h', from: new Date('2026-06-08T13:00:00Z'), to: new Date('2026-06-15T13:00:00Z') });
    expect(qualityWindow('30d', { now })).toMatchObject({ grain: '1d', from: new Date('2026-05-17T00:00:00Z'), to: new Date('2026-06-16T00:00:00Z') });
    expect(qualityWindow('90d', { now }).grain).toBe('1d');
  });
  it('rounds a custom range out to its buckets: 2 days in 5 minutes, 14 days in hours, more in days', () => {
    const from = new Date('2026-06-01T10:02:00Z');
    expect(qualityWindow('custom', { from, to: new Date(from.getTime() + 2 * DAY) })).toMatchObject({ grain: '5m', from: new Date('2026-06-01T10:00:00Z'), to: new Date('2026-06-03T10:05:00Z') });
    expect(qualityWindow('custom', { from, to: new Date(from.getTime() + 14 * DAY) }).grain).toBe('1h');
    expect(qualityWindow('custom', { from, to: new Date(from.getTime() + 15 * DAY) })).toMatchObject({ grain: '1d', from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-17T00:00:00Z') });
  });
  it('refuses a custom range without both ends, backwards or over a year, naming the field', () => {
    expect(() => qualityFilterOf({ range: 'custom', from: '2026-06-01T00:00:00Z' })).toThrow(expect.objectContaining({ fieldErrors: { to: ['A custom range needs to.'] } }));
    expect(() => qualityFilterOf({ from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' })).toThrow(expect.objectContaining({ fieldErrors: { to: ['to must be after from.'] } }));
    expect(() => qualityFilterOf({ from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' })).toThrow(expect.objectContaining({ code: 'invalid:filter' }));
    expect(() => qualityFilterOf({ range: '7d', from: '2026-06-01T00:00:00Z' })).toThrow(expect.objectContaining({ code: 'invalid:filter' }));
    // The year 0 (or 1, whose previous period is the year 0) is refused beside the field, not sent to PostgreSQL.
    expect(() => qualityFilterOf({ from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z' })).toThrow(expect.objectContaining({ fieldErrors: { from: ['Use a time from the year 2000 to 2999.'], to: ['Use a time from the year 2000 to 2999.'] } }));
    expect(() => qualityFilterOf({ from: '0001-01-01T00:00:00Z', to: '0001-01-02T00:00:00Z' })).toThrow(expect.objectContaining({ code: 'invalid:filter' }));
    expect(qualityFilterOf({})).toEqual({ range: '7d', trunkGroupId: undefined, connectionId: undefined, destination: undefined, direction: undefined });
  });
});

describe('quality overview over hand-computed calls', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let trunkGroupId: string;
  let voicetelId: string;
  let vitcomId: string;
  // A past day (ingest refuses calls in the future), at UTC midnight.
  const day = new Date(Math.floor(Date.now() / DAY) * DAY - 10 * DAY);
  const at = (offsetMs: number) => new Date(day.getTime() + offsetMs);
  const noon = 12 * 3_600_000;
  const range = { range: 'custom' as const, from: day, to: new Date(day.getTime() + DAY) };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const connection = (provider: string, name: string) => ({ provider, name, baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false });
    const [voicetel, vitcom] = await test.db.insert(providerConnections).values([connection('voicetel', 'VT quality'), connection('vitcom', 'VC quality')]).returning();
    voicetelId = voicetel!.id;
    vitcomId = vitcom!.id;
    const [group] = await test.db
      .insert(trunkGroups)
      .values({ accountId: tenants.acme.id, name: 'Main PBX', direction: 'both', auth: 'ip', allowedIps: ['44.10.20.31/32'], destinations: [], codecs: ['PCMU'] })
      .returning();
    trunkGroupId = group!.id;

    let n = 0;
    const call = (offsetMs: number, fields: Partial<CdrInput> & { sipCode: number; pddMs?: number }): CdrInput => {
      const inviteAt = at(offsetMs);
      const { pddMs, ...rest } = fields;
      const answered = fields.sipCode >= 200 && fields.sipCode < 300;
      return {
        source: 'switch',
        sourceId: `q-${++n}`,
        accountId: tenants.acme.id,
        direction: 'outbound',
        from: '+13125550100',
        to: '+13125550199',
        inviteAt,
        ringingAt: pddMs === undefined ? undefined : new Date(inviteAt.getTime() + pddMs),
        answerAt: answered ? new Date(inviteAt.getTime() + 2000) : undefined,
        connectionId: voicetelId,
        trunkGroupId,
        ...rest,
      };
    };
    const east = { accountId: tenants.east.id, trunkGroupId: undefined };
    const calls: CdrInput[] = [
      // 12:00 bucket: four answered, a busy and a no-answer.
      call(noon + 1000, { sipCode: 200, pddMs: 150, billsec: 60 }),
      call(noon + 2000, { sipCode: 200, pddMs: 150, billsec: 120 }),
      call(noon + 3000, { sipCode: 200, pddMs: 300, billsec: 3 }),
      call(noon + 4000, { sipCode: 200, billsec: 30 }),
      call(noon + 5000, { sipCode: 486, pddMs: 150 }),
      call(noon + 6000, { sipCode: 480, pddMs: 300 }),
      // 12:05 bucket: network failures, a wrong number to Mexico and a user-busy cause in East.
      call(noon + 7 * 60_000, { sipCode: 503, pddMs: 300 }),
      call(noon + 7 * 60_000 + 1000, { sipCode: 503, trunkGroupId: undefined }),
      call(noon + 7 * 60_000 + 2000, { sipCode: 404, pddMs: 1000, to: '+525512345678', ...east }),
      call(noon + 7 * 60_000 + 3000, { sipCode: 500, q850Cause: 17, connectionId: vitcomId, ...east }),
      // The day before: one answered, one failed.
      call(noon - DAY, { sipCode: 200, pddMs: 150, billsec: 100 }),
      call(noon - DAY + 1000, { sipCode: 503 }),
    ];
    const result = await ingestCdrBatch(
      test.db,
      calls.map((input, index) => ({ line: index + 1, input })),
    );
    expect(result).toMatchObject({ accepted: 12, rejected: [] });

    await test.db.insert(auditEvents).values([
      { accountId: tenants.acme.id, action: 'trunk_group.update', targetType: 'trunk_group', targetId: trunkGroupId, after: { name: 'Main PBX' }, createdAt: at(noon + 3 * 60_000) },
      { accountId: tenants.acme.id, action: 'trunk_group.rotate_password', targetType: 'trunk_group', targetId: trunkGroupId, createdAt: at(noon + 10 * 60_000) },
      { accountId: tenants.east.id, action: 'number.move', targetType: 'phone_number', after: { number: '+13125550100', account: 'East' }, createdAt: at(noon + 60 * 60_000) },
      { accountId: tenants.acme.id, action: 'trunk_group.update', targetType: 'trunk_group', targetId: trunkGroupId, createdAt: at(noon - DAY) },
      { accountId: tenants.globex.id, action: 'trunk_group.update', targetType: 'trunk_group', createdAt: at(noon + 3 * 60_000) },
    ]);
  });

  it('computes ASR, NER, ACD, PDD p50/p95 and the unknown share exactly, against the day before', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const overview = await getQualityOverview(owner, range);
    expect(overview.grain).toBe('5m');
    const { kpis } = overview;
    expect(kpis.attempts).toEqual({ value: 10, previous: 2, change: 8 });
    expect(kpis.asr.value).toBe(0.4);
    expect(kpis.asr.previous).toBe(0.5);
    expect(kpis.asr.change).toBeCloseTo(-0.1, 12);
    // Answered 4 + 486 + 480 + 404 + Q.850 cause 17 = 8 of 10.
    expect(kpis.ner.value).toBe(0.8);
    expect(kpis.acd.value).toBe(213 / 4);
    expect(kpis.minutes.value).toBeCloseTo(3.55, 12);
    expect(kpis.shortCallShare.value).toBe(0.25);
    expect(kpis.pddUnknownShare.value).toBe(0.3);
    // Seven known PDDs: three in [140, 200), three in [280, 400), one in [800, 1120).
    expect(kpis.pddP50Ms.value).toBe(300);
    expect(kpis.pddP95Ms.value).toBe(1008);
    expect(kpis.pddP50Ms.previous).toBe(170);
  });

  it('gives every bucket of the range, zero attempts and null ratios where no calls were', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const { series } = await getQualityOverview(owner, range);
    expect(series).toHaveLength(288);
    const noonIndex = noon / 300_000;
    expect(series[noonIndex]).toMatchObject({ bucketStart: at(noon).toISOString(), bucketEnd: at(noon + 300_000).toISOString(), attempts: 6, answered: 4, asr: 4 / 6, ner: 1, acd: 213 / 4 });
    expect(series[noonIndex + 1]).toMatchObject({ attempts: 4, answered: 0, asr: 0, ner: 0.5, acd: null });
    expect(series[0]).toMatchObject({ attempts: 0, asr: null, ner: null, pddP50Ms: null });
  });

  it('breaks down by trunk group, country and upstream: customers see "Carrier N", staff the provider', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const { breakdowns, options } = await getQualityOverview(owner, range);
    expect(breakdowns.trunkGroups.map((row) => [row.label, row.attempts])).toEqual([
      ['Main PBX', 7],
      ['No trunk group', 3],
    ]);
    expect(breakdowns.destinations.map((row) => [row.key, row.label, row.attempts])).toEqual([
      ['US', 'United States', 9],
      ['MX', 'Mexico', 1],
    ]);
    const customerLabels = breakdowns.upstreams.map((row) => row.label);
    expect(customerLabels).toHaveLength(2);
    for (const label of customerLabels) expect(label).toMatch(/^Carrier \d+$/);
    expect(customerLabels.join(' ')).not.toMatch(/VoiceTel|VITCOM/);
    expect(options.upstreams.find((option) => option.value === vitcomId)?.label).toMatch(/^Carrier \d+$/);

    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    const staffView = await getQualityOverview(staff, range);
    expect(staffView.breakdowns.upstreams.map((row) => [row.label, row.attempts])).toEqual([
      ['VoiceTel · VT quality', 9],
      ['VITCOM · VC quality', 1],
    ]);
  });

  it('filters by trunk group, upstream, destination and direction', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    expect((await getQualityOverview(owner, { ...range, trunkGroupId })).kpis.attempts.value).toBe(7);
    expect((await getQualityOverview(owner, { ...range, connectionId: vitcomId })).kpis.attempts.value).toBe(1);
    expect((await getQualityOverview(owner, { ...range, destination: 'MX' })).kpis.ner.value).toBe(1);
    expect((await getQualityOverview(owner, { ...range, direction: 'inbound' })).kpis.attempts.value).toBe(0);
  });

  it('draws trunk group changes and number moves of the range as markers, in the subtree only', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const { markers } = await getQualityOverview(owner, range);
    expect(markers).toEqual([
      { at: at(noon + 3 * 60_000).toISOString(), bucketStart: at(noon).toISOString(), action: 'trunk_group.update', label: 'Trunk group changed: Main PBX' },
      { at: at(noon + 60 * 60_000).toISOString(), bucketStart: at(noon + 60 * 60_000).toISOString(), action: 'number.move', label: 'Number moved to another account: (312) 555-0100' },
    ]);
    const east = await accessAs(test.db, 'owner@acme.example', tenants.east.id);
    expect((await getQualityOverview(east, range)).markers.map((marker) => marker.action)).toEqual(['number.move']);
  });

  it('keeps tenants apart: Globex sees none of the calls, a sub-account only its own', async () => {
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const globexView = await getQualityOverview(globex, range);
    expect(globexView.kpis.attempts.value).toBe(0);
    expect(globexView.breakdowns.trunkGroups).toEqual([]);
    expect(globexView.markers.map((marker) => marker.action)).toEqual(['trunk_group.update']);
    expect(globexView.options.trunkGroups).toEqual([]);
    expect((await getQualityOverview(globex, { ...range, trunkGroupId })).kpis.attempts.value).toBe(0);

    const east = await accessAs(test.db, 'owner@acme.example', tenants.east.id);
    const eastView = await getQualityOverview(east, range);
    expect(eastView.kpis.attempts.value).toBe(2);
    expect(eastView.kpis.ner.value).toBe(1);
    expect(eastView.options.trunkGroups).toEqual([]);
  });

  it('answers GET /api/v1/quality with the overview to a key with usage.read, 400 on a bad range', async () => {
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'finance', createdBy: 'owner@acme.example' });
    const { GET } = await import('@/app/api/v1/quality/route');
    const query = `from=${encodeURIComponent(day.toISOString())}&to=${encodeURIComponent(new Date(day.getTime() + DAY).toISOString())}&trunkGroup=${trunkGroupId}`;
    const answer = await callApi(GET, { url: `/api/v1/quality?${query}`, key, endpoint: qualityApi.getQualityOverview });
    expect(answer.status).toBe(200);
    expect(answer.body.kpis.attempts).toEqual({ value: 7, previous: 2, change: 5 });
    expect(answer.body.range).toBe('custom');

    const bad = await callApi(GET, { url: `/api/v1/quality?range=custom&from=${encodeURIComponent(day.toISOString())}`, key, endpoint: qualityApi.getQualityOverview });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ to: ['A custom range needs to.'] });
    const unknown = await callApi(GET, { url: '/api/v1/quality?range=1y', key, endpoint: qualityApi.getQualityOverview });
    expect(unknown.status).toBe(400);
  });
});
