import { ProviderError } from '../errors';
import type { TrunkGroup, TrunkGroupSpec, TrunksCapability } from '../types';
import { AUTH_TYPE_BY_TRUNK_AUTH, SYSTEM_ROUTE_IDS, TRUNK_META_STATE_PREFIX } from './assumptions';
import { isUserGateway, type VoiceTelCore } from './core';
import { gatewayAddressOf, mapTrunk, type TrunkMeta } from './map';
import { aclAddResponse, aclRemoveResponse, authPutResponse, gatewayResponse, gatewaysListResponse } from './schema';

export function createVoiceTelTrunks({ client, state, readAuth, readUserGateway }: VoiceTelCore): TrunksCapability {
  const readMeta = async (trunkRef: string) => (await state.get<TrunkMeta>(`${TRUNK_META_STATE_PREFIX}${trunkRef}`)) ?? {};

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

  return {
    async get(trunkRef) {
      const gateway = await readUserGateway(trunkRef);
      if (!gateway) return null;
      return mapTrunk(gateway, await readAuth(), await readMeta(trunkRef));
    },

    async list() {
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

    async update(trunkRef, spec) {
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

    create: {
      async create(spec) {
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
    },

    delete: {
      async delete(trunkRef) {
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
    },
  };
}
