/**
 * VoiceMeUp (seed 004, XML Engine API): DID inventory search and add, DIDs, peers (update only),
 * e911 with alternate addresses, `get_calls` with its `unique_id` cursor, transactions and the
 * "CR"-signed balance. No hold, no release, no port-in, no peer creation: none is documented.
 */
import { isItemRefusal, isProviderError } from '../errors';
import type {
  AvailableNumber,
  Capability,
  Cdr,
  E911Record,
  E911Validation,
  NumberSearchQuery,
  OrderLine,
  OrderResult,
  Page,
  ProviderAdapter,
  ProviderContext,
  ProviderDescriptor,
  RouteNumberResult,
  TrunkGroup,
} from '../types';
import {
  ARRAY_SEPARATOR,
  CDR_LOG_GRACE_MS,
  CDR_MAX_CALLS_PER_PAGE,
  CDR_PAGE_DEFAULT,
  CDR_PAGE_MAX,
  DEFAULT_TIME_ZONE,
  E911_NOT_FOUND_MEANS_NO_ENDPOINTS,
  REFERENCE_CACHE_MS,
  SEARCH_MAX_INVENTORY_CALLS,
  UNROUTED_PEER_IDS,
} from './assumptions';
import { createVoicemeupClient } from './client';
import { localError } from './errors';
import {
  dateInZone,
  fromWireAddress,
  isInvoice,
  mapCall,
  mapEndpoint,
  mapFunding,
  mapInventoryDid,
  mapInvoice,
  mapOwnedDid,
  mapPeer,
  mapTransaction,
  peerParamsFromSpec,
  routeOptions,
  splitName,
  toNational,
  toWireAddress,
} from './map';
import type { WireAreaCode, WireInventoryDid } from './schema';

const CAPABILITIES = [
  'numbers.search',
  'numbers.order',
  'numbers.list',
  'numbers.route',
  'trunks.read',
  'trunks.update',
  'e911.validate',
  'e911.provision',
  'e911.remove',
  'e911.list',
  'cdrs',
  'invoices',
  'balance',
] as const satisfies readonly Capability[];

const STATE_KEYS = {
  areaCodes: 'ref:area_codes',
  validationDid: 'e911:validation_did',
  lastCallId: 'cdrs:last_unique_id',
} as const;

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

