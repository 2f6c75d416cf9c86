/**
 * The background jobs on pg-boss: one queue per job with retries, backoff and a dead-letter queue
 * of its own, a cron schedule, and the `stately` policy (at most one queued and one running per
 * queue), so several app instances on one PostgreSQL never run the same sweep at once and a
 * schedule firing on each of them queues it once.
 */
import type { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import type { DbHandle } from '@/lib/db/client';
import { log, redact } from '@/lib/log';
import { pgliteBossDb, postgresBossDb, type BossDb } from './boss-db';

export interface JobDefinition {
  name: string;
  /** Five-field cron in UTC; pg-boss fires a schedule at most once a minute. */
  cron: string;
  /** Also queued when the app starts (a crash may have left work behind). */
  runAtStart?: boolean;
  /** Longest a run may take before pg-boss counts it failed and retries it. */
  expireInSeconds?: number;
  run(): Promise<unknown>;
}

/**
 * A queue worked by a handler with each job's data (no schedule, no pg-boss retries: the service
 * keeps its own attempt schedule and sends the next job with `startAfter`).
 */
export interface QueueDefinition {
  name: string;
  /** Jobs one worker fetches at once (run side by side). */
  batchSize?: number;
  expireInSeconds?: number;
  work(data: unknown): Promise<unknown>;
}

export const JOB_SCHEMA = 'pgboss';
export const RETRY_LIMIT = 3;
/** Seconds before the first retry; pg-boss doubles it (with jitter) for each further one. */
export const RETRY_DELAY_SECONDS = 30;

/** How long a failed job stays in its queue, where staff can retry it, before pg-boss archives it. */
export const FAILED_KEPT_DAYS = 7;

export const deadLetterQueueOf = (name: string) => `${name}.dead-letter`;

export interface JobRunner {
  boss: PgBoss;
  jobs: readonly JobDefinition[];
  /** Whether this process runs the schedules and workers, or only queues and reads. */
  workers: boolean;
  /** Waits up to `timeoutMs` for running jobs, then hands them back to the queue as failed (to be retried). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface JobRunnerOptions {
  handle: DbHandle;
  /** PostgreSQL: where pg-boss opens its own client; by default the URL the handle was opened with. */
  databaseUrl?: string;
  /** Without workers this instance only queues and reads (schedules, maintenance and workers stay off). */
  workers?: boolean;
  pollingIntervalSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  queues?: readonly QueueDefinition[];
}

function bossDbFor(options: JobRunnerOptions): BossDb {
  if (options.handle.driver === 'pglite') return pgliteBossDb((options.handle.db as unknown as { $client: PGlite }).$client);
  const url = options.databaseUrl ?? options.handle.url;
  if (!url) throw new Error('pg-boss on PostgreSQL needs the database URL');
  return postgresBossDb(url);
}

/** What pg-boss stores as a failed job's output: the message only, without secrets or a stack. */
function storedError(error: unknown): Error {
  const message = (redact(error instanceof Error ? error : { name: 'Error', message: String(error) }) as { message: string }).message;
  const stored = new Error(message);
  stored.stack = undefined;
  return stored;
}

export async function startJobRunner(jobs: readonly JobDefinition[], options: JobRunnerOptions): Promise<JobRunner> {
  const workers = options.workers ?? true;
  const db = bossDbFor(options);
  const boss = new PgBoss({ db, schema: JOB_SCHEMA, migrate: true, supervise: workers, schedule: workers, archiveFailedAfterSeconds: FAILED_KEPT_DAYS * 86_400 });
  boss.on('error', (error) => log.error('jobs.boss_error', { error }));
  try {
    await boss.start();
    for (const job of jobs) {
      await boss.createQueue(deadLetterQueueOf(job.name), { name: deadLetterQueueOf(job.name) });
      await boss.createQueue(job.name, {
        name: job.name,
        policy: 'stately',
        retryLimit: options.retryLimit ?? RETRY_LIMIT,
        retryDelay: options.retryDelaySeconds ?? RETRY_DELAY_SECONDS,
        retryBackoff: true,
        expireInSeconds: job.expireInSeconds ?? 15 * 60,
        deadLetter: deadLetterQueueOf(job.name),
      });
    }
    for (const queue of options.queues ?? []) {
      await boss.createQueue(queue.name, { name: queue.name, policy: 'standard', retryLimit: 0, expireInSeconds: queue.expireInSeconds ?? 5 * 60 });
    }
    if (workers) {
      for (const queue of options.queues ?? []) {
        await boss.work(queue.name, { batchSize: queue.batchSize ?? 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (entries) => {
          await Promise.all(
            entries.map(async (entry) => {
              try {
                await queue.work(entry.data);
              } catch (error) {
                log.error('job.failed', { job: queue.name, id: entry.id, error });
              }
            }),
          );
        });
      }
      const names = new Set(jobs.map((job) => job.name));
      // A job removed from the code must not stay scheduled in the database.
      for (const schedule of await boss.getSchedules()) if (!names.has(schedule.name)) await boss.unschedule(schedule.name);
      for (const job of jobs) {
        await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
        await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 5 }, async ([entry]) => {
          const started = Date.now();
          try {
            const result = await job.run();
            log.info('job.done', { job: job.name, id: entry?.id, ms: Date.now() - started });
            return result;
          } catch (error) {
            log.error('job.failed', { job: job.name, id: entry?.id, ms: Date.now() - started, error });
            throw storedError(error);
          }
        });
      }
      for (const job of jobs) if (job.runAtStart) await boss.send(job.name, {});
    }
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await db.close();
    throw error;
  }
  return {
    boss,
    jobs,
    workers,
    async stop(timeoutMs = 3000) {
      const started = Date.now();
      await boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
      await db.close();
      log.info('jobs.stopped', { ms: Date.now() - started });
    },
  };
}
