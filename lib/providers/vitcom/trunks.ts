import { ProviderError } from '../errors';
import type { TrunkGroup, TrunkGroupSpec, TrunksCapability } from '../types';
import { DEFAULT_TERMINATION_PORTS, EMPTY_VALUE_CLEARS_FIELD, ORIGINATION_BILLING_TYPE, TRUNK_ACTIVE_STATUS } from './assumptions';
import { invalid, orNull, type VitcomCore } from './core';
import { bareIp, mapTrunkGroup } from './map';
import type { VitcomOriginationTrunk, VitcomTerminationTrunk } from './schema';

/** VITCOM trunk groups: created and edited here, never deleted (its API has no delete). */
export function createVitcomTrunks({ client, state, savedGroups, saveGroup, membersOf, setMembers }: VitcomCore): TrunksCapability {
  function originationParams(spec: TrunkGroupSpec, clear: boolean) {
    const routes = [...spec.destinations].sort((a, b) => a.priority - b.priority);
    const [primary, secondary] = routes;
    if (!primary) throw invalid('an inbound trunk group needs at least one destination IP', 'destinations');
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
      throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: 'VITCOM termination trunks authenticate by IP only', refusal: { code: 'unsupported_setting', field: 'auth' } });
    }
    const ips = [...new Set(spec.allowedIps.map(bareIp))];
    if (!ips.length) throw invalid('an outbound trunk group needs at least one allowed IP', 'allowedIps');
    for (const ip of ips) if (ip.includes('/')) throw invalid(`VITCOM takes single IPs, not ranges (${ip})`, 'allowedIps');
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

  return {
    get: getTrunk,

    async update(trunkRef: string, spec: TrunkGroupSpec): Promise<TrunkGroup> {
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
    },

    async list(): Promise<TrunkGroup[]> {
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
    },

    create: {
      async create(spec: TrunkGroupSpec): Promise<TrunkGroup> {
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
      },
    },
  };
}
