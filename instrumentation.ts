/**
 * Next.js calls this once when a server starts (never at build): pg-boss migrates its schema and
 * the background jobs start with the server.
 */
export async function register() {
  // pg-boss's schema is migrated when a server starts, never by a build.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { jobsEnabled } = await import('./lib/env');
  if (!jobsEnabled()) return;
  const { startJobs } = await import('./lib/jobs');
  const { log } = await import('./lib/log');
  // The portal serves without its jobs rather than not at all; the jobs page says they are not running.
  await startJobs().catch((error: unknown) => log.error('jobs.start_failed', { error }));
}
