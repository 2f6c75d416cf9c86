/**
 * A re-rating that fails is never lost silently: a `rerate-cdrs` job that throws is retried with
 * backoff, then failed on the staff jobs page with a Retry; a re-rating run at once after a deck
 * assignment that fails is queued instead, and the staff answer says it is queued, not done. The
 * failure is a real one: the database refuses every change to the stored calls for a while.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle, type Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { providerConnections, rateDeckAssignments, rateDeckEntries, rateDecks, rateDeckVersions } from '@/lib/db/schema';
import { QUEUES } from '@/lib/jobs';
import { currentJobRunner, stopJobs } from '@/lib/jobs/lifecycle';
import { deadLetterQueueOf, type JobRunner } from '@/lib/jobs/runner';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { getJobsOverview, retryFailedJob } from '@/lib/services/jobs';
import { assignRateDeck, reratingNote } from '@/lib/services/rate-decks';
import { RERATE_QUEUE } from '@/lib/services/rerating';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { startTestRunner, waitFor, waitForJob } from '../support/jobs';

const DAY = 86_400_000;

async function createDeckWithRate(db: Db, name: string, rate: string) {
  const [deck] = await db.insert(rateDecks).values({ name, purpose: 'sell' }).returning();
  const [version] = await db.insert(rateDeckVersions).values({ deckId: deck!.id, version: 1, effectiveFrom: new Date(Date.now() - 90 * DAY), entryCount: 1 }).returning();
  await db.insert(rateDeckEntries).values({ versionId: version!.id, kind: 'termination', prefix: '1', destination: 'United States', rate });
  return deck!.id;
}

/** The database refuses any change to stored calls, as a failing disk or a maintenance lock would. */
async function refuseCallUpdates(db: Db) {
  await db.execute(sql`CREATE OR REPLACE FUNCTION refuse_cdr_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'stored calls are read-only for maintenance'; END $$`);
  await db.execute(sql`CREATE OR REPLACE TRIGGER refuse_cdr_updates BEFORE UPDATE ON cdrs FOR EACH ROW EXECUTE FUNCTION refuse_cdr_updates()`);
}

async function allowCallUpdates(db: Db) {
  await db.execute(sql`DROP TRIGGER IF EXISTS refuse_cdr_updates ON cdrs`);
}

