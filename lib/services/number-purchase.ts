import 'server-only';

/**
 * Buying numbers in one call, for the API (`POST /api/v1/numbers`): `count` numbers in an area code
 * (VICICarrier's shape) or exact numbers. It is checkout as the pages do it, on the caller's own cart
 * (an API key has its own): the cart is emptied, filled from the fanned-out search, and placed as an
 * order under an idempotency key. Nothing is bought unless every number asked for is in the cart.
 */
import { createHash, randomUUID } from 'node:crypto';
import { actorOwner, assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import type { NumberOrder } from '@/lib/db/schema';
import { getE911AddressById } from '@/lib/db/queries/e911';
import { getOrderByIdempotencyKey } from '@/lib/db/queries/number-orders';
import { getTrunkGroupById } from '@/lib/db/queries/trunk-groups';
import { AppError, isAppError } from '@/lib/errors';
import { formatE164 } from '@/lib/format';
import { toE164, toNanpTenDigits } from '@/lib/phone-numbers';
import { TOLL_FREE_PREFIXES } from '@/lib/providers/types';
import { numberSearchSchema, type NumberSearchInput } from '@/lib/validations/numbers';
import { numberSupportsE911 } from './e911-capability';
import { addToCart, emptyCart, getCart } from './number-cart';
import { placeOrder } from './number-orders';
import { searchAvailableNumbers, type SearchAnswer, type SearchResult } from './number-search';
import { toUnits } from './pricing';

export type PurchaseRequest = ({ npa: string; count: number; numbers?: undefined } | { numbers: string[]; npa?: undefined; count?: undefined }) & {
  trunkGroupId?: string;
  e911AddressId?: string;
  acknowledgeNoE911?: boolean;
};

/** Rounds of "add the next best numbers" when some of those picked were taken meanwhile. */
const FILL_ROUNDS = 3;

/**
 * The order's key: the caller's `Idempotency-Key` (a retried POST is the same order, even when the
 * stored answer was lost), per actor so two keys of one account never share an order; else a fresh one.
 */
export function purchaseIdempotencyKey(access: AccountAccess, requestKey: string | null): string {
  if (!requestKey) return `api-${randomUUID()}`;
  const owner = actorOwner(access);
  return `api-${createHash('sha256').update(`${owner.apiKeyId ?? ''}:${owner.userId ?? ''}:${requestKey}`).digest('hex').slice(0, 48)}`;
}

/** One purchase at a time per cart in this process; `expectNumbers` in placeOrder covers the rest. */
const cartQueues = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = cartQueues.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(run);
  cartQueues.set(key, current);
  try {
    return await current;
  } finally {
    if (cartQueues.get(key) === current) cartQueues.delete(key);
  }
}

function searchInput(npa: string, quantity: number, nxx?: string): NumberSearchInput {
  const tollFree = (TOLL_FREE_PREFIXES as readonly string[]).includes(npa);
  return numberSearchSchema.parse(tollFree ? { kind: 'tollfree', tollFreePrefix: npa, quantity: String(quantity) } : { kind: 'local', npa, nxx, quantity: String(quantity) });
}

/** Best first: a carrier that can register an emergency address, then the lowest price, then number order. */
function ranked(results: readonly SearchResult[]): SearchResult[] {
  const cost = (result: SearchResult) => toUnits(result.monthly) + toUnits(result.setup);
  return [...results].sort((a, b) => Number(numberSupportsE911(b)) - Number(numberSupportsE911(a)) || cost(a) - cost(b) || a.e164.localeCompare(b.e164));
}

const failedCarriers = (answer: SearchAnswer) => answer.providers.filter((outcome) => !outcome.ok).length;

/** Names the API's fields where placeOrder names the checkout form's. */
function inApiTerms(error: unknown): unknown {
  if (!isAppError(error) || !error.fieldErrors) return error;
  const names: Record<string, string> = { trunkGroupRef: 'trunkGroupId', e911AddressRef: 'e911AddressId', acknowledgedNoE911: 'acknowledgeNoE911' };
  const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([field, messages]) => [names[field] ?? field, messages]));
  return new AppError(error.code, error.message, { fieldErrors, cause: error });
}

