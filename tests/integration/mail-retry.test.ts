/**
 * Outbox mail that the request could not send is not lost: a retry sweep hands each unsent message
 * to the mail queue (once, whichever instance sweeps), which tries again with backoff up to a cap,
 * then fails it on the staff jobs page. Every attempt claims the message first, so it is never sent
 * twice. The mail server is a real SMTP server on a local port that can refuse service or answer slowly.
 */
import net from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDbHandle } from '@/lib/db/client';
import { outboxMessages } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { JOBS, QUEUES } from '@/lib/jobs';
import { setJobRunner } from '@/lib/jobs/lifecycle';
import type { JobRunner } from '@/lib/jobs/runner';
import { getJobsOverview, retryFailedJob } from '@/lib/services/jobs';
import { deliverMail, MAIL_DELIVERY_QUEUE, MAIL_NOT_RESENDABLE, MAIL_SENDING, queueMail, retryUnsentMail, sendOutboxMessage, type MailMessage } from '@/lib/services/mail';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { outputOf, startTestRunner, waitFor, waitForJob } from '../support/jobs';

interface SmtpServer {
  port: number;
  /** `down`: greets with 421 and hangs up, as a server in maintenance does. */
  mode: 'up' | 'down';
  /** How long the server takes to accept a message once it has it. */
  holdMs: number;
  accepted: { to: string[]; data: string }[];
  /** Messages the server has in full but has not accepted yet (it is holding them). */
  holding: number;
  close(): Promise<void>;
}

