import 'server-only';

/**
 * The cart: kept in the database per user and account. Where the upstream can hold numbers
 * (VITCOM's reserve), adding holds them and the cart shows the time left; removing releases them.
 * A number the portal already holds for any account, or is buying for one, is refused.
 */
import { actorOwner, assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import type { cartItems } from '@/lib/db/schema';
import {
  countCartItemsByCart,
  deleteCartItemsByIds,
  getCartByAccountOwner,
  getCartItemById,
  getCartItemsByCart,
  getExpiredHolds,
  insertCartIfMissing,
  insertCartItems,
  touchCart,
} from '@/lib/db/queries/carts';
import { getTakenNumbersByE164s, type TakenNumber } from '@/lib/db/queries/numbers';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { isProviderError } from '@/lib/providers/errors';
import type { AvailableNumber } from '@/lib/providers/types';
import { getStoredSearch, type SearchResult } from './number-search';
import { sumAmounts } from './pricing';
import { getConnectionAdapter } from './providers';
import { describeLines, type ChoiceView } from './upstream-choice';

export const MAX_CART_ITEMS = 100;

async function ensureCart(db: Db, access: AccountAccess) {
  await insertCartIfMissing(db, { accountId: access.account.id, owner: actorOwner(access) });
  const cart = await getCartByAccountOwner(db, { accountId: access.account.id, owner: actorOwner(access) });
  if (!cart) throw new AppError('internal:cart');
  return cart;
}

export interface CartView {
  cartId: string;
  /** `why`: the plain reasons this number comes from its upstream (staff also read which upstream). */
  items: (typeof cartItems.$inferSelect & { holdSecondsLeft?: number; holdExpired: boolean; why: ChoiceView })[];
  /** Numbers whose carrier cannot register an emergency address: checkout asks to confirm them. */
  noE911: string[];
  totalMonthly: string;
  totalSetup: string;
  dueNow: string;
}

export async function getCart(access: AccountAccess, now = new Date()): Promise<CartView> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const cart = await ensureCart(db, access);
  const rows = await getCartItemsByCart(db, { cartId: cart.id });
  const why = await describeLines(db, rows, { staff: access.user.isOperatorStaff });
  const items = rows.map((item, index) => {
    const left = item.holdExpiresAt ? Math.floor((item.holdExpiresAt.getTime() - now.getTime()) / 1000) : undefined;
    return { ...item, holdSecondsLeft: left === undefined ? undefined : Math.max(0, left), holdExpired: left !== undefined && left <= 0, why: why[index]! };
  });
  const totalMonthly = sumAmounts(items.map((item) => item.monthly));
  const totalSetup = sumAmounts(items.map((item) => item.setup));
  const noE911 = items.filter((item) => !item.why.e911).map((item) => item.e164);
  return { cartId: cart.id, items, noE911, totalMonthly, totalSetup, dueNow: sumAmounts([totalMonthly, totalSetup]) };
}

function takenReason(taken: TakenNumber, accountId: string): string {
  if (taken.how === 'in_flight') return taken.accountId === accountId ? 'already in one of this account’s orders' : 'being bought by another customer';
  return taken.accountId === accountId ? 'already one of this account’s numbers' : 'already bought by another customer';
}

export interface AddToCartResult {
  added: string[];
  alreadyInCart: string[];
  failed: { e164: string; reason: string }[];
}

/** Adds numbers from one of the account's stored searches; holds them where the upstream can. */
export async function addToCart(access: AccountAccess, input: { searchId: string; numbers: string[] }): Promise<AddToCartResult> {
  assertCan(access, 'technical.write');
  const search = await getStoredSearch(access, input.searchId, { withTaken: true });
  const wanted = new Set(input.numbers);
  const chosen = search.results.filter((result) => wanted.has(result.e164));
  if (chosen.length !== wanted.size) throw new AppError('not_found:number', 'Some of those numbers are not in these search results; search again.');
  const db = await getDb();
  const cart = await ensureCart(db, access);
  const current = await getCartItemsByCart(db, { cartId: cart.id });
  const inCart = new Set(current.map((item) => item.e164));
  const taken = new Map((await getTakenNumbersByE164s(db, { e164s: chosen.filter((r) => !inCart.has(r.e164)).map((r) => r.e164) })).map((row) => [row.e164, row]));
  const fresh = chosen.filter((result) => !inCart.has(result.e164) && !taken.has(result.e164));
  if (current.length + fresh.length > MAX_CART_ITEMS) {
    throw new AppError('invalid:cart_full', `A cart holds at most ${MAX_CART_ITEMS} numbers; check out or remove some first.`);
  }

  const result: AddToCartResult = {
    added: [],
    alreadyInCart: chosen.filter((r) => inCart.has(r.e164)).map((r) => r.e164),
    failed: [...taken.values()].map((row) => ({ e164: row.e164, reason: takenReason(row, access.account.id) })),
  };
  const byConnection = new Map<string, SearchResult[]>();
  for (const item of fresh) byConnection.set(item.connectionId, [...(byConnection.get(item.connectionId) ?? []), item]);

  for (const [connectionId, numbers] of byConnection) {
    let hold: { holdRef: string; expiresAt: Date } | undefined;
    try {
      // A search made before staff disabled the connection still lists its numbers: they are refused here.
      const { adapter } = await getConnectionAdapter(connectionId, { forNewWork: true });
      const holds = adapter.numbers?.holds;
      if (holds) hold = await holds.hold(numbers.map(toAvailable));
    } catch (error) {
      const reason = holdRefusal(error);
      log.warn('numbers.hold_failed', { connectionId, provider: numbers[0]!.provider, error });
      result.failed.push(...numbers.map((number) => ({ e164: number.e164, reason })));
      continue;
    }
    await insertCartItems(
      db,
      numbers.map((number) => ({
        cartId: cart.id,
        e164: number.e164,
        kind: number.kind,
        state: number.state ?? null,
        rateCenter: number.rateCenter ?? null,
        connectionId,
        providerRef: number.providerRef ?? null,
        holdRef: hold?.holdRef ?? null,
        holdExpiresAt: hold?.expiresAt ?? null,
        monthly: number.monthly,
        setup: number.setup,
        choice: number.choice ?? null,
      })),
    );
    result.added.push(...numbers.map((number) => number.e164));
  }
  await touchCart(db, { cartId: cart.id });
  return result;
}

