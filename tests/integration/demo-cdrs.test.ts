import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRollupSeries, getRollupTotals } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';
import { auditEvents, providerConnections, trunkGroups } from '@/lib/db/schema';
import { qualityMetrics } from '@/lib/quality/metrics';
import { sealCredentials } from '@/lib/services/secret-box';
import { DEMO_INCIDENT, DEMO_LIVE_CDR_SOURCE, demoIncidentWindow, hasDemoCdrs, ingestDemoLiveCalls, seedDemoCdrs, type DemoCdrResult } from '@/lib/services/demo-cdrs';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

describe('demo CDRs: daily and weekly patterns and one incident', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let first: DemoCdrResult;
  let demoIds: string[];
  // A Wednesday, 15:00 UTC: the incident is the hour ending 5 minutes before, 13:55–14:55.
  const now = new Date('2026-11-18T15:00:00Z');
  const days = 14;
  const from = new Date(now.getTime() - days * 86_400_000);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    demoIds = [tenants.acme.id, tenants.east.id, tenants.west.id];
    for (const provider of ['carrierx', 'vitcom', 'voicemeup', 'voicetel'] as const) {
      await test.db.insert(providerConnections).values({ provider, name: `${provider} demo`, baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false });
    }
    expect(await hasDemoCdrs(test.db)).toBe(false);
    first = await seedDemoCdrs(test.db, { now, days });
  }, 120_000);

  it('stores every generated call, none rejected, a realistic volume for two weeks', async () => {
    expect(first.rejected).toBe(0);
    expect(first.duplicates).toBe(0);
    // 10 weekdays of about 1,700 and 4 weekend days of about 650.
    expect(first.accepted).toBeGreaterThan(14_000);
    expect(first.accepted).toBeLessThan(26_000);
    const totals = await getRollupTotals(test.db, { accountIds: demoIds, grain: '1d', from: new Date(from.getTime() - 86_400_000), to: now });
    expect(totals.attempts).toBe(first.accepted);
    const asr = qualityMetrics(totals).asr!;
    expect(asr).toBeGreaterThan(0.6);
    expect(asr).toBeLessThan(0.72);
    expect(await hasDemoCdrs(test.db)).toBe(true);
  });

  it('gives each demo account its trunk group and the calls their destinations, prefixes and costs', async () => {
    const groups = await test.db.select().from(trunkGroups).where(eq(trunkGroups.accountId, tenants.west.id));
    expect(groups.map((g) => g.name)).toEqual(['West SBC']);
    const result = await test.db.execute(sql`
      SELECT destination_country AS country, count(*)::int AS calls, count(*) FILTER (WHERE ringing_at IS NULL)::int AS no_pdd,
        count(*) FILTER (WHERE billsec > 600)::int AS long_calls, count(*) FILTER (WHERE mos IS NOT NULL)::int AS with_mos,
        sum(upstream_cost)::float AS cost, count(DISTINCT trunk_group_id)::int AS trunks
      FROM cdrs WHERE source = 'demo' GROUP BY 1 ORDER BY 2 DESC`);
    const byCountry = new Map(rowsOf<{ country: string; calls: number; no_pdd: number; long_calls: number; with_mos: number; cost: number; trunks: number }>(result).map((r) => [r.country, r]));
    expect([...byCountry.keys()].sort()).toEqual(['BR', 'CA', 'GB', 'MX', 'US']);
    const us = byCountry.get('US')!;
    expect(us.calls / first.accepted).toBeGreaterThan(0.75);
    expect(us.no_pdd).toBeGreaterThan(0);
    expect(us.long_calls).toBeGreaterThan(0);
    expect(us.with_mos).toBeGreaterThan(0);
    expect(us.cost).toBeGreaterThan(0);
    expect(us.trunks).toBe(3);
  });

  it('keeps each trunk group’s codecs as its audit trail says they are now (HQ’s narrowed, G729 removed)', async () => {
    const groups = await test.db.select().from(trunkGroups).where(inArray(trunkGroups.accountId, demoIds));
    const changes = await test.db.select().from(auditEvents).where(and(inArray(auditEvents.targetId, groups.map((group) => group.id)), eq(auditEvents.action, 'trunk_group.update')));
    expect(changes).toHaveLength(1);
    const hq = groups.find((group) => group.id === changes[0]!.targetId)!;
    expect(hq.name).toBe('HQ SBC');
    expect(changes[0]!.after).toEqual({ codecs: hq.codecs });
    expect(hq.codecs).toEqual(['PCMU', 'PCMA']);
    expect((changes[0]!.before as { codecs: string[] }).codecs).toContain('G729');
    for (const group of groups.filter((row) => row.id !== hq.id)) expect(group.codecs).toEqual(['PCMU', 'PCMA', 'G729']);
  });

  it('has weekdays busier than weekends and afternoons busier than nights', async () => {
    const daily = await getRollupSeries(test.db, { accountIds: demoIds, grain: '1d', from: new Date('2026-11-05T00:00:00Z'), to: new Date('2026-11-18T00:00:00Z') });
    expect(daily).toHaveLength(13);
    const weekend = daily.filter((d) => [0, 6].includes(d.bucketStart.getUTCDay()));
    const weekday = daily.filter((d) => ![0, 6].includes(d.bucketStart.getUTCDay()));
    expect(weekend).toHaveLength(4);
    const mean = (rows: typeof daily) => rows.reduce((sum, r) => sum + r.attempts, 0) / rows.length;
    expect(mean(weekday)).toBeGreaterThan(2 * mean(weekend));
    for (const day of weekend) expect(day.attempts).toBeLessThan(Math.min(...weekday.map((d) => d.attempts)));

    const hourly = await getRollupSeries(test.db, { accountIds: demoIds, grain: '1h', from: new Date('2026-11-05T00:00:00Z'), to: new Date('2026-11-18T00:00:00Z') });
    const weekdayHours = hourly.filter((h) => ![0, 6].includes(h.bucketStart.getUTCDay()));
    const at = (hour: number) => weekdayHours.filter((h) => h.bucketStart.getUTCHours() === hour).reduce((sum, h) => sum + h.attempts, 0);
    expect(at(14)).toBeGreaterThan(3 * at(3));
    expect(at(3)).toBeGreaterThan(0);
  });

  it('drops ASR and doubles PDD on one upstream for the incident hour only', async () => {
    const window = demoIncidentWindow(now);
    expect(window).toEqual({ from: new Date('2026-11-18T13:55:00Z'), to: new Date('2026-11-18T14:55:00Z') });
    expect(first.incident).toMatchObject({ ...window, accountId: tenants.west.id });
    const connectionId = first.incident.connectionId;
    const during = qualityMetrics(await getRollupTotals(test.db, { accountIds: demoIds, grain: '5m', ...window, connectionId }));
    const before = qualityMetrics(await getRollupTotals(test.db, { accountIds: demoIds, grain: '5m', from, to: window.from, connectionId }));
    expect(during.attempts).toBeGreaterThanOrEqual(150);
    expect(during.asr!).toBeLessThan(0.35);
    expect(before.asr!).toBeGreaterThan(0.6);
    const pddRatio = during.pddP50Ms! / before.pddP50Ms!;
    expect(pddRatio).toBeGreaterThan(1.6);
    expect(pddRatio).toBeLessThan(2.6);
    // The failures are 503 with Q.850 38 (network out of order).
    const causes = await test.db.execute(sql`
      SELECT count(*)::int AS n FROM cdrs WHERE connection_id = ${connectionId}::uuid AND sip_code = 503 AND q850_cause = 38
        AND invite_at >= ${window.from.toISOString()}::timestamptz AND invite_at < ${window.to.toISOString()}::timestamptz`);
    expect(rowsOf<{ n: number }>(causes)[0]!.n / during.attempts).toBeGreaterThan(0.3);
    // The other upstreams carry on as usual in that hour.
    const all = qualityMetrics(await getRollupTotals(test.db, { accountIds: demoIds, grain: '5m', ...window }));
    const othersAnswered = all.answered - during.answered;
    expect(othersAnswered / (all.attempts - during.attempts)).toBeGreaterThan(0.55);
    // The account it hits sees it in its US traffic through its trunk group.
    const west = qualityMetrics(await getRollupTotals(test.db, { accountIds: [tenants.west.id], grain: '5m', ...window, trunkGroupId: first.incident.trunkGroupId, destination: DEMO_INCIDENT.destination }));
    expect(west.asr!).toBeLessThan(0.4);
  });

  it('adds nothing when run again: every call is a duplicate', async () => {
    const again = await seedDemoCdrs(test.db, { now, days });
    expect(again).toMatchObject({ accepted: 0, duplicates: first.accepted, rejected: 0 });
    const groups = await test.db.select().from(trunkGroups);
    expect(groups).toHaveLength(3);
  }, 120_000);

  it('gives Globex no calls', async () => {
    const globex = await getRollupTotals(test.db, { accountIds: [tenants.globex.id, tenants.globexBranch.id], grain: '1d', from, to: now });
    expect(globex.attempts).toBe(0);
  });
});

