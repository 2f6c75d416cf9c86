import 'server-only';

/**
 * What operator staff see of the background jobs (scheduled sweeps and the per-work queues services
 * send to, recent failures) and the one thing they may do to them: retry a failed job.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getJobCountsByQueueState, getRecentCompletionsByQueue, getRecentFailedJobs } from '@/lib/db/queries/jobs';
import { AppError } from '@/lib/errors';
import { getJobRunner } from '@/lib/jobs';
import { JOB_SCHEMA, RETRY_LIMIT, deadLetterQueueOf, type JobRunner } from '@/lib/jobs/runner';

export { FAILED_KEPT_DAYS } from '@/lib/jobs/runner';
import { recordPlatformAudit } from './audit';
import { assertStaff } from './providers';

/** How far back "completed recently" and "recent failures" look. */
export const RECENT_HOURS = 24;
const FAILURE_LIMIT = 50;
const FAILURES_PER_QUEUE = 10;

export interface QueueView {
  name: string;
  /** A sweep on a schedule, or a queue of one job per piece of work that services send. */
  kind: 'scheduled' | 'per-work';
  /** Scheduled: the cron; per-work: null. */
  cron: string | null;
  /** The cron in words, e.g. "every 15 minutes", or what one job of a per-work queue is. */
  schedule: string;
  runAtStart: boolean;
  /** Retries of a failing job before it is failed for good. */
  retryLimit: number;
  queued: number;
  active: number;
  /** Failed for good (retries spent) and still retryable. */
  failed: number;
  /** Copies in the queue's dead-letter queue, kept for inspection. */
  deadLettered: number;
  completedRecently: number;
  lastCompletedAt: Date | null;
}

export interface FailedJobView {
  id: string;
  queue: string;
  failedAt: Date;
  attempts: number;
  error: string;
}

export interface JobsOverview {
  /** False when this app instance runs no workers (JOBS=0, or pg-boss failed to start with the server). */
  workersRunning: boolean;
  queues: QueueView[];
  failures: FailedJobView[];
  retryLimit: number;
}

/** postgres.js answers `execute` with the rows, PGlite with `{ rows }`. */
const count = (value: unknown) => Number(value ?? 0);
const dateOf = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

/** The schedules the jobs use, in words; anything else is shown as the cron itself. */
export function describeCron(cron: string): string {
  const [minute, hour, day, month, weekday] = cron.split(' ');
  if (/^\d+$/.test(minute ?? '') && /^\d+$/.test(hour ?? '') && /^\d+$/.test(day ?? '') && month === '*' && weekday === '*') {
    return `monthly on day ${day} at ${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')} (UTC)`;
  }
  if (day !== '*' || month !== '*' || weekday !== '*') return `cron ${cron} (UTC)`;
  if (/^\d+$/.test(minute ?? '') && /^\d+$/.test(hour ?? '')) return `every day at ${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')} (UTC)`;
  if (minute === '*' && hour === '*') return 'every minute';
  const everyMinutes = /^\*\/(\d+)$/.exec(minute ?? '');
  if (everyMinutes && hour === '*') return `every ${everyMinutes[1]} minutes`;
  const everyHours = /^\*\/(\d+)$/.exec(hour ?? '');
  if (/^\d+$/.test(minute ?? '') && everyHours) return `every ${everyHours[1]} hours, at ${minute!.padStart(2, '0')} past the hour (UTC)`;
  if (/^\d+$/.test(minute ?? '') && hour === '*') return `every hour at ${minute!.padStart(2, '0')} past`;
  return `cron ${cron} (UTC)`;
}

async function runnerFor(runner?: JobRunner) {
  return runner ?? getJobRunner();
}

const queueNamesOf = (runner: JobRunner) => [...runner.jobs.map((job) => job.name), ...runner.queues.map((queue) => queue.name)];

