/**
 * The background jobs on pg-boss (issue 11.5), on PGlite and on PostgreSQL alike: a job runs, a
 * failing one is retried with backoff and dead-lettered, staff retry it, and two app instances
 * never run the same sweep at once.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDbHandle } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/schema';
import { JOBS } from '@/lib/jobs';
import { deadLetterQueueOf, type JobDefinition, type JobRunner } from '@/lib/jobs/runner';
import { getJobsOverview, retryFailedJob } from '@/lib/services/jobs';
import { isAppError } from '@/lib/errors';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { outputOf, startTestRunner, waitFor, waitForJob } from '../support/jobs';

const NEVER = '0 0 1 1 *';

describe('jobs on pg-boss', () => {
  const test = useTestDatabase();
  const runners: JobRunner[] = [];
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop(1000)));
  });
  const start = async (jobs: JobDefinition[], options: { retryLimit?: number; workers?: boolean } = {}) => {
    const runner = await startTestRunner(await getDbHandle(), jobs, options);
    runners.push(runner);
    return runner;
  };

  it('schedules every job of the app on its own queue with retries, backoff and a dead-letter queue', async () => {
    const runner = await start([...JOBS], {});
    const queues = await runner.boss.getQueues();
    const schedules = await runner.boss.getSchedules();
    for (const job of JOBS) {
      const queue = queues.find((candidate) => candidate.name === job.name);
      expect(queue, job.name).toMatchObject({ policy: 'stately', retryBackoff: true, deadLetter: deadLetterQueueOf(job.name) });
      expect(queue!.retryLimit).toBeGreaterThan(0);
      expect(queues.some((candidate) => candidate.name === deadLetterQueueOf(job.name))).toBe(true);
      expect(schedules.find((schedule) => schedule.name === job.name)?.cron).toBe(job.cron);
    }
    // The start-up runs are queued at start and finish through the workers.
    const vacuum = await waitFor(async () => (await getJobsOverview(tenants.staff, { runner })).queues.find((queue) => queue.name === 'vacuum-embedded-database' && queue.completedRecently > 0));
    expect(vacuum.failed).toBe(0);
    await runner.stop(1000);
    runners.splice(runners.indexOf(runner), 1);
  });

  it('runs a job through pg-boss and keeps what it returned', async () => {
    let runs = 0;
    const runner = await start([{ name: 'probe-ok', cron: NEVER, run: async () => ({ runs: ++runs }) }]);
    const id = await runner.boss.send('probe-ok', {});
    const job = await waitForJob(runner, 'probe-ok', id!);
    expect(job.state).toBe('completed');
    expect(outputOf(job)).toEqual({ runs: 1 });
  });

  it('retries a failing job with growing delays, then dead-letters it; staff retry runs it again', async () => {
    const attempts: number[] = [];
    let healthy = false;
    const runner = await start([
      {
        name: 'probe-failing',
        cron: NEVER,
        run: async () => {
          attempts.push(Date.now());
          if (!healthy) throw new Error('upstream said no to https://api.example/v1/dids?auth_token=hunter2');
          return { recovered: true };
        },
      },
    ], { retryLimit: 2 });
    const id = (await runner.boss.send('probe-failing', {}))!;
    const failed = await waitForJob(runner, 'probe-failing', id, 25_000);
    expect(failed.state).toBe('failed');
    expect(attempts).toHaveLength(3);
    // pg-boss waits retryDelay·2^n/2·(1+jitter) seconds: at least 1 s, then at least 2 s.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(1900);

    const dead = await runner.boss.fetch<unknown>(deadLetterQueueOf('probe-failing'), { includeMetadata: true });
    expect(dead).toHaveLength(1);
    expect((dead[0]!.output as { message: string }).message).toContain('upstream said no');
    await runner.boss.complete(deadLetterQueueOf('probe-failing'), dead[0]!.id);

    const overview = await getJobsOverview(tenants.staff, { runner });
    const failure = overview.failures.find((entry) => entry.id === id);
    expect(failure).toMatchObject({ queue: 'probe-failing', attempts: 3 });
    // The stored error is the message only, with secrets redacted.
    expect(failure!.error).toContain('upstream said no');
    expect(failure!.error).not.toContain('hunter2');
    expect(overview.queues.find((queue) => queue.name === 'probe-failing')).toMatchObject({ failed: 1, deadLettered: 1 });

    healthy = true;
    await retryFailedJob(tenants.staff, { queue: 'probe-failing', jobId: id }, { runner, ip: '127.0.0.1' });
    const rerun = await waitForJob(runner, 'probe-failing', id);
    expect(rerun.state).toBe('completed');
    expect(outputOf(rerun)).toEqual({ recovered: true });
    expect(attempts).toHaveLength(4);
    const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'job.retry'), eq(auditEvents.targetId, id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorEmail).toBe(tenants.staff.email);
    expect((await getJobsOverview(tenants.staff, { runner })).failures.some((entry) => entry.id === id)).toBe(false);
  });

  it('lets only staff read the queues or retry, and only failed jobs of known queues', async () => {
    const runner = await start([{ name: 'probe-ok', cron: NEVER, run: async () => ({}) }]);
    const customer = { id: tenants.globex.id, email: 'owner@globex.example', name: 'Gina', isOperatorStaff: false };
    await expect(getJobsOverview(customer, { runner })).rejects.toSatisfy((error) => isAppError(error) && error.kind === 'forbidden');
    const id = (await runner.boss.send('probe-ok', {}))!;
    await expect(retryFailedJob(customer, { queue: 'probe-ok', jobId: id }, { runner })).rejects.toSatisfy((error) => isAppError(error) && error.kind === 'forbidden');
    await waitForJob(runner, 'probe-ok', id);
    await expect(retryFailedJob(tenants.staff, { queue: 'probe-ok', jobId: id }, { runner })).rejects.toSatisfy((error) => isAppError(error) && error.code === 'conflict:job');
    await expect(retryFailedJob(tenants.staff, { queue: 'no-such-queue', jobId: id }, { runner })).rejects.toSatisfy((error) => isAppError(error) && error.code === 'not_found:job');
    expect((await getJobsOverview(tenants.staff, { runner })).workersRunning).toBe(true);
    // An instance that runs no workers (JOBS=0) reads the same queues and says so.
    const reader = await start([{ name: 'probe-ok', cron: NEVER, run: async () => ({}) }], { workers: false });
    const seen = await getJobsOverview(tenants.staff, { runner: reader });
    expect(seen.workersRunning).toBe(false);
    expect(seen.queues.find((queue) => queue.name === 'probe-ok')!.completedRecently).toBeGreaterThan(0);
  });

  it('runs a sweep once when two instances queue it together, and never twice at the same time', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let runs = 0;
    const sweep: JobDefinition = {
      name: 'probe-sweep',
      cron: NEVER,
      run: async () => {
        running += 1;
        runs += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 400));
        running -= 1;
        return { runs };
      },
    };
    // Two app instances: on PostgreSQL each has its own pg-boss client and connections.
    const [first, second] = [await start([sweep]), await start([sweep])];
    const sent = await Promise.all([first.boss.send('probe-sweep', {}), second.boss.send('probe-sweep', {}), first.boss.send('probe-sweep', {})]);
    // One is queued; a second is taken only if a worker had already started the first (one waiting, one running).
    const accepted = sent.filter((id): id is string => Boolean(id));
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(2);
    for (const id of accepted) await waitForJob(first, 'probe-sweep', id);
    expect(runs).toBe(accepted.length);

    // Sent one after another, while one runs another may wait, but they never overlap.
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const id = await (index % 2 ? second : first).boss.send('probe-sweep', {});
      if (id) ids.push(id);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    for (const id of ids) await waitForJob(first, 'probe-sweep', id);
    expect(ids.length).toBeGreaterThan(1);
    expect(runs).toBe(accepted.length + ids.length);
    expect(mostAtOnce).toBe(1);
  });
});
