/**
 * scripts/serve.ts without Next.js (which needs a build): the same server, the same stop, and pg-boss
 * started as instrumentation.ts starts it, with a job that never finishes running at SIGTERM.
 * Run by tests/integration/graceful-stop.test.ts as `node --import tsx <this file>` with PORT set.
 */
import { trustedProxyList } from '@/lib/auth/client-ip';
import { openPglite } from '@/lib/db/client';
import { setJobRunner } from '@/lib/jobs/lifecycle';
import { startJobRunner } from '@/lib/jobs/runner';
import { createPortalServer, stopPortal, STOP_DEADLINE_MS } from '../../scripts/portal-server';
import { exitOnStopSignal } from '../../scripts/shutdown';

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
