import 'server-only';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { outboxMessages } from '@/lib/db/schema';

type Executor = Db | Tx;
export type OutboxMessage = typeof outboxMessages.$inferSelect;

export async function insertOutboxMessage(db: Executor, message: { id: string; toAddress: string; subject: string; bodyText: string }) {
  await db.insert(outboxMessages).values(message);
}

export async function getOutboxMessageById(db: Executor, { messageId }: { messageId: string }): Promise<OutboxMessage | undefined> {
  const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId));
  return row;
}

/**
 * The first attempt's claim, made by the request that queued the message: only a message nobody
 * has tried yet, and only within `windowSeconds` of its creation (after that the retries own it).
 * Times are the database's, so every app instance judges them alike.
 */
export async function claimOutboxMessageForFirstAttempt(db: Executor, { messageId, windowSeconds, marker }: { messageId: string; windowSeconds: number; marker: string }) {
  const [row] = await db
    .update(outboxMessages)
    .set({ sendError: marker })
    .where(
      and(
        eq(outboxMessages.id, messageId),
        isNull(outboxMessages.sentAt),
        isNull(outboxMessages.sendError),
        sql`${outboxMessages.createdAt} > now() - make_interval(secs => ${windowSeconds})`,
      ),
    )
    .returning({ id: outboxMessages.id });
  return Boolean(row);
}

/**
 * A retry's claim: once the first attempt's window is over, a message not sent and not being sent
 * (a first attempt claimed late in its window may still run for `staleSeconds`; one still marked
 * after that died with its process). `sendError` is what the row says meanwhile.
 */
export async function claimOutboxMessageForRetry(
  db: Executor,
  { messageId, windowSeconds, staleSeconds, marker, sendError }: { messageId: string; windowSeconds: number; staleSeconds: number; marker: string; sendError: string },
) {
  const [row] = await db
    .update(outboxMessages)
    .set({ sendError })
    .where(
      and(
        eq(outboxMessages.id, messageId),
        isNull(outboxMessages.sentAt),
        sql`${outboxMessages.createdAt} <= now() - make_interval(secs => ${windowSeconds})`,
        sql`(${outboxMessages.sendError} is distinct from ${marker} or ${outboxMessages.createdAt} <= now() - make_interval(secs => ${windowSeconds + staleSeconds}))`,
      ),
    )
    .returning();
  return row;
}

export async function markOutboxMessageSent(db: Executor, { messageId }: { messageId: string }) {
  await db
    .update(outboxMessages)
    .set({ sentAt: new Date(), sendError: null })
    .where(and(eq(outboxMessages.id, messageId), isNull(outboxMessages.sentAt)));
}

export async function markOutboxMessageFailed(db: Executor, { messageId, sendError }: { messageId: string; sendError: string }) {
  await db
    .update(outboxMessages)
    .set({ sendError })
    .where(and(eq(outboxMessages.id, messageId), isNull(outboxMessages.sentAt)));
}

/**
 * Messages for the retry sweep: not sent, past the first attempt's window, not older than
 * `horizonHours`, and not yet handed to the mail queue (its job ids are the message ids; pg-boss's
 * tables are only read here).
 */
export async function getOutboxMessagesToRetry(
  db: Executor,
  { jobSchema, queue, windowSeconds, horizonHours, limit }: { jobSchema: string; queue: string; windowSeconds: number; horizonHours: number; limit: number },
) {
  return rowsOf<{ id: string }>(
    await db.execute(sql`
    select o.id from outbox_messages o
    where o.sent_at is null
      and o.created_at <= now() - make_interval(secs => ${windowSeconds})
      and o.created_at > now() - make_interval(hours => ${horizonHours})
      and o.id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      and not exists (select 1 from ${sql.raw(jobSchema)}.job j where j.name = ${queue} and j.id::text = o.id)
      and not exists (select 1 from ${sql.raw(jobSchema)}.archive a where a.name = ${queue} and a.id::text = o.id)
    order by o.created_at
    limit ${limit}`),
  );
}

/** The newest messages first: the outbox is the platform's mailbox, not an account's. */
export async function getRecentOutboxMessages(db: Executor, { limit }: { limit: number }) {
  return db.select().from(outboxMessages).orderBy(desc(outboxMessages.createdAt)).limit(limit);
}
