/** pg-boss runners over the test database, as the app starts them, and a way to wait on a job. */
import type { DbHandle } from '@/lib/db/client';
import { JOB_SCHEMA, startJobRunner, type JobDefinition, type JobRunner, type JobRunnerOptions } from '@/lib/jobs/runner';

/** A runner polling every half second (the app polls every few seconds), retrying after 1 s. */
export async function startTestRunner(handle: DbHandle, jobs: readonly JobDefinition[], options: Partial<JobRunnerOptions> = {}): Promise<JobRunner> {
  return startJobRunner(jobs, { handle, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, ...options });
}

export async function waitFor<T>(read: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the job has finished (completed or failed for good) and returns it. */
export function waitForJob(runner: JobRunner, queue: string, id: string, timeoutMs?: number) {
  return waitFor(async () => {
    const job = await runner.boss.getJobById(queue, id, { includeArchive: true });
    return job && (job.state === 'completed' || job.state === 'failed') ? job : undefined;
  }, timeoutMs);
}

/** What a job returned: pg-boss keeps objects as they are and wraps anything else in `{ value }`. */
export function outputOf(job: { output: unknown }): unknown {
  const output = job.output as Record<string, unknown> | null;
  return output && 'value' in output ? output.value : output;
}

/** Waits for the first finished run of a queue (a run the runner queued by itself, at start). */
export async function waitForFirstRun(runner: JobRunner, queue: string, timeoutMs?: number) {
  const id = await waitFor(async () => {
    const { rows } = await runner.boss.getDb().executeSql(`select id::text as id from ${JOB_SCHEMA}.job where name = $1 and state in ('completed', 'failed') limit 1`, [queue]);
    return (rows[0] as { id: string } | undefined)?.id;
  }, timeoutMs);
  return waitForJob(runner, queue, id);
}
