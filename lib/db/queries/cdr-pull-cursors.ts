import 'server-only';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { cdrPullCursors } from '@/lib/db/schema';

type Executor = Db | Tx;
export type CdrPullCursor = typeof cdrPullCursors.$inferSelect;

export async function getCdrPullCursors(db: Executor): Promise<CdrPullCursor[]> {
  return db.select().from(cdrPullCursors);
}

/** Which of these connections the portal pulls calls from (they have a pull cursor). */
export async function getPulledConnectionIds(db: Executor, { connectionIds }: { connectionIds: string[] }): Promise<Set<string>> {
  if (connectionIds.length === 0) return new Set();
  const rows = await db.select({ id: cdrPullCursors.connectionId }).from(cdrPullCursors).where(inArray(cdrPullCursors.connectionId, [...new Set(connectionIds)]));
  return new Set(rows.map((row) => row.id));
}

export async function getCdrPullCursorByConnection(db: Executor, { connectionId }: { connectionId: string }): Promise<CdrPullCursor | undefined> {
  const [row] = await db.select().from(cdrPullCursors).where(eq(cdrPullCursors.connectionId, connectionId));
  return row;
}

/** The cursor of a connection never pulled before starts at `pulledUntil`; an existing one is left as it is. */
export async function ensureCdrPullCursor(db: Executor, { connectionId, pulledUntil }: { connectionId: string; pulledUntil: Date }): Promise<CdrPullCursor> {
  await db.insert(cdrPullCursors).values({ connectionId, pulledUntil }).onConflictDoNothing();
  const row = await getCdrPullCursorByConnection(db, { connectionId });
  if (!row) throw new Error(`cdr pull cursor for ${connectionId} vanished`);
  return row;
}

/** A window opened: its end is fixed until it is read to the end, so a resumed pull reads the same range. */
export async function openCdrPullWindow(db: Executor, { connectionId, windowEnd, at }: { connectionId: string; windowEnd: Date; at: Date }) {
  await db
    .update(cdrPullCursors)
    .set({ windowEnd, cursor: null, lastRunAt: at, updatedAt: at })
    .where(eq(cdrPullCursors.connectionId, connectionId));
}

/**
 * One page read and stored: the counters grow by what the page held, and the position moves on —
 * to the next page of the window (`cursor`), or past the window when it was the last.
 */
export async function advanceCdrPullCursor(
  db: Executor,
  input: {
    connectionId: string;
    at: Date;
    imported: number;
    duplicates: number;
    unattributed: number;
    rejected: number;
    lastRejection?: string;
  } & ({ cursor: string } | { pulledUntil: Date }),
) {
  const position = 'cursor' in input ? { cursor: input.cursor } : { pulledUntil: input.pulledUntil, cursor: null, windowEnd: null, lastSuccessAt: input.at };
  await db
    .update(cdrPullCursors)
    .set({
      ...position,
      lastRunAt: input.at,
      imported: sql`${cdrPullCursors.imported} + ${input.imported}`,
      duplicates: sql`${cdrPullCursors.duplicates} + ${input.duplicates}`,
      unattributed: sql`${cdrPullCursors.unattributed} + ${input.unattributed}`,
      rejected: sql`${cdrPullCursors.rejected} + ${input.rejected}`,
      ...(input.lastRejection ? { lastRejection: input.lastRejection.slice(0, 2000) } : {}),
      updatedAt: input.at,
    })
    .where(eq(cdrPullCursors.connectionId, input.connectionId));
}

/** The pull failed: the position stays where it was, so nothing is skipped. */
export async function recordCdrPullError(db: Executor, { connectionId, error, at }: { connectionId: string; error: string; at: Date }) {
  await db
    .update(cdrPullCursors)
    .set({ lastError: error.slice(0, 2000), lastErrorAt: at, lastRunAt: at, updatedAt: at })
    .where(eq(cdrPullCursors.connectionId, connectionId));
}
