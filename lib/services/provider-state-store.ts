import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { providerConnectionState } from '@/lib/db/schema';
import type { ProviderStateStore } from '@/lib/providers/state-store';

/** The connection's adapter state in the database, so API keys and rate budgets survive restarts. */
export function createDbStateStore(db: Db, connectionId: string): ProviderStateStore {
  const where = (key: string) => and(eq(providerConnectionState.connectionId, connectionId), eq(providerConnectionState.key, key));
  return {
    async get<T>(key: string) {
      const [row] = await db.select({ value: providerConnectionState.value }).from(providerConnectionState).where(where(key)).limit(1);
      return row?.value as T | undefined;
    },
    async set<T>(key: string, value: T) {
      await db
        .insert(providerConnectionState)
        .values({ connectionId, key, value: value as unknown })
        .onConflictDoUpdate({ target: [providerConnectionState.connectionId, providerConnectionState.key], set: { value: value as unknown, updatedAt: new Date() } });
    },
    async delete(key: string) {
      await db.delete(providerConnectionState).where(where(key));
    },
    async update<T>(key: string, change: (current: T | undefined) => T) {
      return db.transaction(async (tx) => {
        // The row must exist to be locked; a null placeholder is inserted first if it does not.
        await tx.insert(providerConnectionState).values({ connectionId, key, value: sql`'null'::jsonb` }).onConflictDoNothing();
        const [row] = await tx.select({ value: providerConnectionState.value }).from(providerConnectionState).where(where(key)).for('update');
        const next = change((row?.value ?? undefined) as T | undefined);
        await tx.update(providerConnectionState).set({ value: next as unknown, updatedAt: new Date() }).where(where(key));
        return next;
      });
    },
  };
}