describe('demo calls after the seed', () => {
  const test = useTestDatabase();

  it('go on arriving as the generator makes them: only calls begun since and ended by now, each once', async () => {
    await seedTwoTenants(test.db);
    await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'voicetel demo', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false });
    const since = new Date('2026-11-18T15:00:00Z');
    const first = await ingestDemoLiveCalls(test.db, { since, now: new Date('2026-11-18T15:30:00Z') });
    expect(first).toBeGreaterThan(5);
    const later = await ingestDemoLiveCalls(test.db, { since, now: new Date('2026-11-18T16:00:00Z') });
    expect(later).toBeGreaterThan(0);
    expect(await ingestDemoLiveCalls(test.db, { since, now: new Date('2026-11-18T16:00:00Z') })).toBe(0);
    const rows = rowsOf<{ first: string; last: string; n: string }>(
      await test.db.execute(sql`SELECT min(invite_at) AS first, max(end_at) AS last, count(*) AS n FROM cdrs WHERE source = ${DEMO_LIVE_CDR_SOURCE}`),
    );
    expect(new Date(rows[0]!.first).getTime()).toBeGreaterThanOrEqual(since.getTime());
    expect(new Date(rows[0]!.last).getTime()).toBeLessThanOrEqual(new Date('2026-11-18T16:00:00Z').getTime());
    expect(Number(rows[0]!.n)).toBe(first + later);
  });
});
