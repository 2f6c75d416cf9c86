import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineEndpoint } from '@/lib/api/contract';
import { getOrder } from '@/lib/api/contracts/orders';
import { withAccount } from '@/lib/api/handler';
import { resolveApiKeyAccess, reachAccount } from '@/lib/auth/access';
import { authenticateApiKey } from '@/lib/auth/api-key-auth';
import { IDEMPOTENCY_CLAIM_LEASE_MS, requestFingerprint } from '@/lib/api/idempotency';
import { accounts, apiIdempotencyKeys, apiKeys, auditEvents, memberships, numberOrders, users } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { recordAudit } from '@/lib/services/audit';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

/** A write endpoint of the test's own, to exercise what the wrapper does with bodies. */
const echoEndpoint = defineEndpoint({
  method: 'POST',
  path: '/echo',
  operationId: 'echo',
  tag: 'Test',
  summary: 'echo',
  access: { permission: 'technical.write' },
  body: z.object({ name: z.string().min(1), count: z.number().int().optional() }),
  answer: z.object({ name: z.string(), call: z.number() }),
  status: 201,
});
let calls = 0;
const echo = withAccount(echoEndpoint, async ({ body }) => ({ name: body.name, call: ++calls }));
/** As the endpoints that make an API key or a webhook's signing secret. */
const makeSecret = withAccount(
  defineEndpoint({ ...echoEndpoint, operationId: 'makeSecret', answer: z.object({ id: z.string(), secret: z.string() }), answersSecretOnce: true }),
  async ({ body }) => ({ id: `made-${body.name}-${++calls}`, secret: `whsec_${body.name}` }),
);

