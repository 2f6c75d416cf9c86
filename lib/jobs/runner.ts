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
 * A queue worked by a handler with each job's data, sent by services (no schedule). A job whose
 * handler throws is retried with backoff like a scheduled one, then failed and dead-lettered, so it
 * shows on the staff jobs page instead of ending "completed".
 */
export interface QueueDefinition {
  name: string;
  /** What one job is, in words for the staff jobs page. */
  description: string;
  /** Jobs one worker fetches at once (run side by side). */
  batchSize?: number;
  expireInSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
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
  queues: readonly QueueDefinition[];
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
  /** Overrides every queue's own retry settings (tests retry sooner). */
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

/**
 * What pg-boss stores as a failed job's output: the message only, without secrets or a stack. A
 * wrapped error (a failed query) leads with its cause, which says what went wrong.
 */
function storedError(error: unknown): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const text = error instanceof Error ? (cause && !error.message.includes(cause) ? `${cause} (${error.message.slice(0, 300)})` : error.message) : String(error);
  const message = (redact({ name: 'Error', message: text }) as { message: string }).message;
  const stored = new Error(message);
  stored.stack = undefined;
  return stored;
}

/**
 * Creates the queue and its dead-letter queue, and brings an existing queue's settings in step with
 * the code (createQueue leaves a queue that exists as it is: per-work queues were once made without retries).
 */
async function ensureQueue(boss: PgBoss, name: string, settings: { policy: 'stately' | 'standard'; retryLimit: number; retryDelay: number; expireInSeconds: number }) {
  await boss.createQueue(deadLetterQueueOf(name), { name: deadLetterQueueOf(name) });
  const queue = { name, ...settings, retryBackoff: true, deadLetter: deadLetterQueueOf(name) };
  await boss.createQueue(name, queue);
  await boss.updateQueue(name, queue);
}

export async function startJobRunner(jobs: readonly JobDefinition[], options: JobRunnerOptions): Promise<JobRunner> {
  const workers = options.workers ?? true;
  const queues = options.queues ?? [];
  const db = bossDbFor(options);
  const boss = new PgBoss({ db, schema: JOB_SCHEMA, migrate: true, supervise: workers, schedule: workers, archiveFailedAfterSeconds: FAILED_KEPT_DAYS * 86_400 });
  boss.on('error', (error) => log.error('jobs.boss_error', { error }));
  try {
    await boss.start();
    for (const job of jobs) {
      await ensureQueue(boss, job.name, {
        policy: 'stately',
        retryLimit: options.retryLimit ?? RETRY_LIMIT,
        retryDelay: options.retryDelaySeconds ?? RETRY_DELAY_SECONDS,
        expireInSeconds: job.expireInSeconds ?? 15 * 60,
      });
    }
    for (const queue of queues) {
      await ensureQueue(boss, queue.name, {
        policy: 'standard',
        retryLimit: options.retryLimit ?? queue.retryLimit ?? RETRY_LIMIT,
        retryDelay: options.retryDelaySeconds ?? queue.retryDelaySeconds ?? RETRY_DELAY_SECONDS,
        expireInSeconds: queue.expireInSeconds ?? 5 * 60,
      });
    }
    if (workers) {
      for (const queue of queues) {
        await boss.work(queue.name, { batchSize: queue.batchSize ?? 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (entries) => {
          // Each job of a batch completes or fails on its own: pg-boss completes only those still active.
          const results = await Promise.all(
            entries.map(async (entry) => {
              const started = Date.now();
              try {
                return await queue.work(entry.data);
              } catch (error) {
                log.error('job.failed', { job: queue.name, id: entry.id, ms: Date.now() - started, error });
                await boss.fail(queue.name, entry.id, storedError(error));
                return undefined;
              }
            }),
          );
          return results.length === 1 ? results[0] : undefined;
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
    queues,
    workers,
    async stop(timeoutMs = 3000) {
      const started = Date.now();
      await boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
      await db.close();
      log.info('jobs.stopped', { ms: Date.now() - started });
    },
  };
}
