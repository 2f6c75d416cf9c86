/** CarrierX trunk groups, trunks and endpoints ↔ domain trunk groups. No I/O. */
import type {
  TrunkAuth,
  TrunkDestination,
  TrunkDirection,
  TrunkGroup,
  TrunkGroupSpec,
} from '../types';
import {
  CODEC_SEPARATOR,
  DEFAULT_SIP_PORT,
  DESTINATION_ADDRESS_DIRECTION,
  DESTINATION_TRUNK_SUFFIX,
  INGRESS_ADDRESS_DIRECTION,
  INGRESS_TRUNK_SUFFIX,
  STRIP_HOST_CIDR,
  TRUNK_NAME_SEPARATOR,
} from './assumptions';
import type {
  EndpointBody,
  TrunkBody,
  WireEndpoint,
  WireTrunk,
  WireTrunkGroup,
} from './schema';

// ---------------------------------------------------------------------------------------------
// Trunk groups (see assumptions.ts for the tree this maps onto)

export type TrunkRole = { role: 'destination'; index: number } | { role: 'ingress' } | { role: 'other' };

export function trunkName(groupName: string, role: { role: 'destination'; index: number } | { role: 'ingress' }): string {
  const suffix = role.role === 'ingress' ? INGRESS_TRUNK_SUFFIX : `${DESTINATION_TRUNK_SUFFIX}${role.index + 1}`;
  return `${groupName}${TRUNK_NAME_SEPARATOR}${suffix}`;
}

export function trunkRole(name: string | null | undefined): TrunkRole {
  const suffix = (name ?? '').split(TRUNK_NAME_SEPARATOR).pop() ?? '';
  if (suffix === INGRESS_TRUNK_SUFFIX) return { role: 'ingress' };
  const match = new RegExp(`^${DESTINATION_TRUNK_SUFFIX}(\\d+)$`).exec(suffix);
  return match ? { role: 'destination', index: Number(match[1]) - 1 } : { role: 'other' };
}

const DIGEST_ONLY_IP = '0.0.0.0/0';

function wireHost(cidr: string): string {
  return STRIP_HOST_CIDR ? cidr.replace(/\/32$/, '') : cidr;
}

function domainCidr(ip: string): string {
  if (ip.includes('/')) return ip;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return `${ip}/32`;
  if (ip.includes(':')) return `${ip}/128`;
  return ip;
}

export function destinationEndpointBody(spec: TrunkGroupSpec, destination: TrunkDestination, index: number): EndpointBody {
  return {
    name: trunkName(spec.name, { role: 'destination', index }),
    type: 'third_party',
    capacity: spec.maxChannels ?? 0,
    addresses: [
      {
        ip: destination.host,
        port: destination.port,
        transport: destination.transport,
        direction: DESTINATION_ADDRESS_DIRECTION,
        priority: 0,
        srtp: false,
      },
    ],
  };
}

/** `digestPassword` falls back to the one already upstream, since PUT needs the whole object. */
export function ingressEndpointBody(spec: TrunkGroupSpec, existingPassword?: string | null): EndpointBody {
  const useIp = spec.auth === 'ip' || spec.auth === 'both';
  const useDigest = spec.auth === 'digest' || spec.auth === 'both';
  const credentials = useDigest
    ? { sip_username: spec.digestUsername ?? null, sip_password: spec.digestPassword ?? existingPassword ?? null }
    : {};
  const ips = useIp ? spec.allowedIps.map(wireHost) : [];
  if (useDigest && ips.length === 0) ips.push(DIGEST_ONLY_IP);
  return {
    name: trunkName(spec.name, { role: 'ingress' }),
    type: 'third_party',
    capacity: spec.maxChannels ?? 0,
    addresses: ips.map((ip, priority) => ({
      ip,
      port: DEFAULT_SIP_PORT,
      transport: 'udp' as const,
      direction: INGRESS_ADDRESS_DIRECTION,
      priority,
      srtp: false,
      ...credentials,
    })),
  };
}

export function trunkBody(
  spec: TrunkGroupSpec,
  role: { role: 'destination'; index: number } | { role: 'ingress' },
  endpointSid: string,
): TrunkBody {
  const destination = role.role === 'destination' ? spec.destinations[role.index] : undefined;
  return {
    name: trunkName(spec.name, role),
    endpoint_sid: endpointSid,
    priority: destination?.priority ?? 0,
    weight: destination?.weight ?? 0,
    in_capacity: spec.maxChannels ?? 0,
    out_capacity: spec.maxChannels ?? 0,
    codec: spec.codecs?.length ? spec.codecs.join(CODEC_SEPARATOR) : null,
  };
}

export const wantsDestinations = (direction: TrunkDirection) => direction !== 'outbound';
export const wantsIngress = (direction: TrunkDirection) => direction !== 'inbound';

function asNumber(value: number | string | null | undefined, fallback: number): number {
  const number = Number(value);
  return value === null || value === undefined || !Number.isFinite(number) ? fallback : number;
}

function asTransport(value: string | null | undefined): TrunkDestination['transport'] {
  return value === 'tcp' || value === 'tls' ? value : 'udp';
}

export function trunkGroupToDomain(group: WireTrunkGroup, endpoints: ReadonlyMap<string, WireEndpoint>): TrunkGroup {
  const trunks: WireTrunk[] = group.trunks ?? [];
  const destinations: { index: number; destination: TrunkDestination }[] = [];
  let ingress: WireEndpoint | undefined;
  for (const trunk of trunks) {
    const role = trunkRole(trunk.name);
    const endpoint = trunk.endpoint_sid ? endpoints.get(trunk.endpoint_sid) : undefined;
    if (role.role === 'ingress') ingress = endpoint;
    if (role.role !== 'destination' || !endpoint) continue;
    const address = endpoint.addresses?.[0];
    if (!address) continue;
    destinations.push({
      index: role.index,
      destination: {
        host: address.ip,
        port: asNumber(address.port, DEFAULT_SIP_PORT),
        transport: asTransport(address.transport),
        priority: asNumber(trunk.priority, 0),
        weight: asNumber(trunk.weight, 0),
      },
    });
  }
  destinations.sort((a, b) => a.index - b.index);

  const ingressAddresses = ingress?.addresses ?? [];
  const allowedIps = ingressAddresses.filter((a) => a.ip !== DIGEST_ONLY_IP).map((a) => domainCidr(a.ip));
  const digestUsername = ingressAddresses.find((a) => a.sip_username)?.sip_username ?? undefined;
  const auth: TrunkAuth = allowedIps.length && digestUsername ? 'both' : digestUsername ? 'digest' : 'ip';

  const hasDestinations = trunks.some((t) => trunkRole(t.name).role === 'destination');
  const hasIngress = trunks.some((t) => trunkRole(t.name).role === 'ingress');
  const direction: TrunkDirection = hasDestinations && !hasIngress ? 'inbound' : hasIngress && !hasDestinations ? 'outbound' : 'both';

  const capacities = trunks.flatMap((t) => [t.in_capacity ?? 0, t.out_capacity ?? 0]);
  const maxChannels = capacities.length ? Math.max(...capacities) : 0;
  const codec = trunks.find((t) => t.codec)?.codec;

  return {
    trunkRef: group.trunk_group_sid,
    name: group.name ?? '',
    enabled: true,
    direction,
    auth,
    allowedIps,
    destinations: destinations.map((d) => d.destination),
    maxChannels: maxChannels > 0 ? maxChannels : undefined,
    codecs: codec ? codec.split(CODEC_SEPARATOR).map((c) => c.trim()).filter(Boolean) : undefined,
    digestUsername,
  };
}
