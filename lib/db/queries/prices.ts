import 'server-only';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { numberPrices, providerNumberCosts } from '@/lib/db/schema';
import type { NumberKind } from '@/lib/providers/types';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/** Platform-wide: the carrier's price list is the same for every customer. */
export async function getNumberPrices(db: Executor) {
  return db.select().from(numberPrices).orderBy(asc(numberPrices.kind), asc(numberPrices.state), asc(numberPrices.npa));
}

export async function getProviderNumberCosts(db: Executor) {
  return db.select().from(providerNumberCosts);
}

export interface PriceScope {
  kind: NumberKind;
  state: string | null;
  npa: string | null;
}

export async function getNumberPriceByScope(db: Executor, scope: PriceScope) {
  const [row] = await db
    .select()
    .from(numberPrices)
    .where(
      and(
        eq(numberPrices.kind, scope.kind),
        scope.state ? eq(numberPrices.state, scope.state) : isNull(numberPrices.state),
        scope.npa ? eq(numberPrices.npa, scope.npa) : isNull(numberPrices.npa),
      ),
    )
    .limit(1);
  return row;
}

/** Locks the row for the caller's transaction. */
export async function getNumberPriceByIdForUpdate(db: Executor, { priceId }: { priceId: string }) {
  if (!isUuid(priceId)) return undefined;
  const [row] = await db.select().from(numberPrices).where(eq(numberPrices.id, priceId)).for('update').limit(1);
  return row;
}

/** Undefined when a row of the same scope already exists (the unique index decides). */
export async function insertNumberPriceIfMissing(db: Executor, price: PriceScope & { monthly: string; setup: string }) {
  const [row] = await db.insert(numberPrices).values(price).onConflictDoNothing().returning();
  return row;
}

export async function updateNumberPriceAmounts(db: Executor, { priceId, monthly, setup }: { priceId: string; monthly: string; setup: string }) {
  const [row] = await db.update(numberPrices).set({ monthly, setup, updatedAt: new Date() }).where(eq(numberPrices.id, priceId)).returning();
  return row;
}

export async function deleteNumberPrice(db: Executor, { priceId }: { priceId: string }) {
  await db.delete(numberPrices).where(eq(numberPrices.id, priceId));
}

export async function getProviderNumberCost(db: Executor, { connectionId, kind }: { connectionId: string; kind: NumberKind }) {
  const [row] = await db
    .select()
    .from(providerNumberCosts)
    .where(and(eq(providerNumberCosts.connectionId, connectionId), eq(providerNumberCosts.kind, kind)))
    .limit(1);
  return row;
}

export async function upsertProviderNumberCost(db: Executor, cost: { connectionId: string; kind: NumberKind; monthly: string; setup: string }) {
  const [row] = await db
    .insert(providerNumberCosts)
    .values(cost)
    .onConflictDoUpdate({ target: [providerNumberCosts.connectionId, providerNumberCosts.kind], set: { monthly: cost.monthly, setup: cost.setup } })
    .returning();
  return row;
}

export async function deleteProviderNumberCost(db: Executor, { connectionId, kind }: { connectionId: string; kind: NumberKind }) {
  const [row] = await db
    .delete(providerNumberCosts)
    .where(and(eq(providerNumberCosts.connectionId, connectionId), eq(providerNumberCosts.kind, kind)))
    .returning();
  return row;
}
