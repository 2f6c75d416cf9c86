/**
 * The portal's HTTP server: Next.js behind a plain Node server that sees each socket, so the
 * caller's address is resolved once from the peer and TRUSTED_PROXIES (lib/auth/client-ip.ts)
 * rather than from headers a client can write. `npm start`, the browser tests and the bench use it.
 *
 *   tsx scripts/serve.ts [--dev] [-p PORT] [-H HOST]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dev: { type: 'boolean', default: false }, port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } } });
const dev = values.dev ?? false;
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';

const { getEnv } = await import('@/lib/env');
const { trustedProxyList } = await import('@/lib/auth/client-ip');
const { createPortalServer, stopPortal, STOP_DEADLINE_MS } = await import('./portal-server');
const { exitOnStopSignal } = await import('./shutdown');
const { default: next } = await import('next');

const root = path.resolve(import.meta.dirname, '..');
const port = Number(values.port ?? getEnv().port);
const hostname = values.hostname;
const trusted = trustedProxyList(getEnv().trustedProxies);

const app = next({ dev, dir: root, port, hostname: hostname ?? 'localhost' });
await app.prepare();
const server = createPortalServer({ request: app.getRequestHandler(), upgrade: app.getUpgradeHandler() }, trusted);
server.listen(port, hostname, () => console.log(`Ready on http://${hostname ?? 'localhost'}:${port}`));

// Within the 5 s allowed after SIGTERM: requests and running jobs get 1.5 s, then everything left is cut.
exitOnStopSignal(() => stopPortal(server), { deadlineMs: STOP_DEADLINE_MS, name: 'serve' });