export async function getJobsOverview(user: SessionUser, options: { runner?: JobRunner } = {}): Promise<JobsOverview> {
  assertStaff(user);
  const runner = await runnerFor(options.runner);
  const db = await getDb();
  const queueNames = queueNamesOf(runner);
  const names = queueNames.flatMap((name) => [name, deadLetterQueueOf(name)]);
  const since = new Date(Date.now() - RECENT_HOURS * 3600_000).toISOString();
  const stateRows = await getJobCountsByQueueState(db, { schema: JOB_SCHEMA, names });
  const completedRows = await getRecentCompletionsByQueue(db, { schema: JOB_SCHEMA, names, since });
  // Per queue too: a burst of failed e-mails during an SMTP outage must not hide a failed re-rating.
  const failureRows = (await Promise.all(queueNames.map((name) => getRecentFailedJobs(db, { schema: JOB_SCHEMA, names: [name], limit: FAILURES_PER_QUEUE }))))
    .flat()
    .sort((a, b) => new Date(b.completed_on).getTime() - new Date(a.completed_on).getTime())
    .slice(0, FAILURE_LIMIT);

  const stateCount = (name: string, ...states: string[]) =>
    stateRows.filter((row) => row.name === name && states.includes(row.state)).reduce((sum, row) => sum + count(row.count), 0);
  const counts = (name: string) => {
    const completed = completedRows.find((row) => row.name === name);
    return {
      queued: stateCount(name, 'created', 'retry'),
      active: stateCount(name, 'active'),
      failed: stateCount(name, 'failed'),
      deadLettered: stateCount(deadLetterQueueOf(name), 'created', 'retry', 'active', 'completed', 'failed'),
      completedRecently: count(completed?.count),
      lastCompletedAt: dateOf(completed?.last_completed_at),
    };
  };
  return {
    workersRunning: runner.workers,
    retryLimit: RETRY_LIMIT,
    queues: [
      ...runner.jobs.map((job): QueueView => ({ name: job.name, kind: 'scheduled', cron: job.cron, schedule: describeCron(job.cron), runAtStart: job.runAtStart ?? false, retryLimit: RETRY_LIMIT, ...counts(job.name) })),
      ...runner.queues.map(
        (queue): QueueView => ({ name: queue.name, kind: 'per-work', cron: null, schedule: `on demand: ${queue.description}`, runAtStart: false, retryLimit: queue.retryLimit ?? RETRY_LIMIT, ...counts(queue.name) }),
      ),
    ],
    failures: failureRows.map((row) => ({
      id: row.id,
      queue: row.name,
      failedAt: new Date(row.completed_on),
      attempts: count(row.retry_count) + 1,
      error: row.message ?? 'no message recorded',
    })),
  };
}

/** Runs a failed job once more (pg-boss gives it one more attempt); recorded in the audit log. */
export async function retryFailedJob(user: SessionUser, input: { queue: string; jobId: string }, options: { ip?: string; runner?: JobRunner } = {}) {
  assertStaff(user);
  const runner = await runnerFor(options.runner);
  if (!queueNamesOf(runner).includes(input.queue)) throw new AppError('not_found:job');
  const job = await runner.boss.getJobById(input.queue, input.jobId);
  if (!job) throw new AppError('not_found:job');
  if (job.state !== 'failed') throw new AppError('conflict:job', 'That job is no longer failed; reload the page.');
  try {
    await runner.boss.retry(input.queue, input.jobId);
  } catch (error) {
    // A stately queue holds one waiting retry at a time.
    throw new AppError('conflict:job', 'A retry of this job is already waiting to run.', { cause: error });
  }
  const retried = await runner.boss.getJobById(input.queue, input.jobId);
  if (retried?.state !== 'retry') throw new AppError('conflict:job', 'A retry of this job is already waiting to run.');
  const db = await getDb();
  await recordPlatformAudit(db, user, { action: 'job.retry', targetType: 'job', targetId: input.jobId, before: { queue: input.queue, state: 'failed' }, after: { state: 'retry' }, ip: options.ip });
}