describe('re-rating failures', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const runners: JobRunner[] = [];
  const charges = async () =>
    rowsOf<{ source_id: string; charge: string | null }>(await test.db.execute(sql`SELECT source_id, charge::text AS charge FROM cdrs WHERE source = 'rerating-failures' ORDER BY source_id`)).map((row) => row.charge);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await test.db.delete(rateDeckAssignments);
    await test.db.update(rateDecks).set({ isDefault: false });
    const [connection] = await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'Re-rating upstream', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: 'unused' }).returning();
    const call = (sourceId: string, inviteAt: Date): CdrInput => ({
      source: 'rerating-failures',
      sourceId,
      accountId: tenants.globex.id,
      direction: 'outbound',
      from: '+13125550100',
      to: '+14155550100',
      inviteAt,
      answerAt: new Date(inviteAt.getTime() + 2000),
      endAt: new Date(inviteAt.getTime() + 62_000),
      sipCode: 200,
      billsec: 60,
      connectionId: connection!.id,
    });
    const result = await ingestCdrBatch(test.db, [
      { line: 1, input: call('a', new Date(Date.now() - 2 * DAY)) },
      { line: 2, input: call('b', new Date(Date.now() - 3_600_000)) },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: [] });
    // No deck prices Globex yet.
    expect(await charges()).toEqual([null, null]);
  });

  afterEach(() => allowCallUpdates(test.db));
  afterAll(async () => {
    await stopJobs(1000);
    await Promise.all(runners.map((runner) => runner.stop(1000)));
  });

  it('fails a re-rating job that throws, after retries with backoff, and shows it to staff with a Retry that re-prices the calls', async () => {
    const runner = await startTestRunner(await getDbHandle(), [], { queues: QUEUES.filter((queue) => queue.name === RERATE_QUEUE), retryLimit: 1 });
    runners.push(runner);
    const deckId = await createDeckWithRate(test.db, 'Globex first', '0.0100');
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.globex.id, deckId });
    await refuseCallUpdates(test.db);

    const jobId = (await runner.boss.send(RERATE_QUEUE, { accountId: tenants.globex.id, from: new Date(0).toISOString() }))!;
    const failed = await waitForJob(runner, RERATE_QUEUE, jobId);
    expect(failed.state).toBe('failed');
    expect(failed.retryCount).toBe(1);
    expect(await charges()).toEqual([null, null]);

    const overview = await getJobsOverview(tenants.staff, { runner });
    expect(overview.queues.find((queue) => queue.name === RERATE_QUEUE)).toMatchObject({ kind: 'per-work', failed: 1, deadLettered: 1 });
    const failure = overview.failures.find((entry) => entry.id === jobId);
    expect(failure).toMatchObject({ queue: RERATE_QUEUE, attempts: 2 });
    expect(failure!.error).toContain('read-only for maintenance');
    expect(await runner.boss.getQueue(deadLetterQueueOf(RERATE_QUEUE))).not.toBeNull();

    await allowCallUpdates(test.db);
    await retryFailedJob(tenants.staff, { queue: RERATE_QUEUE, jobId }, { runner });
    expect((await waitForJob(runner, RERATE_QUEUE, jobId)).state).toBe('completed');
    expect(await charges()).toEqual(['0.010000', '0.010000']);
    await runner.stop(1000);
    runners.splice(runners.indexOf(runner), 1);
  });

  it('queues a re-rating that failed when run at once after an assignment, and says so to staff', async () => {
    // No pg-boss in this process: the re-rating runs during the request, and fails.
    expect(currentJobRunner()).toBeUndefined();
    const deckId = await createDeckWithRate(test.db, 'Globex second', '0.0200');
    await refuseCallUpdates(test.db);
    const outcome = await assignRateDeck(tenants.staff, { deckId, accountId: tenants.globex.id });
    expect(outcome).toMatchObject({ changed: true, rerating: 'queued' });
    expect(reratingNote(outcome.rerating)).toMatch(/being priced again in the background/);
    expect(await charges()).toEqual(['0.010000', '0.010000']);

    const queuer = await currentJobRunner()!;
    const [waiting] = rowsOf<{ id: string; data: { accountId: string } }>(
      await test.db.execute(sql`SELECT id::text AS id, data FROM pgboss.job WHERE name = ${RERATE_QUEUE} AND state = 'created'`),
    );
    expect(waiting?.data.accountId).toBe(tenants.globex.id);
    expect((await getJobsOverview(tenants.staff, { runner: queuer })).queues.find((queue) => queue.name === RERATE_QUEUE)).toMatchObject({ queued: 1 });

    // Once the cause is gone, an instance that runs the workers re-prices the calls.
    await allowCallUpdates(test.db);
    const worker = await startTestRunner(await getDbHandle(), [], { queues: QUEUES.filter((queue) => queue.name === RERATE_QUEUE) });
    runners.push(worker);
    expect((await waitForJob(worker, RERATE_QUEUE, waiting!.id)).state).toBe('completed');
    await waitFor(async () => (await charges()).every((charge) => charge === '0.020000'));
  });

  it('says a re-rating run at once is done', async () => {
    await stopJobs(1000);
    const deckId = await createDeckWithRate(test.db, 'Globex third', '0.0300');
    const outcome = await assignRateDeck(tenants.staff, { deckId, accountId: tenants.globex.id });
    expect(outcome).toMatchObject({ changed: true, rerating: 'done' });
    expect(reratingNote(outcome.rerating)).toMatch(/were priced again/);
    expect(await charges()).toEqual(['0.030000', '0.030000']);
  });
});