/** Customers read it: the carrier stays unnamed (the log names it for staff). */
function holdRefusal(error: unknown): string {
  if (isAppError(error) && error.code === 'unavailable:connection_disabled') return 'no longer offered by its carrier: search again for another number';
  if (isProviderError(error) && error.providerKind === 'conflict') return 'no longer available';
  return 'the carrier could not hold it right now: try again shortly';
}

function toAvailable(result: SearchResult): AvailableNumber {
  return {
    e164: result.e164,
    kind: result.kind,
    country: 'US',
    state: result.state,
    rateCenter: result.rateCenter,
    npa: result.npa,
    nxx: result.nxx,
    features: result.features as AvailableNumber['features'],
    providerRef: result.providerRef,
  };
}

async function releaseHolds(items: (typeof cartItems.$inferSelect)[]) {
  const byHold = new Map<string, (typeof cartItems.$inferSelect)[]>();
  for (const item of items) if (item.holdRef) byHold.set(`${item.connectionId}|${item.holdRef}`, [...(byHold.get(`${item.connectionId}|${item.holdRef}`) ?? []), item]);
  for (const group of byHold.values()) {
    const first = group[0]!;
    try {
      const { adapter } = await getConnectionAdapter(first.connectionId);
      await adapter.numbers?.holds?.release({ holdRef: first.holdRef!, numbers: group.map((item) => item.e164), expiresAt: first.holdExpiresAt ?? new Date() });
    } catch (error) {
      // The hold lapses upstream on its own; a failed release must not keep the number in the cart.
      log.warn('numbers.release_hold_failed', { connectionId: first.connectionId, error });
    }
  }
}

export async function removeFromCart(access: AccountAccess, itemId: string): Promise<string> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const cart = await ensureCart(db, access);
  const item = await getCartItemById(db, { itemId, cartId: cart.id });
  if (!item) throw new AppError('not_found:cart_item', 'That number is not in your cart.');
  // A checkout of this cart may have taken the item (and its hold) since it was read: only a row
  // this call deleted has a hold nobody else uses.
  const [removed] = await deleteCartItemsByIds(db, { itemIds: [item.id] });
  if (!removed) throw new AppError('not_found:cart_item', 'That number is no longer in your cart: it was just ordered or removed.');
  await releaseHolds([removed]);
  return removed.e164;
}

/** Empties the caller's cart, releasing its holds: the API buys from a cart of exactly the numbers asked for. */
export async function emptyCart(access: AccountAccess): Promise<number> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const cart = await getCartByAccountOwner(db, { accountId: access.account.id, owner: actorOwner(access) });
  if (!cart) return 0;
  const items = await getCartItemsByCart(db, { cartId: cart.id });
  if (items.length === 0) return 0;
  const removed = await deleteCartItemsByIds(db, { itemIds: items.map((item) => item.id) });
  await releaseHolds(removed);
  return removed.length;
}

/** Job: releases holds that ran out and takes those numbers out of their carts. */
export async function expireCartHolds(now = new Date()): Promise<number> {
  const db = await getDb();
  const expired = await getExpiredHolds(db, { now });
  if (expired.length === 0) return 0;
  const removed = await deleteCartItemsByIds(db, { itemIds: expired.map((item) => item.id) });
  await releaseHolds(removed);
  return removed.length;
}

/** Count of items per cart, for the header badge. */
export async function countCartItems(access: AccountAccess): Promise<number> {
  const db = await getDb();
  const cart = await getCartByAccountOwner(db, { accountId: access.account.id, owner: actorOwner(access) });
  if (!cart) return 0;
  return countCartItemsByCart(db, { cartId: cart.id });
}

