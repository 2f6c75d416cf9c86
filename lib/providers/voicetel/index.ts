import { createHash } from 'node:crypto';
import { ProviderError, isItemRefusal, isProviderError } from '../errors';
import {
  TOLL_FREE_PREFIXES,
  type AvailableNumber,
  type Capability,
  type E911Address,
  type E911Record,
  type LedgerEntry,
  type NumberSearchQuery,
  type OrderResult,
  type PortIn,
  type ProviderAdapter,
  type ProviderContext,
  type ProviderDescriptor,
  type RouteNumberResult,
  type TrunkGroup,
  type TrunkGroupSpec,
} from '../types';
import {
  ACCOUNT_RATES_STATE_KEY,
  AUTH_TYPE_BY_TRUNK_AUTH,
  BUDGETS,
  DEFAULT_ROUTE,
  E911_ADDRESS_STATE_PREFIX,
  IDEMPOTENCY_KEY_PATTERN,
  MAX_INVENTORY_QUANTITY,
  MAX_NUMBERS_PER_ORDER,
  PORTABILITY_FRESH_MS,
  PORTABILITY_STATE_PREFIX,
  PORT_REFERENCE_STATE_PREFIX,
  SYSTEM_ROUTE_IDS,
  TRUNK_META_STATE_PREFIX,
  UNROUTED_ROUTE,
} from './assumptions';
import { createVoiceTelClient } from './client';
import {
  buildE911Address,
  buildPortSubmit,
  callerNameOf,
  e911AddressKey,
  firstConsecutiveRun,
  gatewayAddressOf,
  mapBalance,
  mapCdr,
  mapCreditToInvoice,
  mapCreditToLedger,
  mapE911Entry,
  mapInventoryItem,
  mapMrcToLedger,
  mapOrder,
  mapOwnedNumber,
  mapPaymentToLedger,
  mapPort,
  mapPortSubmit,
  mapPortability,
  mapTrunk,
  mapValidatedAddress,
  toE164,
  toNanp10,
  type TrunkMeta,
} from './map';
import {
  accountResponse,
  aclAddResponse,
  aclRemoveResponse,
  authGetResponse,
  authPutResponse,
  cdrResponse,
  coverageResponse,
  creditsResponse,
  e911ListResponse,
  e911RecordResponse,
  e911ValidateResponse,
  gatewayResponse,
  gatewaysListResponse,
  inventoryResponse,
  mrcResponse,
  numberRouteResponse,
  numbersListResponse,
  orderResponse,
  paymentsResponse,
  portAvailabilityResponse,
  portDetailResponse,
  portListResponse,
  portSubmitResponse,
  type WireGateway,
} from './schema';

export const VOICETEL_CAPABILITIES = [
  'numbers.search',
  'numbers.order',
  'numbers.list',
  'numbers.release',
  'numbers.route',
  'trunks.create',
  'trunks.update',
  'trunks.read',
  'trunks.delete',
  'port.check',
  'port.submit',
  'port.status',
  'e911.validate',
  'e911.provision',
  'e911.remove',
  'e911.list',
  'cdrs',
  'invoices',
  'balance',
] as const satisfies readonly Capability[];

export type CoverageDimension = 'state' | 'city' | 'rateCenter' | 'npanxx' | 'block';
export interface CoverageBucket {
  state?: string;
  city?: string;
  rateCenterAbbreviation?: string;
  npa?: string;
  nxx?: string;
  block?: string;
  lata?: string;
  count: number;
}

/** VoiceTel's extras beyond the common interface: coverage drill-down and the port-in list. */
export interface VoiceTelAdapter extends ProviderAdapter {
  getCoverage(request: { countBy: CoverageDimension; state?: string; city?: string; rateCenterAbbreviation?: string; npa?: string; lata?: number }): Promise<CoverageBucket[]>;
  listPortIns(): Promise<PortIn[]>;
}

const invalid = (upstreamMessage: string) => new ProviderError('voicetel', 'invalid', { upstreamMessage });

/** An addressRef is VoiceTel's integer `addressid` as a string; anything else cannot be one. */
function addressIdOf(addressRef: string | undefined): number | undefined {
  if (!addressRef || !/^\d{1,15}$/.test(addressRef)) return undefined;
  return Number(addressRef);
}

