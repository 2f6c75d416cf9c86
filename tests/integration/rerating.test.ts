import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMicros } from '@/lib/billing/money';
import { getDbHandle, type Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { invoices, providerConnections, rateDeckAssignments, rateDeckEntries, rateDecks, rateDeckVersions } from '@/lib/db/schema';
import { QUEUES } from '@/lib/jobs';
import { setJobRunner, stopJobs } from '@/lib/jobs/lifecycle';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { RERATE_QUEUE, rerateCalls, requestRerating } from '@/lib/services/rerating';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { startTestRunner, waitForJob } from '../support/jobs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

async function createDeck(db: Db, values: { name: string; purpose?: 'sell' | 'cost'; connectionId?: string }) {
  const [deck] = await db
    .insert(rateDecks)
    .values({ purpose: 'sell', ...values })
    .returning();
  return deck!.id;
}

/** A version with one termination prefix `1` at `rate` a minute, 60/60. */
async function addVersion(db: Db, deckId: string, version: number, effectiveFrom: Date, rate: string) {
  const [created] = await db.insert(rateDeckVersions).values({ deckId, version, effectiveFrom, entryCount: 1 }).returning();
  await db.insert(rateDeckEntries).values({ versionId: created!.id, kind: 'termination', prefix: '1', destination: 'United States', rate });
  return created!.id;
}

interface CallRow {
  source_id: string;
  charge: string | null;
  cost: string | null;
  rate_version_id: string | null;
  cost_version_id: string | null;
}

/**
 * Re-rating (issue 15.3): a version published with an effective date in the past, or a new deck
 * assignment, re-prices the calls of un-invoiced periods and never those of an issued invoice;
 * rollups end up summing exactly what the calls hold.
 */
describe('re-rating', () => {
  const test = useTestDatabase();
  const now = Date.now();
  // An issued invoice ends yesterday at noon: yesterday's calls are half invoiced, half not.
  const invoicedUntil = new Date(dayStart(now - DAY) + 12 * HOUR);
  const times = {
    longAgo: new Date(invoicedUntil.getTime() - 10 * DAY),
    morning: new Date(invoicedUntil.getTime() - HOUR),
    afternoon: new Date(invoicedUntil.getTime() + HOUR),
    recent: new Date(now - 10 * 60_000),
  };
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let deckId: string;
  let costDeckId: string;
  let connectionId: string;
  const versions: Record<string, string> = {};

  const callOf = (accountId: string, sourceId: string, inviteAt: Date, to = '+14155550100'): CdrInput => ({
    source: 'rerating-test',
    sourceId,
    accountId,
    direction: 'outbound',
    from: '+13125550100',
    to,
    inviteAt,
    answerAt: new Date(inviteAt.getTime() + 2000),
    endAt: new Date(inviteAt.getTime() + 62_000),
    sipCode: 200,
    billsec: 60,
    connectionId,
  });
  const callRows = async (): Promise<Map<string, CallRow>> => {
    const rows = rowsOf<CallRow>(
      await test.db.execute(sql`
        SELECT source_id, charge::text AS charge, cost::text AS cost, rate_version_id::text AS rate_version_id, cost_version_id::text AS cost_version_id
        FROM cdrs WHERE source = 'rerating-test'`),
    );
    return new Map(rows.map((row) => [row.source_id, row]));
  };
  /** Every grain's sums per account and day against the calls' own sums. */
  const expectRollupsMatchCalls = async () => {
    const calls = rowsOf<{ account_id: string; day: string; charge: string; cost: string; billed_seconds: string; unrated: string }>(
      await test.db.execute(sql`
        SELECT account_id::text AS account_id, to_char(date_trunc('day', invite_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
          coalesce(sum(charge), 0)::text AS charge, coalesce(sum(cost), 0)::text AS cost, coalesce(sum(billed_seconds), 0)::text AS billed_seconds,
          count(*) FILTER (WHERE rating_error IS NOT NULL OR charge IS NULL)::text AS unrated
        FROM cdrs GROUP BY 1, 2 ORDER BY 1, 2`),
    );
    expect(calls.length).toBeGreaterThan(0);
    const normalise = (rows: typeof calls) => rows.map((row) => ({ ...row, charge: parseMicros(row.charge), cost: parseMicros(row.cost), billed_seconds: Number(row.billed_seconds), unrated: Number(row.unrated) }));
    for (const grain of ['5m', '1h', '1d']) {
      const rollups = rowsOf<(typeof calls)[number]>(
        await test.db.execute(sql`
          SELECT account_id::text AS account_id, to_char(date_trunc('day', bucket_start AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
            sum(charge)::text AS charge, sum(cost)::text AS cost, sum(billed_seconds)::text AS billed_seconds, sum(unrated)::text AS unrated
          FROM cdr_rollups WHERE grain = ${grain}::cdr_rollup_grain GROUP BY 1, 2 ORDER BY 1, 2`),
      );
      expect(normalise(rollups), grain).toEqual(normalise(calls));
    }
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await test.db.delete(rateDeckAssignments);
    await test.db.update(rateDecks).set({ isDefault: false });
    const [connection] = await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'Re-rating upstream', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: 'unused' }).returning();
    connectionId = connection!.id;
    deckId = await createDeck(test.db, { name: 'Acme re-rated' });
    versions.sell1 = await addVersion(test.db, deckId, 1, new Date(now - 90 * DAY), '0.0100');
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.acme.id, deckId });
    costDeckId = await createDeck(test.db, { name: 'Upstream re-rated', purpose: 'cost', connectionId });
    versions.cost1 = await addVersion(test.db, costDeckId, 1, new Date(now - 90 * DAY), '0.0040');

    const batch: { line: number; input: CdrInput }[] = [];
    for (const account of [tenants.acme, tenants.east, tenants.west]) {
      for (const [name, at] of Object.entries(times)) batch.push({ line: batch.length + 1, input: callOf(account.id, `${account.name}-${name}`, at) });
    }
    batch.push({ line: batch.length + 1, input: callOf(tenants.globex.id, 'globex-recent', times.recent) });
    const result = await ingestCdrBatch(test.db, batch);
    expect(result).toMatchObject({ accepted: batch.length, rejected: [] });

    // Acme's invoice up to yesterday noon is issued; a later one was voided and protects nothing.
    const [issued] = await test.db
      .insert(invoices)
      .values({ billingAccountId: tenants.acme.id, number: 'INV-2026-01-0000A', currency: 'USD', periodStart: new Date(invoicedUntil.getTime() - 30 * DAY), periodEnd: invoicedUntil })
      .returning();
    await test.db.update(invoices).set({ status: 'issued', issuedAt: new Date() }).where(eq(invoices.id, issued!.id));
    const [voided] = await test.db
      .insert(invoices)
      .values({ billingAccountId: tenants.acme.id, number: 'INV-2026-01-0000B', currency: 'USD', periodStart: invoicedUntil, periodEnd: new Date(now + DAY) })
      .returning();
    await test.db.update(invoices).set({ status: 'issued', issuedAt: new Date() }).where(eq(invoices.id, voided!.id));
    await test.db.update(invoices).set({ status: 'void', voidedAt: new Date(), voidReason: 'reissued' }).where(eq(invoices.id, voided!.id));
  });

  afterAll(async () => {
    await stopJobs(1000);
  });

  it('starts from calls priced at ingest, with rollups that match', async () => {
    const calls = await callRows();
    expect(calls.size).toBe(13);
    for (const [name, call] of calls) {
      if (name.startsWith('globex')) expect(call).toMatchObject({ charge: null, rate_version_id: null });
      else expect(call, name).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1, cost: '0.004000' });
    }
    await expectRollupsMatchCalls();
  });

  it('re-prices un-invoiced calls at a version effective in the past and leaves the issued period’s calls as they were', async () => {
    versions.sell2 = await addVersion(test.db, deckId, 2, new Date(now - 60 * DAY), '0.0200');
    const outcome = await rerateCalls(test.db, { deckId, from: new Date(now - 60 * DAY) });
    // Three accounts inherit the deck; in each, the afternoon and the recent call change.
    expect(outcome).toMatchObject({ accounts: 3, callsChanged: 6 });
    // Only calls from the invoice's end on were read: yesterday afternoon and today.
    expect(outcome.callsRead).toBe(6);
    const calls = await callRows();
    for (const account of ['Acme Telecom', 'Acme East', 'Acme West']) {
      expect(calls.get(`${account}-longAgo`), account).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1 });
      expect(calls.get(`${account}-morning`), account).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1 });
      expect(calls.get(`${account}-afternoon`), account).toMatchObject({ charge: '0.020000', rate_version_id: versions.sell2, cost: '0.004000' });
      expect(calls.get(`${account}-recent`), account).toMatchObject({ charge: '0.020000', rate_version_id: versions.sell2 });
    }
    // Globex has no deck: nothing of it was read or changed.
    expect(calls.get('globex-recent')).toMatchObject({ charge: null });
    await expectRollupsMatchCalls();
  });

  it('changes nothing when run again', async () => {
    const outcome = await rerateCalls(test.db, { deckId, from: new Date(now - 60 * DAY) });
    expect(outcome).toMatchObject({ callsChanged: 0, daysRebuilt: 0 });
  });

  it('re-prices a sub-account’s calls when it gets a deck of its own, through requestRerating', async () => {
    const eastDeck = await createDeck(test.db, { name: 'East own' });
    versions.east1 = await addVersion(test.db, eastDeck, 1, new Date(now - 90 * DAY), '0.0070');
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.east.id, deckId: eastDeck });
    // No pg-boss in this process: the re-rating runs at once.
    const answer = await requestRerating({ accountId: tenants.east.id, from: new Date(0) });
    expect(answer).toMatchObject({ queued: false, outcome: { accounts: 1, callsChanged: 2 } });
    const calls = await callRows();
    expect(calls.get('Acme East-morning')).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1 });
    expect(calls.get('Acme East-afternoon')).toMatchObject({ charge: '0.007000', rate_version_id: versions.east1 });
    expect(calls.get('Acme East-recent')).toMatchObject({ charge: '0.007000', rate_version_id: versions.east1 });
    expect(calls.get('Acme West-recent')).toMatchObject({ charge: '0.020000', rate_version_id: versions.sell2 });
    await expectRollupsMatchCalls();
  });

  it('re-costs every call over a connection when its cost deck changes, invoiced ones included, without touching their charges', async () => {
    versions.cost2 = await addVersion(test.db, costDeckId, 2, new Date(now - 60 * DAY), '0.0050');
    const outcome = await rerateCalls(test.db, { deckId: costDeckId, from: new Date(now - 60 * DAY) });
    // Every call of the four accounts, Globex's included (it is routed over the connection too).
    expect(outcome).toMatchObject({ accounts: 4, callsRead: 13, callsChanged: 13 });
    const calls = await callRows();
    for (const [name, call] of calls) expect(call.cost, name).toBe('0.005000');
    expect(calls.get('Acme West-morning')).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1, cost_version_id: versions.cost2 });
    expect(calls.get('Acme West-afternoon')).toMatchObject({ charge: '0.020000', rate_version_id: versions.sell2 });
    expect(calls.get('globex-recent')).toMatchObject({ charge: null, cost: '0.005000' });
    await expectRollupsMatchCalls();
  });

  it('queues the re-rating on pg-boss once per deck and start day, and the job does the work', async () => {
    const runner = await startTestRunner(await getDbHandle(), [], { queues: QUEUES.filter((queue) => queue.name === RERATE_QUEUE) });
    setJobRunner(Promise.resolve(runner));
    versions.sell3 = await addVersion(test.db, deckId, 3, new Date(now - 30 * DAY), '0.0300');
    const from = new Date(now - 30 * DAY);
    const first = await requestRerating({ deckId, from });
    expect(first).toMatchObject({ queued: true });
    const jobId = (first as { jobId: string }).jobId;
    expect(jobId).toBeTruthy();
    // Asked again at once: at most one more job, held back to the next slot (it runs after, with the decks as they are then).
    const second = await requestRerating({ deckId, from });
    const third = await requestRerating({ deckId, from });
    expect([second, third].filter((answer) => (answer as { jobId: string | null }).jobId !== null).length).toBeLessThanOrEqual(1);
    const job = await waitForJob(runner, RERATE_QUEUE, jobId);
    expect(job.state).toBe('completed');
    // Acme and West take v3 from the invoice's end on; East keeps its own deck; the issued period stays.
    const calls = await callRows();
    expect(calls.get('Acme West-recent')).toMatchObject({ charge: '0.030000', rate_version_id: versions.sell3 });
    expect(calls.get('Acme Telecom-afternoon')).toMatchObject({ charge: '0.030000', rate_version_id: versions.sell3 });
    expect(calls.get('Acme West-morning')).toMatchObject({ charge: '0.010000', rate_version_id: versions.sell1 });
    expect(calls.get('Acme East-recent')).toMatchObject({ charge: '0.007000' });
    await expectRollupsMatchCalls();
    await stopJobs(1000);
  });

  it('refuses a request without a deck or an account', async () => {
    await expect(requestRerating({ from: new Date() })).rejects.toMatchObject({ code: 'invalid:rerating' });
    await expect(requestRerating({ deckId, accountId: tenants.acme.id, from: new Date() })).rejects.toMatchObject({ code: 'invalid:rerating' });
    await expect(requestRerating({ deckId, from: new Date(Number.NaN) })).rejects.toMatchObject({ code: 'invalid:rerating' });
  });
});
