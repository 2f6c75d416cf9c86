import { isProviderError, routeEachNumber } from '../errors';
import type { AvailableNumber, NumberSearchQuery, NumbersCapability, OrderLine, OrderResult } from '../types';
import { ARRAY_SEPARATOR, REFERENCE_CACHE_MS, SEARCH_MAX_INVENTORY_CALLS, UNROUTED_PEER_IDS } from './assumptions';
import { STATE_KEYS, type VoicemeupCore } from './core';
import { localError } from './errors';
import { mapInventoryDid, mapOwnedDid, routeOptions, toNational } from './map';
import type { WireAreaCode, WireInventoryDid } from './schema';

function patternMatcher(pattern: string | undefined): (national: string) => boolean {
  if (!pattern) return () => true;
  const source = pattern.replace(/[^0-9*]/g, '').replace(/\*/g, '\\d*');
  const regex = new RegExp(source);
  return (national) => regex.test(national);
}

/** The first run of `quantity` numbers that follow each other. */
function consecutiveRun(numbers: AvailableNumber[], quantity: number): AvailableNumber[] {
  const sorted = [...numbers].sort((a, b) => a.e164.localeCompare(b.e164));
  let run: AvailableNumber[] = [];
  for (const number of sorted) {
    const previous = run[run.length - 1];
    run = previous && Number(number.e164.slice(1)) === Number(previous.e164.slice(1)) + 1 ? [...run, number] : [number];
    if (run.length >= quantity) return run.slice(0, quantity);
  }
  return [];
}

