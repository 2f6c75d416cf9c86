import { ProviderError, isItemRefusal, isProviderError } from '../errors';
import type {
  AvailableNumber,
  Capability,
  E164,
  OrderLine,
  OrderResult,
  OwnedNumber,
  Page,
  ProviderAdapter,
  ProviderContext,
  ProviderDescriptor,
  RouteNumberResult,
  TrunkGroup,
  TrunkGroupSpec,
} from '../types';
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  ORDER_KEY_FIELD,
  PENDING_ENDPOINT_DELETE_STATE_PREFIX,
  RENT_LINE_FAILURE_KINDS,
  UNROUTE_TRUNK_GROUP_SID,
} from './assumptions';
import { createCarrierxClient, type CarrierxClient, type InvoiceFile } from './client';
import {
  andFilters,
  callDrToCdr,
  cdrWindowFilter,
  destinationEndpointBody,
  didToAvailable,
  didToOwned,
  filterClause,
  ingressEndpointBody,
  invoiceToDomain,
  partnerToBalance,
  searchFilter,
  toE164,
  toWireNumber,
  trunkBody,
  trunkGroupToDomain,
  trunkRole,
  wantsDestinations,
  wantsIngress,
} from './map';
import type { WireEndpoint, WireTrunkGroup } from './schema';

const CAPABILITIES = [
  'numbers.search',
  'numbers.order',
  'numbers.list',
  'numbers.release',
  'numbers.route',
  'trunks.create',
  'trunks.update',
  'trunks.read',
  'trunks.delete',
  'cdrs',
  'invoices',
  'balance',
] as const satisfies readonly Capability[];

const OFFSET_CURSOR = /^offset:(\d+)$/;

function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = OFFSET_CURSOR.exec(cursor);
  if (!match) throw new ProviderError('carrierx', 'invalid', { upstreamMessage: 'unrecognised page cursor' });
  return Number(match[1]);
}

interface Envelope<T> {
  items: T[];
  count: number;
  offset: number;
  total: number | null;
  pagination: { next?: string } | null;
}

/**
 * §1.4: `has_more` is true when records exist on EITHER side of the window, so "is there a next
 * page" is the `next` link (or offset + count < total).
 */
function hasNextPage(page: Envelope<unknown>): boolean {
  if (page.count === 0) return false;
  if (page.pagination?.next) return true;
  return page.total !== null && page.offset + page.count < page.total;
}

async function allPages<T>(fetchPage: (offset: number) => Promise<Envelope<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; ) {
    const page = await fetchPage(offset);
    items.push(...page.items);
    if (!hasNextPage(page)) return items;
    offset += page.count;
  }
}

/** CarrierX extras beyond the common interface: the invoice PDF, which must be proxied (it needs the token). */
export interface CarrierxAdapter extends ProviderAdapter {
  getInvoicePdf(invoiceRef: string): Promise<InvoiceFile>;
}

