import { ProviderError } from '../errors';
import type { ProviderContext, TrunkGroup, TrunkGroupSpec, TrunksCapability } from '../types';
import { MAX_PAGE_LIMIT, PENDING_ENDPOINT_DELETE_STATE_PREFIX } from './assumptions';
import type { CarrierxClient } from './client';
import { filterClause } from './map';
import { destinationEndpointBody, ingressEndpointBody, trunkBody, trunkGroupToDomain, trunkRole, wantsDestinations, wantsIngress } from './map-trunks';
import { allPages } from './paging';
import type { WireEndpoint, WireTrunkGroup } from './schema';

export function createCarrierxTrunks(client: CarrierxClient, context: ProviderContext): TrunksCapability {
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
    get: getTrunk,

    async list() {
      const groups = await allPages((offset) => client.listTrunkGroups({ limit: MAX_PAGE_LIMIT, offset }));
      if (groups.length === 0) return [];
      const endpoints = await allPages((offset) =>
        client.listEndpoints({ limit: MAX_PAGE_LIMIT, offset, filter: filterClause('type', 'eq', 'third_party') }),
      );
      const byId = new Map(endpoints.map((endpoint) => [endpoint.endpoint_sid, endpoint]));
      return Promise.all(groups.map((group) => readTrunkGroup(group, byId)));
    },

    async update(trunkRef, spec) {
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

    create: {
      async create(spec) {
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
    },

    delete: {
      async delete(trunkRef) {
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
    },
  };
}
