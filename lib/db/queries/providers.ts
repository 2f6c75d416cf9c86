import 'server-only';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { phoneNumbers, providerCallHealth, providerConnectionState, providerConnections, type ProviderCallOutcome } from '@/lib/db/schema';
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

/** Undefined when the name is taken (the case-insensitive unique index decides). */
export async function insertProviderConnection(db: Executor, connection: typeof providerConnections.$inferInsert) {
  const [row] = await db.insert(providerConnections).values(connection).onConflictDoNothing().returning();
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

export interface ProviderCallBatch {
  connectionId: string;
  lastCallAt: Date;
  lastOutcome: ProviderCallOutcome;
  lastOperation: string;
  lastMessage: string | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureOutcome: ProviderCallOutcome | null;
  lastFailureMessage: string | null;
  /** Failures after the batch's last success (all of them when it had none). */
  trailingFailures: number;
  sawSuccess: boolean;
}

/**
 * Folds one batch of a connection's calls into its health row. Batches from several app instances
 * may arrive out of order: the newest call wins each "last" field, whichever batch carried it.
 */
export async function upsertProviderCallHealth(db: Executor, { sawSuccess, trailingFailures, ...batch }: ProviderCallBatch) {
  const t = providerCallHealth;
  const newer = sql`excluded.last_call_at >= ${t.lastCallAt}`;
  const newerFailure = sql`excluded.last_failure_at is not null and (${t.lastFailureAt} is null or excluded.last_failure_at >= ${t.lastFailureAt})`;
  await db
    .insert(t)
    .values({ ...batch, consecutiveFailures: trailingFailures })
    .onConflictDoUpdate({
      target: t.connectionId,
      set: {
        lastOutcome: sql`case when ${newer} then excluded.last_outcome else ${t.lastOutcome} end`,
        lastOperation: sql`case when ${newer} then excluded.last_operation else ${t.lastOperation} end`,
        lastMessage: sql`case when ${newer} then excluded.last_message else ${t.lastMessage} end`,
        lastCallAt: sql`greatest(${t.lastCallAt}, excluded.last_call_at)`,
        lastSuccessAt: sql`greatest(${t.lastSuccessAt}, excluded.last_success_at)`,
        lastFailureOutcome: sql`case when ${newerFailure} then excluded.last_failure_outcome else ${t.lastFailureOutcome} end`,
        lastFailureMessage: sql`case when ${newerFailure} then excluded.last_failure_message else ${t.lastFailureMessage} end`,
        lastFailureAt: sql`greatest(${t.lastFailureAt}, excluded.last_failure_at)`,
        consecutiveFailures: sawSuccess ? sql`excluded.consecutive_failures` : sql`${t.consecutiveFailures} + excluded.consecutive_failures`,
        updatedAt: sql`now()`,
      },
    });
}

export async function getProviderCallHealth(db: Executor) {
  return db.select().from(providerCallHealth);
}

/** Live numbers per connection: what disabling one takes out of the customers' reach. */
export async function countLiveNumbersByConnection(db: Executor) {
  const rows = await db
    .select({ connectionId: phoneNumbers.connectionId, live: sql<number>`count(*)::int` })
    .from(phoneNumbers)
    .where(ne(phoneNumbers.status, 'released'))
    .groupBy(phoneNumbers.connectionId);
  return new Map(rows.map((row) => [row.connectionId, row.live]));
}

/** Another connection already named `name`, whatever the case (the unique index decides in the end). */
export async function getProviderConnectionByName(db: Executor, { name, exceptId }: { name: string; exceptId?: string }) {
  const [row] = await db
    .select({ id: providerConnections.id, name: providerConnections.name })
    .from(providerConnections)
    .where(and(sql`lower(${providerConnections.name}) = lower(${name})`, exceptId ? ne(providerConnections.id, exceptId) : undefined))
    .limit(1);
  return row;
}

/** Upstream session secrets (sealed values) the adapter obtained with settings that just changed. */
export async function deleteSealedProviderState(db: Executor, { connectionId }: { connectionId: string }) {
  await db.delete(providerConnectionState).where(and(eq(providerConnectionState.connectionId, connectionId), sql`(${providerConnectionState.value} ->> '$sealed') is not null`));
}

/**
 * Writes a connection test's result only if the settings it tested are still the stored ones (an
 * edit in the meantime makes it stale). Answers whether it was written.
 */
export async function updateProviderConnectionIfUnchanged(
  db: Executor,
  { connectionId, tested, changes }: { connectionId: string; tested: { baseUrl: string; credentialsCiphertext: string }; changes: Partial<typeof providerConnections.$inferInsert> },
) {
  const rows = await db
    .update(providerConnections)
    .set(changes)
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.baseUrl, tested.baseUrl), eq(providerConnections.credentialsCiphertext, tested.credentialsCiphertext)))
    .returning({ id: providerConnections.id });
  return rows.length > 0;
}
