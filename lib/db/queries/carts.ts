import { and, asc, eq, isNotNull, lt } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { cartItems, carts } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export async function getCartByAccountUser(db: Executor, { accountId, userId }: { accountId: string; userId: string }) {
  const [row] = await db.select().from(carts).where(and(eq(carts.accountId, accountId), eq(carts.userId, userId))).limit(1);
  return row;
}

export async function getCartItemsByCart(db: Executor, { cartId }: { cartId: string }) {
  return db.select().from(cartItems).where(eq(cartItems.cartId, cartId)).orderBy(asc(cartItems.e164));
}

export async function getCartItemById(db: Executor, { itemId, cartId }: { itemId: string; cartId: string }) {
  if (!isUuid(itemId)) return undefined;
  const [row] = await db.select().from(cartItems).where(and(eq(cartItems.id, itemId), eq(cartItems.cartId, cartId))).limit(1);
  return row;
}

/** Platform job: holds past their expiry, in every cart. */
export async function getExpiredHolds(db: Executor, { now }: { now: Date }) {
  return db.select().from(cartItems).where(and(isNotNull(cartItems.holdRef), lt(cartItems.holdExpiresAt, now)));
}
