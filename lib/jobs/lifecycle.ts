/**
 * The process's job runner, kept on globalThis: Next.js bundles instrumentation.ts apart from
 * scripts/serve.ts, so a module-level variable would exist once per bundle. serve.ts imports only
 * this file to stop pg-boss on SIGTERM.
 */
import type { JobRunner } from './runner';

const holder = globalThis as unknown as { carrierPortalJobs?: Promise<JobRunner> };

export function currentJobRunner(): Promise<JobRunner> | undefined {
  return holder.carrierPortalJobs;
}

export function setJobRunner(runner: Promise<JobRunner> | undefined) {
  const held: Promise<JobRunner> | undefined = runner?.catch((error: unknown) => {
    if (holder.carrierPortalJobs === held) holder.carrierPortalJobs = undefined;
    throw error;
  });
  holder.carrierPortalJobs = held;
  return held;
}

/** Lets running jobs finish for up to `timeoutMs`, then stops pg-boss; nothing to do when no runner started. */
export async function stopJobs(timeoutMs = 3000) {
  const runner = holder.carrierPortalJobs;
  holder.carrierPortalJobs = undefined;
  if (!runner) return;
  await (await runner.catch(() => undefined))?.stop(timeoutMs);
}
