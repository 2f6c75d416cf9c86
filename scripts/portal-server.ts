/**
 * The plain Node server in front of Next.js (scripts/serve.ts) and how it stops: it sees each
 * socket, so the caller's address is resolved once from the peer and TRUSTED_PROXIES
 * (lib/auth/client-ip.ts) rather than from headers a client can write.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { stampClientIp } from '@/lib/auth/client-ip';
import { stopJobs } from '@/lib/jobs/lifecycle';
import { closeServer, trackUpgrades } from './shutdown';

/** Requests in flight get this long after SIGTERM; pg-boss gives running jobs as long. */
export const STOP_GRACE_MS = 1500;
/** Past this the process exits whatever is still open (leaving room for exiting itself, a second in development) within the 5 s supervisors allow. */
export const STOP_DEADLINE_MS = 3500;

export interface PortalHandlers {
  request(request: http.IncomingMessage, response: http.ServerResponse): unknown;
  upgrade?(request: http.IncomingMessage, socket: Duplex, head: Buffer): unknown;
}

/** Whether the path (not the query) decodes: `%ZZ` or a cut UTF-8 sequence does not. */
export function hasDecodablePath(url: string | undefined): boolean {
  try {
    decodeURIComponent((url ?? '/').split('?', 1)[0]!);
    return true;
  } catch {
    return false;
  }
}

/**
 * A path that does not decode is refused here: Next.js throws on it while matching a dynamic
 * segment and answers a bare 500, which reads as the portal failing rather than the address.
 */
function refuseUndecodablePath(request: http.IncomingMessage, response: http.ServerResponse) {
  const problem = 'The address has a malformed percent-encoding (such as %ZZ or a cut UTF-8 sequence)';
  response.statusCode = 400;
  response.setHeader('cache-control', 'no-store');
  if (request.url?.startsWith('/api/')) {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ error: { code: 'invalid:path', message: `${problem}; encode path segments with encodeURIComponent.` } }));
  } else {
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end(`Bad request. ${problem}. Check the link and try again.\n`);
  }
}

export function createPortalServer(handlers: PortalHandlers, trusted: Parameters<typeof stampClientIp>[1]): http.Server {
  const server = http.createServer((request, response) => {
    stampClientIp(request, trusted);
    if (!hasDecodablePath(request.url)) return refuseUndecodablePath(request, response);
    void handlers.request(request, response);
  });
  trackUpgrades(server);
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    stampClientIp(request, trusted);
    if (handlers.upgrade) void handlers.upgrade(request, socket, head);
    else socket.destroy();
  });
  return server;
}

/** Stops taking requests and stops pg-boss (the jobs Next.js started in this process) side by side. */
export async function stopPortal(server: http.Server) {
  await Promise.all([
    closeServer(server, { graceMs: STOP_GRACE_MS }),
    stopJobs(STOP_GRACE_MS).catch((error: unknown) => console.error('pg-boss did not stop cleanly', error)),
  ]);
}
