import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRollupSeries, getRollupTotals, rebuildCdrRollups } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';
import { trunkGroups } from '@/lib/db/schema';
import { qualityMetrics } from '@/lib/quality/metrics';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const HOUR = 3600_000;

/**
 * The store and its rollups, against figures worked out by hand: ten calls in one 5-minute bucket,
 * re-sent, sent late, and mixed with bad rows.
 */
describe('CDR store and rollups', () => {
  const test = useTestDatabase();
  let accountId: string;
  const bucket = new Date(Math.floor((Date.now() - 5 * HOUR) / 300_000) * 300_000);
  const at = (ms: number) => new Date(bucket.getTime() + ms);

  // 6 answered (billsec 30, 60, 90, 120, 3, 5 → 308 s; two short), 486 busy, 487 cancelled, 503 failed, 408 timeout.
  // PDD known on 8: 500, 700, 900, 1100, 1500, 2500, 3000, 9000 ms; unknown on 2.
  const calls: Omit<CdrInput, 'source' | 'sourceId'>[] = [
    { direction: 'outbound', from: '+13125550100', to: '+14155551212', inviteAt: at(0), ringingAt: at(500), answerAt: at(3000), endAt: at(33000), sipCode: 200, billsec: 30 },
    { direction: 'outbound', from: '+13125550100', to: '+14155551213', inviteAt: at(1000), ringingAt: at(1700), answerAt: at(5000), endAt: at(65000), sipCode: 200, billsec: 60 },
    { direction: 'outbound', from: '+13125550100', to: '+525512345678', inviteAt: at(2000), ringingAt: at(2900), answerAt: at(6000), endAt: at(96000), sipCode: 200, billsec: 90, mos: 4.2 },
    { direction: 'outbound', from: '+13125550100', to: '+525512345679', inviteAt: at(3000), ringingAt: at(4100), answerAt: at(7000), endAt: at(127000), sipCode: 200, billsec: 120, mos: 3.8 },
    { direction: 'inbound', from: '+442079460958', to: '+13125550100', inviteAt: at(4000), ringingAt: at(5500), answerAt: at(8000), endAt: at(11000), sipCode: 200, billsec: 3 },
    { direction: 'inbound', from: '+442079460958', to: '+13125550100', inviteAt: at(5000), answerAt: at(9000), endAt: at(14000), sipCode: 200 },
    { direction: 'outbound', from: '+13125550100', to: '+14155551214', inviteAt: at(6000), ringingAt: at(8500), endAt: at(9000), sipCode: 486 },
    { direction: 'outbound', from: '+13125550100', to: '+14155551215', inviteAt: at(7000), ringingAt: at(10000), endAt: at(30000), sipCode: 487 },
    { direction: 'outbound', from: '+13125550100', to: '+14155551216', inviteAt: at(8000), ringingAt: at(17000), endAt: at(20000), sipCode: 503, q850Cause: 38 },
    { direction: 'outbound', from: '+13125550100', to: '+14155551217', inviteAt: at(9000), endAt: at(41000), sipCode: 408 },
  ];
  const batch = (source = 'switch-a') => calls.map((call, i) => ({ line: i + 1, input: { ...call, source, sourceId: `call-${i}`, accountId } }));
  const window = () => ({ accountIds: [accountId], from: new Date(bucket.getTime() - HOUR), to: new Date(bucket.getTime() + HOUR) });

  beforeAll(async () => {
    const tenants = await seedTwoTenants(test.db);
    accountId = tenants.globex.id;
  });

  it('counts ten calls into every grain with the hand-computed figures', async () => {
    const result = await ingestCdrBatch(test.db, batch());
    expect(result).toEqual({ accepted: 10, duplicates: 0, rejected: [], unattributed: 0 });
    for (const grain of ['5m', '1h', '1d'] as const) {
      const totals = await getRollupTotals(test.db, { ...window(), grain, from: new Date(bucket.getTime() - 2 * 86_400_000), to: new Date(bucket.getTime() + 2 * 86_400_000) });
      expect(totals.attempts).toBe(10);
    }
    const totals = await getRollupTotals(test.db, { ...window(), grain: '5m' });
    const metrics = qualityMetrics(totals);
    expect(metrics.attempts).toBe(10);
    expect(metrics.answered).toBe(6);
    expect(metrics.asr).toBeCloseTo(0.6);
    // NER: 6 answered + 486 busy + 487 caller cancelled = 8 of 10; 503 and 408 are the network's failures.
    expect(metrics.ner).toBeCloseTo(0.8);
    // billsec 30+60+90+120+3 and the sixth derived from answer→end: 5 s → 308 s over 6 answered.
    expect(totals.billsec).toBe(308);
    expect(metrics.acd).toBeCloseTo(308 / 6);
    expect(totals.shortCalls).toBe(2);
    expect(totals.pddKnown).toBe(8);
    expect(metrics.pddUnknownShare).toBeCloseTo(0.2);
    // Bucket i holds [bound i-1, bound i): 500→b5 [400,560), 700→b6, 900 and 1100→b7 [800,1120), 1500→b8, 2500 and 3000→b10 [2240,3200), 9000→b14 [8960,12800).
    expect(totals.pddHistogram).toEqual([0, 0, 0, 0, 0, 1, 1, 2, 1, 0, 2, 0, 0, 0, 1, 0]);
    // p50: rank 4 of 8 falls in [800,1120) holding ranks 3–4 → its top, 1120 ms.
    expect(metrics.pddP50Ms).toBe(1120);
    // p95: rank 7.6 falls in [8960,12800) holding rank 8 alone → 8960 + 0.6 × 3840.
    expect(metrics.pddP95Ms).toBe(Math.round(8960 + 0.6 * 3840));
    expect(metrics.mos).toBeCloseTo(4.0);
    const series = await getRollupSeries(test.db, { ...window(), grain: '5m' });
    expect(series.map((point) => [point.bucketStart.getTime(), point.attempts])).toEqual([[bucket.getTime(), 10]]);
  });

  it('takes a re-sent batch as duplicates and leaves the rollups alone', async () => {
    const again = await ingestCdrBatch(test.db, batch());
    expect(again).toMatchObject({ accepted: 0, duplicates: 10 });
    expect((await getRollupTotals(test.db, { ...window(), grain: '5m' })).attempts).toBe(10);
  });

  it('puts a late call in the bucket of its own time, in its own month partition', async () => {
    const old = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 15, 10, 2, 0));
    const late = await ingestCdrBatch(test.db, [
      { line: 1, input: { source: 'switch-a', sourceId: 'late-1', accountId, direction: 'outbound', from: '+13125550100', to: '+14155551212', inviteAt: old, answerAt: new Date(old.getTime() + 4000), endAt: new Date(old.getTime() + 64000), sipCode: 200 } },
    ]);
    expect(late.accepted).toBe(1);
    const series = await getRollupSeries(test.db, { accountIds: [accountId], grain: '5m', from: new Date(old.getTime() - HOUR), to: new Date(old.getTime() + HOUR) });
    expect(series.map((point) => [point.bucketStart.toISOString(), point.attempts, point.billsec])).toEqual([[new Date(old.getTime() - 120_000).toISOString(), 1, 60]]);
    const month = `cdrs_${old.toISOString().slice(0, 4)}_${old.toISOString().slice(5, 7)}`;
    const rows = rowsOf<{ n: number }>(await test.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(month)} WHERE source_id = 'late-1'`));
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('rejects bad rows alone, by line, and stores the rest', async () => {
    const good = { source: 'switch-b', accountId, direction: 'outbound' as const, from: '+13125550100', to: '+14155551212', inviteAt: at(20_000), sipCode: 486 };
    const result = await ingestCdrBatch(test.db, [
      { line: 1, input: { ...good, sourceId: 'ok-1' } },
      { line: 2, input: { ...good, sourceId: 'bad-to', to: 'not a number' } },
      { line: 3, input: { ...good, sourceId: 'bad-sip', sipCode: 42 } },
      { line: 4, input: { ...good, sourceId: 'answered-without-answer', sipCode: 200 } },
      { line: 5, input: { ...good, sourceId: 'future', inviteAt: new Date(Date.now() + 3_600_000) } },
      { line: 6, input: { ...good, sourceId: 'end-before-invite', endAt: at(10_000) } },
      { line: 7, input: { ...good, sourceId: 'ok-2', to: '+999999' } },
      { line: 8, input: { ...good, sourceId: 'ok-3' } },
      // Older than retention keeps calls (13 months): refused, not a partition for a month long gone.
      { line: 9, input: { ...good, sourceId: 'ancient', inviteAt: new Date('1999-03-01T00:00:00Z') } },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 9]);
    expect(result.rejected.find((r) => r.line === 4)!.reason).toMatch(/answer_at is missing/);
    expect(result.rejected.find((r) => r.line === 9)!.reason).toBe('invite_at is older than the 13 months calls are kept (CDR_RETENTION_MONTHS).');
    expect(rowsOf<{ n: number }>(await test.db.execute(sql`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'cdrs_1999_03'`))[0]!.n).toBe(0);
  });

  it('keeps a call of another tenant out of a scoped push', async () => {
    const other = rowsOf<{ id: string }>(await test.db.execute(sql`SELECT id FROM accounts WHERE id <> ${accountId}::uuid LIMIT 1`))[0]!.id;
    const result = await ingestCdrBatch(
      test.db,
      [{ line: 1, input: { source: 'switch-c', sourceId: 'x', accountId: other, direction: 'outbound', from: '+13125550100', to: '+14155551212', inviteAt: at(0), sipCode: 486 } }],
      { accountIds: new Set([accountId]) },
    );
    expect(result.accepted).toBe(0);
    expect(result.rejected[0]!.reason).toMatch(/not an account this key may write for/);
  });

  it('answers another tenant\'s trunk group exactly as one that does not exist', async () => {
    const [other] = rowsOf<{ id: string }>(await test.db.execute(sql`SELECT id FROM accounts WHERE id <> ${accountId}::uuid LIMIT 1`));
    const [foreign] = await test.db
      .insert(trunkGroups)
      .values({ accountId: other!.id, name: 'Foreign SBC', direction: 'both', auth: 'ip', allowedIps: ['198.51.100.7/32'], destinations: [], codecs: ['PCMU'] })
      .returning();
    const trunkGroupIds = [foreign!.id, '00000000-0000-4000-8000-000000000000'];
    const result = await ingestCdrBatch(
      test.db,
      trunkGroupIds.map((trunkGroupId, i) => ({ line: i + 1, input: { source: 'switch-c', sourceId: `tg-${i}`, trunkGroupId, direction: 'outbound' as const, from: '+13125550100', to: '+14155551212', inviteAt: at(0), sipCode: 486 } })),
      { accountIds: new Set([accountId]) },
    );
    expect(result.accepted).toBe(0);
    expect(new Set(result.rejected.map((r) => r.reason))).toEqual(new Set(['trunk_group_id is not a trunk group this key may write for.']));
  });

  it('rebuilds rollups from the stored calls to the same counters ingest kept', async () => {
    const day = new Date(Date.UTC(bucket.getUTCFullYear(), bucket.getUTCMonth(), bucket.getUTCDate()));
    const range = { accountId, from: day, to: new Date(day.getTime() + 86_400_000) };
    const before = await getRollupSeries(test.db, { accountIds: [accountId], grain: '5m', from: range.from, to: range.to });
    await rebuildCdrRollups(test.db, range);
    const after = await getRollupSeries(test.db, { accountIds: [accountId], grain: '5m', from: range.from, to: range.to });
    expect(after).toEqual(before);
  });
});
