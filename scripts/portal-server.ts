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

export function createPortalServer(handlers: PortalHandlers, trusted: Parameters<typeof stampClientIp>[1]): http.Server {
  const server = http.createServer((request, response) => {
    stampClientIp(request, trusted);
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
