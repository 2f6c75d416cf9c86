import { asc } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { numberPrices, providerNumberCosts } from '@/lib/db/schema';

type Executor = Db | Tx;

/** Platform-wide: the carrier's price list is the same for every customer. */
export async function getNumberPrices(db: Executor) {
  return db.select().from(numberPrices).orderBy(asc(numberPrices.kind), asc(numberPrices.state), asc(numberPrices.npa));
}

export async function getProviderNumberCosts(db: Executor) {
  return db.select().from(providerNumberCosts);
}
