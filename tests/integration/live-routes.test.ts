import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { numberOrderLines, numberOrders, providerConnections, trunkGroups, trunkGroupUpstreams, users } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { addToCart } from '@/lib/services/number-cart';
import { getStoredSearch, startNumberSearch } from '@/lib/services/number-search';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

// The routes read the session; services take their access explicitly.
const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

describe('JSON routes the portal polls: order progress, trunk-group sync, number search', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  const signIn = async (email: string, accountId: string | undefined = tenants.acme.id) => {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
  };
  const call = async <Params extends Record<string, string>>(handler: (request: Request, context: { params: Promise<Params> }) => Promise<Response>, url: string, params: Params) => {
    const response = await handler(new Request(`http://portal.test${url}`), { params: Promise.resolve(params) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string[]> } } };
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  describe('GET /api/v1/orders/:id', () => {
    let orderId: string;
    let connectionId: string;
    beforeAll(async () => {
      const [connection] = await test.db.select().from(providerConnections).limit(1);
      connectionId = connection!.id;
      const [order] = await test.db.insert(numberOrders).values({ accountId: tenants.acme.id, idempotencyKey: 'live-order', status: 'in_progress', totalMonthly: '2.5000', totalSetup: '0' }).returning();
      orderId = order!.id;
      await test.db.insert(numberOrderLines).values([
        { orderId, e164: '+13125550101', kind: 'local', state: 'IL', connectionId, providerRef: 'upstream-secret-ref', holdRef: 'hold-1', status: 'submitted', monthly: '1.2500', setup: '0' },
        { orderId, e164: '+13125550102', kind: 'local', state: 'IL', connectionId, status: 'failed', reason: 'Another customer bought this number a moment earlier; you were not charged.', monthly: '1.2500', setup: '0' },
      ]);
    });

    it('answers the progress the page shows, without upstream references, and says when it is settled', async () => {
      const { GET } = await import('@/app/api/v1/orders/[orderId]/route');
      await signIn('tech@acme.example');
      const running = await call(GET, `/api/v1/orders/${orderId}`, { orderId });
      expect(running.status).toBe(200);
      // A technical user reads no money: no total, no per-line charge.
      expect(running.body).toMatchObject({ id: orderId, status: 'in_progress', settled: false, settledLines: 1, charged: null, e911Address: null });
      const why = { e911: expect.any(Boolean), reasons: expect.any(Array), warnings: expect.any(Array) };
      expect(running.body.lines).toEqual([
        { id: expect.any(String), e164: '+13125550101', status: 'submitted', reason: null, owned: false, charged: null, e911: null, why },
        { id: expect.any(String), e164: '+13125550102', status: 'failed', reason: expect.stringContaining('Another customer'), owned: false, charged: null, e911: null, why },
      ]);
      await signIn('finance@acme.example');
      expect((await call(GET, `/api/v1/orders/${orderId}`, { orderId })).body).toMatchObject({ id: orderId, charged: '0.0000' });
      await signIn('tech@acme.example');
      expect(JSON.stringify(running.body)).not.toMatch(/upstream-secret-ref|hold-1|connectionId/);

      await test.db.update(numberOrders).set({ status: 'partial', completedAt: new Date() }).where(eq(numberOrders.id, orderId));
      expect((await call(GET, `/api/v1/orders/${orderId}`, { orderId })).body).toMatchObject({ status: 'partial', settled: true });
    });

    it('is 404 for another account’s order or a malformed id, 401 signed out, 400 for a query with control characters', async () => {
      const { GET } = await import('@/app/api/v1/orders/[orderId]/route');
      await signIn('owner@globex.example', tenants.globex.id);
      expect(await call(GET, `/api/v1/orders/${orderId}`, { orderId })).toMatchObject({ status: 404, body: { error: { code: 'not_found:order' } } });
      await signIn('tech@acme.example');
      expect((await call(GET, '/api/v1/orders/not-an-id', { orderId: 'not-an-id' })).status).toBe(404);
      await signIn('tech@acme.example');
      const bad = await call(GET, `/api/v1/orders/${orderId}?x=%00`, { orderId });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid:query', fields: { x: [expect.any(String)] } } } });
      session.userId = undefined;
      expect((await call(GET, `/api/v1/orders/${orderId}`, { orderId })).status).toBe(401);
    });
  });

  describe('GET /api/v1/trunk-groups/:id/sync', () => {
    let trunkGroupId: string;
    beforeAll(async () => {
      const [group] = await test.db
        .insert(trunkGroups)
        .values({ accountId: tenants.acme.id, name: 'Live PBX', direction: 'both', auth: 'ip', allowedIps: ['44.10.20.30/32'], destinations: [], codecs: ['PCMU'], syncStatus: 'pending', version: 2 })
        .returning();
      trunkGroupId = group!.id;
      const connections = (await test.db.select().from(providerConnections)).sort((a, b) => a.provider.localeCompare(b.provider));
      await test.db.insert(trunkGroupUpstreams).values([
        { trunkGroupId, connectionId: connections[0]!.id, status: 'applied', appliedVersion: 1, lastAppliedAt: new Date('2026-01-02T03:04:00Z'), limitations: [] },
        { trunkGroupId, connectionId: connections[1]!.id, status: 'pending' },
      ]);
    });

    it('shows each upstream numbered for customers and named for staff, pending until every copy has an answer', async () => {
      const { GET } = await import('@/app/api/v1/trunk-groups/[trunkGroupId]/sync/route');
      await signIn('viewer@acme.example');
      const customer = await call(GET, `/api/v1/trunk-groups/${trunkGroupId}/sync`, { trunkGroupId });
      expect(customer.status).toBe(200);
      expect(customer.body).toMatchObject({ trunkGroupId, name: 'Live PBX', status: 'pending', settled: false, applied: 1, drifted: 0 });
      expect(customer.body.upstreams).toEqual([
        expect.objectContaining({ label: 'Carrier 1', status: 'applied', outdated: true, lastAppliedAt: '2026-01-02T03:04:00.000Z' }),
        expect.objectContaining({ label: 'Carrier 2', status: 'pending', error: null }),
      ]);
      expect(JSON.stringify(customer.body)).not.toMatch(/carrierx|voicetel|vitcom|voicemeup|connectionId/i);

      await signIn('staff@carrier.example');
      const staff = await call(GET, `/api/v1/trunk-groups/${trunkGroupId}/sync`, { trunkGroupId });
      expect((staff.body.upstreams as { label: string }[]).map((upstream) => upstream.label)).toEqual([expect.stringMatching(/^CarrierX/), expect.any(String)]);

      await test.db.update(trunkGroupUpstreams).set({ status: 'failed', lastError: 'Timed out.' }).where(eq(trunkGroupUpstreams.trunkGroupId, trunkGroupId));
      await test.db.update(trunkGroups).set({ syncStatus: 'failed' }).where(eq(trunkGroups.id, trunkGroupId));
      await signIn('tech@acme.example');
      expect((await call(GET, `/api/v1/trunk-groups/${trunkGroupId}/sync`, { trunkGroupId })).body).toMatchObject({ status: 'failed', settled: true, applied: 0 });
    });

    it('is 404 for another account’s trunk group, 403 without technical access', async () => {
      const { GET } = await import('@/app/api/v1/trunk-groups/[trunkGroupId]/sync/route');
      await signIn('owner@globex.example', tenants.globex.id);
      expect((await call(GET, `/api/v1/trunk-groups/${trunkGroupId}/sync`, { trunkGroupId })).status).toBe(404);
      await signIn('finance@acme.example');
      expect((await call(GET, `/api/v1/trunk-groups/${trunkGroupId}/sync`, { trunkGroupId })).status).toBe(403);
    });
  });

  describe('GET /api/v1/number-searches/:id', () => {
    it('shows the carriers that answered while a slow one is still pending, then its numbers too; the cart takes numbers meanwhile', async () => {
      const { GET } = await import('@/app/api/v1/number-searches/[searchId]/route');
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      sandboxes.get('voicemeup').setKnobs({ latencyMs: 3500 });
      try {
        const started = await startNumberSearch(tech, numberSearchSchema.parse({ npa: '312', quantity: '10' }), { waitMs: 2_000 });
        const searchId = started.searchId;
        await signIn('tech@acme.example');
        const early = await call(GET, `/api/v1/number-searches/${searchId}?sort=monthly&dir=desc`, { searchId });
        expect(early.status).toBe(200);
        const carriers = early.body.carriers as { label: string; status: string; count: number; reason: string | null }[];
        expect(carriers.map((carrier) => carrier.label)).toEqual(['Carrier 1', 'Carrier 2', 'Carrier 3', 'Carrier 4']);
        expect(carriers.filter((carrier) => carrier.status === 'pending')).toHaveLength(1);
        expect(carriers.filter((carrier) => carrier.status === 'ok')).toHaveLength(3);
        expect(early.body).toMatchObject({ id: searchId, settled: false, sort: 'monthly', dir: 'desc', page: 1, pageSize: 25 });
        const firstResults = early.body.results as { e164: string; upstream?: string }[];
        expect(firstResults.length).toBeGreaterThan(0);
        expect(firstResults.every((row) => row.e164.startsWith('+1312') && row.upstream === undefined)).toBe(true);

        // Adding to the cart works on what has arrived, while the slow carrier is still answering.
        const added = await addToCart(tech, { searchId, numbers: [firstResults[0]!.e164] });
        expect(added.added).toEqual([firstResults[0]!.e164]);

        await vi.waitFor(async () => expect((await getStoredSearch(tech, searchId)).providers.every((outcome) => !outcome.pending)).toBe(true), { timeout: 8_000, interval: 200 });
        const settled = await call(GET, `/api/v1/number-searches/${searchId}`, { searchId });
        expect(settled.body).toMatchObject({ settled: true });
        expect((settled.body.carriers as { status: string }[]).every((carrier) => carrier.status === 'ok')).toBe(true);
        expect(settled.body.total as number).toBeGreaterThan(firstResults.length - 1);

        await signIn('staff@carrier.example');
        const staff = await call(GET, `/api/v1/number-searches/${searchId}`, { searchId });
        // Staff belong to no customer account: the search is the current account's, here Acme's (the cookie).
        expect(staff.status).toBe(200);
        const slow = (staff.body.carriers as { label: string; status: string; count: number }[]).find((carrier) => carrier.label === 'VoiceMeUp');
        expect(slow).toMatchObject({ status: 'ok', count: expect.any(Number) });
        expect(slow!.count).toBeGreaterThan(0);
        expect((staff.body.results as { upstream?: string }[])[0]!.upstream).toEqual(expect.any(String));
      } finally {
        sandboxes.get('voicemeup').setKnobs({ latencyMs: 0 });
        resetBreakers();
      }
    });

    it('answers 400 with the parameter’s message for a bad sort, direction or page; 404 for another account’s search', async () => {
      const { GET } = await import('@/app/api/v1/number-searches/[searchId]/route');
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      const { searchId } = await startNumberSearch(tech, numberSearchSchema.parse({ npa: '212', quantity: '5' }), { waitMs: 5_000 });
      await signIn('tech@acme.example');
      const bad = await call(GET, `/api/v1/number-searches/${searchId}?sort=price&dir=up&page=0x10`, { searchId });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid:query', fields: { sort: [expect.stringContaining('Sort by one of number')], dir: ['Direction is asc or desc'], page: [expect.stringContaining('Page')] } });
      expect((await call(GET, `/api/v1/number-searches/${searchId}?page=2`, { searchId })).status).toBe(200);
      await signIn('owner@globex.example', tenants.globex.id);
      expect(await call(GET, `/api/v1/number-searches/${searchId}`, { searchId })).toMatchObject({ status: 404, body: { error: { code: 'not_found:search' } } });
      await signIn('finance@acme.example');
      expect((await call(GET, `/api/v1/number-searches/${searchId}`, { searchId })).status).toBe(403);
    });
  });
});
