/**
 * The demo's webhook receiver (embedded mode allows webhooks to http://127.0.0.1:4105 only): it keeps
 * the last 50 requests POSTed to /webhooks/inbox, headers and body as received, and lists them at
 * GET /webhooks/inbox, newest first. It cannot verify signatures (it never sees the secret); the
 * list shows what a receiver would verify.
 */
import type { SandboxDefinition } from '../common/server';

const KEPT = 50;

interface InboxEntry {
  receivedAt: string;
  headers: Record<string, string>;
  body: unknown;
}

let inbox: InboxEntry[] = [];

const json = (status: number, value: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

export const webhookInboxSandbox: SandboxDefinition = {
  name: 'webhook-inbox',
  defaultPort: 4105,
  reset() {
    inbox = [];
  },
  handle(request, context) {
    if (request.path !== '/webhooks/inbox') return json(404, { error: 'POST or GET /webhooks/inbox' });
    if (request.method === 'GET') return json(200, { data: inbox });
    if (request.method !== 'POST') return json(405, { error: 'POST or GET /webhooks/inbox' });
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith('webhook-') || name === 'content-type' || name === 'user-agent').map(([name, value]) => [name, String(value)]));
    let body: unknown;
    try {
      body = request.json();
    } catch {
      body = request.text();
    }
    inbox = [{ receivedAt: context.now().toISOString(), headers, body }, ...inbox].slice(0, KEPT);
    return json(200, { received: true });
  },
};
