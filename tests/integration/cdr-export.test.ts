import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDbHandle } from '@/lib/db/client';
import { cdrExports, users } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { QUEUES } from '@/lib/jobs/index';
import { setJobRunner, stopJobs } from '@/lib/jobs/lifecycle';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { CDR_EXPORT_QUEUE, getCdrExport, listCdrExports, requestCdrExport, runCdrExport, sweepCdrExports } from '@/lib/services/cdr-export';
import { requireCdrSearch } from '@/lib/services/cdr-search';
import { GET as download } from '@/app/(portal)/usage/calls/exports/[exportId]/route';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { startTestRunner, waitFor } from '../support/jobs';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const CALLS = 2500;
const START = Date.UTC(2026, 3, 2, 0, 0, 0);

/** Call i: one a minute from START, numbered in its source id; to alternating destinations. */
function callOf(i: number, accountId: string): CdrInput {
  const inviteAt = new Date(START + i * 60_000);
  return {
    source: 'switch-export',
    sourceId: `x${i}`,
    accountId,
    direction: 'outbound',
    from: '+14155552671',
    to: i % 2 === 0 ? '+13125550147' : '+525512345678',
    inviteAt,
    ringingAt: new Date(inviteAt.getTime() + 400),
    answerAt: new Date(inviteAt.getTime() + 2000),
    endAt: new Date(inviteAt.getTime() + 2000 + (i % 300) * 1000),
    sipCode: 200,
  };
}

