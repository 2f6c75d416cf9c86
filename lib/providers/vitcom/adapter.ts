/** The VITCOM adapter: domain operations composed from the client's calls. */
import { isItemRefusal, isProviderError, ProviderError } from '../errors';
import {
  TOLL_FREE_PREFIXES,
  type AvailableNumber,
  type Capability,
  type Cdr,
  type E164,
  type NumberHold,
  type NumberSearchQuery,
  type OrderResult,
  type PortIn,
  type PortInRequest,
  type ProviderAdapter,
  type ProviderContext,
  type RouteNumberResult,
  type RouteNumbersRequest,
  type TrunkGroup,
  type TrunkGroupSpec,
} from '../types';
import {
  CARRIER_DOC_FALLS_BACK_TO_LOA,
  COUNTRIES,
  DEFAULT_PAGE_SIZE,
  DEFAULT_TERMINATION_PORTS,
  EMPTY_VALUE_CLEARS_FIELD,
  FOC_DEFAULT_TIME,
  HOLD_TTL_MS,
  INVOICE_PERIOD_DAYS,
  LEDGER_ALL_ACTIVITY,
  LNP_SENDS_ACCOUNT_AS_WIRELESS,
  NUMBER_STATUS,
  ORIGINATION_BILLING_TYPE,
  RESERVE_ACCEPTS_RESERVE_ID,
  TRUNK_ACTIVE_STATUS,
} from './assumptions';
import { createVitcomClient, type VitcomClient } from './client';
import {
  bareIp,
  formatTrunkRef,
  isTollFree,
  mapAvailableNumbers,
  mapBalance,
  mapCdrCsv,
  mapInvoices,
  mapLedgerEntry,
  mapLnpOrder,
  mapNpanxxRows,
  mapOrderLines,
  mapOwnedNumber,
  mapPortability,
  mapStates,
  mapStatsRow,
  mapTrunkGroup,
  matchesPattern,
  originationCandidates,
  parseTrunkRef,
  parseWireDate,
  pickConsecutive,
  toElevenDigits,
  toIsoDay,
  toTenDigits,
  type NpanxxInfo,
  type TrunkRefParts,
  type VitcomQualityStats,
} from './map';
import type { VitcomOriginationTrunk, VitcomOwnedNumber, VitcomTerminationTrunk } from './schema';

export const VITCOM_CAPABILITIES = [
  'numbers.search',
  'numbers.hold',
  'numbers.order',
  'numbers.list',
  'numbers.release',
  'numbers.route',
  'trunks.create',
  'trunks.update',
  'trunks.read',
  'port.check',
  'port.submit',
  'port.status',
  'cdrs',
  'invoices',
  'balance',
] as const satisfies readonly Capability[];

/** Beyond the common interface: the cart's bulk reserve, and the provider's own ASR/ACD rollups. */
export interface VitcomAdapter extends ProviderAdapter {
  holdQuantity(request: { kind: 'local' | 'tollfree'; quantity: number; state?: string; npanxx?: string; tollFreePrefix?: string }): Promise<NumberHold>;
  getQualityStats(request: { numbers?: E164[]; trunkRefs?: string[] }): Promise<VitcomQualityStats[]>;
}

interface SavedOrder {
  reserveId?: string;
  orderId?: string;
  numbers?: string[];
  processed?: boolean;
}

const invalid = (message: string) => new ProviderError('vitcom', 'invalid', { upstreamMessage: message });
const isKind = (error: unknown, kind: string) => isProviderError(error) && error.providerKind === kind;
async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isKind(error, 'not_found')) return null;
    throw error;
  }
}

