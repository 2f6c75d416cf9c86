/**
 * Next.js calls this once when a server starts (never at build): pg-boss migrates its schema and
 * the background jobs start with the server.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { jobsEnabled } = await import('./lib/env');
  if (!jobsEnabled()) return;
  const { startJobs } = await import('./lib/jobs');
  const { log } = await import('./lib/log');
  // The portal serves without its jobs rather than not at all; the jobs page shows what is missing.
  await startJobs().catch((error: unknown) => log.error('jobs.start_failed', { error }));
}
