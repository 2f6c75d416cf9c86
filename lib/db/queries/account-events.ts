import 'server-only';
import { asc, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountEvents } from '@/lib/db/schema';

type Executor = Db | Tx;

export async function insertAccountEvent(db: Executor, values: typeof accountEvents.$inferInsert): Promise<void> {
  await db.insert(accountEvents).values(values);
}

/** Events not yet turned into deliveries and notifications, oldest first, locked for the caller's transaction (rows another holds are skipped). */
export async function getUndispatchedAccountEvents(db: Executor, { limit }: { limit: number }) {
  return db.select().from(accountEvents).where(isNull(accountEvents.dispatchedAt)).orderBy(asc(accountEvents.id)).limit(limit).for('update', { skipLocked: true });
}

export async function markAccountEventsDispatched(db: Executor, { ids }: { ids: number[] }): Promise<void> {
  if (ids.length === 0) return;
  await db.update(accountEvents).set({ dispatchedAt: new Date() }).where(inArray(accountEvents.id, ids));
}
