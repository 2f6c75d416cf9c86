/** Next.js calls this once when a server starts: the background jobs start with it. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { jobsEnabled } = await import('./lib/env');
  if (!jobsEnabled()) return;
  const { startJobs } = await import('./lib/jobs');
  startJobs();
}