/** A minimal SMTP server (RFC 5321 commands nodemailer sends without TLS or AUTH). */
async function startSmtpServer(): Promise<SmtpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (state.mode === 'down') {
      socket.end('421 4.3.2 Service not available, closing transmission channel\r\n');
      return;
    }
    socket.write('220 smtp.test ESMTP\r\n');
    let buffer = '';
    let inData = false;
    const to: string[] = [];
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const message = { to: [...to], data: buffer.slice(0, end) };
          buffer = buffer.slice(end + 5);
          inData = false;
          to.length = 0;
          state.holding += 1;
          setTimeout(() => {
            state.holding -= 1;
            state.accepted.push(message);
            socket.write('250 2.0.0 Ok: queued\r\n');
          }, state.holdMs);
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        if (verb === 'EHLO') socket.write('250-smtp.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') socket.write('250 2.0.0 Ok\r\n');
        else if (verb === 'RCPT') {
          to.push(line.slice(line.indexOf(':') + 1).trim());
          socket.write('250 2.1.5 Ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('502 5.5.2 Command not recognized\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: SmtpServer = {
    port: (server.address() as net.AddressInfo).port,
    mode: 'up',
    holdMs: 0,
    accepted: [],
    holding: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return state;
}

const SWEEP = JOBS.find((job) => job.name === 'retry-unsent-mail');
// The tests sweep when they choose: the schedule would sweep at the top of each minute as well.
const SWEEP_ON_DEMAND = { ...SWEEP!, cron: '0 0 1 1 *' };
const MAIL_QUEUE = QUEUES.find((queue) => queue.name === MAIL_DELIVERY_QUEUE);

describe('mail the first attempt did not send', () => {
  const test = useTestDatabase();
  let smtp: SmtpServer;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const runners: JobRunner[] = [];
  let runner: JobRunner;
  let serial = 0;

  const message = (extra: Partial<MailMessage> = {}): MailMessage => ({ to: 'finance@globex.example', subject: `Invoice INV-TEST-${++serial} for Globex`, text: 'Your invoice is ready.', ...extra });
  const row = async (id: string) => (await test.db.select().from(outboxMessages).where(eq(outboxMessages.id, id)))[0]!;
  /** The message as old as a crash or an outage leaves it: past the window of the request's own attempt. */
  const age = (id: string, seconds = 300) => test.db.execute(sql`UPDATE outbox_messages SET created_at = created_at - make_interval(secs => ${seconds}) WHERE id = ${id}`);
  const acceptedWith = (subject: string) => smtp.accepted.filter((mail) => mail.data.includes(`Subject: ${subject}`));

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    smtp = await startSmtpServer();
    vi.stubEnv('SMTP_URL', `smtp://127.0.0.1:${smtp.port}`);
    resetEnvCache();
    runner = await startTestRunner(await getDbHandle(), [SWEEP_ON_DEMAND], { queues: [MAIL_QUEUE!], retryLimit: 2 });
    runners.push(runner);
    setJobRunner(Promise.resolve(runner));
  });
  beforeEach(() => {
    smtp.mode = 'up';
    smtp.holdMs = 0;
  });
  afterAll(async () => {
    setJobRunner(undefined);
    await Promise.all(runners.map((each) => each.stop(1000)));
    await smtp.close();
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it('is a scheduled sweep feeding a mail queue with retries and a cap', () => {
    expect(SWEEP).toBeDefined();
    expect(MAIL_QUEUE?.retryLimit).toBeGreaterThan(3);
  });

  it('sends a message once SMTP is back after an outage, and only once', async () => {
    smtp.mode = 'down';
    const mail = message();
    const id = await queueMail(test.db, mail);
    await deliverMail(test.db, id, mail);
    expect(await row(id)).toMatchObject({ sentAt: null, sendError: expect.stringContaining('421') });

    // Within the request's own window the sweep leaves it alone.
    expect(await retryUnsentMail()).toEqual({ queued: 0 });
    await age(id);
    expect(await retryUnsentMail()).toEqual({ queued: 1 });
    expect(await retryUnsentMail()).toEqual({ queued: 0 });

    // The first retry meets the outage too, and the job waits for its next attempt.
    await waitFor(async () => {
      const job = await runner.boss.getJobById(MAIL_DELIVERY_QUEUE, id);
      return job?.state === 'retry' && job.retryCount >= 1;
    });
    expect(acceptedWith(mail.subject)).toHaveLength(0);
    smtp.mode = 'up';
    const job = await waitForJob(runner, MAIL_DELIVERY_QUEUE, id);
    expect(job.state).toBe('completed');
    expect(outputOf(job)).toBe('sent');
    expect(await row(id)).toMatchObject({ sentAt: expect.any(Date), sendError: null });
    expect(acceptedWith(mail.subject)).toHaveLength(1);
    expect(acceptedWith(mail.subject)[0]!.to).toEqual(['<finance@globex.example>']);
    expect(await retryUnsentMail()).toEqual({ queued: 0 });
  });

  it('sends a message a crash left "local only" (queued, never tried)', async () => {
    const mail = message();
    const id = await queueMail(test.db, mail);
    await age(id);
    expect(await retryUnsentMail()).toEqual({ queued: 1 });
    expect((await waitForJob(runner, MAIL_DELIVERY_QUEUE, id)).state).toBe('completed');
    expect((await row(id)).sentAt).not.toBeNull();
    expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('gives up after the retry limit: failed on the jobs page with a Retry, and not queued again by the sweep', async () => {
    smtp.mode = 'down';
    const mail = message();
    const id = await queueMail(test.db, mail);
    await age(id);
    expect(await retryUnsentMail()).toEqual({ queued: 1 });
    const failed = await waitForJob(runner, MAIL_DELIVERY_QUEUE, id);
    expect(failed.state).toBe('failed');
    expect(failed.retryCount).toBe(2);
    expect((await row(id)).sentAt).toBeNull();

    const overview = await getJobsOverview(tenants.staff, { runner });
    expect(overview.queues.find((queue) => queue.name === MAIL_DELIVERY_QUEUE)).toMatchObject({ kind: 'per-work', failed: 1 });
    const failure = overview.failures.find((entry) => entry.id === id);
    expect(failure).toMatchObject({ queue: MAIL_DELIVERY_QUEUE, attempts: 3 });
    expect(failure!.error).toContain(mail.subject);
    expect(failure!.error).toContain('not sent: ');
    expect(await retryUnsentMail()).toEqual({ queued: 0 });

    smtp.mode = 'up';
    await retryFailedJob(tenants.staff, { queue: MAIL_DELIVERY_QUEUE, jobId: id }, { runner });
    expect((await waitForJob(runner, MAIL_DELIVERY_QUEUE, id)).state).toBe('completed');
    expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('claims a message before sending it: two attempts at once send it once', async () => {
    smtp.holdMs = 500;
    const mail = message();
    const id = await queueMail(test.db, mail);
    await Promise.all([deliverMail(test.db, id, mail), deliverMail(test.db, id, mail)]);
    expect((await row(id)).sentAt).not.toBeNull();
    expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('never lets a retry send what the first attempt is still sending', async () => {
    smtp.holdMs = 1500;
    const mail = message();
    const id = await queueMail(test.db, mail);
    const first = deliverMail(test.db, id, mail);
    await waitFor(async () => smtp.holding > 0);
    expect((await row(id)).sendError).toBe(MAIL_SENDING);
    // Past the first attempt's window while that attempt still runs: a retry may not take it over.
    await age(id, 150);
    await expect(sendOutboxMessage(id)).rejects.toThrow(/still sending/);
    await first;
    expect((await row(id)).sentAt).not.toBeNull();
    expect(await sendOutboxMessage(id)).toBe('already_sent');
    expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('takes over a message whose attempt died with its process', async () => {
    const mail = message();
    const id = await queueMail(test.db, mail);
    await test.db.update(outboxMessages).set({ sendError: MAIL_SENDING }).where(eq(outboxMessages.id, id));
    await age(id, 600);
    expect(await sendOutboxMessage(id)).toBe('sent');
    expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('hands each message to one job when two instances sweep at once, and sends each once', async () => {
    const second = await startTestRunner(await getDbHandle(), [SWEEP_ON_DEMAND], { queues: [MAIL_QUEUE!], retryLimit: 2 });
    runners.push(second);
    const mails = Array.from({ length: 8 }, () => message());
    const ids: string[] = [];
    for (const mail of mails) ids.push(await queueMail(test.db, mail));
    for (const id of ids) await age(id);
    const sweeps = await Promise.all([retryUnsentMail(), (async () => {
      setJobRunner(Promise.resolve(second));
      try {
        return await retryUnsentMail();
      } finally {
        setJobRunner(Promise.resolve(runner));
      }
    })()]);
    expect(sweeps[0].queued + sweeps[1].queued).toBe(ids.length);
    for (const id of ids) expect((await waitForJob(runner, MAIL_DELIVERY_QUEUE, id)).state).toBe('completed');
    for (const mail of mails) expect(acceptedWith(mail.subject)).toHaveLength(1);
  });

  it('does not send again a message whose link the outbox does not keep', async () => {
    smtp.mode = 'down';
    const link = 'http://portal.test/invite/secret-token';
    const mail = message({ text: `Accept the invitation: ${link}`, secrets: [link] });
    const id = await queueMail(test.db, mail);
    await deliverMail(test.db, id, mail);
    smtp.mode = 'up';
    await age(id);
    expect(await retryUnsentMail()).toEqual({ queued: 1 });
    const job = await waitForJob(runner, MAIL_DELIVERY_QUEUE, id);
    expect(outputOf(job)).toBe('not_resendable');
    expect(await row(id)).toMatchObject({ sentAt: null, sendError: MAIL_NOT_RESENDABLE });
    expect(acceptedWith(mail.subject)).toHaveLength(0);
  });
});