function idempotencyKeyFor(key: string, suffix: string): string {
  const base = IDEMPOTENCY_KEY_PATTERN.test(key) && key.length <= 120 ? key : createHash('sha256').update(key).digest('hex').slice(0, 64);
  return `${base}${suffix}`;
}

function tnMasksFor(query: NumberSearchQuery): string[] | null {
  const pattern = query.pattern?.replace(/[^0-9*]/g, '');
  if (query.kind === 'tollfree') {
    if (pattern && /^8\d\d/.test(pattern)) return [pattern];
    const prefixes = query.tollFreePrefix ? [query.tollFreePrefix] : [...TOLL_FREE_PREFIXES];
    return prefixes.map((prefix) => (pattern ? `${prefix}*${pattern.replace(/^\*+/, '')}` : prefix));
  }
  const head = query.npa ? `${query.npa}${query.nxx ?? ''}` : '';
  if (pattern) {
    if (!head || pattern.startsWith(head)) return [pattern];
    return [`${head}*${pattern.replace(/^\*+/, '')}`];
  }
  return head ? [head] : null;
}

export function createVoiceTelAdapter(context: ProviderContext): VoiceTelAdapter {
  const client = createVoiceTelClient(context);
  const state = context.state;

  const readAuth = () =>
    client.call({ operation: 'GET /auth', method: 'GET', path: '/auth', idempotent: true, parse: (body) => authGetResponse.parse(body).data });

  const readMeta = async (trunkRef: string) => (await state.get<TrunkMeta>(`${TRUNK_META_STATE_PREFIX}${trunkRef}`)) ?? {};

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

  const coverage: VoiceTelAdapter['getCoverage'] = (request) =>
    client.call({
      operation: 'GET /inventory/coverage',
      method: 'GET',
      path: '/inventory/coverage',
      query: {
        countBy: request.countBy,
        locState: request.state,
        city: request.city,
        rcAbbre: request.rateCenterAbbreviation,
        npa: request.npa,
        lata: request.lata,
      },
      idempotent: true,
      parse: (body) =>
        coverageResponse.parse(body).data.coverage.map((item) => ({
          state: item.locState,
          city: item.city,
          rateCenterAbbreviation: item.rcAbbre,
          npa: item.npa,
          nxx: item.nxx,
          block: item.block,
          lata: item.lata,
          count: item.count,
        })),
    });

  /** Brings the account-wide SIP auth type and IP ACL in line with one trunk's spec. */
  async function applyAuth(spec: TrunkGroupSpec, previousOwn: string[]): Promise<string[]> {
    const auth = await readAuth();
    const update: { authType?: number; password?: string } = {};
    const authType = AUTH_TYPE_BY_TRUNK_AUTH[spec.auth];
    if (auth.authType !== authType) update.authType = authType;
    if (spec.digestPassword) update.password = spec.digestPassword;
    if (Object.keys(update).length) {
      await client.call({ operation: 'PUT /auth', method: 'PUT', path: '/auth', body: update, idempotent: true, parse: (body) => authPutResponse.parse(body).data });
    }
    const desired = spec.allowedIps.map((ip) => (ip.includes('/') ? ip : `${ip}/32`));
    const current = new Set(auth.acl.map((entry) => entry.cidr));
    const toAdd = desired.filter((cidr) => !current.has(cidr));
    if (toAdd.length) {
      await client.call({
        operation: 'POST /acl',
        method: 'POST',
        path: '/acl',
        body: { acl: toAdd.map((cidr) => ({ cidr })) },
        idempotent: false,
        parse: (body) => aclAddResponse.parse(body).data,
      });
    }
    const toRemove = previousOwn.filter((cidr) => !desired.includes(cidr) && current.has(cidr));
    if (toRemove.length) {
      await client.call({
        operation: 'DELETE /acl',
        method: 'DELETE',
        path: '/acl',
        query: { cidrs: toRemove.join(',') },
        idempotent: false,
        parse: (body) => aclRemoveResponse.parse(body).data,
      });
    }
    return [...new Set([...previousOwn.filter((cidr) => desired.includes(cidr)), ...toAdd])];
  }

  async function saveMeta(trunkRef: string, spec: TrunkGroupSpec, ownCidrs: string[]) {
    const transport = [...spec.destinations].sort((a, b) => a.priority - b.priority)[0]?.transport;
    const meta: TrunkMeta = {
      name: spec.name,
      direction: spec.direction,
      codecs: spec.codecs,
      maxCps: spec.maxCps,
      digestUsername: spec.digestUsername,
      transport,
      ownCidrs,
    };
    await state.set(`${TRUNK_META_STATE_PREFIX}${trunkRef}`, meta);
    return meta;
  }

  const gatewayLimit = (spec: TrunkGroupSpec) =>
    spec.maxChannels === undefined ? undefined : Math.min(1000, Math.max(1, Math.round(spec.maxChannels)));

  const isUserGateway = (gateway: WireGateway) => !gateway.system && !SYSTEM_ROUTE_IDS.includes(gateway.id);

  /** The user gateway behind a trunkRef, or null (not a gateway id, a system route, or gone). */
  async function readUserGateway(trunkRef: string): Promise<WireGateway | null> {
    const id = Number(trunkRef);
    if (!/^\d+$/.test(trunkRef) || SYSTEM_ROUTE_IDS.includes(id)) return null;
    const gateway = await client.call({
      operation: 'GET /gateways/{id}',
      method: 'GET',
      path: `/gateways/${id}`,
      idempotent: true,
      emptyOn404: () => null,
      parse: (body) => gatewayResponse.parse(body).data,
    });
    return gateway && isUserGateway(gateway) ? gateway : null;
  }

  async function findPort(pid: string): Promise<PortIn | null> {
    if (!/^[A-Za-z0-9]{5}$/.test(pid)) return null;
    const port = await client.call({
      operation: 'GET /ports/{pid}',
      method: 'GET',
      path: `/ports/${pid}`,
      idempotent: true,
      emptyOn404: () => null,
      parse: (body) => portDetailResponse.parse(body).data.port,
    });
    if (!port) return null;
    const saved = await state.get<{ loaUrl?: string }>(`${PORT_REFERENCE_STATE_PREFIX}pid:${pid}`);
    return { ...mapPort(port, pid), loaUrl: saved?.loaUrl };
  }

  async function checkOne(nanp: string) {
    const result = await client.call({
      operation: 'GET /ports/availability/{number}',
      method: 'GET',
      path: `/ports/availability/${nanp}`,
      idempotent: true,
      parse: (body) => portAvailabilityResponse.parse(body).data,
    });
    if (result.portable) await state.set(`${PORTABILITY_STATE_PREFIX}${nanp}`, client.now().getTime());
    return mapPortability(result);
  }

  async function e911ProvisionById(record: E911Record, addressId: number): Promise<E911Record> {
    const stored = await client.call({
      operation: 'PUT /e911/{dn}',
      method: 'PUT',
      path: `/e911/${toNanp10(record.e164)}`,
      body: { addressid: addressId, callername: callerNameOf(record) },
      idempotent: true,
      parse: (body) => e911RecordResponse.parse(body).data.record,
    });
    // The stored record does not echo the addressid; the one we sent is what it now points at.
    return mapE911Entry(stored, String(addressId));
  }

  async function e911Create(record: E911Record) {
    return client.call({
      operation: 'POST /e911',
      method: 'POST',
      path: '/e911',
      body: { dn: toNanp10(record.e164), ...buildE911Address(record.address), callername: callerNameOf(record) },
      idempotent: false,
      parse: (body) => e911RecordResponse.parse(body).data.record,
    });
  }

  const adapter: VoiceTelAdapter = {
    provider: 'voicetel',
    capabilities: new Set<Capability>(VOICETEL_CAPABILITIES),

    async testConnection() {
      try {
        await client.ensureApiKey();
        const gateways = await client.call({
          operation: 'GET /gateways',
          method: 'GET',
          path: '/gateways',
          idempotent: true,
          parse: (body) => gatewaysListResponse.parse(body).data.gateways,
        });
        return { ok: true, detail: `Signed in; ${gateways.filter(isUserGateway).length} gateway(s) on the account.` };
      } catch (error) {
        if (!isProviderError(error)) throw error;
        return { ok: false, detail: error.upstreamMessage ? `${error.message} (${error.upstreamMessage})` : error.message, failure: error };
      }
    },

    async searchNumbers(query) {
      const quantity = Math.min(MAX_INVENTORY_QUANTITY, Math.max(1, Math.floor(query.quantity)));
      const fetchQuantity = query.consecutive ? Math.min(MAX_INVENTORY_QUANTITY, quantity * 20) : quantity;
      let masks = tnMasksFor(query);
      if (!masks) {
        // tnMask is required: find the area codes with stock in the state through the coverage counts.
        if (!query.state) throw invalid('VoiceTel needs an area code, a pattern or a state to search');
        const buckets = await coverage({ countBy: 'npanxx', state: query.state.toUpperCase() });
        const byNpa = new Map<string, number>();
        for (const bucket of buckets) if (bucket.npa) byNpa.set(bucket.npa, (byNpa.get(bucket.npa) ?? 0) + bucket.count);
        masks = [...byNpa.entries()].sort((a, b) => b[1] - a[1]).map(([npa]) => npa);
      }
      const didRate = (await state.get<{ did?: number }>(ACCOUNT_RATES_STATE_KEY))?.did;
      const found = new Map<string, AvailableNumber>();
      for (const tnMask of masks) {
        if (found.size >= fetchQuantity) break;
        const items = await inventory({
          tnMask,
          quantity: fetchQuantity - found.size,
          province: query.kind === 'local' ? query.state?.toUpperCase() : undefined,
          rateCenter: query.kind === 'local' ? query.rateCenter?.toUpperCase() : undefined,
        });
        for (const item of items) {
          const number = mapInventoryItem(item, didRate);
          if (number.kind !== query.kind) continue;
          if (query.country && number.kind === 'local' && number.country !== query.country) continue;
          found.set(number.e164, number);
        }
      }
      const numbers = [...found.values()];
      return query.consecutive ? firstConsecutiveRun(numbers, quantity) : numbers.slice(0, quantity);
    },

    async orderNumbers(request) {
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

    async listNumbers({ cursor, limit }) {
      // No pagination upstream: the whole list comes at once and is paged here.
      const all = (await listOwned()).map(mapOwnedNumber).sort((a, b) => a.e164.localeCompare(b.e164));
      const offset = cursor ? Math.max(0, Number.parseInt(cursor, 10) || 0) : 0;
      const size = limit && limit > 0 ? limit : all.length;
      const items = all.slice(offset, offset + size);
      return { items, nextCursor: offset + size < all.length ? String(offset + size) : undefined };
    },

    async releaseNumber(e164) {
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

    async routeNumbers({ numbers, trunkRef }) {
      let route = UNROUTED_ROUTE;
      if (trunkRef !== null) {
        // Only user gateways are trunk groups: a system route id is refused like an unknown one.
        const gateway = await readUserGateway(trunkRef);
        if (!gateway) throw new ProviderError('voicetel', 'not_found', { upstreamMessage: `no user gateway ${trunkRef}` });
        route = gateway.id;
      }
      const results: RouteNumberResult[] = [];
      // One number per call upstream; each stands or falls on its own.
      for (const e164 of numbers) {
        try {
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
          results.push({ e164, ok: true });
        } catch (error) {
          if (!isItemRefusal(error)) throw error;
          results.push({ e164, ok: false, reason: error.upstreamMessage ?? error.message });
        }
      }
      return results;
    },

    async createTrunk(spec) {
      const gateway = await client.call({
        operation: 'POST /gateways',
        method: 'POST',
        path: '/gateways',
        body: { gateway: gatewayAddressOf(spec), limit: gatewayLimit(spec) },
        idempotent: false,
        parse: (body) => gatewayResponse.parse(body).data,
      });
      const trunkRef = String(gateway.id);
      const meta = await saveMeta(trunkRef, spec, []);
      meta.ownCidrs = await applyAuth(spec, []);
      await state.set(`${TRUNK_META_STATE_PREFIX}${trunkRef}`, meta);
      return mapTrunk(gateway, await readAuth(), meta);
    },

    async updateTrunk(trunkRef, spec) {
      const id = Number(trunkRef);
      if (!Number.isInteger(id) || SYSTEM_ROUTE_IDS.includes(id)) throw new ProviderError('voicetel', 'not_found', { upstreamMessage: `no user gateway ${trunkRef}` });
      const gateway = await client.call({
        operation: 'PUT /gateways/{id}',
        method: 'PUT',
        path: `/gateways/${id}`,
        body: { gateway: gatewayAddressOf(spec), limit: gatewayLimit(spec) },
        idempotent: true,
        parse: (body) => gatewayResponse.parse(body).data,
      });
      const previous = await readMeta(trunkRef);
      const ownCidrs = await applyAuth(spec, previous.ownCidrs ?? []);
      const meta = await saveMeta(trunkRef, spec, ownCidrs);
      return mapTrunk(gateway, await readAuth(), meta);
    },

    async getTrunk(trunkRef) {
      const gateway = await readUserGateway(trunkRef);
      if (!gateway) return null;
      return mapTrunk(gateway, await readAuth(), await readMeta(trunkRef));
    },

    async listTrunks() {
      const gateways = await client.call({
        operation: 'GET /gateways',
        method: 'GET',
        path: '/gateways',
        idempotent: true,
        parse: (body) => gatewaysListResponse.parse(body).data.gateways,
      });
      const user = gateways.filter(isUserGateway);
      if (!user.length) return [];
      const auth = await readAuth();
      const trunks: TrunkGroup[] = [];
      for (const gateway of user) trunks.push(mapTrunk(gateway, auth, await readMeta(String(gateway.id))));
      return trunks;
    },

    async deleteTrunk(trunkRef) {
      // Only a user gateway id as we hand them out (String(id)) names something of ours to remove.
      if (!/^[1-9]\d{0,14}$/.test(trunkRef) || SYSTEM_ROUTE_IDS.includes(Number(trunkRef))) return;
      await client.call({
        operation: 'DELETE /gateways/{id}',
        method: 'DELETE',
        path: `/gateways/${trunkRef}`,
        // Already gone is the outcome we want. A 409 (numbers still routed to it) throws conflict.
        emptyOn404: () => undefined,
        idempotent: true,
        parse: () => undefined,
      });
      // The IP ACL is account-wide and other gateways may rely on the CIDRs this trunk added: they stay.
      await state.delete(`${TRUNK_META_STATE_PREFIX}${trunkRef}`);
    },

    async checkPortability(numbers) {
      const results = [];
      // One number per call upstream.
      for (const number of numbers) results.push(await checkOne(toNanp10(number)));
      return results;
    },

    async submitPortIn(request) {
      const known = await state.get<string>(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`);
      if (known) {
        const existing = await findPort(known);
        if (existing) return existing;
      }
      const body = buildPortSubmit(request);
      const now = client.now().getTime();
      for (const number of body.did) {
        const checkedAt = await state.get<number>(`${PORTABILITY_STATE_PREFIX}${number}`);
        if (checkedAt !== undefined && now - checkedAt < PORTABILITY_FRESH_MS) continue;
        const result = await checkOne(number);
        if (!result.portable) throw invalid(`${result.e164} is not portable${result.reason ? `: ${result.reason}` : ''}`);
      }
      const submitted = await client.call({
        operation: 'POST /ports',
        method: 'POST',
        path: '/ports',
        body,
        // Charges $6 per number and has no idempotency key: never sent twice by the HTTP layer.
        idempotent: false,
        parse: (response) => portSubmitResponse.parse(response).data,
      });
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`, submitted.pid);
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}pid:${submitted.pid}`, { loaUrl: submitted.loaUrl });
      return mapPortSubmit(submitted, body.did);
    },

    getPortIn: findPort,

    async listPortIns() {
      const ports = await client.call({
        operation: 'GET /ports',
        method: 'GET',
        path: '/ports',
        idempotent: true,
        emptyOn404: () => [],
        parse: (body) => portListResponse.parse(body).data.ports,
      });
      return ports.map((port) => mapPort(port, port.pid ?? port.id ?? ''));
    },

    async validateE911(address: E911Address) {
      if (address.country !== 'US') return { valid: false, reason: 'VoiceTel e911 covers US addresses only' };
      try {
        const validated = await client.call({
          operation: 'POST /e911/validations',
          method: 'POST',
          path: '/e911/validations',
          body: buildE911Address(address),
          // A lookup with no side effect.
          idempotent: true,
          parse: (body) => e911ValidateResponse.parse(body).data.address,
        });
        const result = mapValidatedAddress(validated, address);
        await state.set(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(address)}`, validated.addressid);
        if (result.normalized) await state.set(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(result.normalized)}`, validated.addressid);
        return result;
      } catch (error) {
        // Failure is a plain 409 "Address validation failed"; there are no alternate candidates.
        if (isProviderError(error) && error.httpStatus === 409) return { valid: false, reason: error.upstreamMessage ?? 'Address validation failed' };
        throw error;
      }
    },

    async provisionE911(record) {
      if (record.address.country !== 'US') throw invalid('VoiceTel e911 covers US addresses only');
      // The caller's addressRef first, then the id this connection cached when it validated the address.
      const candidates = [
        addressIdOf(record.addressRef),
        await state.get<number>(`${E911_ADDRESS_STATE_PREFIX}${e911AddressKey(record.address)}`),
      ].filter((id, index, all): id is number => id !== undefined && all.indexOf(id) === index);
      for (const addressId of candidates) {
        try {
          return await e911ProvisionById(record, addressId);
        } catch (error) {
          // A stale address id: try the next one, then validate-and-provision in one call.
          if (!(isProviderError(error) && error.providerKind === 'conflict')) throw error;
        }
      }
      return mapE911Entry(await e911Create(record));
    },

    async removeE911(e164) {
      await client.call({
        operation: 'DELETE /e911/{dn}',
        method: 'DELETE',
        path: `/e911/${toNanp10(e164)}`,
        idempotent: true,
        parse: () => undefined,
      });
    },

    async listE911() {
      const records = await client.call({
        operation: 'GET /e911',
        method: 'GET',
        path: '/e911',
        idempotent: true,
        emptyOn404: () => [],
        parse: (body) => e911ListResponse.parse(body).data.records,
      });
      return records.map((record) => mapE911Entry(record));
    },

    getCoverage: coverage,

    async pullCdrs({ since, until }) {
      const rows = await client.call({
        operation: 'GET /account/cdr',
        method: 'GET',
        path: '/account/cdr',
        // VoiceTel's range runs backwards: `start` is the newer end, `end` the older. Send both, always.
        query: { start: Math.floor(until.getTime() / 1000), end: Math.floor(since.getTime() / 1000) },
        idempotent: true,
        budget: BUDGETS.cdr,
        parse: (body) => cdrResponse.parse(body).data.cdr,
      });
      const items = rows
        .map(mapCdr)
        .filter((cdr) => cdr.startedAt >= since && cdr.startedAt <= until)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.providerCallId.localeCompare(b.providerCallId));
      return { items };
    },

    async listInvoices({ since }) {
      const credits = await client.call({
        operation: 'GET /account/credits',
        method: 'GET',
        path: '/account/credits',
        idempotent: true,
        parse: (body) => creditsResponse.parse(body).data.credits,
      });
      return credits
        .map(mapCreditToInvoice)
        .filter((invoice) => !since || invoice.issuedAt >= since)
        .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime());
    },

    async listLedger({ since, until }) {
      const credits = await client.call({
        operation: 'GET /account/credits',
        method: 'GET',
        path: '/account/credits',
        idempotent: true,
        parse: (body) => creditsResponse.parse(body).data.credits,
      });
      const payments = await client.call({
        operation: 'GET /account/payments',
        method: 'GET',
        path: '/account/payments',
        idempotent: true,
        budget: BUDGETS.payments,
        parse: (body) => paymentsResponse.parse(body).data.payments,
      });
      const entries: LedgerEntry[] = [
        ...credits.map(mapCreditToLedger),
        ...payments.map(mapPaymentToLedger).filter((entry): entry is LedgerEntry => entry !== null),
      ];
      const now = client.now();
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      // The recurring charges are only "current" ones, booked at the start of this month.
      if (monthStart >= since && monthStart <= until) {
        const mrc = await client.call({
          operation: 'GET /account/recurring-charges',
          method: 'GET',
          path: '/account/recurring-charges',
          idempotent: true,
          budget: BUDGETS.recurringCharges,
          parse: (body) => mrcResponse.parse(body).data,
        });
        entries.push(...mapMrcToLedger(mrc, now));
      }
      return entries.filter((entry) => entry.at >= since && entry.at <= until).sort((a, b) => a.at.getTime() - b.at.getTime());
    },

    async getBalance() {
      const account = await client.call({
        operation: 'GET /account',
        method: 'GET',
        path: '/account',
        idempotent: true,
        budget: BUDGETS.account,
        parse: (body) => accountResponse.parse(body).data,
      });
      if (account.rates) await state.set(ACCOUNT_RATES_STATE_KEY, account.rates);
      return mapBalance(account);
    },
  };
  return adapter;
}

export const voicetelProvider: ProviderDescriptor = {
  id: 'voicetel',
  name: 'VoiceTel',
  capabilities: VOICETEL_CAPABILITIES,
  credentialFields: [
    { name: 'username', label: 'Account ID (10-digit username)', secret: false },
    { name: 'password', label: 'Account password', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4101',
  rateBudgets: Object.values(BUDGETS),
  create: createVoiceTelAdapter,
};
