/**
 * In-process scheduler for the background jobs. On PostgreSQL several app instances may run it:
 * each run takes a transaction-scoped advisory lock first, so one instance does the work. PGlite
 * is one process with one connection, where a held transaction would block the job's own
 * queries, so there it runs without the lock. (DESIGN.md names pg-boss; these jobs are idempotent
 * sweeps, and an advisory lock is enough until jobs need queues, retries or fan-out.)
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/lib/db/client';
import { log } from '@/lib/log';

export interface Job {
  name: string;
  everyMs: number;
  runAtStart?: boolean;
  run(): Promise<unknown>;
}

function lockKey(name: string): bigint {
  return createHash('sha256').update(`carrier-portal:${name}`).digest().readBigInt64BE(0);
}

export async function runExclusive(job: Pick<Job, 'name' | 'run'>): Promise<{ ran: boolean; result?: unknown }> {
  const handle = await getDbHandle();
  if (handle.driver === 'pglite') return { ran: true, result: await job.run() };
  return handle.db.transaction(async (tx) => {
    const rows = (await tx.execute(sql`select pg_try_advisory_xact_lock(${lockKey(job.name).toString()}::bigint) as locked`)) as unknown as { locked: boolean }[];
    if (!rows[0]?.locked) return { ran: false };
    return { ran: true, result: await job.run() };
  });
}

export function startScheduler(jobs: Job[]): () => void {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  const tick = async (job: Job) => {
    if (running.has(job.name)) return;
    running.add(job.name);
    const started = Date.now();
    try {
      const { ran, result } = await runExclusive(job);
      if (ran) log.info('job.done', { job: job.name, ms: Date.now() - started, result });
    } catch (error) {
      log.error('job.failed', { job: job.name, error });
    } finally {
      running.delete(job.name);
    }
  };
  for (const job of jobs) {
    if (job.runAtStart) void tick(job);
    const timer = setInterval(() => void tick(job), job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return () => timers.forEach(clearInterval);
}
