import 'server-only';
import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { outboxMessages } from '@/lib/db/schema';

type Executor = Db | Tx;

export async function insertOutboxMessage(db: Executor, message: { id: string; toAddress: string; subject: string; bodyText: string }) {
  await db.insert(outboxMessages).values(message);
}

export async function markOutboxMessageSent(db: Executor, { messageId }: { messageId: string }) {
  await db.update(outboxMessages).set({ sentAt: new Date() }).where(eq(outboxMessages.id, messageId));
}

export async function markOutboxMessageFailed(db: Executor, { messageId, sendError }: { messageId: string; sendError: string }) {
  await db.update(outboxMessages).set({ sendError }).where(eq(outboxMessages.id, messageId));
}

/** The newest messages first: the outbox is the platform's mailbox, not an account's. */
export async function getRecentOutboxMessages(db: Executor, { limit }: { limit: number }) {
  return db.select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
}
