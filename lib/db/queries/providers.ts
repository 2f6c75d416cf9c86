import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { providerConnectionState, providerConnections } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/** Platform-level: connections belong to the carrier, not to a customer account; staff only. */
export async function getProviderConnections(db: Executor) {
  return db.select().from(providerConnections).orderBy(asc(providerConnections.provider), asc(providerConnections.name));
}

export async function getProviderConnectionById(db: Executor, { connectionId }: { connectionId: string }) {
  if (!isUuid(connectionId)) return undefined;
  const [row] = await db.select().from(providerConnections).where(eq(providerConnections.id, connectionId)).limit(1);
  return row;
}

export async function getEnabledProviderConnections(db: Executor) {
  return db.select().from(providerConnections).where(eq(providerConnections.enabled, true)).orderBy(asc(providerConnections.provider));
}

export async function insertProviderConnection(db: Executor, connection: typeof providerConnections.$inferInsert) {
  const [row] = await db.insert(providerConnections).values(connection).returning();
  return row;
}

export async function updateProviderConnection(db: Executor, { connectionId, changes }: { connectionId: string; changes: Partial<typeof providerConnections.$inferInsert> }) {
  await db.update(providerConnections).set(changes).where(eq(providerConnections.id, connectionId));
}

const stateKey = (connectionId: string, key: string) => and(eq(providerConnectionState.connectionId, connectionId), eq(providerConnectionState.key, key));

/** One adapter state value; `forUpdate` locks the row for a read-modify-write in the caller's transaction. */
export async function getProviderStateValue(db: Executor, { connectionId, key, forUpdate = false }: { connectionId: string; key: string; forUpdate?: boolean }) {
  const query = db.select({ value: providerConnectionState.value }).from(providerConnectionState).where(stateKey(connectionId, key));
  const [row] = forUpdate ? await query.for('update') : await query.limit(1);
  return row;
}

export async function upsertProviderStateValue(db: Executor, { connectionId, key, value }: { connectionId: string; key: string; value: unknown }) {
  await db
    .insert(providerConnectionState)
    .values({ connectionId, key, value })
    .onConflictDoUpdate({ target: [providerConnectionState.connectionId, providerConnectionState.key], set: { value, updatedAt: new Date() } });
}

/** The row must exist to be locked: a null placeholder is inserted first if it does not. */
export async function insertProviderStatePlaceholder(db: Executor, { connectionId, key }: { connectionId: string; key: string }) {
  await db.insert(providerConnectionState).values({ connectionId, key, value: sql`'null'::jsonb` }).onConflictDoNothing();
}

export async function updateProviderStateValue(db: Executor, { connectionId, key, value }: { connectionId: string; key: string; value: unknown }) {
  await db.update(providerConnectionState).set({ value, updatedAt: new Date() }).where(stateKey(connectionId, key));
}

export async function deleteProviderStateValue(db: Executor, { connectionId, key }: { connectionId: string; key: string }) {
  await db.delete(providerConnectionState).where(stateKey(connectionId, key));
}

export async function getProvidersOfConnections(db: Executor, { connectionIds }: { connectionIds: string[] }) {
  if (connectionIds.length === 0) return [];
  return db.select({ provider: providerConnections.provider }).from(providerConnections).where(inArray(providerConnections.id, connectionIds));
}