function createAdapter(context: ProviderContext): CarrierxAdapter {
  const client: CarrierxClient = createCarrierxClient(context);
  const base = context.baseUrl.replace(/\/+$/, '');

  async function findDid(e164: E164) {
    const page = await client.listDids({ limit: 1, filter: filterClause('phonenumber', 'eq', toWireNumber(e164)) });
    return page.items[0];
  }

  async function readTrunkGroup(group: WireTrunkGroup, endpoints?: ReadonlyMap<string, WireEndpoint>): Promise<TrunkGroup> {
    let byId = endpoints;
    if (!byId) {
      const map = new Map<string, WireEndpoint>();
      for (const trunk of group.trunks ?? []) {
        if (!trunk.endpoint_sid) continue;
        const endpoint = await client.getEndpoint(trunk.endpoint_sid);
        if (endpoint) map.set(endpoint.endpoint_sid, endpoint);
      }
      byId = map;
    }
    return trunkGroupToDomain(group, byId);
  }

  async function addDestination(groupSid: string, spec: TrunkGroupSpec, index: number, created: string[]) {
    const destination = spec.destinations[index];
    if (!destination) return;
    const endpoint = await client.createEndpoint(destinationEndpointBody(spec, destination, index));
    created.push(endpoint.endpoint_sid);
    await client.createTrunk(groupSid, trunkBody(spec, { role: 'destination', index }, endpoint.endpoint_sid));
  }

  async function addIngress(groupSid: string, spec: TrunkGroupSpec, created: string[]) {
    const endpoint = await client.createEndpoint(ingressEndpointBody(spec));
    created.push(endpoint.endpoint_sid);
    await client.createTrunk(groupSid, trunkBody(spec, { role: 'ingress' }, endpoint.endpoint_sid));
  }

  /** The numbers on the account tagged with this order key: what earlier calls of the order rented. */
  async function rentedUnderOrder(idempotencyKey: string): Promise<Set<E164>> {
    const rented = await allPages((offset) =>
      client.listDids({ limit: MAX_PAGE_LIMIT, offset, filter: filterClause(ORDER_KEY_FIELD, 'eq', idempotencyKey) }),
    );
    return new Set(rented.map((did) => toE164(did.phonenumber)));
  }

  /** The endpoints createTrunk/updateTrunk made for this group: the ones behind its `#dst<n>` and `#ingress` trunks. */
  function ownEndpointSids(group: WireTrunkGroup): string[] {
    const sids = (group.trunks ?? []).filter((trunk) => trunkRole(trunk.name).role !== 'other').map((trunk) => trunk.endpoint_sid);
    return [...new Set(sids.filter((sid): sid is string => Boolean(sid)))];
  }

  async function getTrunk(trunkRef: string): Promise<TrunkGroup | null> {
    const group = await client.getTrunkGroup(trunkRef);
    return group ? readTrunkGroup(group) : null;
  }

  return {
    provider: 'carrierx',
    capabilities: new Set<Capability>(CAPABILITIES),

    async testConnection() {
      try {
        const partner = await client.whoami();
        const label = partner.display_id ?? partner.partner_sid;
        return { ok: partner.status !== 'suspended', detail: `Connected as partner ${label} (status ${partner.status ?? 'unknown'}).` };
      } catch (error) {
        if (isProviderError(error)) return { ok: false, detail: error.message, failure: error };
        throw error;
      }
    },

    async searchNumbers(query) {
      const quantity = Math.min(Math.max(1, query.quantity), MAX_PAGE_LIMIT);
      const page = await client.availableDids({ limit: quantity, filter: searchFilter(query) });
      const seen = new Set<string>();
      const numbers: AvailableNumber[] = [];
      for (const did of page.items) {
        const number = didToAvailable(did);
        if (seen.has(number.e164)) continue;
        seen.add(number.e164);
        numbers.push(number);
      }
      return numbers.slice(0, quantity);
    },

    async orderNumbers(request): Promise<OrderResult> {
      const lines: OrderLine[] = [];
      const unknown: ProviderError[] = [];
      // Renting takes no idempotency key, so a replay must not re-rent: numbers already on the
      // account under this order key (ORDER_KEY_FIELD) were bought by an earlier call of the order.
      const alreadyRented = await rentedUnderOrder(request.idempotencyKey);
      // One rent per number (there is no order object); each line stands or falls on its own.
      for (const e164 of request.numbers) {
        if (alreadyRented.has(e164)) {
          lines.push({ e164, status: 'active' });
          continue;
        }
        try {
          await client.rentDid({
            phonenumber: toWireNumber(e164),
            callback_url: null,
            [ORDER_KEY_FIELD]: request.idempotencyKey,
            ...(request.trunkRef ? { trunk_group_sid: request.trunkRef } : {}),
          });
          lines.push({ e164, status: 'active' });
        } catch (error) {
          if (!isProviderError(error) || error.providerKind === 'auth') throw error;
          if ((RENT_LINE_FAILURE_KINDS as readonly string[]).includes(error.providerKind)) {
            lines.push({ e164, status: 'failed', reason: error.upstreamMessage ?? error.message });
          } else {
            // Timeouts and 5xx on a POST: it may or may not have rented; getOrder reconciles.
            unknown.push(error);
            lines.push({ e164, status: 'pending', reason: `outcome unknown: ${error.upstreamMessage ?? error.providerKind}` });
          }
        }
      }
      if (unknown.length === request.numbers.length && unknown[0]) throw unknown[0];
      return { lines };
    },

    async getOrder(request) {
      const have = await rentedUnderOrder(request.idempotencyKey);
      if (have.size === 0) return null;
      return {
        lines: request.numbers.map((e164): OrderLine =>
          have.has(e164) ? { e164, status: 'active' } : { e164, status: 'failed', reason: 'not rented on the account' },
        ),
      };
    },

    async listNumbers(request): Promise<Page<OwnedNumber>> {
      const offset = decodeOffset(request.cursor);
      const limit = Math.min(request.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
      const page = await client.listDids({ limit, offset, order: 'phonenumber asc' });
      return {
        items: page.items.map(didToOwned),
        nextCursor: hasNextPage(page) ? `offset:${offset + page.count}` : undefined,
      };
    },

    async releaseNumber(e164) {
      const did = await findDid(e164);
      // Already off the account (released before, or never ours): nothing to do.
      if (!did) return;
      await client.releaseDid(did.did_sid);
    },

    async routeNumbers({ numbers, trunkRef }) {
      if (trunkRef !== null && !(await client.getTrunkGroup(trunkRef))) {
        throw new ProviderError('carrierx', 'not_found', { upstreamMessage: `cannot find trunk group ${trunkRef}` });
      }
      const results: RouteNumberResult[] = [];
      // One PATCH per DID; each number stands or falls on its own.
      for (const e164 of numbers) {
        try {
          const did = await findDid(e164);
          if (!did) {
            results.push({ e164, ok: false, reason: 'not on the account' });
            continue;
          }
          await client.patchDid(did.did_sid, { trunk_group_sid: trunkRef ?? UNROUTE_TRUNK_GROUP_SID });
          results.push({ e164, ok: true });
        } catch (error) {
          if (!isItemRefusal(error)) throw error;
          results.push({ e164, ok: false, reason: error.upstreamMessage ?? error.message });
        }
      }
      return results;
    },

    async createTrunk(spec) {
      const group = await client.createTrunkGroup({ name: spec.name });
      const created: string[] = [];
      try {
        if (wantsDestinations(spec.direction)) {
          for (let index = 0; index < spec.destinations.length; index++) await addDestination(group.trunk_group_sid, spec, index, created);
        }
        if (wantsIngress(spec.direction)) await addIngress(group.trunk_group_sid, spec, created);
      } catch (error) {
        // Best effort: do not leave a half-built trunk group behind.
        await client.deleteTrunkGroup(group.trunk_group_sid).catch(() => undefined);
        for (const endpointSid of created) await client.deleteEndpoint(endpointSid).catch(() => undefined);
        throw error;
      }
      const result = await getTrunk(group.trunk_group_sid);
      if (!result) throw new ProviderError('carrierx', 'malformed', { upstreamMessage: 'trunk group vanished after creation' });
      return result;
    },

    async updateTrunk(trunkRef, spec) {
      const group = await client.getTrunkGroup(trunkRef);
      if (!group) throw new ProviderError('carrierx', 'not_found', { upstreamMessage: 'cannot find trunk group' });
      if (group.name !== spec.name) await client.patchTrunkGroup(trunkRef, { name: spec.name });

      const trunks = group.trunks ?? [];
      const destinationTrunks = new Map<number, (typeof trunks)[number]>();
      let ingressTrunk: (typeof trunks)[number] | undefined;
      for (const trunk of trunks) {
        const role = trunkRole(trunk.name);
        if (role.role === 'destination') destinationTrunks.set(role.index, trunk);
        if (role.role === 'ingress') ingressTrunk = trunk;
      }

      const wanted = wantsDestinations(spec.direction) ? spec.destinations.length : 0;
      const created: string[] = [];
      for (let index = 0; index < wanted; index++) {
        const destination = spec.destinations[index];
        const existing = destinationTrunks.get(index);
        if (!destination) continue;
        if (existing?.endpoint_sid) {
          await client.replaceEndpoint(existing.endpoint_sid, destinationEndpointBody(spec, destination, index));
          await client.patchTrunk(trunkRef, existing.trunk_sid, trunkBody(spec, { role: 'destination', index }, existing.endpoint_sid));
        } else {
          await addDestination(trunkRef, spec, index, created);
        }
      }
      for (const [index, trunk] of destinationTrunks) {
        if (index < wanted) continue;
        await client.deleteTrunk(trunkRef, trunk.trunk_sid);
        if (trunk.endpoint_sid) await client.deleteEndpoint(trunk.endpoint_sid);
      }

      if (wantsIngress(spec.direction)) {
        if (ingressTrunk?.endpoint_sid) {
          const current = await client.getEndpoint(ingressTrunk.endpoint_sid);
          const password = current?.addresses?.find((address) => address.sip_password)?.sip_password;
          await client.replaceEndpoint(ingressTrunk.endpoint_sid, ingressEndpointBody(spec, password));
          await client.patchTrunk(trunkRef, ingressTrunk.trunk_sid, trunkBody(spec, { role: 'ingress' }, ingressTrunk.endpoint_sid));
        } else {
          await addIngress(trunkRef, spec, created);
        }
      } else if (ingressTrunk) {
        await client.deleteTrunk(trunkRef, ingressTrunk.trunk_sid);
        if (ingressTrunk.endpoint_sid) await client.deleteEndpoint(ingressTrunk.endpoint_sid);
      }

      const result = await getTrunk(trunkRef);
      if (!result) throw new ProviderError('carrierx', 'not_found', { upstreamMessage: 'cannot find trunk group' });
      return result;
    },

    getTrunk,

    async deleteTrunk(trunkRef) {
      // An empty or dot-segment ref would resolve to another path: it names no trunk group of ours.
      if (!trunkRef || trunkRef === '.' || trunkRef === '..') return;
      const pendingKey = `${PENDING_ENDPOINT_DELETE_STATE_PREFIX}${trunkRef}`;
      const group = await client.getTrunkGroup(trunkRef);
      // Endpoints outlive their trunk group upstream, and once the group is gone nothing names them:
      // remember them first, so a retry after a failure part-way still removes them.
      const endpointSids = group ? ownEndpointSids(group) : ((await context.state.get<string[]>(pendingKey)) ?? []);
      if (group) {
        if (endpointSids.length) await context.state.set(pendingKey, endpointSids);
        await client.deleteTrunkGroup(trunkRef);
      }
      if (endpointSids.length) {
        // One another trunk group still points at (set up outside the portal) is left alone.
        const remaining = await allPages((offset) => client.listTrunkGroups({ limit: MAX_PAGE_LIMIT, offset }));
        const inUse = new Set(remaining.flatMap((other) => (other.trunks ?? []).map((trunk) => trunk.endpoint_sid)));
        for (const endpointSid of endpointSids) if (!inUse.has(endpointSid)) await client.deleteEndpoint(endpointSid);
      }
      await context.state.delete(pendingKey);
    },

    async listTrunks() {
      const groups = await allPages((offset) => client.listTrunkGroups({ limit: MAX_PAGE_LIMIT, offset }));
      if (groups.length === 0) return [];
      const endpoints = await allPages((offset) =>
        client.listEndpoints({ limit: MAX_PAGE_LIMIT, offset, filter: filterClause('type', 'eq', 'third_party') }),
      );
      const byId = new Map(endpoints.map((endpoint) => [endpoint.endpoint_sid, endpoint]));
      return Promise.all(groups.map((group) => readTrunkGroup(group, byId)));
    },

    async pullCdrs(request) {
      const limit = Math.min(request.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
      const page = await client.listCallDrs({
        limit,
        filter: cdrWindowFilter(request.since, request.until),
        // §1.5: `after` pages in date_stop order and is not combined with offset.
        after: request.cursor,
      });
      const last = page.items[page.items.length - 1];
      return {
        items: page.items.map(callDrToCdr),
        // No `next` link on after/before pages (§4.4): a full page with has_more means keep going.
        nextCursor: page.has_more && last && page.count >= limit ? last.dr_sid : undefined,
      };
    },

    async listInvoices(request) {
      const filter = request.since ? andFilters([filterClause('date_billing_period_end', 'ge', request.since.toISOString())]) : undefined;
      const invoices = await allPages((offset) =>
        client.listInvoices({ limit: MAX_PAGE_LIMIT, offset, filter, order: 'date_billing_period_start desc' }),
      );
      return invoices.map((invoice) => invoiceToDomain(invoice, base + client.invoicePdfPath(invoice.invoice_sid)));
    },

    getInvoicePdf: (invoiceRef) => client.getInvoicePdf(invoiceRef),

    async getBalance() {
      return partnerToBalance(await client.whoami());
    },
  };
}

export const carrierxProvider: ProviderDescriptor = {
  id: 'carrierx',
  name: 'CarrierX',
  capabilities: CAPABILITIES,
  credentialFields: [{ name: 'token', label: 'Core API security token (Bearer)', secret: true }],
  defaultBaseUrl: 'http://127.0.0.1:4103',
  create: createAdapter,
};