describe('CDR export', () => {
  const ctx = useTestDatabase();
  let world: Awaited<ReturnType<typeof seedTwoTenants>>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cdr-export-'));
    process.env.DATA_DIR = dataDir;
    resetEnvCache();
    world = await seedTwoTenants(ctx.db);
    for (let offset = 0; offset < CALLS; offset += 1000) {
      const batch = Array.from({ length: Math.min(1000, CALLS - offset) }, (_, j) => ({ line: offset + j + 1, input: callOf(offset + j, world.acme.id) }));
      const result = await ingestCdrBatch(ctx.db, batch);
      expect(result.accepted).toBe(batch.length);
    }
    // Globex's own calls in the same hours: never in Acme's file.
    await ingestCdrBatch(ctx.db, [{ line: 1, input: { ...callOf(5, world.globex.id), sourceId: 'globex-1' } }]);
  });

  afterAll(async () => {
    await stopJobs(1000);
    delete process.env.DATA_DIR;
    resetEnvCache();
    await rm(dataDir, { recursive: true, force: true });
  });

  const april = { from: '2026-04-02', to: '2026-04-03' };

  async function signIn(email: string, accountId: string) {
    const [user] = await ctx.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
  }

  it('streams a search under the threshold directly (estimated from rollups)', async () => {
    const access = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
    expect(await requestCdrExport(access, requireCdrSearch(april))).toEqual({ kind: 'stream', estimate: CALLS });
  });

  it('writes a larger one through the queue job, with progress, and serves the file to the account only', async () => {
    const runner = await startTestRunner(await getDbHandle(), [], { queues: QUEUES.filter((queue) => queue.name === CDR_EXPORT_QUEUE) });
    setJobRunner(Promise.resolve(runner));
    const access = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
    const request = await requestCdrExport(access, requireCdrSearch(april), { threshold: 1000 });
    expect(request).toMatchObject({ kind: 'queued', estimate: CALLS });
    const exportId = (request as { exportId: string }).exportId;
    const done = await waitFor(async () => {
      const [row] = await ctx.db.select().from(cdrExports).where(eq(cdrExports.id, exportId));
      return row?.status === 'done' || row?.status === 'failed' ? row : undefined;
    });
    expect(done).toMatchObject({ status: 'done', rowsWritten: CALLS, rowsTotal: CALLS, filePath: `exports/${exportId}.csv` });
    expect(await readdir(path.join(dataDir, 'exports'))).toEqual([`${exportId}.csv`]);
    const [view] = await listCdrExports(access);
    expect(view).toMatchObject({ id: exportId, status: 'done', downloadHref: `/usage/calls/exports/${exportId}` });

    // The owner downloads it: every call once, newest first, numbers formula-safe.
    await signIn('owner@acme.example', world.acme.id);
    const answer = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}`), { params: Promise.resolve({ exportId }) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="cdrs-2026-04-02-2026-04-03.csv"');
    const lines = (await answer.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(CALLS + 1);
    const cells = lines[1]!.split(',');
    const newest = callOf(CALLS - 1, world.acme.id);
    expect(cells.slice(1, 7)).toEqual([world.acme.id, newest.inviteAt.toISOString(), 'outbound', "'+14155552671", "'+525512345678", 'MX']);
    expect(cells.at(-2)).toBe(String((CALLS - 1) % 300));
    expect(new Set(lines.slice(1).map((line) => line.split(',')[2])).size).toBe(CALLS);
    expect(lines.join('\n')).not.toContain(world.globex.id);

    const progress = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}?progress`), { params: Promise.resolve({ exportId }) });
    expect(await progress.json()).toMatchObject({ status: 'done', rowsWritten: CALLS, rowsTotal: CALLS });

    // Globex's owner, with the id in hand, gets the same 404 as for an unknown export.
    await signIn('owner@globex.example', world.globex.id);
    const foreign = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}`), { params: Promise.resolve({ exportId }) });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: 'not_found:export' } });
    expect(await listCdrExports(await accessAs(ctx.db, 'owner@globex.example', world.globex.id))).toEqual([]);
    // Signed out: refused.
    session.userId = undefined;
    const anonymous = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}`), { params: Promise.resolve({ exportId }) });
    expect(anonymous.status).toBe(401);
    await stopJobs(1000);
  });

  it('keeps an export staff prepared (real upstream names in it) from the account’s own users', async () => {
    const staff = await accessAs(ctx.db, 'staff@carrier.example', world.acme.id);
    const request = await requestCdrExport(staff, requireCdrSearch(april), { threshold: 1000 });
    const exportId = (request as { exportId: string }).exportId;
    expect((await listCdrExports(staff)).map((view) => view.id)).toContain(exportId);
    await expect(getCdrExport(staff, exportId)).resolves.toMatchObject({ id: exportId });
    const owner = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
    expect((await listCdrExports(owner)).map((view) => view.id)).not.toContain(exportId);
    await expect(getCdrExport(owner, exportId)).rejects.toMatchObject({ code: 'not_found:export' });
    await signIn('viewer@acme.example', world.acme.id);
    const refused = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}`), { params: Promise.resolve({ exportId }) });
    expect(refused.status).toBe(404);
    await ctx.db.delete(cdrExports).where(eq(cdrExports.id, exportId));
  });

  it('saves progress after each batch and claims an export once', async () => {
    const access = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
    const request = await requestCdrExport(access, requireCdrSearch(april), { threshold: 10 });
    const exportId = (request as { exportId: string }).exportId;
    const seen: number[] = [];
    // One read at a time: reads overlapping on a pool could finish out of order and look like progress going back.
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const [row] = await ctx.db.select({ rowsWritten: cdrExports.rowsWritten }).from(cdrExports).where(eq(cdrExports.id, exportId));
        if (row) seen.push(row.rowsWritten);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const result = await runCdrExport(exportId, { batchSize: 1000 });
    watching = false;
    await watcher;
    expect(result).toEqual({ rowsWritten: CALLS });
    expect(await runCdrExport(exportId)).toBeUndefined();
    const [row] = await ctx.db.select().from(cdrExports).where(eq(cdrExports.id, exportId));
    expect(row).toMatchObject({ status: 'done', rowsWritten: CALLS });
    // Whatever moments the watcher caught, progress only ever went up, in whole batches.
    expect(seen.every((value, i) => [0, 1000, 2000, CALLS].includes(value) && (i === 0 || value >= seen[i - 1]!))).toBe(true);
  });

  it('deletes expired exports and their files', async () => {
    const before = await readdir(path.join(dataDir, 'exports'));
    expect(before.length).toBe(2);
    const result = await sweepCdrExports(new Date(Date.now() + 8 * 24 * 3_600_000));
    expect(result.deleted).toBe(2);
    expect(await readdir(path.join(dataDir, 'exports'))).toEqual([]);
    expect(await ctx.db.select().from(cdrExports)).toEqual([]);
  });

  it('fails a missing file cleanly: the file of an export is read from its own folder only', async () => {
    const access = await accessAs(ctx.db, 'owner@acme.example', world.acme.id);
    const request = await requestCdrExport(access, requireCdrSearch(april), { threshold: 10 });
    const exportId = (request as { exportId: string }).exportId;
    await runCdrExport(exportId);
    await rm(path.join(dataDir, 'exports', `${exportId}.csv`));
    await signIn('owner@acme.example', world.acme.id);
    const gone = await download(new Request(`http://portal.test/usage/calls/exports/${exportId}`), { params: Promise.resolve({ exportId }) });
    expect(gone.status).toBe(404);
    const bogus = await download(new Request('http://portal.test/usage/calls/exports/..%2F..%2Fauth-secret'), { params: Promise.resolve({ exportId: '../../auth-secret' }) });
    expect(bogus.status).toBe(404);
  });
});
