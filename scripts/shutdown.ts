/**
 * Stopping within the 5 s a supervisor (systemd, Docker, Kubernetes, a terminal's Ctrl-C) allows,
 * whatever the clients do: keep-alive connections that sit idle, requests that never finish, or
 * upstreams that never answer would otherwise hold `server.close()` open indefinitely.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';

const upgradedSockets = new WeakMap<http.Server, Set<Duplex>>();

/** Remembers the server's upgraded sockets (WebSockets): the HTTP server no longer tracks them, yet they keep it open. */
export function trackUpgrades(server: http.Server) {
  const sockets = new Set<Duplex>();
  upgradedSockets.set(server, sockets);
  server.on('upgrade', (_request, socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/**
 * Stops listening at once and closes idle keep-alive connections; requests in flight get `graceMs`
 * to finish, then every connection left is cut. Resolves when the server is closed.
 */
export function closeServer(server: http.Server, { graceMs }: { graceMs: number }): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    // A response that finishes during the grace period leaves its keep-alive connection idle.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    idleSweep.unref();
    setTimeout(() => {
      clearInterval(idleSweep);
      server.closeAllConnections();
      for (const socket of upgradedSockets.get(server) ?? []) socket.destroy();
    }, graceMs).unref();
    server.once('close', () => clearInterval(idleSweep));
  });
}

/**
 * On SIGTERM or SIGINT runs `stop` once and exits; if it has not finished within `deadlineMs` the
 * process exits anyway. A repeated signal (Ctrl-C reaches every process of the terminal's group, and
 * the parent forwards SIGTERM too) does not cut the stop short.
 */
export function exitOnStopSignal(stop: () => Promise<unknown>, { deadlineMs, name }: { deadlineMs: number; name: string }) {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`${name}: still stopping after ${deadlineMs} ms; exiting anyway.`);
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${name}: stop failed`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
