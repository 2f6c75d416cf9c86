import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { providerConnections } from '@/lib/db/schema';
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
