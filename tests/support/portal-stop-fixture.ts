/**
 * scripts/serve.ts without Next.js (which needs a build): the same server, the same stop, and pg-boss
 * started as instrumentation.ts starts it, with a job that never finishes running at SIGTERM.
 * Run by tests/integration/graceful-stop.test.ts as `node --import tsx <this file>` with PORT set.
 */
import '../../scripts/server-only-outside-next';

const { trustedProxyList } = await import('@/lib/auth/client-ip');
const { openPglite } = await import('@/lib/db/client');
const { setJobRunner } = await import('@/lib/jobs/lifecycle');
const { startJobRunner } = await import('@/lib/jobs/runner');
const { createPortalServer, stopPortal, STOP_DEADLINE_MS } = await import('../../scripts/portal-server');
const { exitOnStopSignal } = await import('../../scripts/shutdown');

const handle = openPglite();
const runner = await startJobRunner([{ name: 'endless-sweep', cron: '0 0 1 1 *', run: () => new Promise(() => {}) }], { handle, pollingIntervalSeconds: 0.5 });
setJobRunner(Promise.resolve(runner));
const jobId = (await runner.boss.send('endless-sweep', {}))!;
while ((await runner.boss.getJobById('endless-sweep', jobId))?.state !== 'active') await new Promise((resolve) => setTimeout(resolve, 100));

const server = createPortalServer(
  {
    request(request, response) {
      if (request.url === '/hang') return;
      response.end('ok');
    },
  },
  trustedProxyList([]),
);
exitOnStopSignal(
  async () => {
    await stopPortal(server);
    // pg-boss gave up waiting on the endless job and handed it back to the queue.
    const job = await runner.boss.getJobById('endless-sweep', jobId);
    console.log(`stopped; endless job ${job?.state}`);
  },
  { deadlineMs: STOP_DEADLINE_MS, name: 'fixture' },
);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
