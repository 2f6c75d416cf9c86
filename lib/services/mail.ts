import 'server-only';
import { randomUUID } from 'node:crypto';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getRecentOutboxMessages, insertOutboxMessage, markOutboxMessageFailed, markOutboxMessageSent } from '@/lib/db/queries/outbox';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
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

/** Sends a queued message over SMTP when SMTP_URL is set; called after the transaction commits. */
export async function deliverMail(db: Db, messageId: string, message: MailMessage): Promise<void> {
  const { smtpUrl, mailFrom } = getEnv();
  if (!smtpUrl) return;
  try {
    const nodemailer = await import('nodemailer');
    await nodemailer.createTransport(smtpUrl).sendMail({ from: mailFrom, to: message.to, subject: message.subject, text: message.text });
    await markOutboxMessageSent(db, { messageId });
  } catch (error) {
    log.warn('mail.send_failed', { messageId, error });
    await markOutboxMessageFailed(db, { messageId, sendError: String((error as Error).message).slice(0, 300) });
  }
}

/** The outbox page: operator staff only, since it holds every tenant's mail. */
export async function listOutboxMessages(user: { isOperatorStaff: boolean }) {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can read the outbox.');
  return getRecentOutboxMessages(await getDb(), { limit: 100 });
}
