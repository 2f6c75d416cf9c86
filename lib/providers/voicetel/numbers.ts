import { createHash } from 'node:crypto';
import { ProviderError, routeEachNumber } from '../errors';
import { TOLL_FREE_PREFIXES, type AvailableNumber, type NumberSearchQuery, type NumbersCapability, type OrderResult } from '../types';
import { matchesPattern } from '@/lib/number-pattern';
import { ACCOUNT_RATES_STATE_KEY, DEFAULT_ROUTE, IDEMPOTENCY_KEY_PATTERN, MAX_INVENTORY_QUANTITY, MAX_NUMBERS_PER_ORDER, TN_MASK_MAX_LENGTH, UNROUTED_ROUTE } from './assumptions';
import { invalid, type VoiceTelCore } from './core';
import { firstConsecutiveRun, mapInventoryItem, mapOrder, mapOwnedNumber, toE164, toNanp10 } from './map';
import { inventoryResponse, numberRouteResponse, numbersListResponse, orderResponse } from './schema';

function idempotencyKeyFor(key: string, suffix: string): string {
  const base = IDEMPOTENCY_KEY_PATTERN.test(key) && key.length <= 120 ? key : createHash('sha256').update(key).digest('hex').slice(0, 64);
  return `${base}${suffix}`;
}

interface InventoryPlan {
  masks: string[];
  /** The masks say exactly what was asked; otherwise more is fetched and the answer filtered here. */
  exact: boolean;
  /** What every number found must start with (area code and exchange, or the toll-free prefix). */
  head: string;
}

/** Anchored at the start only: a trailing `*` says nothing, a leading one is "anywhere". */
const trimMask = (mask: string) => mask.replace(/\*+$/, '') || mask;

function inventoryPlan(query: NumberSearchQuery): InventoryPlan | null {
  // National numbers never start with 1: a whole-number pattern (11 digits, or with `*`) that does names the country code.
  const digits = query.pattern?.replace(/[^0-9*]/g, '').replace(/^1(?=\d{10}$|.*\*)/, '');
  const head = query.kind === 'tollfree' ? (query.tollFreePrefix ?? '') : query.npa ? `${query.npa}${query.nxx ?? ''}` : '';
  const heads = query.kind === 'tollfree' ? (query.tollFreePrefix ? [query.tollFreePrefix] : [...TOLL_FREE_PREFIXES]) : head ? [head] : [];
  if (!digits) return heads.length ? { masks: heads, exact: true, head } : null;
  // A pattern without `*` may sit anywhere in the number; one with `*` describes all of it.
  const pattern = digits.includes('*') ? digits : `*${digits}*`;
  const exactTail = pattern.endsWith('*');
  const masks = heads.length === 0 ? [trimMask(pattern)] : heads.map((prefix) => trimMask(pattern.startsWith(prefix) ? pattern : `${prefix}*${pattern.replace(/^\*+/, '')}`));
  if (masks.every((mask) => mask.length <= TN_MASK_MAX_LENGTH)) return { masks, exact: exactTail && heads.every((prefix) => pattern.startsWith(prefix)), head };
  // Too long to say: the longest run of digits, anywhere, and the rest is checked here.
  const longest = pattern.split('*').reduce((best, segment) => (segment.length > best.length ? segment : best), '');
  return { masks: [longest.length >= TN_MASK_MAX_LENGTH ? longest : `*${longest}`], exact: false, head };
}