/** VoiceMeUp numbers: no hold and no release through the API (none is documented). */
export function createVoicemeupNumbers({ context, client, now, e911Endpoints, getTrunk }: VoicemeupCore): NumbersCapability {
  async function areaCodes(): Promise<WireAreaCode[]> {
    const cached = await context.state.get<{ at: number; rows: WireAreaCode[] }>(STATE_KEYS.areaCodes);
    if (cached && now().getTime() - cached.at < REFERENCE_CACHE_MS) return cached.rows;
    const { data } = await client.getAreaCodes();
    await context.state.set(STATE_KEYS.areaCodes, { at: now().getTime(), rows: data.area_codes });
    return data.area_codes;
  }

  async function ownedNumbers(): Promise<Set<string>> {
    const { data } = await client.getDids();
    return new Set(data.dids.map((did) => mapOwnedDid(did).e164));
  }

  /** Undefined when the (inferred) e911 request type is refused: the number list still works. */
  async function e911Numbers(): Promise<Set<string> | undefined> {
    try {
      return new Set((await e911Endpoints()).map((record) => record.e164));
    } catch (error) {
      if (isProviderError(error) && error.providerKind === 'unsupported') return undefined;
      throw error;
    }
  }

  async function localInventory(query: NumberSearchQuery): Promise<WireInventoryDid[]> {
    const base = { type: 'local', npa: query.npa, nxx: query.npa ? query.nxx : undefined };
    const state = query.state?.toUpperCase();
    const country = query.country;
    const inState = (row: { state_code?: string; country_code?: string }) =>
      (!state || row.state_code?.toUpperCase() === state) && (!country || (row.country_code ?? 'US').toUpperCase() === country);

    // No search by state or rate-center name upstream: resolve them to NPAs and ratecenter ids first.
    let npas: string[] = query.npa ? [query.npa] : [];
    if (!query.npa && (state || country || query.rateCenter)) {
      npas = (await areaCodes()).filter(inState).map((row) => row.npa);
      if (npas.length === 0) return [];
    }

    if (query.rateCenter) {
      const wanted = query.rateCenter.trim().toUpperCase();
      const ratecenterIds: string[] = [];
      for (const npa of npas.slice(0, SEARCH_MAX_INVENTORY_CALLS)) {
        const { data } = await client.getRatecenters({ npa, result_limit: '1000' });
        for (const ratecenter of data.ratecenters) {
          if (ratecenter.name.trim().toUpperCase() === wanted && inState(ratecenter) && !ratecenterIds.includes(ratecenter.ratecenter_id)) {
            ratecenterIds.push(ratecenter.ratecenter_id);
          }
        }
      }
      const rows: WireInventoryDid[] = [];
      for (const ratecenterId of ratecenterIds.slice(0, SEARCH_MAX_INVENTORY_CALLS)) {
        rows.push(...(await client.getDidInventory({ ...base, ratecenter_id: ratecenterId })).data.inventory);
      }
      return rows;
    }

    if (query.npa || npas.length === 0) return (await client.getDidInventory(base)).data.inventory;

    const rows: WireInventoryDid[] = [];
    for (const npa of npas.slice(0, SEARCH_MAX_INVENTORY_CALLS)) {
      rows.push(...(await client.getDidInventory({ ...base, npa })).data.inventory);
      if (rows.length >= query.quantity * 4) break;
    }
    return rows;
  }

  return {
    async search(query) {
      const matches = patternMatcher(query.pattern);
      let rows: WireInventoryDid[];
      if (query.kind === 'tollfree') {
        rows = (await client.getDidInventory({ type: 'tollfree' })).data.inventory;
      } else {
        rows = await localInventory(query);
      }
      const numbers = rows
        .map(mapInventoryDid)
        .filter((number) => number.kind === query.kind)
        .filter((number) => query.kind !== 'tollfree' || !query.tollFreePrefix || number.npa === query.tollFreePrefix)
        .filter((number) => query.kind === 'tollfree' || !query.country || number.country === query.country)
        .filter((number) => !query.state || number.state?.toUpperCase() === query.state.toUpperCase())
        .filter((number) => !query.nxx || number.nxx === query.nxx)
        .filter((number) => matches(number.e164.slice(2)));
      const unique = [...new Map(numbers.map((number) => [number.e164, number])).values()];
      return query.consecutive ? consecutiveRun(unique, query.quantity) : unique.slice(0, query.quantity);
    },

    async order(request) {
      // add_did takes no idempotency key: numbers already on the account count as bought.
      const owned = await ownedNumbers();
      const lines: OrderLine[] = [];
      for (const e164 of request.numbers) {
        if (owned.has(e164)) {
          lines.push({ e164, status: 'active' });
          continue;
        }
        const national = toNational(e164);
        if (!national) {
          lines.push({ e164, status: 'failed', reason: 'not a North American number' });
          continue;
        }
        try {
          const { data } = await client.addDid(national);
          if (request.trunkRef) {
            await client.setDid({ client_did_id: data.did.client_did_id, client_peer_ids: request.trunkRef, options: 'enable_peer' });
          }
          lines.push({ e164, status: data.did.status === 'disabled' ? 'pending' : 'active' });
        } catch (error) {
          if (!isProviderError(error)) throw error;
          if (error.providerKind === 'auth' && lines.length === 0) throw error;
          const unknownOutcome = error.providerKind === 'unavailable' || error.providerKind === 'malformed';
          lines.push({ e164, status: unknownOutcome ? 'pending' : 'failed', reason: error.upstreamMessage ?? error.message });
        }
      }
      return { lines };
    },

    async getOrder(request): Promise<OrderResult | null> {
      const owned = await ownedNumbers();
      if (!request.numbers.some((e164) => owned.has(e164))) return null;
      return {
        lines: request.numbers.map((e164) =>
          owned.has(e164) ? { e164, status: 'active' as const } : { e164, status: 'failed' as const, reason: 'not on the account' },
        ),
      };
    },

    async list({ cursor, limit }) {
      const [{ data }, provisioned] = await Promise.all([client.getDids(), e911Numbers()]);
      // get_dids has no paging (§3.3): page over the full answer.
      const offset = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
      const size = Math.min(Math.max(limit ?? 100, 1), 1000);
      const all = data.dids.map((did) => mapOwnedDid(did, provisioned));
      const items = all.slice(offset, offset + size);
      return { items, nextCursor: offset + size < all.length ? String(offset + size) : undefined };
    },

    async route({ numbers, trunkRef }) {
      // A trunkRef is one peer (§4: no trunk groups upstream).
      if (trunkRef !== null && !(await getTrunk(trunkRef))) throw localError('not_found', `no peer ${trunkRef}`);
      if (!numbers.length) return [];
      // set_did takes the full options set, so read every DID's current one first (one call, no paging).
      const { data } = await client.getDids();
      const byNumber = new Map(data.dids.map((did) => [did.phone_number, did]));
      return routeEachNumber(numbers, async (e164) => {
        const national = toNational(e164);
        const did = national ? byNumber.get(national) : undefined;
        if (!did) return national ? 'not on the account' : 'not a North American number';
        await client.setDid({
          client_did_id: did.client_did_id,
          client_peer_ids: trunkRef ?? UNROUTED_PEER_IDS,
          options: routeOptions(did.options, trunkRef !== null).join(ARRAY_SEPARATOR),
        });
      });
    },
  };
}
