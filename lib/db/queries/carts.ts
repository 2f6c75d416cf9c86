import 'server-only';
import { and, asc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { cartItems, carts } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/** A cart belongs to a user or to an API key (each has its own), never to both. */
export type CartOwner = { userId: string | null; apiKeyId: string | null };

const ownedBy = (owner: CartOwner) => (owner.apiKeyId ? eq(carts.apiKeyId, owner.apiKeyId) : eq(carts.userId, owner.userId ?? ''));

export async function getCartByAccountOwner(db: Executor, { accountId, owner }: { accountId: string; owner: CartOwner }) {
  const [row] = await db.select().from(carts).where(and(eq(carts.accountId, accountId), ownedBy(owner))).limit(1);
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

export async function insertCartIfMissing(db: Executor, { accountId, owner }: { accountId: string; owner: CartOwner }) {
  await db.insert(carts).values({ accountId, userId: owner.userId, apiKeyId: owner.apiKeyId }).onConflictDoNothing();
}

/** A number already in the cart stays as it is. */
export async function insertCartItems(db: Executor, items: (typeof cartItems.$inferInsert)[]) {
  if (items.length === 0) return;
  await db.insert(cartItems).values(items).onConflictDoNothing();
}

export async function touchCart(db: Executor, { cartId }: { cartId: string }) {
  await db.update(carts).set({ updatedAt: new Date() }).where(eq(carts.id, cartId));
}

/** The rows this call deleted: one a checkout took meanwhile is not among them. */
export async function deleteCartItemsByIds(db: Executor, { itemIds }: { itemIds: string[] }) {
  if (itemIds.length === 0) return [];
  return db.delete(cartItems).where(inArray(cartItems.id, itemIds)).returning();
}

export async function deleteCartItemsByCart(db: Executor, { cartId }: { cartId: string }) {
  await db.delete(cartItems).where(eq(cartItems.cartId, cartId));
}

export async function countCartItemsByCart(db: Executor, { cartId }: { cartId: string }) {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(cartItems).where(eq(cartItems.cartId, cartId));
  return row?.count ?? 0;
}

/** Locks the cart row for the caller's transaction: two checkouts of one cart make one order. */
export async function lockCartById(db: Executor, { cartId }: { cartId: string }) {
  await db.select({ id: carts.id }).from(carts).where(eq(carts.id, cartId)).for('update');
}
