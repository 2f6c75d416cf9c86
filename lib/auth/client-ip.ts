/**
 * The caller's address, for throttling and the audit log. A client can write any X-Forwarded-For
 * it likes, so the header is believed only as far as it was written by configured proxies
 * (TRUSTED_PROXIES, none by default): walking from the socket's peer leftwards, each trusted hop
 * vouches for the address before it, and the first untrusted one is the client.
 *
 * The portal's own HTTP server (scripts/serve.ts) sees the socket, resolves the address once and
 * stamps it on the request under a per-process token, so app code reads a value no client can forge.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export const CLIENT_IP_HEADER = 'x-portal-client-ip';

const tokenKey = Symbol.for('carrier-portal.client-ip-token');
const processGlobal = globalThis as unknown as Record<symbol, string | undefined>;

function processToken(): string {
  processGlobal[tokenKey] ??= randomBytes(18).toString('base64url');
  return processGlobal[tokenKey];
}

/** TRUSTED_PROXIES entries (addresses or CIDR blocks, IPv4 or IPv6) as a matcher; a bad entry stops start-up. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) throw new Error(`TRUSTED_PROXIES: "${entry}" has an invalid prefix length`);
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`. */
function plainAddress(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The client's address from the socket peer and the X-Forwarded-For chain, trusting only `trusted` hops. */
export function resolveClientIp({ peer, forwardedFor, trusted }: { peer: string | undefined; forwardedFor: string | undefined; trusted: BlockList }): string | undefined {
  if (!peer) return undefined;
  let client = plainAddress(peer);
  const hops = (forwardedFor ?? '').split(',').map(plainAddress).filter(Boolean);
  while (isTrusted(trusted, client) && hops.length > 0) {
    const previous = hops.pop()!;
    // A trusted proxy that forwards garbage vouches for nothing: stop at the proxy itself.
    if (isIP(previous) === 0) break;
    client = previous;
  }
  return isIP(client) === 0 ? undefined : client;
}

/** Called by the portal's HTTP server for every request, before Next.js sees it. */
export function stampClientIp(request: IncomingMessage, trusted: BlockList): void {
  delete request.headers[CLIENT_IP_HEADER];
  const forwarded = request.headers['x-forwarded-for'];
  const ip = resolveClientIp({ peer: request.socket.remoteAddress, forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusted });
  if (ip) request.headers[CLIENT_IP_HEADER] = `${processToken()} ${ip}`;
  // What Next.js and Auth.js derive from forwarded headers (the address, the scheme and host of
  // redirects, secure cookies) must not be the client's own words either.
  if (ip) request.headers['x-forwarded-for'] = ip;
  else delete request.headers['x-forwarded-for'];
  const peer = request.socket.remoteAddress;
  if (!peer || !isTrusted(trusted, plainAddress(peer))) {
    for (const name of ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded', 'x-real-ip']) delete request.headers[name];
  }
}

/** The stamped address, or undefined where the request did not pass the portal's server (plain `next start`). */
export function clientIp(headers: Headers): string | undefined {
  const value = headers.get(CLIENT_IP_HEADER);
  if (!value) return undefined;
  const [token, ip] = value.split(' ');
  return token === processToken() && ip && isIP(ip) !== 0 ? ip : undefined;
}
