/**
 * API keys (issue 13.2): who may create which key, the secret answered once and stored only as its
 * hash, revocation, expiry, status and last use, audit without secrets, and the /api-keys endpoints
 * checked against the published OpenAPI document.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiKey as createApiKeyEndpoint, getApiKey as getApiKeyEndpoint, listApiKeys as listApiKeysEndpoint, revokeApiKey as revokeApiKeyEndpoint } from '@/lib/api/contracts/api-keys';
import { getOrder } from '@/lib/api/contracts/orders';
import { accounts, apiKeys, auditEvents, memberships, numberOrders, users } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createApiKey, getApiKeyWithLimits, grantableApiKeyRoles, listApiKeys } from '@/lib/services/api-keys';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
const stepUp = vi.hoisted(() => ({ refuse: false }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
// The second-factor check belongs to the 2FA feature: here it passes, or refuses when a test says so.
vi.mock('@/lib/services/two-factor', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/services/two-factor')>()),
  assertRecentSecondFactor: async () => {
    if (stepUp.refuse) throw new AppError('forbidden:step_up', 'Confirm your second factor first.');
  },
}));

type Routes = {
  list: typeof import('@/app/api/v1/api-keys/route');
  one: typeof import('@/app/api/v1/api-keys/[keyId]/route');
  order: typeof import('@/app/api/v1/orders/[orderId]/route');
  actions: typeof import('@/app/(portal)/developers/api-keys/actions');
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const future = (days: number) => new Date(Date.now() + days * 24 * 3600_000);

describe('API keys', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let routes: Routes;
  let orderId: string;

  async function signIn(email: string, accountId = tenants.acme.id) {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
  }

  const create = (json: unknown, extra: { key?: TestApiKey; url?: string } = {}) =>
    callApi(routes.list.POST, { method: 'POST', url: extra.url ?? '/api/v1/api-keys', json, key: extra.key, endpoint: createApiKeyEndpoint });
  const getOne = (keyId: string, key?: TestApiKey) => callApi(routes.one.GET, { url: `/api/v1/api-keys/${keyId}`, params: { keyId }, key, endpoint: getApiKeyEndpoint });
  const revoke = (keyId: string, key?: TestApiKey) => callApi(routes.one.DELETE, { method: 'DELETE', url: `/api/v1/api-keys/${keyId}`, params: { keyId }, key, endpoint: revokeApiKeyEndpoint });
  const callOrder = (key: string | TestApiKey, ip?: string) => callApi(routes.order.GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key, ip, endpoint: getOrder });
  const keyRow = async (id: string) => (await test.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [order] = await test.db.insert(numberOrders).values({ accountId: tenants.acme.id, idempotencyKey: 'api-keys-order', status: 'completed', totalMonthly: '0', totalSetup: '0' }).returning();
    orderId = order!.id;
    routes = {
      list: await import('@/app/api/v1/api-keys/route'),
      one: await import('@/app/api/v1/api-keys/[keyId]/route'),
      order: await import('@/app/api/v1/orders/[orderId]/route'),
      actions: await import('@/app/(portal)/developers/api-keys/actions'),
    };
  });

  beforeEach(() => {
    session.userId = undefined;
    session.accountCookie = undefined;
    stepUp.refuse = false;
  });

  it('answers the secret once, stores only its hash and prefix, and the secret works as a Bearer key', async () => {
    await signIn('owner@acme.example');
    const created = await create({ name: '  deploy bot  ', role: 'admin', expiresAt: future(30).toISOString() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'deploy bot', role: 'admin', status: 'active', accountId: tenants.acme.id, lastUsedAt: null, revokedAt: null, createdBy: { email: 'owner@acme.example' } });
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^cp_live_[0-9A-Za-z]{43}$/);
    expect(created.body.prefix).toBe(secret.slice(0, 14));

    const row = await keyRow(created.body.id);
    expect(row.secretHash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.prefix).toBe(created.body.prefix);

    const again = await getOne(created.body.id);
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined();
    expect(again.text).not.toContain(secret);
    expect(again.text).not.toContain(row.secretHash);
    const listed = await callApi(routes.list.GET, { url: '/api/v1/api-keys', endpoint: listApiKeysEndpoint });
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(row.secretHash);

    // The new key is an admin of Acme: it reads the key list itself.
    session.userId = undefined;
    const asKey = await callApi(routes.list.GET, { url: '/api/v1/api-keys', key: secret, endpoint: listApiKeysEndpoint });
    expect(asKey.status).toBe(200);
    expect(asKey.body.data.map((key: { id: string }) => key.id)).toContain(created.body.id);
  });

  it('records creation and revocation in the audit log, never with the secret or its hash', async () => {
    await signIn('admin@acme.example');
    const created = await create({ name: 'audited', role: 'viewer' });
    expect(created.status).toBe(201);
    expect((await revoke(created.body.id)).status).toBe(200);
    const events = await test.db.select().from(auditEvents).where(eq(auditEvents.targetId, created.body.id));
    expect(events.map((event) => event.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    const hash = (await keyRow(created.body.id)).secretHash;
    for (const event of events) {
      expect(event).toMatchObject({ accountId: tenants.acme.id, actorEmail: 'admin@acme.example', targetType: 'api_key' });
      expect(JSON.stringify(event)).not.toContain(created.body.secret);
      expect(JSON.stringify(event)).not.toContain(hash);
    }
    expect(events.find((event) => event.action === 'api_key.create')!.after).toMatchObject({ name: 'audited', role: 'viewer', prefix: created.body.prefix });
  });

  it('holds the role ceiling: never owner, only owners and admins create, an admin may make admin keys', async () => {
    await signIn('admin@acme.example');
    const owner = await create({ name: 'would be owner', role: 'owner' });
    expect(owner.status).toBe(400);
    expect(owner.body.error.fields.role[0]).toMatch(/admin, technical, finance or viewer/);
    expect((await create({ name: 'admin by admin', role: 'admin' })).status).toBe(201);
    const adminAccess = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    expect(grantableApiKeyRoles(adminAccess)).toEqual(['admin', 'technical', 'finance', 'viewer']);
    await expect(createApiKey(adminAccess, { name: 'service owner', role: 'owner' as never, expiresAt: null })).rejects.toMatchObject({ code: 'invalid:role', fieldErrors: { role: [expect.any(String)] } });

    for (const email of ['tech@acme.example', 'finance@acme.example', 'viewer@acme.example']) {
      await signIn(email);
      const refused = await create({ name: `by ${email}`, role: 'viewer' });
      expect(refused.status, email).toBe(403);
      expect(refused.body.error.code).toBe('forbidden:role');
      expect((await callApi(routes.list.GET, { url: '/api/v1/api-keys', endpoint: listApiKeysEndpoint })).status, email).toBe(403);
    }
    expect(await test.db.select().from(apiKeys).where(eq(apiKeys.name, 'by viewer@acme.example'))).toEqual([]);
  });

  it('refuses creating a key with an API key, even an admin one: a person creates keys in the portal', async () => {
    const adminKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'owner@acme.example' });
    const refused = await create({ name: 'made by a program', role: 'viewer' }, { key: adminKey });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden:api_key_creation');
    expect(refused.body.error.message).toMatch(/portal/);
    expect(await test.db.select().from(apiKeys).where(eq(apiKeys.name, 'made by a program'))).toEqual([]);
    // A technical key never reaches the endpoint at all.
    const techKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
    expect((await create({ name: 'tech made', role: 'viewer' }, { key: techKey })).body.error.code).toBe('forbidden:role');
  });

  it('answers a second-factor refusal and writes nothing', async () => {
    await signIn('owner@acme.example');
    stepUp.refuse = true;
    const refused = await create({ name: 'needs 2fa', role: 'viewer' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden:step_up');
    expect(await test.db.select().from(apiKeys).where(eq(apiKeys.name, 'needs 2fa'))).toEqual([]);
    // The portal's form keeps what was typed and says what to do.
    const form = new FormData();
    form.set('name', 'needs 2fa');
    form.set('role', 'finance');
    const state = await routes.actions.createApiKeyAction({ status: 'idle' }, form);
    expect(state).toMatchObject({ status: 'error', code: 'forbidden:step_up', values: { name: 'needs 2fa', role: 'finance' } });
  });

  it('says what is wrong with a name or an expiry, beside the field', async () => {
    await signIn('owner@acme.example');
    const fieldsOf = async (json: unknown) => {
      const answer = await create(json);
      expect(answer.status, JSON.stringify(json)).toBe(400);
      return answer.body.error.fields as Record<string, string[]>;
    };
    expect((await fieldsOf({ name: '   ', role: 'viewer' })).name![0]).toMatch(/name/i);
    expect((await fieldsOf({ name: 'x'.repeat(81), role: 'viewer' })).name![0]).toMatch(/at most 80/);
    expect((await fieldsOf({ name: 'tab\there', role: 'viewer' })).name![0]).toMatch(/control characters/);
    expect((await fieldsOf({ name: 'past', role: 'viewer', expiresAt: new Date(Date.now() - 60_000).toISOString() })).expiresAt![0]).toMatch(/future/);
    expect((await fieldsOf({ name: 'too far', role: 'viewer', expiresAt: future(3 * 365).toISOString() })).expiresAt![0]).toMatch(/2 years/);
    expect((await fieldsOf({ name: 'not a time', role: 'viewer', expiresAt: 'next week' })).expiresAt![0]).toMatch(/ISO 8601/);
    expect((await fieldsOf({ name: 'extra', role: 'viewer', scopes: ['cdr:write'] })).scopes![0]).toMatch(/Unknown field/);

    // A name is unique among the account's working keys (any case); a revoked key's name is free again.
    expect((await create({ name: 'Nightly Sync', role: 'viewer' })).status).toBe(201);
    const taken = await create({ name: 'nightly sync', role: 'finance' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.fields.name).toEqual([expect.stringMatching(/already|Another/)]);
    const first = (await listApiKeys(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { limit: 200 })).data.find((key) => key.name === 'Nightly Sync')!;
    expect((await revoke(first.id)).status).toBe(200);
    expect((await create({ name: 'Nightly Sync', role: 'viewer' })).status).toBe(201);

    // The portal's form: the same messages beside the fields, and the input kept.
    const form = new FormData();
    form.set('name', 'dated');
    form.set('role', 'technical');
    form.set('expiresAt', '2020-01-31');
    const state = await routes.actions.createApiKeyAction({ status: 'idle' }, form);
    expect(state).toMatchObject({ status: 'error', fieldErrors: { expiresAt: [expect.stringMatching(/future/)] }, values: { name: 'dated', role: 'technical', expiresAt: '2020-01-31' } });
    form.set('expiresAt', '2020-02-30');
    expect(await routes.actions.createApiKeyAction({ status: 'idle' }, form)).toMatchObject({ status: 'error', fieldErrors: { expiresAt: [expect.stringMatching(/not a real date/)] } });
    form.set('expiresAt', '');
    const made = await routes.actions.createApiKeyAction({ status: 'idle' }, form);
    expect(made).toMatchObject({ status: 'success', data: { name: 'dated', secret: expect.stringMatching(/^cp_live_/) } });
    expect((await keyRow((made as { data: { id: string } }).data.id)).expiresAt).toBeNull();
  });

  it('stops a revoked key at once; DELETE again answers the revoked key unchanged, audited once', async () => {
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example', name: 'to revoke' });
    expect((await callOrder(key)).status).toBe(200);
    await signIn('owner@acme.example');
    const first = await revoke(key.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: key.id, status: 'revoked', revokedAt: expect.any(String) });
    const second = await revoke(key.id);
    expect(second.status).toBe(200);
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
    expect(await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, key.id), eq(auditEvents.action, 'api_key.revoke')))).toHaveLength(1);
    session.userId = undefined;
    const refused = await callOrder(key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized:api_key');
  });

  it('refuses an expired key with 401 and lists it as expired', async () => {
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example', name: 'short lived', expiresAt: new Date(Date.now() + 1500) });
    expect((await callOrder(key)).status).toBe(200);
    await test.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, key.id));
    expect((await callOrder(key)).status).toBe(401);
    await signIn('owner@acme.example');
    expect((await getOne(key.id)).body.status).toBe('expired');
  });

  it('lists each key’s status, last use time and address, and pages with a cursor', async () => {
    const used = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example', name: 'used one' });
    const orphan = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'finance@acme.example', name: 'orphan' });
    const before = Date.now();
    expect((await callOrder(used, '203.0.113.9')).status).toBe(200);
    const finance = (await test.db.select().from(users).where(eq(users.email, 'finance@acme.example')))[0]!;
    const [membership] = await test.db.delete(memberships).where(eq(memberships.userId, finance.id)).returning();
    try {
      await signIn('owner@acme.example');
      const seen = new Map<string, { status: string; lastUsedAt: string | null; lastUsedIp: string | null }>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/api-keys?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await callApi(routes.list.GET, { url, endpoint: listApiKeysEndpoint });
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        for (const key of page.body.data) {
          expect(seen.has(key.id), 'no key on two pages').toBe(false);
          seen.set(key.id, key);
        }
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 50);
      const total = await test.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.accountId, tenants.acme.id));
      expect(seen.size).toBe(total.length);
      expect(seen.get(used.id)).toMatchObject({ status: 'active', lastUsedIp: '203.0.113.9' });
      expect(Date.parse(seen.get(used.id)!.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
      expect(seen.get(orphan.id)!.status).toBe('stopped');
      expect((await callOrder(orphan)).status).toBe(401);
      const badCursor = await callApi(routes.list.GET, { url: '/api/v1/api-keys?cursor=bm90LWEtY3Vyc29y', endpoint: listApiKeysEndpoint });
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.code).toBe('invalid:cursor');
    } finally {
      await test.db.insert(memberships).values(membership!);
    }
  });

  it('never reaches another tenant’s keys: 404 for its ids, its account or its sub-accounts', async () => {
    const acmeKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example', name: 'acme only' });
    const eastKey = await createTestApiKey(test.db, { accountId: tenants.east.id, role: 'viewer', createdBy: 'owner@acme.example', name: 'east only' });
    await signIn('owner@globex.example', tenants.globex.id);
    for (const keyId of [acmeKey.id, eastKey.id]) {
      expect((await getOne(keyId)).status).toBe(404);
      expect((await revoke(keyId)).status).toBe(404);
    }
    expect((await callApi(routes.list.GET, { url: `/api/v1/api-keys?accountId=${tenants.acme.id}`, endpoint: listApiKeysEndpoint })).status).toBe(404);
    expect((await create({ name: 'planted', role: 'viewer' }, { url: `/api/v1/api-keys?accountId=${tenants.acme.id}` })).status).toBe(404);
    const globexList = await callApi(routes.list.GET, { url: '/api/v1/api-keys', endpoint: listApiKeysEndpoint });
    expect(globexList.body.data.map((key: { id: string }) => key.id)).not.toContain(acmeKey.id);
    expect((await keyRow(acmeKey.id)).revokedAt).toBeNull();
    expect((await keyRow(eastKey.id)).revokedAt).toBeNull();
    // A Globex admin key is refused Acme's keys the same way.
    const globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    session.userId = undefined;
    expect((await getOne(acmeKey.id, globexKey)).status).toBe(404);
    expect((await revoke(acmeKey.id, globexKey)).status).toBe(404);
    // Acme's keys are per account: East's key is reached in East, not from Acme's own list.
    await signIn('owner@acme.example');
    expect((await getOne(eastKey.id)).status).toBe(404);
    const inEast = await callApi(routes.one.GET, { url: `/api/v1/api-keys/${eastKey.id}?accountId=${tenants.east.id}`, params: { keyId: eastKey.id }, endpoint: getApiKeyEndpoint });
    expect(inEast.status).toBe(200);
    expect((await getOne('not-a-uuid')).status).toBe(404);
  });

  it('keeps keys read-only while the account is suspended', async () => {
    const key = await createTestApiKey(test.db, { accountId: tenants.globexBranch.id, role: 'viewer', createdBy: 'owner@globex.example', name: 'branch key' });
    await test.db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, tenants.globex.id));
    try {
      await signIn('owner@globex.example', tenants.globex.id);
      const refused = await create({ name: 'while suspended', role: 'viewer' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden:suspended');
      const branch = `/api/v1/api-keys/${key.id}?accountId=${tenants.globexBranch.id}`;
      expect((await callApi(routes.one.DELETE, { method: 'DELETE', url: branch, params: { keyId: key.id }, endpoint: revokeApiKeyEndpoint })).status).toBe(403);
      expect((await keyRow(key.id)).revokedAt).toBeNull();
      const access = await accessAs(test.db, 'owner@globex.example', tenants.globexBranch.id);
      expect((await listApiKeys(access, { limit: 10 })).data.map((item) => item.id)).toEqual([key.id]);
    } finally {
      await test.db.update(accounts).set({ status: 'active' }).where(eq(accounts.id, tenants.globex.id));
    }
  });

  it('tells the key’s page its rate limits: burst, refill and what is available now, for the key and the account', async () => {
    // Slow refills, so what the calls took is still missing when the page reads the buckets.
    vi.stubEnv('API_KEY_RATE_PER_SECOND', '0.01');
    vi.stubEnv('API_ACCOUNT_RATE_PER_SECOND', '0.01');
    resetEnvCache();
    try {
      const key = await createTestApiKey(test.db, { accountId: tenants.globexBranch.id, role: 'viewer', createdBy: 'owner@globex.example', name: 'limited' });
      const access = await accessAs(test.db, 'owner@globex.example', tenants.globexBranch.id);
      const fresh = await getApiKeyWithLimits(access, key.id);
      expect(fresh.limits.key).toEqual({ burst: 100, perSecond: 0.01, available: 100 });
      expect(fresh.limits.account).toEqual({ burst: 250, perSecond: 0.01, available: 250 });
      const branchOrder = (await test.db.insert(numberOrders).values({ accountId: tenants.globexBranch.id, idempotencyKey: 'api-keys-limits', status: 'completed', totalMonthly: '0', totalSetup: '0' }).returning())[0]!;
      for (let i = 0; i < 2; i++) {
        const answer = await callApi(routes.order.GET, { url: `/api/v1/orders/${branchOrder.id}`, params: { orderId: branchOrder.id }, key, endpoint: getOrder });
        expect(answer.status).toBe(200);
      }
      const after = await getApiKeyWithLimits(access, key.id);
      expect(after.limits.key.available).toBe(98);
      expect(after.limits.account.available).toBe(248);
      await expect(getApiKeyWithLimits(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), key.id)).rejects.toMatchObject({ code: 'not_found:api_key' });
    } finally {
      vi.unstubAllEnvs();
      resetEnvCache();
    }
  });
});
