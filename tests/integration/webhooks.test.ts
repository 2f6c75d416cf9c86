import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as contracts from '@/lib/api/contracts/webhooks';
import { accounts, auditEvents, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { useHostResolver } from '@/lib/net/public-address';
import { dispatchAccountEvents, publishAccountEvent } from '@/lib/services/account-events';
import { deliverWebhookAttempt, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_SECONDS } from '@/lib/services/webhooks';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver as a customer would run it: records each request and answers the status it is told. */
function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200, answer: 'ok' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(state.status, { 'content-type': 'text/plain' });
      response.end(state.answer);
    });
  });
  return {
    received,
    state,
    server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

const headersOf = (request: Received) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

/** Verifies as the receiver's clock reads at `at` (the library refuses timestamps 5 minutes off). */
function verifyAt(at: Date, secret: string, request: Received) {
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    return new Webhook(secret).verify(request.body, headersOf(request));
  } finally {
    vi.useRealTimers();
  }
}

describe('Signed webhooks', () => {
  const test = useTestDatabase();
  const receiver = startReceiver();
  let origin: string;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let techKey: TestApiKey;
  let viewerKey: TestApiKey;
  let globexKey: TestApiKey;
  let routes: {
    list: typeof import('@/app/api/v1/webhooks/route');
    one: typeof import('@/app/api/v1/webhooks/[webhookId]/route');
    rotate: typeof import('@/app/api/v1/webhooks/[webhookId]/rotate-secret/route');
    deliveries: typeof import('@/app/api/v1/webhooks/[webhookId]/deliveries/route');
    redeliver: typeof import('@/app/api/v1/webhooks/[webhookId]/deliveries/[deliveryId]/redeliver/route');
    test: typeof import('@/app/api/v1/webhooks/[webhookId]/test/route');
  };
  let restoreResolver: (() => void) | undefined;

  beforeAll(async () => {
    origin = await receiver.listen();
    process.env.WEBHOOK_LOCAL_RECEIVER = origin;
    resetEnvCache();
    tenants = await seedTwoTenants(test.db);
    techKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
    viewerKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    routes = {
      list: await import('@/app/api/v1/webhooks/route'),
      one: await import('@/app/api/v1/webhooks/[webhookId]/route'),
      rotate: await import('@/app/api/v1/webhooks/[webhookId]/rotate-secret/route'),
      deliveries: await import('@/app/api/v1/webhooks/[webhookId]/deliveries/route'),
      redeliver: await import('@/app/api/v1/webhooks/[webhookId]/deliveries/[deliveryId]/redeliver/route'),
      test: await import('@/app/api/v1/webhooks/[webhookId]/test/route'),
    };
  });

  afterEach(() => {
    restoreResolver?.();
    restoreResolver = undefined;
    receiver.state.status = 200;
  });

  afterAll(async () => {
    delete process.env.WEBHOOK_LOCAL_RECEIVER;
    resetEnvCache();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  async function createEndpoint(body: Record<string, unknown>, key: TestApiKey = techKey) {
    return callApi(routes.list.POST, { method: 'POST', url: '/api/v1/webhooks', key, json: body, endpoint: contracts.createWebhook });
  }

  async function deliveriesOf(webhookId: string) {
    return test.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, webhookId)).orderBy(webhookDeliveries.createdAt);
  }

  it('delivers an event signed so that the official Standard Webhooks library verifies it', async () => {
    const created = await createEndpoint({ url: `${origin}/hooks`, description: 'ops', eventTypes: ['number.released', 'order.completed'] });
    expect(created.status).toBe(201);
    const { endpoint, secret } = created.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    // The secret is never shown again and is stored sealed.
    const read = await callApi(routes.one.GET, { url: `/api/v1/webhooks/${endpoint.id}`, params: { webhookId: endpoint.id }, key: viewerKey, endpoint: contracts.getWebhook });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(secret.slice(6));
    const [stored] = await test.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(stored!.secretSealed).not.toContain(secret.slice(6));

    await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'number.released', data: { e164: '+14155550123', releasedAt: '2026-12-01T10:00:00.000Z' } });
    await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'trunk_group.sync_failed', data: { trunkGroupId: tenants.acme.id, name: 'x', reason: 'y' } });
    await dispatchAccountEvents(test.db);
    const [delivery, ...others] = await deliveriesOf(endpoint.id);
    expect(others).toHaveLength(0);
    const now = new Date();
    receiver.received.length = 0;
    expect(await deliverWebhookAttempt(delivery!.id, { now })).toBe('delivered');
    expect(receiver.received).toHaveLength(1);
    const payload = verifyAt(now, secret, receiver.received[0]!);
    expect(payload).toEqual({ type: 'number.released', timestamp: expect.any(String), data: { e164: '+14155550123', releasedAt: '2026-12-01T10:00:00.000Z', accountId: tenants.acme.id } });
    expect(receiver.received[0]!.headers['webhook-id']).toMatch(/^evt_/);
    expect(receiver.received[0]!.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    // A wrong secret does not verify.
    expect(() => verifyAt(now, `whsec_${Buffer.alloc(24, 1).toString('base64')}`, receiver.received[0]!)).toThrow();

    const log = await callApi(routes.deliveries.GET, { url: `/api/v1/webhooks/${endpoint.id}/deliveries`, params: { webhookId: endpoint.id }, key: viewerKey, endpoint: contracts.listWebhookDeliveriesEndpoint });
    expect(log.status).toBe(200);
    expect(log.body.data[0]).toMatchObject({ status: 'delivered', attemptCount: 1, eventType: 'number.released', attempts: [{ responseStatus: 200, error: null, responseBody: 'ok' }] });
    // A second job for the same delivery sends nothing.
    expect(await deliverWebhookAttempt(delivery!.id, { now })).toBe('not_due');
    expect(receiver.received).toHaveLength(1);
  });

  it('never names an upstream carrier in an event’s reasons, nested ones included; the customer’s own names stay', async () => {
    const created = await createEndpoint({ url: `${origin}/carrier-words`, eventTypes: ['trunk_group.sync_failed'] });
    await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'trunk_group.sync_failed', data: { trunkGroupId: tenants.acme.id, name: 'VoiceTel backup', reason: 'CarrierX is not answering right now; your settings are saved.' } });
    await dispatchAccountEvents(test.db);
    const [delivery] = await deliveriesOf(created.body.endpoint.id);
    receiver.received.length = 0;
    expect(await deliverWebhookAttempt(delivery!.id, { now: new Date() })).toBe('delivered');
    const payload = JSON.parse(receiver.received[0]!.body) as { data: { name: string; reason: string } };
    expect(payload.data.reason).toBe('The carrier is not answering right now; your settings are saved.');
    expect(payload.data.name).toBe('VoiceTel backup');
  });

  it('sends a sub-account’s events to the parent’s endpoints too, naming the account', async () => {
    const created = await createEndpoint({ url: `${origin}/tree`, eventTypes: ['e911.registration_failed'] });
    await publishAccountEvent(test.db, { accountId: tenants.east.id, type: 'e911.registration_failed', data: { e164: '+14155550199', addressId: null, reason: 'refused' } });
    await dispatchAccountEvents(test.db);
    const [delivery] = await deliveriesOf(created.body.endpoint.id);
    expect(delivery).toMatchObject({ accountId: tenants.acme.id, status: 'pending' });
    receiver.received.length = 0;
    await deliverWebhookAttempt(delivery!.id);
    expect(JSON.parse(receiver.received[0]!.body).data.accountId).toBe(tenants.east.id);
  });

  it('sends nothing to a suspended account’s endpoints (its sub-accounts’ included), says why, and sends again once reactivated', async () => {
    const created = await createEndpoint({ url: `${origin}/suspended`, eventTypes: ['number.released'] });
    const webhookId = created.body.endpoint.id as string;
    await test.db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, tenants.acme.id));
    try {
      await publishAccountEvent(test.db, { accountId: tenants.east.id, type: 'number.released', data: { e164: '+14155550111', releasedAt: '2026-12-01T10:00:00.000Z' } });
      await dispatchAccountEvents(test.db);
      const [delivery] = await deliveriesOf(webhookId);
      receiver.received.length = 0;
      expect(await deliverWebhookAttempt(delivery!.id)).toBe('cancelled');
      expect(receiver.received).toHaveLength(0);
      const log = await callApi(routes.deliveries.GET, { url: `/api/v1/webhooks/${webhookId}/deliveries`, params: { webhookId }, key: viewerKey, endpoint: contracts.listWebhookDeliveriesEndpoint });
      expect(log.status).toBe(403);
      const [stored] = await deliveriesOf(webhookId);
      expect(stored).toMatchObject({ status: 'cancelled', attemptCount: 1, nextAttemptAt: null });
      const [attempt] = await test.db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.deliveryId, delivery!.id));
      expect(attempt).toMatchObject({ responseStatus: null, error: `Not sent: ${tenants.acme.name} is suspended` });
    } finally {
      await test.db.update(accounts).set({ status: 'active' }).where(eq(accounts.id, tenants.acme.id));
    }
    const [cancelled] = await deliveriesOf(webhookId);
    const again = await callApi(routes.redeliver.POST, {
      method: 'POST',
      url: `/api/v1/webhooks/${webhookId}/deliveries/${cancelled!.id}/redeliver`,
      params: { webhookId, deliveryId: cancelled!.id },
      key: techKey,
      endpoint: contracts.redeliverWebhookEndpoint,
    });
    expect(again.status).toBe(202);
    receiver.received.length = 0;
    expect(await deliverWebhookAttempt(again.body.id)).toBe('delivered');
    expect(JSON.parse(receiver.received[0]!.body).data).toMatchObject({ e164: '+14155550111', accountId: tenants.east.id });
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const created = await createEndpoint({ url: `${origin}/rotate`, eventTypes: ['number.released'] });
    const { endpoint, secret: oldSecret } = created.body;
    const rotated = await callApi(routes.rotate.POST, { method: 'POST', url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`, params: { webhookId: endpoint.id }, key: techKey, endpoint: contracts.rotateWebhookSecretEndpoint });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.endpoint.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);

    const test1 = await callApi(routes.test.POST, { method: 'POST', url: `/api/v1/webhooks/${endpoint.id}/test`, params: { webhookId: endpoint.id }, key: techKey, endpoint: contracts.testWebhookEndpoint });
    expect(test1.status).toBe(202);
    const soon = new Date(Date.now() + 1000);
    receiver.received.length = 0;
    await deliverWebhookAttempt(test1.body.id, { now: soon });
    const during = receiver.received[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyAt(soon, newSecret, during)).toMatchObject({ type: 'webhook.test' });
    expect(verifyAt(soon, oldSecret, during)).toMatchObject({ type: 'webhook.test' });

    const later = new Date(Date.now() + 25 * 3600_000);
    const redelivered = await callApi(routes.redeliver.POST, {
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/deliveries/${test1.body.id}/redeliver`,
      params: { webhookId: endpoint.id, deliveryId: test1.body.id },
      key: techKey,
      endpoint: contracts.redeliverWebhookEndpoint,
    });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({ eventId: test1.body.eventId, redeliveryOf: test1.body.id, status: 'pending' });
    receiver.received.length = 0;
    await deliverWebhookAttempt(redelivered.body.id, { now: later });
    const after = receiver.received[0]!;
    expect(after.headers['webhook-id']).toBe(during.headers['webhook-id']);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyAt(later, newSecret, after)).toMatchObject({ type: 'webhook.test' });
    expect(() => verifyAt(later, oldSecret, after)).toThrow();
  });

  it('retries a failing endpoint on the backoff schedule for about 24 hours, then marks the delivery failed', async () => {
    const created = await createEndpoint({ url: `${origin}/failing`, eventTypes: ['order.completed'] });
    receiver.state.status = 503;
    receiver.state.answer = 'x'.repeat(10_000);
    await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'order.completed', data: { orderId: tenants.acme.id, status: 'completed', activated: ['+14155550100'], failed: [] } });
    await dispatchAccountEvents(test.db);
    const [delivery] = await deliveriesOf(created.body.endpoint.id);
    let now = new Date();
    const start = now.getTime();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
      // Not due yet: a job that wakes early sends nothing.
      if (attempt > 1) expect(await deliverWebhookAttempt(delivery!.id, { now: new Date(now.getTime() - 1000) })).toBe('not_due');
      const outcome = await deliverWebhookAttempt(delivery!.id, { now });
      const [row] = await test.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
      if (attempt < WEBHOOK_MAX_ATTEMPTS) {
        expect(outcome).toBe('retrying');
        waits.push((row!.nextAttemptAt!.getTime() - now.getTime()) / 1000);
        now = row!.nextAttemptAt!;
      } else {
        expect(outcome).toBe('failed');
        expect(row).toMatchObject({ status: 'failed', attemptCount: WEBHOOK_MAX_ATTEMPTS, nextAttemptAt: null });
      }
    }
    expect(waits).toEqual([...WEBHOOK_RETRY_DELAYS_SECONDS]);
    expect(waits.slice(0, 10).every((wait, index) => index === 0 || wait === waits[index - 1]! * 2)).toBe(true);
    const span = (now.getTime() - start) / 3600_000;
    expect(span).toBeGreaterThan(23);
    expect(span).toBeLessThan(26);
    const log = await callApi(routes.deliveries.GET, { url: `/api/v1/webhooks/${created.body.endpoint.id}/deliveries`, params: { webhookId: created.body.endpoint.id }, key: techKey, endpoint: contracts.listWebhookDeliveriesEndpoint });
    const attempts = log.body.data[0].attempts;
    expect(attempts).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(attempts[0]).toMatchObject({ responseStatus: 503, error: null });
    expect(attempts[0].responseBody.length).toBe(4096);
    receiver.state.answer = 'ok';
  });

  it('refuses private, loopback, link-local and unique-local endpoints at save time with a field message', async () => {
    for (const url of [
      'https://10.1.2.3/hook',
      'https://127.0.0.1/hook',
      'https://169.254.169.254/latest',
      'https://[::1]/hook',
      'https://[fc00::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://localhost/hook',
      'https://100.64.0.1/hook',
      'http://hooks.example.com/plain',
      `http://127.0.0.1:1/${'other-port'}`,
    ]) {
      const refused = await createEndpoint({ url, eventTypes: ['number.released'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.fields.url, url).toHaveLength(1);
    }
    restoreResolver = useHostResolver(async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]);
    const mixed = await createEndpoint({ url: 'https://mixed.example.com/hook', eventTypes: ['number.released'] });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.fields.url[0]).toContain('10.0.0.7');
    const noEvents = await createEndpoint({ url: `${origin}/x`, eventTypes: [] });
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.error.fields.eventTypes).toBeDefined();
    const unknownEvent = await createEndpoint({ url: `${origin}/x`, eventTypes: ['number.stolen'] });
    expect(unknownEvent.status).toBe(400);
    expect(await test.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.url, 'https://mixed.example.com/hook'))).toHaveLength(0);
  });

  it('refuses at delivery time when the name now resolves to a private address (DNS rebinding), and connects only to the vetted address', async () => {
    let answer = '93.184.216.34';
    restoreResolver = useHostResolver(async () => [{ address: answer, family: 4 }]);
    const created = await createEndpoint({ url: 'https://hooks.rebind.example/in', eventTypes: ['number.released'] });
    expect(created.status).toBe(201);
    answer = '127.0.0.1';
    await publishAccountEvent(test.db, { accountId: tenants.acme.id, type: 'number.released', data: { e164: '+14155550124', releasedAt: '2026-12-01T10:00:00.000Z' } });
    await dispatchAccountEvents(test.db);
    const [delivery] = await deliveriesOf(created.body.endpoint.id);
    receiver.received.length = 0;
    expect(await deliverWebhookAttempt(delivery!.id)).toBe('retrying');
    expect(receiver.received).toHaveLength(0);
    const log = await callApi(routes.deliveries.GET, { url: `/api/v1/webhooks/${created.body.endpoint.id}/deliveries`, params: { webhookId: created.body.endpoint.id }, key: techKey, endpoint: contracts.listWebhookDeliveriesEndpoint });
    expect(log.body.data[0].attempts[0]).toMatchObject({ responseStatus: null, error: expect.stringContaining('127.0.0.1, a loopback address') });
    // Changing the URL to a private one is refused as well.
    answer = '169.254.169.254';
    const patched = await callApi(routes.one.PATCH, {
      method: 'PATCH',
      url: `/api/v1/webhooks/${created.body.endpoint.id}`,
      params: { webhookId: created.body.endpoint.id },
      key: techKey,
      json: { url: 'https://metadata.rebind.example/' },
      endpoint: contracts.updateWebhook,
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.fields.url[0]).toContain('link-local');
  });

  it('keeps other tenants and read-only roles out, and audits every change', async () => {
    const created = await createEndpoint({ url: `${origin}/audited`, eventTypes: ['number.released'] });
    const webhookId = created.body.endpoint.id as string;
    const foreignRead = await callApi(routes.one.GET, { url: `/api/v1/webhooks/${webhookId}`, params: { webhookId }, key: globexKey, endpoint: contracts.getWebhook });
    expect(foreignRead.status).toBe(404);
    const foreignDelete = await callApi(routes.one.DELETE, { method: 'DELETE', url: `/api/v1/webhooks/${webhookId}`, params: { webhookId }, key: globexKey, endpoint: contracts.deleteWebhook });
    expect(foreignDelete.status).toBe(404);
    const foreignRotate = await callApi(routes.rotate.POST, { method: 'POST', url: `/api/v1/webhooks/${webhookId}/rotate-secret`, params: { webhookId }, key: globexKey, endpoint: contracts.rotateWebhookSecretEndpoint });
    expect(foreignRotate.status).toBe(404);
    const foreignLog = await callApi(routes.deliveries.GET, { url: `/api/v1/webhooks/${webhookId}/deliveries`, params: { webhookId }, key: globexKey, endpoint: contracts.listWebhookDeliveriesEndpoint });
    expect(foreignLog.status).toBe(404);
    const globexList = await callApi(routes.list.GET, { url: '/api/v1/webhooks', key: globexKey, endpoint: contracts.listWebhooks });
    expect(globexList.body.data).toEqual([]);
    const viewerCreate = await createEndpoint({ url: `${origin}/viewer`, eventTypes: ['number.released'] }, viewerKey);
    expect(viewerCreate.status).toBe(403);

    const disabled = await callApi(routes.one.PATCH, { method: 'PATCH', url: `/api/v1/webhooks/${webhookId}`, params: { webhookId }, key: techKey, json: { enabled: false }, endpoint: contracts.updateWebhook });
    expect(disabled.body.enabled).toBe(false);
    const refusedTest = await callApi(routes.test.POST, { method: 'POST', url: `/api/v1/webhooks/${webhookId}/test`, params: { webhookId }, key: techKey, endpoint: contracts.testWebhookEndpoint });
    expect(refusedTest.status).toBe(409);
    const deleted = await callApi(routes.one.DELETE, { method: 'DELETE', url: `/api/v1/webhooks/${webhookId}`, params: { webhookId }, key: techKey, endpoint: contracts.deleteWebhook });
    expect(deleted.body).toEqual({ deleted: true });
    const gone = await callApi(routes.one.GET, { url: `/api/v1/webhooks/${webhookId}`, params: { webhookId }, key: techKey, endpoint: contracts.getWebhook });
    expect(gone.status).toBe(404);

    const trail = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetType, 'webhook'), eq(auditEvents.targetId, webhookId)));
    expect(trail.map((entry) => entry.action).sort()).toEqual(['webhook.create', 'webhook.delete', 'webhook.disable']);
    expect(trail.every((entry) => entry.actorApiKeyId === techKey.id)).toBe(true);
    expect(JSON.stringify(trail)).not.toMatch(/whsec_|v1\./);
  });

  it('allows at most 10 endpoints per account', async () => {
    const existing = (await callApi(routes.list.GET, { url: '/api/v1/webhooks', key: techKey, endpoint: contracts.listWebhooks })).body.data.length as number;
    for (let index = existing; index < 10; index++) expect((await createEndpoint({ url: `${origin}/n${index}`, eventTypes: ['number.released'] })).status).toBe(201);
    const over = await createEndpoint({ url: `${origin}/eleven`, eventTypes: ['number.released'] });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('conflict:webhook_limit');
  });
});