describe('The API principal: API keys or sessions through one wrapper', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let techKey: TestApiKey;
  let globexKey: TestApiKey;
  let orderId: string;
  let GET: typeof import('@/app/api/v1/orders/[orderId]/route').GET;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    techKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
    globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    const [order] = await test.db.insert(numberOrders).values({ accountId: tenants.acme.id, idempotencyKey: 'api-principal', status: 'completed', totalMonthly: '0', totalSetup: '0' }).returning();
    orderId = order!.id;
    ({ GET } = await import('@/app/api/v1/orders/[orderId]/route'));
  });

  it('answers a key of the account, and "not found" to a key of another tenant, in the one error shape', async () => {
    const own = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: techKey, endpoint: getOrder });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: orderId, status: 'completed' });
    expect(own.headers.get('ratelimit-limit')).toBeTruthy();
    const foreign = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: globexKey, endpoint: getOrder });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: expect.stringMatching(/^not_found:/), message: expect.any(String) } });
    const badId = await callApi(GET, { url: '/api/v1/orders/nope', params: { orderId: 'nope' }, key: techKey });
    expect(badId.status).toBe(404);
  });

  it('refuses a missing, malformed, unknown, revoked or expired key with 401 and WWW-Authenticate', async () => {
    const anonymous = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.body.error.code).toBe('unauthorized:session');
    // Another last character than the key's own (a key ending in "x" once made this the real key).
    const unknown = `${techKey.secret.slice(0, -1)}${techKey.secret.endsWith('x') ? 'y' : 'x'}`;
    for (const authorization of ['Basic abc', 'Bearer', `Bearer ${unknown}`, 'Bearer cp_live_short']) {
      const answer = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, headers: { authorization } });
      expect(answer.status, authorization).toBe(401);
    }
    const revoked = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    await test.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.id));
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: revoked })).status).toBe(401);
    const expired = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example', expiresAt: new Date(Date.now() - 1000) });
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: expired })).status).toBe(401);
  });

  it('stops the keys of a creator who left the account, and of a suspended account', async () => {
    const admin = (await test.db.select().from(users).where(eq(users.email, 'admin@acme.example')))[0]!;
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'admin@acme.example' });
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key })).status).toBe(200);
    const [membership] = await test.db.delete(memberships).where(eq(memberships.userId, admin.id)).returning();
    const left = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key });
    expect(left.status).toBe(401);
    expect(left.body.error.message).toMatch(/left the account/);
    await test.db.insert(memberships).values(membership!);

    // A key keeps no more rights than its creator holds now: an admin's admin key stops when they
    // are made a viewer, and works again if the role comes back; a viewer key they made works on.
    const adminKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'admin@acme.example' });
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: adminKey })).status).toBe(200);
    await test.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, admin.id));
    const demoted = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: adminKey });
    expect(demoted.status).toBe(401);
    expect(demoted.body.error.message).toMatch(/no longer has the rights of its role \(admin\)/);
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key })).status).toBe(200);
    await test.db.update(memberships).set({ role: membership!.role }).where(eq(memberships.userId, admin.id));
    expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: adminKey })).status).toBe(200);

    const globexOrder = (await test.db.insert(numberOrders).values({ accountId: tenants.globex.id, idempotencyKey: 'globex-suspended', status: 'completed', totalMonthly: '0', totalSetup: '0' }).returning())[0]!;
    await test.db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, tenants.globex.id));
    const suspended = await callApi(GET, { url: `/api/v1/orders/${globexOrder.id}`, params: { orderId: globexOrder.id }, key: globexKey });
    expect(suspended.status).toBe(403);
    expect(suspended.body.error.code).toBe('forbidden:suspended');
    await test.db.update(accounts).set({ status: 'active' }).where(eq(accounts.id, tenants.globex.id));
  });

  it('gives a key its own role in its subtree, never its creator’s rights elsewhere', async () => {
    const actor = await authenticateApiKey(test.db, techKey.secret, '198.51.100.7');
    const access = await resolveApiKeyAccess(test.db, actor);
    expect(access.role).toBe('technical');
    expect(access.permissions.has('billing.read')).toBe(false);
    expect(access.permissions.has('users.manage')).toBe(false);
    // The owner who made it reaches Globex? No, and nor does the key: other trees are "not found".
    await expect(reachAccount(test.db, access, tenants.globex.id)).rejects.toMatchObject({ code: 'not_found:account' });
    expect((await reachAccount(test.db, access, tenants.west.id)).account.id).toBe(tenants.west.id);
  });

  it('records the key as the actor of audit entries', async () => {
    const access = await resolveApiKeyAccess(test.db, await authenticateApiKey(test.db, techKey.secret, '198.51.100.7'));
    await recordAudit(test.db, access, { accountId: tenants.acme.id, action: 'test.api_actor', targetType: 'account', targetId: tenants.acme.id });
    const [event] = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'test.api_actor'));
    expect(event).toMatchObject({ actorUserId: null, actorApiKeyId: techKey.id, actorEmail: expect.stringMatching(/^API key "technical key" \(cp_live_\w{6}…\)$/) });
  });

  it('refuses unknown fields, non-JSON bodies and bodies over 1 MB', async () => {
    const url = '/api/v1/echo';
    expect((await callApi(echo, { method: 'POST', url, key: techKey, json: { name: 'a' } })).status).toBe(201);
    const unknown = await callApi(echo, { method: 'POST', url, key: techKey, json: { name: 'a', colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid:body', fields: expect.any(Object) });
    const nested = await callApi(echo, { method: 'POST', url, key: techKey, json: { name: '', count: 1.5 } });
    expect(Object.keys(nested.body.error.fields).sort()).toEqual(['count', 'name']);
    expect((await callApi(echo, { method: 'POST', url, key: techKey, body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await callApi(echo, { method: 'POST', url, key: techKey, body: '{"name":', headers: { 'content-type': 'application/json' } })).body.error.code).toBe('invalid:json');
    const huge = await callApi(echo, { method: 'POST', url, key: techKey, json: { name: 'x'.repeat(1024 * 1024 + 10) } });
    expect(huge.status).toBe(413);
    expect((await callApi(echo, { method: 'POST', url: `${url}?extra=1`, key: techKey, json: { name: 'a' } })).status).toBe(400);
  });

  it('answers a repeated Idempotency-Key with the stored answer, and refuses it with another body', async () => {
    const headers = { 'idempotency-key': 'create-abc-1' };
    const first = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'one' }, headers });
    const again = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'one' }, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'two' }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('unprocessable:idempotency_key');
    // Keys are per caller: another key may use the same Idempotency-Key for its own request.
    const otherKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
    expect((await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: otherKey, json: { name: 'two' }, headers })).body.name).toBe('two');
    // A body refused before anything ran does not use the key up: the corrected request may take it.
    const refusedHeaders = { 'idempotency-key': 'create-bad-1' };
    expect((await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: '' }, headers: refusedHeaders })).status).toBe(400);
    expect((await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'fixed' }, headers: refusedHeaders })).status).toBe(201);
  });

  it('keeps no secret with an Idempotency-Key: a replay of an answer that showed one is a 409 naming what was made', async () => {
    const headers = { 'idempotency-key': 'secret-once-1' };
    const first = await callApi(makeSecret, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'hook' }, headers });
    expect(first.status).toBe(201);
    expect(first.body.secret).toBe('whsec_hook');
    const [kept] = await test.db.select().from(apiIdempotencyKeys).where(eq(apiIdempotencyKeys.key, 'secret-once-1'));
    expect(kept!.body).toEqual({ id: first.body.id });
    expect(JSON.stringify(kept)).not.toContain('whsec_');
    const again = await callApi(makeSecret, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'hook' }, headers });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict:secret_already_shown');
    expect(again.body.error.message).toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain('whsec_');
  });

  it('gives up the claim of a request that never answered after its lease, and only that claim', async () => {
    const principal = `key:${techKey.id}`;
    const fingerprint = requestFingerprint('POST', new URL('http://portal.test/api/v1/echo'), JSON.stringify({ name: 'crashed' }));
    await test.db.insert(apiIdempotencyKeys).values({ principal, key: 'crashed-1', requestHash: fingerprint, createdAt: new Date(Date.now() - 60_000) });
    const held = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'crashed' }, headers: { 'idempotency-key': 'crashed-1' } });
    expect(held.status).toBe(409);
    expect(held.body.error.code).toBe('conflict:idempotency_in_progress');
    await test.db.update(apiIdempotencyKeys).set({ createdAt: new Date(Date.now() - IDEMPOTENCY_CLAIM_LEASE_MS - 1000) }).where(eq(apiIdempotencyKeys.key, 'crashed-1'));
    const retried = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'crashed' }, headers: { 'idempotency-key': 'crashed-1' } });
    expect(retried.status).toBe(201);
    expect(retried.body.name).toBe('crashed');
    const replayed = await callApi(echo, { method: 'POST', url: '/api/v1/echo', key: techKey, json: { name: 'crashed' }, headers: { 'idempotency-key': 'crashed-1' } });
    expect(replayed.body).toEqual(retried.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('limits each key with a token bucket in the database: 429 with Retry-After and RateLimit headers', async () => {
    vi.stubEnv('API_KEY_RATE_BURST', '3');
    vi.stubEnv('API_KEY_RATE_PER_SECOND', '0.01');
    resetEnvCache();
    try {
      const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(last!.body.error.code).toBe('rate_limited:api');
      // Another key of the same account has its own bucket.
      expect((await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: techKey })).status).toBe(200);
    } finally {
      vi.unstubAllEnvs();
      resetEnvCache();
    }
  });

  it('serves the portal’s own session from the same route', async () => {
    const [tech] = await test.db.select().from(users).where(eq(users.email, 'tech@acme.example'));
    session.userId = tech!.id;
    session.accountCookie = tenants.acme.id;
    const answer = await callApi(GET, { url: `/api/v1/orders/${orderId}`, params: { orderId } });
    expect(answer.status).toBe(200);
    const crossSite = await callApi(echo, { method: 'POST', url: '/api/v1/echo', json: { name: 'a' }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    session.userId = undefined;
  });
});
