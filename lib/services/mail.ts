import 'server-only';
import { randomUUID } from 'node:crypto';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import {
  claimOutboxMessageForFirstAttempt,
  claimOutboxMessageForRetry,
  getOutboxMessageById,
  getOutboxMessagesToRetry,
  getRecentOutboxMessages,
  insertOutboxMessage,
  markOutboxMessageFailed,
  markOutboxMessageSent,
} from '@/lib/db/queries/outbox';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { currentJobRunner } from '@/lib/jobs/lifecycle';
import { JOB_SCHEMA } from '@/lib/jobs/runner';
import { log } from '@/lib/log';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Parts of `text` that grant access (invitation links): sent, but never stored in the outbox. */
  secrets?: string[];
}

export const REDACTED_SECRET = '[link removed from the outbox: it was sent to the recipient only]';

/** The text as the outbox keeps it: every secret replaced, so reading the outbox grants nothing. */
export function redactedText(message: MailMessage): string {
  return (message.secrets ?? []).reduce((text, secret) => (secret ? text.split(secret).join(REDACTED_SECRET) : text), message.text);
}

/** Every message lands in the outbox table (the local record of mail), with its secrets redacted. */
export async function queueMail(db: Db | Tx, message: MailMessage): Promise<string> {
  const id = randomUUID();
  await insertOutboxMessage(db, { id, toAddress: message.to, subject: message.subject, bodyText: redactedText(message) });
  return id;
}

/** The request's own attempt may start this long after the message was queued; after it, the retries own it. */
export const FIRST_ATTEMPT_WINDOW_SECONDS = 120;
/** One attempt's longest run: after it the attempt counts as failed (and its connection is dropped). */
const SEND_TIMEOUT_MS = 60_000;
/** nodemailer waits minutes by default; an attempt must end well within SEND_TIMEOUT_MS. */
const SMTP_TIMEOUTS_MS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };
/** Mail not sent within a day is not sent late by the sweep (it is failed on the jobs page well before). */
const RETRY_HORIZON_HOURS = 24;
const SWEEP_BATCH = 200;

export const MAIL_DELIVERY_QUEUE = 'deliver-mail';
export const MAIL_RETRY_LIMIT = 8;
export const MAIL_RETRY_DELAY_SECONDS = 60;

/** What the outbox says of a message while an attempt holds it (its claim: nobody else sends it meanwhile). */
export const MAIL_SENDING = 'an attempt to send it is under way';
export const MAIL_NOT_RESENDABLE = 'it cannot be sent again: the link it held is not kept in the outbox (send a new invitation)';

async function sendOverSmtp(smtpUrl: string, mailFrom: string, message: MailMessage): Promise<void> {
  const nodemailer = await import('nodemailer');
  const url = new URL(smtpUrl);
  for (const [name, ms] of Object.entries(SMTP_TIMEOUTS_MS)) if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
  const transport = nodemailer.createTransport(url.toString());
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      transport.sendMail({ from: mailFrom, to: message.to, subject: message.subject, text: message.text }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the mail server within ${SEND_TIMEOUT_MS / 1000} s`)), SEND_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

const sendErrorOf = (error: unknown) => String((error as Error)?.message ?? error).slice(0, 300);

/**
 * Sends a queued message over SMTP when SMTP_URL is set; called after the transaction commits.
 * The message is claimed first, so it is never sent by this call and a retry both; a message this
 * call cannot send (SMTP down, or called too late) is left to the retry sweep. Never throws.
 */
export async function deliverMail(db: Db, messageId: string, message: MailMessage): Promise<void> {
  const { smtpUrl, mailFrom } = getEnv();
  if (!smtpUrl) return;
  try {
    if (!(await claimOutboxMessageForFirstAttempt(db, { messageId, windowSeconds: FIRST_ATTEMPT_WINDOW_SECONDS, marker: MAIL_SENDING }))) return;
    try {
      await sendOverSmtp(smtpUrl, mailFrom, message);
    } catch (error) {
      log.warn('mail.send_failed', { messageId, error });
      await markOutboxMessageFailed(db, { messageId, sendError: sendErrorOf(error) });
      return;
    }
    await markOutboxMessageSent(db, { messageId });
  } catch (error) {
    log.error('mail.outbox_failed', { messageId, error });
  }
}

export type MailRetryOutcome = 'sent' | 'already_sent' | 'gone' | 'smtp_off' | 'not_resendable';

/**
 * The mail queue's job: one more attempt at an outbox message, as the outbox keeps it. Throws when
 * it is not sent, so pg-boss retries it with backoff and, past the retry limit, fails it for staff.
 */
export async function sendOutboxMessage(messageId: string): Promise<MailRetryOutcome> {
  const { smtpUrl, mailFrom } = getEnv();
  if (!smtpUrl) return 'smtp_off';
  const db = await getDb();
  const row = await getOutboxMessageById(db, { messageId });
  if (!row) return 'gone';
  if (row.sentAt) return 'already_sent';
  const resendable = !row.bodyText.includes(REDACTED_SECRET);
  const claim = { messageId, windowSeconds: FIRST_ATTEMPT_WINDOW_SECONDS, staleSeconds: (2 * SEND_TIMEOUT_MS) / 1000, marker: MAIL_SENDING };
  const claimed = await claimOutboxMessageForRetry(db, { ...claim, sendError: resendable ? MAIL_SENDING : MAIL_NOT_RESENDABLE });
  if (!claimed) {
    if ((await getOutboxMessageById(db, { messageId }))?.sentAt) return 'already_sent';
    throw new Error('An earlier attempt is still sending this message; it is tried again later.');
  }
  if (!resendable) return 'not_resendable';
  try {
    await sendOverSmtp(smtpUrl, mailFrom, { to: claimed.toAddress, subject: claimed.subject, text: claimed.bodyText });
  } catch (error) {
    await markOutboxMessageFailed(db, { messageId, sendError: sendErrorOf(error) });
    throw new Error(`Mail to ${claimed.toAddress} (“${claimed.subject}”) not sent: ${sendErrorOf(error)}`);
  }
  await markOutboxMessageSent(db, { messageId });
  return 'sent';
}

/**
 * The retry sweep: each outbox message the first attempt did not send becomes one job on the mail
 * queue, its id the message's (a second sweep, on any instance, adds nothing). Without SMTP, or
 * without pg-boss in this process, there is nothing to do.
 */
export async function retryUnsentMail(): Promise<{ queued: number }> {
  const running = currentJobRunner();
  if (!getEnv().smtpUrl || !running) return { queued: 0 };
  const runner = await running;
  const db = await getDb();
  const due = await getOutboxMessagesToRetry(db, { jobSchema: JOB_SCHEMA, queue: MAIL_DELIVERY_QUEUE, windowSeconds: FIRST_ATTEMPT_WINDOW_SECONDS, horizonHours: RETRY_HORIZON_HOURS, limit: SWEEP_BATCH });
  let queued = 0;
  for (const { id } of due) if (await runner.boss.send(MAIL_DELIVERY_QUEUE, { messageId: id }, { id })) queued += 1;
  if (queued) log.info('mail.retries_queued', { queued });
  return { queued };
}

/** The outbox page: operator staff only, since it holds every tenant's mail. */
export async function listOutboxMessages(user: { isOperatorStaff: boolean }) {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can read the outbox.');
  return getRecentOutboxMessages(await getDb(), { limit: 100 });
}
