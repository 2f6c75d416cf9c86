import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCdrPartitions, insertCdrBatch, type CdrRecord } from '@/lib/db/queries/cdrs';
import { rowsOf } from '@/lib/db/rows';
import { applyCdrRetention, partitionEnd } from '@/lib/services/cdr-retention';
import { useTestDatabase } from '../support/db';

describe('CDR partition retention', () => {
  const test = useTestDatabase();
  const accountId = randomUUID();
  // 13 months before 2026-06-15 12:00 UTC: 2025-05-15 12:00.
  const now = new Date('2026-06-15T12:00:00Z');
  const horizon = new Date('2025-05-15T12:00:00Z');

  const call = (id: string, at: string): CdrRecord => ({
    accountId,
    source: 'test-switch',
    sourceId: id,
    direction: 'outbound',
    fromE164: '+13125550100',
    toE164: '+13125550199',
    destinationCountry: 'US',
    destinationPrefix: '1312',
    trunkGroupId: null,
    connectionId: null,
    inviteAt: new Date(at),
    ringingAt: null,
    answerAt: new Date(new Date(at).getTime() + 2000),
    endAt: new Date(new Date(at).getTime() + 62_000),
    sipCode: 200,
    q850Cause: null,
    billsec: 60,
    mos: null,
    upstreamCost: '0.010000',
  });

  const partitions = async () =>
    rowsOf<{ name: string }>(await test.db.execute(sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'cdrs'::regclass ORDER BY 1`)).map((r) => r.name);
  const cdrIds = async () => rowsOf<{ source_id: string }>(await test.db.execute(sql`SELECT source_id FROM cdrs ORDER BY source_id`)).map((r) => r.source_id);
  const rollups = async () =>
    rowsOf<{ grain: string; bucket_start: string | Date }>(await test.db.execute(sql`SELECT grain::text AS grain, bucket_start FROM cdr_rollups ORDER BY bucket_start, grain`)).map(
      (r) => `${r.grain} ${new Date(r.bucket_start).toISOString()}`,
    );

  beforeAll(async () => {
    const records = [
      call('a-2024-12', '2024-12-20T10:00:00Z'),
      call('b-2025-04', '2025-04-30T23:59:00Z'),
      // In May 2025, whose partition reaches past the horizon: kept whole, rows before the horizon too.
      call('c-2025-05-03', '2025-05-03T08:00:00Z'),
      call('d-2025-05-15', '2025-05-15T11:00:00Z'),
      call('e-2025-05-20', '2025-05-20T08:00:00Z'),
      call('f-2026-06', '2026-06-14T08:00:00Z'),
    ];
    await ensureCdrPartitions(test.db, records.map((r) => r.inviteAt));
    await insertCdrBatch(test.db, records);
  });

  it('drops the months wholly past retention as tables, keeps the rest and their rows, and creates three months ahead', async () => {
    const before = await partitions();
    expect(before).toEqual(expect.arrayContaining(['cdrs_2024_12', 'cdrs_2025_04', 'cdrs_2025_05', 'cdrs_2026_06']));

    const result = await applyCdrRetention({ now, months: 13, db: test.db });

    expect(result.horizon).toEqual(horizon);
    expect(result.dropped).toEqual(['cdrs_2024_12', 'cdrs_2025_04']);
    const after = await partitions();
    expect(after).not.toContain('cdrs_2024_12');
    expect(after).not.toContain('cdrs_2025_04');
    expect(after).toEqual(expect.arrayContaining(['cdrs_2025_05', 'cdrs_2026_06', 'cdrs_2026_07', 'cdrs_2026_08', 'cdrs_2026_09']));
    expect(result.created).toEqual(['cdrs_2026_06', 'cdrs_2026_07', 'cdrs_2026_08', 'cdrs_2026_09'].filter((name) => !before.includes(name)));
    // Dropped, not detached and left behind.
    const leftovers = rowsOf<{ name: string | null }>(await test.db.execute(sql`SELECT to_regclass('cdrs_2024_12')::text AS name UNION ALL SELECT to_regclass('cdrs_2025_04')::text`));
    expect(leftovers.map((r) => r.name)).toEqual([null, null]);

    expect(await cdrIds()).toEqual(['c-2025-05-03', 'd-2025-05-15', 'e-2025-05-20', 'f-2026-06']);
    // Rollup buckets that end by the horizon go; the day of 15 May 2025 straddles it and stays.
    expect(await rollups()).toEqual([
      '1d 2025-05-15T00:00:00.000Z',
      '1d 2025-05-20T00:00:00.000Z',
      '1h 2025-05-20T08:00:00.000Z',
      '5m 2025-05-20T08:00:00.000Z',
      '1d 2026-06-14T00:00:00.000Z',
      '1h 2026-06-14T08:00:00.000Z',
      '5m 2026-06-14T08:00:00.000Z',
    ]);
    expect(result.rollupsDeleted).toBe(3 + 3 + 3 + 2);
  });

  it('changes nothing when run again, and calls still land in the kept and new months', async () => {
    const again = await applyCdrRetention({ now, months: 13, db: test.db });
    expect(again).toMatchObject({ created: [], dropped: [], rollupsDeleted: 0 });
    expect(await insertCdrBatch(test.db, [call('g-2026-09', '2026-09-30T23:00:00Z'), call('h-2025-05', '2025-05-31T23:00:00Z')])).toEqual({ accepted: 2 });
  });

  it('refuses a retention that is not a whole number of months', async () => {
    await expect(applyCdrRetention({ now, months: 0, db: test.db })).rejects.toThrow(/whole number of months/);
    await expect(applyCdrRetention({ now, months: 1.5, db: test.db })).rejects.toThrow(/whole number of months/);
  });

  it('reads the month a partition holds from its name only', () => {
    expect(partitionEnd('cdrs_2025_12')).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(partitionEnd('cdrs_default')).toBeNull();
  });
});
