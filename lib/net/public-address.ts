/**
 * The SSRF guard for outbound requests to addresses customers choose (webhook endpoints): only
 * globally routable unicast addresses pass. A hostname passes only when every address it resolves
 * to passes, and the request then connects to the address that was checked (`pinnedLookup`), so a
 * DNS answer that changes between the check and the connection (rebinding) cannot slip through.
 */
import { BlockList, isIP, isIPv4, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

const blockedV4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const blockedV6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // IPv4-translated (SIIT) and NAT64 local-use: which IPv4 address they reach is the local network's choice.
  ['::ffff:0:0:0', 96, 'IPv4-translated'],
  ['64:ff9b:1::', 48, 'NAT64 local-use'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function listOf(ranges: [string, number, string][], family: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, kind]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, kind };
  });
}

const v4Lists = listOf(blockedV4, 'ipv4');
const v6Lists = listOf(blockedV6, 'ipv6');

/** The 16 bytes of an IPv6 address (any textual form, with or without a dotted IPv4 tail). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':').filter((group) => group !== '') : [];
  const restGroups = rest ? rest.split(':').filter((group) => group !== '') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...restGroups].map((group) => parseInt(group, 16));
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  if (dotted) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 one carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  const quad = (from: number) => bytes.slice(from, from + 4).join('.');
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return quad(12);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return quad(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return quad(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2);
  return undefined;
}

/** Why `address` (an IP literal) may not be called, or null when it is a public unicast address. */
export function nonPublicReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 4) return v4Lists.find(({ list }) => list.check(bare, 'ipv4'))?.kind ?? null;
  const inner = embeddedIpv4(bare);
  if (inner !== undefined) {
    const innerReason = nonPublicReason(inner);
    return innerReason ? `${innerReason} (IPv4 inside IPv6)` : null;
  }
  return v6Lists.find(({ list }) => list.check(bare, 'ipv6'))?.kind ?? null;
}

export function isPublicAddress(address: string): boolean {
  return nonPublicReason(address) === null;
}

const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

let resolver: HostResolver = systemResolver;

/** Every address `hostname` resolves to (A and AAAA), by the system resolver unless a test swapped it. */
export function resolveHost(hostname: string): Promise<ResolvedAddress[]> {
  return resolver(hostname);
}

/** Tests answer DNS themselves (to change the answer between a save and a delivery); returns the undo. */
export function useHostResolver(replacement: HostResolver): () => void {
  const previous = resolver;
  resolver = replacement;
  return () => {
    resolver = previous;
  };
}

export class NonPublicAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string | undefined,
    readonly reason: string,
  ) {
    super(address && address !== hostname ? `${hostname} resolves to ${address}, a ${reason} address` : address ? `${hostname} is a ${reason} address` : `${hostname}: ${reason}`);
    this.name = 'NonPublicAddressError';
  }
}

/**
 * The public address to connect to for `hostname` (an IP literal or a name): throws
 * NonPublicAddressError when it or any address it resolves to is not public, or it does not resolve.
 */
export async function vetHost(hostname: string): Promise<ResolvedAddress> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    const reason = nonPublicReason(bare);
    if (reason) throw new NonPublicAddressError(bare, bare, reason);
    return { address: bare, family: isIPv4(bare) ? 4 : 6 };
  }
  let answers: ResolvedAddress[];
  try {
    answers = await resolveHost(bare);
  } catch {
    throw new NonPublicAddressError(bare, undefined, 'the name does not resolve');
  }
  if (answers.length === 0) throw new NonPublicAddressError(bare, undefined, 'the name does not resolve');
  for (const answer of answers) {
    const reason = nonPublicReason(answer.address);
    if (reason) throw new NonPublicAddressError(bare, answer.address, reason);
  }
  return answers[0]!;
}

/** A `lookup` for http(s).request that answers only the vetted address, whatever DNS says now. */
export function pinnedLookup(vetted: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: vetted.address, family: vetted.family }]);
    else callback(null, vetted.address, vetted.family);
  }) as LookupFunction;
}