function createAdapter(context: ProviderContext): ProviderAdapter {
  const client = createVoicemeupClient(context);
  const timeZone = context.credentials.time_zone || DEFAULT_TIME_ZONE;
  const now = () => context.now?.() ?? new Date();
  const currency = client.currency;

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

  /** Every endpoint on the account: e911_get_endpoints with no argument "will return all". */
  async function e911Endpoints(): Promise<E911Record[]> {
    try {
      const { data } = await client.e911GetEndpoints();
      return data.endpoints.map(mapEndpoint);
    } catch (error) {
      if (isProviderError(error) && error.providerKind === 'not_found' && E911_NOT_FOUND_MEANS_NO_ENDPOINTS) return [];
      throw error;
    }
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

  async function validationNumber(): Promise<string> {
    const cached = await context.state.get<string>(STATE_KEYS.validationDid);
    if (cached) return cached;
    const { data } = await client.getDids();
    const first = data.dids.find((did) => did.status !== 'disabled') ?? data.dids[0];
    if (!first) throw localError('invalid', 'VoiceMeUp validates e911 addresses against a DID and the account has none');
    await context.state.set(STATE_KEYS.validationDid, first.phone_number);
    return first.phone_number;
  }

  async function getTrunk(trunkRef: string): Promise<TrunkGroup | null> {
    if (!/^\d+$/.test(trunkRef)) return null;
    try {
      const { data } = await client.getPeers(trunkRef);
      const peer = data.peers.find((item) => item.client_peer_id === trunkRef);
      return peer ? mapPeer(peer) : null;
    } catch (error) {
      if (isProviderError(error) && error.providerKind === 'not_found') return null;
      throw error;
    }
  }

  return {
    provider: 'voicemeup',
    capabilities: new Set<Capability>(CAPABILITIES),

    async testConnection() {
      try {
        const balance = mapFunding((await client.getFundingDetails()).data.funding_details, currency);
        const amount = balance.available.amount;
        const standing = amount.startsWith('-') ? `${amount.slice(1)} ${balance.available.currency} owed` : `${amount} ${balance.available.currency} credit`;
        return { ok: true, detail: `Connected to the XML Engine; balance ${standing}.` };
      } catch (error) {
        if (isProviderError(error)) return { ok: false, detail: error.message, failure: error };
        throw error;
      }
    },

    async searchNumbers(query) {
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

    async orderNumbers(request) {
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

    async listNumbers({ cursor, limit }) {
      const [{ data }, provisioned] = await Promise.all([client.getDids(), e911Numbers()]);
      // get_dids has no paging (§3.3): page over the full answer.
      const offset = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
      const size = Math.min(Math.max(limit ?? 100, 1), 1000);
      const all = data.dids.map((did) => mapOwnedDid(did, provisioned));
      const items = all.slice(offset, offset + size);
      return { items, nextCursor: offset + size < all.length ? String(offset + size) : undefined };
    },

    async routeNumbers({ numbers, trunkRef }) {
      // A trunkRef is one peer (§4: no trunk groups upstream).
      if (trunkRef !== null && !(await getTrunk(trunkRef))) throw localError('not_found', `no peer ${trunkRef}`);
      if (!numbers.length) return [];
      // set_did takes the full options set, so read every DID's current one first (one call, no paging).
      const { data } = await client.getDids();
      const byNumber = new Map(data.dids.map((did) => [did.phone_number, did]));
      const results: RouteNumberResult[] = [];
      for (const e164 of numbers) {
        const national = toNational(e164);
        const did = national ? byNumber.get(national) : undefined;
        if (!did) {
          results.push({ e164, ok: false, reason: national ? 'not on the account' : 'not a North American number' });
          continue;
        }
        try {
          await client.setDid({
            client_did_id: did.client_did_id,
            client_peer_ids: trunkRef ?? UNROUTED_PEER_IDS,
            options: routeOptions(did.options, trunkRef !== null).join(ARRAY_SEPARATOR),
          });
          results.push({ e164, ok: true });
        } catch (error) {
          if (!isItemRefusal(error)) throw error;
          results.push({ e164, ok: false, reason: error.upstreamMessage ?? error.message });
        }
      }
      return results;
    },

    getTrunk,

    async listTrunks() {
      const { data } = await client.getPeers();
      return data.peers.map(mapPeer);
    },

    async updateTrunk(trunkRef, spec) {
      if (!/^\d+$/.test(trunkRef)) throw localError('not_found', 'peer ids are numeric');
      const mapped = peerParamsFromSpec(trunkRef, spec);
      if (!mapped.ok) throw localError('invalid', mapped.reason);
      await client.setPeer(mapped.params);
      const updated = await getTrunk(trunkRef);
      if (!updated) throw localError('not_found', `peer ${trunkRef} vanished after set_peer`);
      return updated;
    },

    async validateE911(address): Promise<E911Validation> {
      const wire = toWireAddress(address);
      if (!wire.ok) return { valid: false, reason: wire.reason };
      const phoneNumber = await validationNumber();
      const result = await client.e911ValidateAddress({ phone_number: phoneNumber, ...wire.params });
      const alternates = (result.data.alternate_addresses ?? []).map((alternate) => fromWireAddress(alternate, address.name));
      return {
        valid: result.ok,
        normalized: result.ok && result.data.e911_address ? fromWireAddress(result.data.e911_address, address.name) : undefined,
        alternates: alternates.length ? alternates : undefined,
        reason: result.ok ? undefined : [...result.errors, ...result.notices].map((error) => error.description || error.type).join('; '),
      };
    },

    async provisionE911(record): Promise<E911Record> {
      const national = toNational(record.e164);
      if (!national) throw localError('invalid', 'e911 is only offered on North American numbers');
      const wire = toWireAddress(record.address);
      if (!wire.ok) throw localError('invalid', wire.reason);
      const name = splitName(record.callerName ?? record.address.name);
      const result = await client.e911UpdateAddress({ phone_number: national, first_name: name.first, last_name: name.last, ...wire.params });
      if (!result.ok || !result.data.endpoint) {
        const alternates = (result.data.alternate_addresses ?? []).map((alternate) => `${alternate.civic_number} ${alternate.street}, ${alternate.city}`);
        const reason = [...result.errors, ...result.notices].map((error) => error.description || error.type).join('; ') || 'address not accepted';
        throw localError('invalid', alternates.length ? `${reason} (alternates: ${alternates.join(' | ')})` : reason);
      }
      return mapEndpoint(result.data.endpoint);
    },

    async removeE911(e164) {
      const national = toNational(e164);
      if (!national) throw localError('invalid', 'e911 is only offered on North American numbers');
      try {
        await client.e911DeleteAddress(national);
      } catch (error) {
        // Removing what is not provisioned leaves the state we wanted.
        if (isProviderError(error) && error.providerKind === 'not_found') return;
        throw error;
      }
    },

    // A refused request type ('unsupported') propagates: the caller records that the list is unavailable.
    listE911: e911Endpoints,

    async pullCdrs(request): Promise<Page<Cdr>> {
      const limit = Math.min(Math.max(request.limit ?? CDR_PAGE_DEFAULT, 1), CDR_PAGE_MAX);
      const options = { timeZone, currency };
      const since = request.since.getTime();
      const until = request.until.getTime();
      // A call logged after one that started this late cannot have started before `until`.
      const pastWindow = until + CDR_LOG_GRACE_MS;
      // Position in the call log: the unique_id of the last row read (returned or not).
      let after = request.cursor;
      const items: Cdr[] = [];
      let exhausted = false;
      // The first request is a date range (whole days upstream, so it is bounded); after that the
      // unique_id cursor, which walks the log in log order, so late CDRs of the window are not lost.
      // Every row is trimmed to [since, until) and the walk stops once the log is past the window.
      for (let calls = 0; calls < CDR_MAX_CALLS_PER_PAGE && !exhausted && items.length < limit; calls++) {
        const result = after
          ? await client.getCalls({ unique_id: after }, limit)
          : await client.getCalls({ date_from: dateInZone(request.since, timeZone), date_to: dateInZone(request.until, timeZone) }, limit);
        const rows = result.data.calls;
        let read = 0;
        for (const row of rows) {
          const cdr = mapCall(row, options);
          if (cdr.startedAt.getTime() >= pastWindow) {
            exhausted = true;
            break;
          }
          after = row['@_unique_id'];
          read++;
          const started = cdr.startedAt.getTime();
          if (started >= since && started < until) items.push(cdr);
          if (items.length >= limit) break;
        }
        // A short page read to its end is the end of the log (cursor) or of the date range.
        if (rows.length < limit && read === rows.length) exhausted = true;
      }
      // Where the log was read up to, for incremental polling (§3.2: store the last unique_id).
      if (after && after !== request.cursor) await context.state.set(STATE_KEYS.lastCallId, after);
      return { items, nextCursor: exhausted || !after ? undefined : after };
    },

    async listInvoices({ since }) {
      const { data } = await client.getTransactions(since ? { date_from: dateInZone(since, timeZone), date_to: dateInZone(now(), timeZone) } : {});
      return data.transactions.filter(isInvoice).map((row) => mapInvoice(row, { timeZone, currency }));
    },

    async listLedger({ since, until }) {
      const { data } = await client.getTransactions({ date_from: dateInZone(since, timeZone), date_to: dateInZone(until, timeZone) });
      // Transactions carry a date only; upstream already keeps the days of [since, until].
      return data.transactions
        .map((row) => mapTransaction(row, { timeZone, currency }))
        .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.entryRef) - Number(b.entryRef));
    },

    async getBalance() {
      return mapFunding((await client.getFundingDetails()).data.funding_details, currency);
    },
  };
}

export const voicemeupProvider: ProviderDescriptor = {
  id: 'voicemeup',
  name: 'VoiceMeUp',
  capabilities: CAPABILITIES,
  credentialFields: [
    { name: 'client_account_id', label: 'Client account ID (8 digits)', secret: false },
    { name: 'auth_token', label: 'Auth token (32 hex characters)', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4104',
  create: createAdapter,
};

