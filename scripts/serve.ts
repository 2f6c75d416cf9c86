/**
 * The portal's HTTP server: Next.js behind a plain Node server that sees each socket, so the
 * caller's address is resolved once from the peer and TRUSTED_PROXIES (lib/auth/client-ip.ts)
 * rather than from headers a client can write. `npm start`, the browser tests and the bench use it.
 *
 *   tsx scripts/serve.ts [--dev] [-p PORT] [-H HOST]
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dev: { type: 'boolean', default: false }, port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } } });
const dev = values.dev ?? false;
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';

const { getEnv } = await import('@/lib/env');
const { stampClientIp, trustedProxyList } = await import('@/lib/auth/client-ip');
const { default: next } = await import('next');

const root = path.resolve(import.meta.dirname, '..');
const port = Number(values.port ?? getEnv().port);
const hostname = values.hostname;
const trusted = trustedProxyList(getEnv().trustedProxies);

const app = next({ dev, dir: root, port, hostname: hostname ?? 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();

const server = http.createServer((request, response) => {
  stampClientIp(request, trusted);
  void handle(request, response);
});
server.on('upgrade', (request, socket, head) => {
  stampClientIp(request, trusted);
  void upgrade(request, socket, head);
});
server.listen(port, hostname, () => console.log(`Ready on http://${hostname ?? 'localhost'}:${port}`));

/** Stops taking requests, lets those in flight finish for a moment, then drops what is left (keep-alive included). */
function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 3000).unref();
  setTimeout(() => process.exit(0), 4500).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