export async function purchaseNumbers(access: AccountAccess, request: PurchaseRequest, { idempotencyKey }: { idempotencyKey: string }): Promise<NumberOrder> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const existing = await getOrderByIdempotencyKey(db, { accountId: access.account.id, idempotencyKey });
  if (existing) return existing;
  const wanted = request.numbers ? normalizedNumbers(request.numbers) : undefined;
  // Checked before any carrier is asked to hold numbers (placeOrder checks again, under the cart's lock).
  if (request.trunkGroupId && !(await getTrunkGroupById(db, { trunkGroupId: request.trunkGroupId, accountId: access.account.id }))) {
    throw new AppError('not_found:trunk_group', 'That trunk group is not in this account.', { fieldErrors: { trunkGroupId: ['Not a trunk group of this account'] } });
  }
  if (request.e911AddressId && !(await getE911AddressById(db, { addressId: request.e911AddressId, accountId: access.account.id }))) {
    throw new AppError('not_found:e911_address', 'That emergency address is not in this account.', { fieldErrors: { e911AddressId: ['Not an emergency address of this account'] } });
  }
  const owner = actorOwner(access);
  return oneAtATime(`${access.account.id}:${owner.apiKeyId ?? owner.userId}`, async () => {
    await emptyCart(access);
    try {
      const inCart = wanted ? await fillWithNumbers(access, wanted) : await fillFromAreaCode(access, request.npa!, request.count!);
      const cart = await getCart(access);
      return await placeOrder(access, {
        idempotencyKey,
        trunkGroupRef: request.trunkGroupId,
        e911AddressRef: request.e911AddressId,
        acknowledgedNoE911: request.acknowledgeNoE911 ? cart.noE911 : [],
        expectNumbers: inCart,
      });
    } catch (error) {
      // Nothing half-done: the holds go back to the carriers and the cart is empty again.
      await emptyCart(access).catch(() => undefined);
      throw inApiTerms(error);
    }
  });
}

function normalizedNumbers(input: readonly string[]): string[] {
  const fieldErrors: Record<string, string[]> = {};
  const numbers = input.map((text, index) => {
    const e164 = toE164(text);
    if (!e164 || !toNanpTenDigits(e164)) fieldErrors[`numbers.${index}`] = ['Not a North American number in E.164 (+14155550123)'];
    return e164 ?? text;
  });
  if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid:body', 'Some numbers are not valid; see `fields`.', { fieldErrors });
  return [...new Set(numbers)];
}

/** `count` numbers of the area code, the best offers first; others take the place of any taken meanwhile. */
async function fillFromAreaCode(access: AccountAccess, npa: string, count: number): Promise<string[]> {
  const answer = await searchAvailableNumbers(access, searchInput(npa, count));
  const pool = ranked(answer.results);
  const added: string[] = [];
  for (let round = 0; round < FILL_ROUNDS && added.length < count && pool.length > 0; round++) {
    const next = pool.splice(0, count - added.length);
    const result = await addToCart(access, { searchId: answer.searchId, numbers: next.map((result) => result.e164) });
    added.push(...result.added);
  }
  if (added.length < count) {
    const failed = failedCarriers(answer);
    const carriers = failed > 0 ? ` (${failed} of ${answer.providers.length} carriers did not answer; try again shortly)` : '';
    throw new AppError('conflict:not_enough_numbers', `Only ${added.length} of the ${count} numbers asked for are available in area code ${npa} now${carriers}; nothing was bought.`, {
      fieldErrors: { count: [`${added.length} available`] },
    });
  }
  return added;
}

/** Exactly these numbers: each must be offered by a carrier now (searched by area code, then by exchange). */
async function fillWithNumbers(access: AccountAccess, wanted: string[]): Promise<string[]> {
  const found = new Map<string, string>();
  const searchFor = async (groupOf: (national: string) => string, inputOf: (group: string) => NumberSearchInput) => {
    const groups = new Set(wanted.filter((e164) => !found.has(e164)).map((e164) => groupOf(toNanpTenDigits(e164)!)));
    for (const group of groups) {
      const answer = await searchAvailableNumbers(access, inputOf(group));
      for (const result of answer.results) if (wanted.includes(result.e164) && !found.has(result.e164)) found.set(result.e164, answer.searchId);
    }
  };
  await searchFor((national) => national.slice(0, 3), (npa) => searchInput(npa, 100));
  await searchFor((national) => national.slice(0, 6), (group) => searchInput(group.slice(0, 3), 100, group.slice(3)));
  const refuse = (missing: string[]) => {
    const fieldErrors = Object.fromEntries(missing.map((e164) => [`numbers.${wanted.indexOf(e164)}`, [`${formatE164(e164)} is not available now`]]));
    return new AppError('conflict:numbers_unavailable', `${missing.length} of the numbers asked for ${missing.length === 1 ? 'is' : 'are'} not available now: ${missing.join(', ')}. Nothing was bought.`, { fieldErrors });
  };
  const notOffered = wanted.filter((e164) => !found.has(e164));
  if (notOffered.length > 0) throw refuse(notOffered);
  const bySearch = new Map<string, string[]>();
  for (const [e164, searchId] of found) bySearch.set(searchId, [...(bySearch.get(searchId) ?? []), e164]);
  const added: string[] = [];
  for (const [searchId, numbers] of bySearch) added.push(...(await addToCart(access, { searchId, numbers })).added);
  const refused = wanted.filter((e164) => !added.includes(e164));
  if (refused.length > 0) throw refuse(refused);
  return added;
}