export function createVoiceTelNumbers({ client, state, coverage, readUserGateway }: VoiceTelCore): NumbersCapability {
  const listOwned = () =>
    client.call({
      operation: 'GET /numbers',
      method: 'GET',
      path: '/numbers',
      idempotent: true,
      emptyOn404: () => [],
      parse: (body) => numbersListResponse.parse(body).data.numbers,
    });

  const inventory = (query: Record<string, string | number | undefined>) =>
    client.call({
      operation: 'GET /inventory',
      method: 'GET',
      path: '/inventory',
      query,
      idempotent: true,
      parse: (body) => inventoryResponse.parse(body).data.numbers,
    });

  return {
    async search(query) {
      const quantity = Math.min(MAX_INVENTORY_QUANTITY, Math.max(1, Math.floor(query.quantity)));
      const fetchQuantity = query.consecutive ? Math.min(MAX_INVENTORY_QUANTITY, quantity * 20) : quantity;
      const plan = inventoryPlan(query);
      let masks = plan?.masks;
      if (!masks) {
        // tnMask is required: find the area codes with stock in the state through the coverage counts.
        if (!query.state) throw invalid('VoiceTel needs an area code, a pattern or a state to search');
        const buckets = await coverage({ countBy: 'npanxx', state: query.state.toUpperCase() });
        const byNpa = new Map<string, number>();
        for (const bucket of buckets) if (bucket.npa) byNpa.set(bucket.npa, (byNpa.get(bucket.npa) ?? 0) + bucket.count);
        masks = [...byNpa.entries()].sort((a, b) => b[1] - a[1]).map(([npa]) => npa);
      }
      const askFor = plan && !plan.exact ? MAX_INVENTORY_QUANTITY : fetchQuantity;
      const wanted = (nanp10: string) => (!plan?.head || nanp10.startsWith(plan.head)) && (!query.pattern || matchesPattern(nanp10, query.pattern));
      const didRate = (await state.get<{ did?: number }>(ACCOUNT_RATES_STATE_KEY))?.did;
      const found = new Map<string, AvailableNumber>();
      for (const tnMask of masks) {
        if (found.size >= fetchQuantity) break;
        const items = await inventory({
          tnMask,
          quantity: Math.max(1, askFor - found.size),
          province: query.kind === 'local' ? query.state?.toUpperCase() : undefined,
          rateCenter: query.kind === 'local' ? query.rateCenter?.toUpperCase() : undefined,
        });
        for (const item of items) {
          const number = mapInventoryItem(item, didRate);
          if (number.kind !== query.kind || !wanted(item.number)) continue;
          if (query.country && number.kind === 'local' && number.country !== query.country) continue;
          found.set(number.e164, number);
        }
      }
      const numbers = [...found.values()];
      return query.consecutive ? firstConsecutiveRun(numbers, quantity) : numbers.slice(0, quantity);
    },

    async order(request) {
      const numbers = request.numbers.map(toNanp10);
      if (!numbers.length) throw invalid('no numbers to order');
      const route = request.trunkRef === undefined ? undefined : Number(request.trunkRef);
      if (route !== undefined && !Number.isInteger(route)) throw invalid(`not a VoiceTel gateway id: ${request.trunkRef}`);
      const chunks: string[][] = [];
      for (let index = 0; index < numbers.length; index += MAX_NUMBERS_PER_ORDER) chunks.push(numbers.slice(index, index + MAX_NUMBERS_PER_ORDER));
      const results: OrderResult[] = [];
      for (const [index, chunk] of chunks.entries()) {
        const key = idempotencyKeyFor(request.idempotencyKey, chunks.length > 1 ? `-${index + 1}` : '');
        const wire = await client.call({
          operation: 'POST /orders',
          method: 'POST',
          path: '/orders',
          headers: { 'Idempotency-Key': key },
          body: { numbers: chunk.map((number) => (route !== undefined && route !== DEFAULT_ROUTE ? { number, route } : number)) },
          // The Idempotency-Key makes a replay return the cached order without a second charge.
          idempotent: true,
          parse: (body) => orderResponse.parse(body).data,
        });
        results.push(mapOrder(wire, chunk));
      }
      const ids = results.map((result) => result.upstreamOrderId).filter(Boolean);
      return { upstreamOrderId: ids.length ? ids.join(',') : undefined, lines: results.flatMap((result) => result.lines) };
    },

    async getOrder(request) {
      const owned = new Set((await listOwned()).map((number) => number.number));
      const numbers = request.numbers.map(toNanp10);
      if (!numbers.some((number) => owned.has(number))) return null;
      return {
        upstreamOrderId: request.upstreamOrderId,
        lines: numbers.map((number) =>
          owned.has(number)
            ? { e164: toE164(number), status: 'active' as const }
            : { e164: toE164(number), status: 'failed' as const, reason: 'not on the account' },
        ),
      };
    },

    async list({ cursor, limit }) {
      // No pagination upstream: the whole list comes at once and is paged here.
      const all = (await listOwned()).map(mapOwnedNumber).sort((a, b) => a.e164.localeCompare(b.e164));
      const offset = cursor ? Math.max(0, Number.parseInt(cursor, 10) || 0) : 0;
      const size = limit && limit > 0 ? limit : all.length;
      const items = all.slice(offset, offset + size);
      return { items, nextCursor: offset + size < all.length ? String(offset + size) : undefined };
    },

    async route({ numbers, trunkRef }) {
      let route = UNROUTED_ROUTE;
      if (trunkRef !== null) {
        // Only user gateways are trunk groups: a system route id is refused like an unknown one.
        const gateway = await readUserGateway(trunkRef);
        if (!gateway) throw new ProviderError('voicetel', 'not_found', { upstreamMessage: `no user gateway ${trunkRef}` });
        route = gateway.id;
      }
      // One number per call upstream.
      return routeEachNumber(numbers, async (e164) => {
        const number = toNanp10(e164);
        await client.call({
          operation: 'PUT /numbers/{number}/route',
          method: 'PUT',
          path: `/numbers/${number}/route`,
          body: { route },
          // Sets the whole route: repeating it lands in the same place.
          idempotent: true,
          parse: (body) => numberRouteResponse.parse(body).data,
        });
      });
    },

    release: {
      async release(e164) {
        await client.call({
          operation: 'DELETE /numbers/{number}',
          method: 'DELETE',
          path: `/numbers/${toNanp10(e164)}`,
          // Already gone from the account is the outcome we want.
          emptyOn404: () => undefined,
          idempotent: true,
          parse: () => undefined,
        });
      },
    },
  };
}