export function createVitcomAdapter(context: ProviderContext): VitcomAdapter {
  const accountno = context.credentials.accountno ?? '';
  const token = context.credentials.token ?? '';
  const client: VitcomClient = createVitcomClient({ http: context.http, baseUrl: context.baseUrl, credentials: { accountno, token } });
  const now = () => context.now?.() ?? new Date();
  const { state } = context;

  // ---------- NPANXX → state, learnt from availability answers (reserve needs the state) ----------

  async function rememberNpanxx(rows: readonly NpanxxInfo[]) {
    if (!rows.length) return;
    const known = (await state.get<Record<string, string>>('npanxx-state')) ?? {};
    let changed = false;
    for (const row of rows) {
      if (known[row.npanxx] !== row.state) {
        known[row.npanxx] = row.state;
        changed = true;
      }
    }
    if (changed) await state.set('npanxx-state', known);
  }

  async function npanxxFor(stateCode: string): Promise<NpanxxInfo[]> {
    const rows = mapNpanxxRows((await client.availabilityNpanxx(stateCode)).data, stateCode);
    await rememberNpanxx(rows);
    return rows;
  }

  async function statesOf(tens: readonly string[]): Promise<Map<string, string>> {
    const known = (await state.get<Record<string, string>>('npanxx-state')) ?? {};
    const out = new Map<string, string>();
    const missing = new Set<string>();
    for (const ten of tens) {
      const found = known[ten.slice(0, 6)];
      if (found) out.set(ten, found);
      else missing.add(ten.slice(0, 6));
    }
    if (missing.size) {
      for (const stateCode of mapStates((await client.availabilityState()).data)) {
        for (const row of await npanxxFor(stateCode)) {
          if (missing.delete(row.npanxx)) for (const ten of tens) if (ten.startsWith(row.npanxx)) out.set(ten, row.state);
        }
        if (!missing.size) break;
      }
    }
    return out;
  }

  // ---------- numbers ----------

  async function searchNumbers(query: NumberSearchQuery): Promise<AvailableNumber[]> {
    if (query.country && !COUNTRIES.includes(query.country)) {
      throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: `VITCOM sells no ${query.country} numbers` });
    }
    const quantity = Math.max(1, query.quantity);
    const enough = (found: AvailableNumber[]) => !query.consecutive && found.length >= quantity;
    const finish = (found: AvailableNumber[]) => (query.consecutive ? pickConsecutive(found, quantity) : found.slice(0, quantity));
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
  }

  async function reserveGroups(groups: Map<string, { category: 'landline' | 'tollfree'; state?: string; tfnPrefix?: string; tens: string[] }>) {
    let reserveId: string | undefined;
    const reserved: string[] = [];
    try {
      for (const group of groups.values()) {
        const answer = await client.reserve({ ...group, numbers: group.tens, reserveId: RESERVE_ACCEPTS_RESERVE_ID ? reserveId : undefined });
        reserveId ??= answer.reserveId;
        reserved.push(...answer.TNs);
      }
    } catch (error) {
      if (reserveId) await client.removeReserved(reserveId).catch(() => undefined);
      throw error;
    }
    const numbers = reserved.map((tn) => toTenDigits(tn)).filter((tn): tn is string => !!tn).map((ten) => `+1${ten}`);
    if (!reserveId || !numbers.length) throw new ProviderError('vitcom', 'conflict', { upstreamMessage: 'no number could be reserved' });
    return { holdRef: reserveId, numbers, expiresAt: new Date(now().getTime() + HOLD_TTL_MS) } satisfies NumberHold;
  }

  async function holdTens(tens: readonly string[], knownStates: ReadonlyMap<string, string | undefined> = new Map()) {
    const needStates = tens.filter((ten) => !isTollFree(ten) && !knownStates.get(ten));
    const looked = needStates.length ? await statesOf(needStates) : new Map<string, string>();
    const groups = new Map<string, { category: 'landline' | 'tollfree'; state?: string; tfnPrefix?: string; tens: string[] }>();
    for (const ten of tens) {
      const tollFree = isTollFree(ten);
      const stateCode = tollFree ? undefined : (knownStates.get(ten) ?? looked.get(ten));
      if (!tollFree && !stateCode) throw invalid(`no state known for ${ten}; search it first`);
      const key = tollFree ? `tf:${ten.slice(0, 3)}` : `local:${stateCode}`;
      const group = groups.get(key) ?? { category: tollFree ? 'tollfree' : 'landline', state: stateCode, tfnPrefix: tollFree ? ten.slice(0, 3) : undefined, tens: [] };
      group.tens.push(ten);
      groups.set(key, group);
    }
    return reserveGroups(groups);
  }

  async function holdNumbers(numbers: AvailableNumber[]): Promise<NumberHold> {
    const tens: string[] = [];
    const known = new Map<string, string | undefined>();
    for (const number of numbers) {
      const ten = toTenDigits(number.e164);
      if (!ten) throw invalid(`not a NANP number: ${number.e164}`);
      tens.push(ten);
      known.set(ten, number.state ?? (number.providerRef && /^[A-Z]{2}$/.test(number.providerRef) ? number.providerRef : undefined));
    }
    if (!tens.length) throw invalid('nothing to hold');
    return holdTens(tens, known);
  }

  async function releaseHold(hold: NumberHold): Promise<void> {
    const tens = hold.numbers.map((n) => toTenDigits(n)).filter((n): n is string => !!n);
    try {
      await client.removeReserved(hold.holdRef, tens);
    } catch (error) {
      if (!isKind(error, 'not_found')) throw error; // already expired or ordered
    }
  }

  async function originationTrunkId(trunkRef: string | undefined): Promise<string> {
    if (trunkRef) {
      const parts = await membersOf(trunkRef);
      if (!parts?.origination) throw invalid(`trunk group ${trunkRef} has no origination (inbound) side`);
      return parts.origination;
    }
    const trunks = (await client.getTrunk()).data.filter((t) => (t.status ?? TRUNK_ACTIVE_STATUS) === TRUNK_ACTIVE_STATUS);
    const first = trunks.sort((a, b) => Number(a.id) - Number(b.id))[0];
    if (!first) throw invalid('VITCOM needs an origination trunk group before numbers can be ordered');
    return first.id;
  }

  async function activeInOrder(orderId: string): Promise<Set<string>> {
    const rows = (await orNull(client.getNumbers({ orderno: orderId })))?.data ?? [];
    return new Set(rows.filter((row) => row.status === NUMBER_STATUS.active).map((row) => toTenDigits(row.didnumber)).filter((n): n is string => !!n));
  }

  async function orderNumbers(request: Parameters<NonNullable<ProviderAdapter['orderNumbers']>>[0]): Promise<OrderResult> {
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
  }

  async function getOrder(request: { idempotencyKey: string; upstreamOrderId?: string; numbers: E164[] }): Promise<OrderResult | null> {
    const saved = await state.get<SavedOrder>(`order:${request.idempotencyKey}`);
    const orderId = request.upstreamOrderId ?? saved?.orderId;
    if (!orderId) return null;
    const order = (await orNull(client.getNewOrders(orderId)))?.Orders.find((row) => row.orderno === orderId);
    if (!order) return null;
    const requested = request.numbers.length ? request.numbers : order.numbers.map((tn) => `+1${toTenDigits(tn) ?? tn}`);
    return { upstreamOrderId: orderId, lines: mapOrderLines(requested, order.numbers, await activeInOrder(orderId)) };
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

  async function listNumbers(request: { cursor?: string; limit?: number }) {
    const [numbers, trunks] = await Promise.all([client.getNumbers(), client.getTrunk()]);
    const rows = numbers.data.filter((row) => row.status !== NUMBER_STATUS.cancelled);
    const [origination, groupRefs] = await Promise.all([originationOf(rows, trunks.data), groupRefByOrigination()]);
    const refOf = (id: string) => groupRefs.get(id) ?? `o${id}`;
    const owned = rows
      .map((row) => mapOwnedNumber(row, trunks.data, { originationId: origination.get(row.didnumber), refOf }))
      .filter((row) => row !== undefined)
      .sort((a, b) => a.e164.localeCompare(b.e164));
    const offset = Math.max(0, Number(request.cursor ?? 0) || 0);
    const limit = Math.max(1, request.limit ?? DEFAULT_PAGE_SIZE);
    const items = owned.slice(offset, offset + limit);
    return { items, nextCursor: offset + limit < owned.length ? String(offset + limit) : undefined };
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

  async function routeNumbers(request: RouteNumbersRequest): Promise<RouteNumberResult[]> {
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
      else if (!ours.has(ten)) outcome.set(e164, { e164, ok: false, reason: 'not on the account' });
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
            settle(ten, { ok: false, reason: single.upstreamMessage ?? single.message });
          }
        }
      }
    }
    return request.numbers.map((e164) => outcome.get(e164) ?? { e164, ok: false, reason: 'not routed' });
  }

  async function releaseNumber(e164: E164): Promise<void> {
    const ten = toTenDigits(e164);
    if (!ten) throw invalid(`not a NANP number: ${e164}`);
    await client.updateNumber([ten], { status: NUMBER_STATUS.cancelled });
  }

  // ---------- trunks ----------

  async function savedGroups(): Promise<string[]> {
    return (await state.get<string[]>('trunk-groups')) ?? [];
  }
  async function saveGroup(ref: string, name: string) {
    const groups = await savedGroups();
    if (!groups.includes(ref)) await state.set('trunk-groups', [...groups, ref]);
    await state.set(`trunk-name:${ref}`, name);
  }

  /**
   * A group keeps the trunkRef it was first given (see TRUNK_REF_IS_STABLE): once an update has had
   * to replace upstream trunks, the ids currently behind the ref are kept under `trunk-members:<ref>`.
   */
  async function membersOf(ref: string): Promise<TrunkRefParts | undefined> {
    if (!parseTrunkRef(ref)) return undefined;
    const current = await state.get<string>(`trunk-members:${ref}`);
    return parseTrunkRef(current ?? ref);
  }
  async function setMembers(ref: string, members: TrunkRefParts) {
    const current = formatTrunkRef(members);
    if (current === ref) await state.delete(`trunk-members:${ref}`);
    else await state.set(`trunk-members:${ref}`, current);
  }

  function originationParams(spec: TrunkGroupSpec, clear: boolean) {
    const routes = [...spec.destinations].sort((a, b) => a.priority - b.priority);
    const [primary, secondary] = routes;
    if (!primary) throw invalid('an inbound trunk group needs at least one destination IP');
    const blank = clear && EMPTY_VALUE_CLEARS_FIELD ? '' : undefined;
    return {
      title: spec.name,
      primaryTrunk: primary.host,
      primaryPort: primary.port,
      secondaryTrunk: secondary?.host ?? blank,
      secondaryPort: secondary?.port ?? blank,
    };
  }

  function terminationIps(spec: TrunkGroupSpec): string[] {
    if (spec.auth !== 'ip') {
      throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: 'VITCOM termination trunks authenticate by IP only' });
    }
    const ips = [...new Set(spec.allowedIps.map(bareIp))];
    if (!ips.length) throw invalid('an outbound trunk group needs at least one allowed IP');
    for (const ip of ips) if (ip.includes('/')) throw invalid(`VITCOM takes single IPs, not ranges (${ip})`);
    return ips;
  }

  async function createOrigination(spec: TrunkGroupSpec): Promise<VitcomOriginationTrunk> {
    const before = new Set((await client.getTrunk()).data.map((t) => t.id));
    await client.defineTrunk({ ...originationParams(spec, false), billingType: ORIGINATION_BILLING_TYPE });
    // `/defineTrunk` returns no id: find the new row by title among the ids we had not seen.
    const after = (await client.getTrunk()).data.filter((t) => t.title === spec.name);
    const created = after.filter((t) => !before.has(t.id)).sort((a, b) => Number(b.id) - Number(a.id))[0];
    if (!created) throw new ProviderError('vitcom', 'malformed', { upstreamMessage: 'trunk group added but not listed by /get_trunk' });
    return created;
  }

  async function createTermination(spec: TrunkGroupSpec, ip: string): Promise<VitcomTerminationTrunk> {
    const before = new Set((await client.getTrunkTermination()).data.map((t) => t.id));
    await client.defineTrunkTermination({ title: spec.name, ipaddress: ip, ports: spec.maxChannels ?? DEFAULT_TERMINATION_PORTS, cps: spec.maxCps });
    // No id and no title come back: the new row is the unseen one with this IP.
    const created = (await client.getTrunkTermination()).data
      .filter((t) => !before.has(t.id) && t.ipaddress === ip)
      .sort((a, b) => Number(b.id) - Number(a.id))[0];
    if (!created) throw new ProviderError('vitcom', 'malformed', { upstreamMessage: 'termination trunk added but not listed' });
    return created;
  }

  async function createTrunk(spec: TrunkGroupSpec): Promise<TrunkGroup> {
    const inbound = spec.direction !== 'outbound';
    const outbound = spec.direction !== 'inbound';
    const ips = outbound ? terminationIps(spec) : [];
    if (inbound) originationParams(spec, false);
    const origination = inbound ? await createOrigination(spec) : undefined;
    const termination: VitcomTerminationTrunk[] = [];
    for (const ip of ips) termination.push(await createTermination(spec, ip));
    const group = mapTrunkGroup(origination, termination, spec.name);
    await saveGroup(group.trunkRef, spec.name);
    return { ...group, name: spec.name, codecs: undefined };
  }

  async function readParts(ref: string) {
    const parts = await membersOf(ref);
    if (!parts) return null;
    const origination = parts.origination ? (await orNull(client.getTrunk(parts.origination)))?.data.find((t) => t.id === parts.origination) : undefined;
    const termination: VitcomTerminationTrunk[] = [];
    for (const id of parts.termination) {
      const row = (await orNull(client.getTrunkTermination(id)))?.data.find((t) => t.id === id);
      if (row) termination.push(row);
    }
    if (!origination && !termination.length) return null;
    return { origination, termination };
  }

  async function getTrunk(trunkRef: string): Promise<TrunkGroup | null> {
    const parts = await readParts(trunkRef);
    if (!parts) return null;
    const name = await state.get<string>(`trunk-name:${trunkRef}`);
    return { ...mapTrunkGroup(parts.origination, parts.termination, name), trunkRef };
  }

  async function updateTrunk(trunkRef: string, spec: TrunkGroupSpec): Promise<TrunkGroup> {
    const parts = await readParts(trunkRef);
    if (!parts) throw new ProviderError('vitcom', 'not_found', { upstreamMessage: `no trunk group ${trunkRef}` });
    const inbound = spec.direction !== 'outbound';
    const outbound = spec.direction !== 'inbound';
    const ips = outbound ? terminationIps(spec) : [];
    let origination = parts.origination;
    if (inbound && origination) {
      await client.updateTrunk({ trunkid: origination.id, ...originationParams(spec, true) });
    } else if (inbound) {
      origination = await createOrigination(spec);
    } else if (origination) {
      throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: 'VITCOM cannot remove an origination trunk group' });
    }
    // Termination trunks cannot be edited or re-enabled: keep the ones that already match, disable the rest, add new ones.
    const ports = String(spec.maxChannels ?? DEFAULT_TERMINATION_PORTS);
    const keep = parts.termination.filter(
      (t) =>
        t.status === TRUNK_ACTIVE_STATUS &&
        ips.includes(t.ipaddress ?? '') &&
        t.ports === ports &&
        (spec.maxCps === undefined || t.cps === String(spec.maxCps)),
    );
    const keptIps = new Set(keep.map((t) => t.ipaddress));
    for (const t of parts.termination) if (t.status === TRUNK_ACTIVE_STATUS && !keep.includes(t)) await client.disableTrunkTermination(t.id);
    const created: VitcomTerminationTrunk[] = [];
    for (const ip of ips) if (!keptIps.has(ip)) created.push(await createTermination(spec, ip));
    // The group keeps its ref; only the upstream ids behind it change.
    await setMembers(trunkRef, { origination: origination?.id, termination: [...keep, ...created].map((t) => t.id) });
    await saveGroup(trunkRef, spec.name);
    return (await getTrunk(trunkRef)) ?? { ...mapTrunkGroup(origination, [...keep, ...created], spec.name), trunkRef };
  }

  async function listTrunks(): Promise<TrunkGroup[]> {
    const [origination, termination, groups] = await Promise.all([client.getTrunk(), client.getTrunkTermination(), savedGroups()]);
    const used = new Set<string>();
    const out: TrunkGroup[] = [];
    for (const ref of groups) {
      const parts = await membersOf(ref);
      if (!parts) continue;
      const o = parts.origination ? origination.data.find((t) => t.id === parts.origination) : undefined;
      const ts = termination.data.filter((t) => parts.termination.includes(t.id));
      if (!o && !ts.length) continue;
      if (o) used.add(`o${o.id}`);
      for (const t of ts) used.add(`t${t.id}`);
      out.push({ ...mapTrunkGroup(o, ts, await state.get<string>(`trunk-name:${ref}`)), trunkRef: ref });
    }
    for (const o of origination.data) if (!used.has(`o${o.id}`)) out.push(mapTrunkGroup(o, []));
    for (const t of termination.data) if (!used.has(`t${t.id}`) && t.status === TRUNK_ACTIVE_STATUS) out.push(mapTrunkGroup(undefined, [t]));
    return out;
  }

  // ---------- porting ----------

  async function checkPortability(numbers: E164[]) {
    const elevens = numbers.map((n) => toElevenDigits(n)).filter((n): n is string => !!n);
    if (!elevens.length) return mapPortability(numbers, [], []);
    const answer = await client.checkLnp(elevens);
    return mapPortability(numbers, answer.accepted, answer.rejected);
  }

  function focDate(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const date = parseWireDate(value);
    if (!date) throw invalid(`requestedFocDate is not a date: ${value}`);
    return /\d{2}:\d{2}/.test(value) ? date.toISOString().slice(0, 19).replace('T', ' ') : `${toIsoDay(date)} ${FOC_DEFAULT_TIME}`;
  }

  async function submitPortIn(request: PortInRequest): Promise<PortIn> {
    const existing = await state.get<string>(`port:${request.reference}`);
    if (existing) {
      const current = await getPortIn(existing);
      if (current) return current;
    }
    const elevens = request.numbers.map((n) => toElevenDigits(n));
    if (!elevens.length || elevens.some((n) => !n)) throw invalid('port-in needs NANP numbers');
    const kinds = new Set(elevens.map((n) => (isTollFree(n!.slice(1)) ? 'tollfree' : 'landline')));
    if (kinds.size > 1) throw invalid('VITCOM ports local and toll-free numbers in separate orders');
    if (!request.loa) throw invalid('VITCOM requires the signed LOA file (loa_doc)');
    if (!CARRIER_DOC_FALLS_BACK_TO_LOA) throw invalid('VITCOM requires a carrier bill or CSR (carrier_doc)');
    const [first = request.authorizedName, ...rest] = request.authorizedName.trim().split(/\s+/);
    const street = request.serviceAddress.street.trim();
    const house = /^(\d+[A-Za-z]?)\s+(.*)$/.exec(street);
    const loa = new Blob([request.loa.content.slice()], { type: request.loa.contentType });
    const created = await client.generateLnpOrder(
      {
        numbers: elevens.join(','),
        category: [...kinds][0],
        subscriberType: request.businessName ? 'business' : 'residential',
        loaAuthorizingPerson: request.authorizedName,
        requestedFocDate: focDate(request.requestedFocDate),
        wirelessAccountNumber: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.accountNumber : undefined,
        wirelessPin: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.pin : undefined,
        subscriberFirstName: request.businessName ?? first,
        subscriberLastName: request.businessName ? undefined : rest.join(' ') || undefined,
        addressHouseNumber: house?.[1],
        addressStreetName: house?.[2] ?? street,
        addressCity: request.serviceAddress.city,
        addressStateCode: request.serviceAddress.state,
        addressZip: request.serviceAddress.postalCode,
        billingNumber: request.billingTelephoneNumber,
        losingCarrierName: request.losingCarrier,
      },
      { loa_doc: loa, carrier_doc: loa },
      { loa: request.loa.filename, carrier: request.loa.filename },
    );
    await state.set(`port:${request.reference}`, created.orderNo);
    const fresh = await orNull(getPortIn(created.orderNo));
    return (
      fresh ?? {
        portRef: created.orderNo,
        status: 'submitted',
        numbers: created.acceptedTns.map((tn) => toTenDigits(tn)).filter((t): t is string => !!t).map((t) => `+1${t}`),
        updatedAt: parseWireDate(created.date),
      }
    );
  }

  async function getPortIn(portRef: string): Promise<PortIn | null> {
    const orders = await orNull(client.getLnpOrders(portRef));
    const order = orders?.Orders.find((row) => row.orderno === portRef);
    return order ? mapLnpOrder(order) : null;
  }

  // ---------- CDRs, stats, billing ----------

  async function pullCdrs(request: { since: Date; until: Date; cursor?: string; limit?: number }) {
    const [cursorDay, cursorOffset] = (request.cursor ?? '').split('#');
    const fromDay = cursorDay && /^\d{4}-\d{2}-\d{2}$/.test(cursorDay) ? cursorDay : toIsoDay(request.since);
    const untilDay = toIsoDay(request.until);
    if (fromDay > untilDay) return { items: [] as Cdr[] };
    const [origination, termination] = await Promise.all([client.dailyCdrs(fromDay, untilDay), client.dailyCdrs(fromDay, untilDay, true)]);
    const dayOf = (date: string) => {
      const parsed = parseWireDate(date);
      return parsed ? toIsoDay(parsed) : undefined;
    };
    const days = [...new Set([...origination.data, ...termination.data].map((row) => dayOf(row.date)))]
      .filter((d): d is string => !!d && d >= fromDay && d <= untilDay)
      .sort();
    const day = days[0];
    if (!day) return { items: [] as Cdr[] };
    const files: { url: string; direction: 'inbound' | 'outbound' }[] = [];
    for (const [rows, direction] of [
      [origination.data, 'inbound'],
      [termination.data, 'outbound'],
    ] as const) {
      for (const row of rows.filter((r) => dayOf(r.date) === day)) {
        for (const url of [row.success, row.failed]) if (url) files.push({ url, direction });
      }
    }
    const items: Cdr[] = [];
    for (const file of files) items.push(...mapCdrCsv(await client.download(file.url), file.direction));
    const since = request.since.getTime();
    const until = request.until.getTime();
    const inRange = items
      .filter((cdr) => cdr.startedAt.getTime() >= since && cdr.startedAt.getTime() < until)
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.providerCallId.localeCompare(b.providerCallId));
    const offset = Number(cursorOffset ?? 0) || 0;
    const limit = request.limit && request.limit > 0 ? request.limit : Number.POSITIVE_INFINITY;
    const page = inRange.slice(offset, offset + limit);
    const nextCursor = offset + limit < inRange.length ? `${day}#${offset + limit}` : days[1];
    return { items: page, nextCursor };
  }

  async function getQualityStats(request: { numbers?: E164[]; trunkRefs?: string[] }): Promise<VitcomQualityStats[]> {
    const out: VitcomQualityStats[] = [];
    const tens = (request.numbers ?? []).map((n) => toTenDigits(n)).filter((n): n is string => !!n);
    if (tens.length) out.push(...(await client.didStats(tens)).data.map((row) => mapStatsRow(row, 'number')));
    const parts = (await Promise.all((request.trunkRefs ?? []).map(membersOf))).filter((p) => p !== undefined);
    const origination = parts.map((p) => p.origination).filter((id): id is string => !!id);
    const termination = parts.flatMap((p) => p.termination);
    if (origination.length) out.push(...(await client.tgStats(origination)).data.map((row) => mapStatsRow(row, 'origination')));
    if (termination.length) out.push(...(await client.tgStats(termination, true)).data.map((row) => mapStatsRow(row, 'termination')));
    return out;
  }

  async function holdQuantity(request: { kind: 'local' | 'tollfree'; quantity: number; state?: string; npanxx?: string; tollFreePrefix?: string }) {
    if (request.quantity < 1 || request.quantity > 1000) throw invalid('quantity must be 1 to 1000');
    const answer = await client.bulkReserve({
      category: request.kind === 'tollfree' ? 'tollfree' : 'landline',
      quantity: request.quantity,
      state: request.state,
      npanxx: request.npanxx,
      tfnPrefix: request.tollFreePrefix,
    });
    const numbers = answer.TNs.map((tn) => toTenDigits(tn)).filter((t): t is string => !!t).map((t) => `+1${t}`);
    return { holdRef: answer.reserveId, numbers, expiresAt: new Date(now().getTime() + HOLD_TTL_MS) };
  }

  async function listInvoices(request: { since?: Date }) {
    const from = request.since ? toIsoDay(new Date(request.since.getTime() - 2 * INVOICE_PERIOD_DAYS * 86_400_000)) : undefined;
    const [invoices, ledger] = await Promise.all([client.getInvoices(from, toIsoDay(now())), client.financialSummary(LEDGER_ALL_ACTIVITY)]);
    return mapInvoices(invoices.data, ledger.data).filter((invoice) => !request.since || invoice.issuedAt >= request.since);
  }

  async function listLedger(request: { since: Date; until: Date }) {
    const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
    return rows
      .map(mapLedgerEntry)
      .filter((entry) => entry !== undefined)
      .filter((entry) => entry.at >= request.since && entry.at < request.until);
  }

  async function getBalance() {
    const rows = (await client.financialSummary(LEDGER_ALL_ACTIVITY)).data;
    return { available: mapBalance(rows) ?? { amount: '0.00', currency: 'USD' as const } };
  }

  async function testConnection() {
    try {
      const trunks = await client.getTrunk();
      return { ok: true, detail: `Connected; ${trunks.data.length} origination trunk group(s).` };
    } catch (error) {
      if (!isProviderError(error)) throw error;
      return { ok: false, detail: `${error.message}${error.providerKind === 'auth' ? '' : ` (${error.upstreamMessage ?? error.providerKind})`}`, failure: error };
    }
  }

  return {
    provider: 'vitcom',
    capabilities: new Set<Capability>(VITCOM_CAPABILITIES),
    testConnection,
    searchNumbers,
    holdNumbers,
    releaseHold,
    orderNumbers,
    getOrder,
    listNumbers,
    releaseNumber,
    routeNumbers,
    createTrunk,
    updateTrunk,
    getTrunk,
    listTrunks,
    checkPortability,
    submitPortIn,
    getPortIn,
    pullCdrs,
    listInvoices,
    listLedger,
    getBalance,
    holdQuantity,
    getQualityStats,
  };
}
