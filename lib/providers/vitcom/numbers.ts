import { isItemRefusal, ProviderError, refusalOf } from '../errors';
import {
  TOLL_FREE_PREFIXES,
  type AvailableNumber,
  type E164,
  type NumberSearchQuery,
  type NumbersCapability,
  type OrderRequest,
  type OrderResult,
  type RouteNumberResult,
  type RouteNumbersRequest,
} from '../types';
import { COUNTRIES, DEFAULT_PAGE_SIZE, NUMBER_STATUS } from './assumptions';
import type { VitcomClient } from './client';
import { invalid, orNull, type VitcomCore } from './core';
import { createVitcomHolds, type VitcomHolds } from './holds';
import { firstConsecutiveBlock } from '../consecutive-block';
import { isTollFree, mapAvailableNumbers, mapOrderLines, mapOwnedNumber, mapStates, matchesPattern, originationCandidates, toTenDigits } from './map';
import type { VitcomOriginationTrunk, VitcomOwnedNumber } from './schema';

interface SavedOrder {
  reserveId?: string;
  orderId?: string;
  numbers?: string[];
  processed?: boolean;
}

export interface VitcomNumbers extends NumbersCapability {
  readonly holds: VitcomHolds;
}

export function createVitcomNumbers(core: VitcomCore): VitcomNumbers {
  const { client, state, npanxxFor, savedGroups, membersOf, originationTrunkId } = core;
  const { holds, holdTens } = createVitcomHolds(core);

  async function activeInOrder(orderId: string): Promise<Set<string>> {
    const rows = (await orNull(client.getNumbers({ orderno: orderId })))?.data ?? [];
    return new Set(rows.filter((row) => row.status === NUMBER_STATUS.active).map((row) => toTenDigits(row.didnumber)).filter((n): n is string => !!n));
  }

  /**
   * Which origination trunk each row is on. The row names it only by IP and prefix; where several
   * trunks share those, the `trunkId` filter of `/getnumbers` says which (DISAMBIGUATE_TRUNK_BY_FILTER).
   */
  async function originationOf(rows: readonly VitcomOwnedNumber[], trunks: readonly VitcomOriginationTrunk[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const ambiguous = new Set<string>();
    const candidateIds = new Set<string>();
    for (const row of rows) {
      const candidates = originationCandidates(row, trunks);
      if (candidates.length === 1) out.set(row.didnumber, candidates[0]!.id);
      else if (candidates.length > 1) {
        ambiguous.add(row.didnumber);
        for (const candidate of candidates) candidateIds.add(candidate.id);
      }
    }
    for (const id of candidateIds) {
      if (![...ambiguous].some((didnumber) => !out.has(didnumber))) break;
      const onTrunk = (await orNull(client.getNumbers({ trunkId: id })))?.data ?? [];
      for (const row of onTrunk) if (ambiguous.has(row.didnumber) && !out.has(row.didnumber)) out.set(row.didnumber, id);
    }
    return out;
  }

  /** Origination trunk id → the trunkRef of the group it belongs to, as createTrunk/getTrunk/listTrunks name it. */
  async function groupRefByOrigination(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const ref of await savedGroups()) {
      const origination = (await membersOf(ref))?.origination;
      if (origination && !out.has(origination)) out.set(origination, ref);
    }
    return out;
  }

  /** The origination trunk a route goes to: the group's inbound side, or the default for null. */
  async function routeTarget(trunkRef: string | null): Promise<string> {
    if (trunkRef === null) return originationTrunkId(undefined); // DEFAULT_ROUTE_IS_FIRST_ORIGINATION_TRUNK
    const parts = await membersOf(trunkRef);
    if (!parts) throw new ProviderError('vitcom', 'not_found', { upstreamMessage: `no trunk group ${trunkRef}` });
    if (!parts.origination) throw invalid(`trunk group ${trunkRef} has no origination (inbound) side to route numbers to`);
    const trunk = (await orNull(client.getTrunk(parts.origination)))?.data.find((t) => t.id === parts.origination);
    if (!trunk) throw new ProviderError('vitcom', 'not_found', { upstreamMessage: `no trunk group ${trunkRef}` });
    return trunk.id;
  }

  return {
    async search(query: NumberSearchQuery): Promise<AvailableNumber[]> {
      if (query.country && !COUNTRIES.includes(query.country)) {
        throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: `VITCOM sells no ${query.country} numbers` });
      }
      const quantity = Math.max(1, query.quantity);
      const enough = (found: AvailableNumber[]) => !query.consecutive && found.length >= quantity;
      const finish = (found: AvailableNumber[]) => (query.consecutive ? firstConsecutiveBlock(found, quantity) : found.slice(0, quantity));
      const found: AvailableNumber[] = [];

      if (query.kind === 'tollfree') {
        const prefixes = query.tollFreePrefix
          ? [query.tollFreePrefix]
          : query.npa && isTollFree(`${query.npa}0000000`)
            ? [query.npa]
            : [...TOLL_FREE_PREFIXES];
        for (const prefix of prefixes) {
          const rows = (await client.searchTfn(prefix)).TFNs;
          found.push(...mapAvailableNumbers(rows, { kind: 'tollfree' }).filter((n) => matchesPattern(n.e164.slice(2), query.pattern)));
          if (enough(found)) break;
        }
        return finish(found);
      }

      let states: string[];
      if (query.state) states = [query.state.toUpperCase()];
      else {
        const known = (await state.get<Record<string, string>>('npanxx-state')) ?? {};
        const hinted = query.npa ? [...new Set(Object.entries(known).filter(([npanxx]) => npanxx.startsWith(query.npa!)).map(([, s]) => s))] : [];
        const all = mapStates((await client.availabilityState()).data);
        states = [...hinted, ...all.filter((s) => !hinted.includes(s))];
      }
      for (const stateCode of states) {
        const all = await npanxxFor(stateCode);
        const candidates = all.filter(
          (row) =>
            (!query.npa || row.npa === query.npa) &&
            (!query.nxx || row.nxx === query.nxx) &&
            (!query.rateCenter || row.rateCenter?.toUpperCase() === query.rateCenter.toUpperCase()),
        );
        if (!candidates.length) continue;
        const index = new Map(all.map((row) => [row.npanxx, row]));
        const wanted = new Set(candidates.map((row) => row.npanxx));
        const accept = (rows: Awaited<ReturnType<VitcomClient['searchDid']>>) =>
          mapAvailableNumbers(rows.DIDs ?? rows.data?.Numbers ?? [], { kind: 'local', state: stateCode, npanxx: index }).filter(
            (n) => wanted.has(n.e164.slice(2, 8)) && matchesPattern(n.e164.slice(2), query.pattern),
          );
        if (candidates.length === all.length) {
          found.push(...accept(await client.searchDid({ state: stateCode })));
        } else {
          for (const row of candidates) {
            found.push(...accept(await client.searchDid({ state: stateCode, npanxx: row.npanxx })));
            if (enough(found)) break;
          }
        }
        if (enough(found)) break;
      }
      return finish(found);
    },

    async order(request: OrderRequest): Promise<OrderResult> {
      const key = `order:${request.idempotencyKey}`;
      const saved: SavedOrder = (await state.get<SavedOrder>(key)) ?? {};
      const resuming = saved.orderId !== undefined;
      if (!saved.orderId) {
        const trunkId = await originationTrunkId(request.trunkRef);
        if (!saved.reserveId) {
          const tens = request.numbers.map((n) => toTenDigits(n));
          if (!tens.length || tens.some((t) => !t)) throw invalid('order needs NANP numbers');
          saved.reserveId = request.holdRef ?? (await holdTens(tens as string[])).holdRef;
          await state.set(key, saved);
        }
        const generated = await client.genOrder(trunkId, saved.reserveId);
        saved.orderId = generated.orderId;
        saved.numbers = generated.numbers;
        await state.set(key, saved);
      }
      if (!saved.processed) {
        // After a crash between process and save, the numbers are already live: do not charge twice.
        const already = resuming ? await activeInOrder(saved.orderId) : new Set<string>();
        if (!already.size) await client.processOrder(saved.orderId);
        saved.processed = true;
        await state.set(key, saved);
      }
      return { upstreamOrderId: saved.orderId, lines: mapOrderLines(request.numbers, saved.numbers ?? []) };
    },

    async getOrder(request: { idempotencyKey: string; upstreamOrderId?: string; numbers: E164[] }): Promise<OrderResult | null> {
      const saved = await state.get<SavedOrder>(`order:${request.idempotencyKey}`);
      const orderId = request.upstreamOrderId ?? saved?.orderId;
      if (!orderId) return null;
      const order = (await orNull(client.getNewOrders(orderId)))?.Orders.find((row) => row.orderno === orderId);
      if (!order) return null;
      const requested = request.numbers.length ? request.numbers : order.numbers.map((tn) => `+1${toTenDigits(tn) ?? tn}`);
      return { upstreamOrderId: orderId, lines: mapOrderLines(requested, order.numbers, await activeInOrder(orderId)) };
    },

    async list(request: { cursor?: string; limit?: number }) {
      const [numbers, trunks] = await Promise.all([client.getNumbers(), client.getTrunk()]);
      const rows = numbers.data.filter((row) => row.status !== NUMBER_STATUS.cancelled);
      const [origination, groupRefs] = await Promise.all([originationOf(rows, trunks.data), groupRefByOrigination()]);
      const refOf = (id: string) => groupRefs.get(id) ?? `o${id}`;
      const owned = rows
        .map((row) => {
          const number = mapOwnedNumber(row, trunks.data, { originationId: origination.get(row.didnumber), refOf });
          // Leaving it out would make the refresh job flag a number we still pay for as gone.
          if (!number) throw new ProviderError('vitcom', 'malformed', { upstreamMessage: `/getnumbers lists "${row.didnumber}", which is not a North American number` });
          return number;
        })
        .sort((a, b) => a.e164.localeCompare(b.e164));
      const offset = Math.max(0, Number(request.cursor ?? 0) || 0);
      const limit = Math.max(1, request.limit ?? DEFAULT_PAGE_SIZE);
      const items = owned.slice(offset, offset + limit);
      return { items, nextCursor: offset + limit < owned.length ? String(offset + limit) : undefined };
    },

    async route(request: RouteNumbersRequest): Promise<RouteNumberResult[]> {
      const trunkId = await routeTarget(request.trunkRef);
      if (!request.numbers.length) return [];
      const ours = new Set(
        (await client.getNumbers()).data.filter((row) => row.status !== NUMBER_STATUS.cancelled).map((row) => toTenDigits(row.didnumber)),
      );
      const outcome = new Map<string, RouteNumberResult>();
      const send: string[] = [];
      for (const e164 of request.numbers) {
        const ten = toTenDigits(e164);
        if (!ten) outcome.set(e164, { e164, ok: false, reason: 'not a North American number' });
        else if (!ours.has(ten)) outcome.set(e164, { e164, ok: false, reason: 'not on the account', refusal: { code: 'number_not_on_account' } });
        else if (!send.includes(ten)) send.push(ten);
      }
      const settle = (ten: string, result: Omit<RouteNumberResult, 'e164'>) => {
        for (const e164 of request.numbers) if (!outcome.has(e164) && toTenDigits(e164) === ten) outcome.set(e164, { e164, ...result });
      };
      if (send.length) {
        try {
          await client.updateNumber(send, { trunkId });
          for (const ten of send) settle(ten, { ok: true });
        } catch (error) {
          if (!isItemRefusal(error)) throw error;
          // ROUTE_BATCH_THEN_ONE_BY_ONE: find out which numbers the refusal was about.
          for (const ten of send) {
            try {
              await client.updateNumber([ten], { trunkId });
              settle(ten, { ok: true });
            } catch (single) {
              if (!isItemRefusal(single)) throw single;
              settle(ten, { ok: false, reason: single.upstreamMessage ?? single.message, refusal: refusalOf(single) });
            }
          }
        }
      }
      return request.numbers.map((e164) => outcome.get(e164) ?? { e164, ok: false, reason: 'not routed' });
    },

    holds,

    release: {
      async release(e164: E164): Promise<void> {
        const ten = toTenDigits(e164);
        if (!ten) throw invalid(`not a NANP number: ${e164}`);
        await client.updateNumber([ten], { status: NUMBER_STATUS.cancelled });
      },
    },
  };
}
