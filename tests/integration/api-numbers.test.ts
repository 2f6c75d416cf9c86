import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteNumber, exportNumbers, getNumber, getNumberSearch, listNumbers, purchaseNumbers, searchNumbers, updateNumber } from '@/lib/api/contracts/numbers';
import { getOrder, listOrders } from '@/lib/api/contracts/orders';
import { accountLedger, cartItems, carts, numberOrders, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { saveE911Address } from '@/lib/services/e911';
import { addToCart, getCart } from '@/lib/services/number-cart';
import { searchAvailableNumbers } from '@/lib/services/number-search';
import { createTrunkGroup } from '@/lib/services/trunk-groups';
import { e911AddressSchema } from '@/lib/validations/e911';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, trunkGroupInput } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
// Work a route hands to `after()` runs here and is awaited by the test, as Next runs it after the answer.
const afterWork = vi.hoisted(() => [] as Promise<unknown>[]);
vi.mock('next/server', async (importOriginal) => ({ ...(await importOriginal<object>()), after: (task: () => unknown) => afterWork.push(Promise.resolve().then(task)) }));

const settleAfterWork = async () => {
  while (afterWork.length > 0) await afterWork.shift();
};

describe('the numbers and orders API', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let techKey: TestApiKey;
  let adminKey: TestApiKey;
  let viewerKey: TestApiKey;
  let financeKey: TestApiKey;
  let globexKey: TestApiKey;
  let routes: {
    numbers: typeof import('@/app/api/v1/numbers/route');
    number: typeof import('@/app/api/v1/numbers/[e164]/route');
    search: typeof import('@/app/api/v1/numbers/search/route');
    searchPage: typeof import('@/app/api/v1/number-searches/[searchId]/route');
    exportCsv: typeof import('@/app/api/v1/numbers/export/route');
    orders: typeof import('@/app/api/v1/orders/route');
    order: typeof import('@/app/api/v1/orders/[orderId]/route');
  };
  let bought: string[] = [];

  const buy = (key: TestApiKey, json: unknown, headers: Record<string, string> = {}) =>
    callApi(routes.numbers.POST, { method: 'POST', url: '/api/v1/numbers', key, json, headers, endpoint: purchaseNumbers });
  const numberCall = (method: 'GET' | 'PATCH' | 'DELETE', e164: string, key: TestApiKey, json?: unknown) =>
    callApi(routes.number[method], { method, url: `/api/v1/numbers/${encodeURIComponent(e164)}`, params: { e164 }, key, json, endpoint: { GET: getNumber, PATCH: updateNumber, DELETE: deleteNumber }[method] });
  const ordersOfAcme = () => test.db.select().from(numberOrders).where(eq(numberOrders.accountId, tenants.acme.id));
  const charges = async () => (await test.db.select().from(accountLedger).where(eq(accountLedger.accountId, tenants.acme.id))).length;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    techKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
    adminKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'owner@acme.example' });
    viewerKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    financeKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'finance', createdBy: 'owner@acme.example' });
    globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    routes = {
      numbers: await import('@/app/api/v1/numbers/route'),
      number: await import('@/app/api/v1/numbers/[e164]/route'),
      search: await import('@/app/api/v1/numbers/search/route'),
      searchPage: await import('@/app/api/v1/number-searches/[searchId]/route'),
      exportCsv: await import('@/app/api/v1/numbers/export/route'),
      orders: await import('@/app/api/v1/orders/route'),
      order: await import('@/app/api/v1/orders/[orderId]/route'),
    };
  });

  it('searches every carrier, names none of them, and pages the kept search by its id', async () => {
    const answer = await callApi(routes.search.GET, { url: '/api/v1/numbers/search?npa=312&quantity=5', key: techKey, endpoint: searchNumbers });
    expect(answer.status).toBe(200);
    expect(answer.body.carriers.map((carrier: { label: string }) => carrier.label)).toEqual(['Carrier 1', 'Carrier 2', 'Carrier 3', 'Carrier 4']);
    expect(answer.body.results.length).toBeGreaterThan(0);
    expect(answer.body.results.every((result: { e164: string; upstream?: string }) => result.e164.startsWith('+1312') && result.upstream === undefined)).toBe(true);
    expect(answer.text).not.toMatch(/voicetel|vitcom|carrierx|voicemeup/i);

    const searchId = answer.body.id as string;
    const page = await callApi(routes.searchPage.GET, { url: `/api/v1/number-searches/${searchId}?sort=monthly&dir=desc`, params: { searchId }, key: techKey, endpoint: getNumberSearch });
    expect(page).toMatchObject({ status: 200, body: { id: searchId, sort: 'monthly', dir: 'desc' } });
    const foreign = await callApi(routes.searchPage.GET, { url: `/api/v1/number-searches/${searchId}`, params: { searchId }, key: globexKey, endpoint: getNumberSearch });
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: 'not_found:search' } } });

    const bad = await callApi(routes.search.GET, { url: '/api/v1/numbers/search?npa=012&kind=tollfree', key: techKey, endpoint: searchNumbers });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['npa']));
    const unknown = await callApi(routes.search.GET, { url: '/api/v1/numbers/search?npa=312&colour=red', key: techKey, endpoint: searchNumbers });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'invalid:query', fields: expect.any(Object) });
    expect(JSON.stringify(unknown.body.error.fields)).toContain('colour');
  });

  it('buys `count` numbers of an area code on the key’s own cart, once per Idempotency-Key, and the order settles', async () => {
    // The key's creator has a browser cart of their own: the API never touches it.
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const ownerSearch = await searchAvailableNumbers(owner, numberSearchSchema.parse({ npa: '214', quantity: '3' }));
    await addToCart(owner, { searchId: ownerSearch.searchId, numbers: [ownerSearch.results[0]!.e164] });

    const first = await buy(techKey, { npa: '212', count: 3 }, { 'idempotency-key': 'buy-212-once' });
    expect(first.status).toBe(202);
    expect(first.body.lines).toHaveLength(3);
    expect(first.body.lines.every((line: { e164: string }) => line.e164.startsWith('+1212'))).toBe(true);
    const orderId = first.body.id as string;

    const retried = await buy(techKey, { npa: '212', count: 3 }, { 'idempotency-key': 'buy-212-once' });
    expect(retried.status).toBe(202);
    expect(retried.body.id).toBe(orderId);
    await settleAfterWork();
    expect((await ordersOfAcme()).filter((order) => order.id === orderId)).toHaveLength(1);
    expect(await ordersOfAcme()).toHaveLength(1);

    const [row] = await test.db.select().from(numberOrders).where(eq(numberOrders.id, orderId));
    expect(row).toMatchObject({ apiKeyId: techKey.id, userId: null });
    const progress = await callApi(routes.order.GET, { url: `/api/v1/orders/${orderId}`, params: { orderId }, key: techKey, endpoint: getOrder });
    expect(progress.body).toMatchObject({ id: orderId, status: 'completed', settled: true, charged: null });
    bought = progress.body.lines.map((line: { e164: string }) => line.e164);
    expect(await test.db.select().from(phoneNumbers).where(and(inArray(phoneNumbers.e164, bought), eq(phoneNumbers.accountId, tenants.acme.id)))).toHaveLength(3);

    const ownerCart = await getCart(owner);
    expect(ownerCart.items.map((item) => item.e164)).toEqual([ownerSearch.results[0]!.e164]);
    const [keyCart] = await test.db.select().from(carts).where(eq(carts.apiKeyId, techKey.id));
    expect(keyCart).toMatchObject({ userId: null, accountId: tenants.acme.id });
    expect(await test.db.select().from(cartItems).where(eq(cartItems.cartId, keyCart!.id))).toEqual([]);

    // The same key with another body is refused, not a second order.
    const reused = await buy(techKey, { npa: '212', count: 2 }, { 'idempotency-key': 'buy-212-once' });
    expect(reused.status).toBe(422);
    expect(await ordersOfAcme()).toHaveLength(1);
  });

  it('answers 409 and buys nothing when an area code has too few numbers, or a named number is not available', async () => {
    const ordersBefore = (await ordersOfAcme()).length;
    const chargesBefore = await charges();
    const none = await buy(techKey, { npa: '907', count: 2 });
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'conflict:not_enough_numbers', message: expect.stringContaining('Only 0 of the 2') });

    const search = await callApi(routes.search.GET, { url: '/api/v1/numbers/search?npa=303&quantity=5', key: techKey, endpoint: searchNumbers });
    const available = (search.body.results as { e164: string; e911: boolean }[]).find((result) => result.e911)!.e164;
    const missing = await buy(techKey, { numbers: [available, bought[0]!], acknowledgeNoE911: true });
    expect(missing.status).toBe(409);
    expect(missing.body.error.code).toBe('conflict:numbers_unavailable');
    expect(missing.body.error.fields).toEqual({ 'numbers.1': [expect.stringContaining('not available')] });
    expect((await ordersOfAcme()).length).toBe(ordersBefore);
    expect(await charges()).toBe(chargesBefore);
    const [keyCart] = await test.db.select().from(carts).where(eq(carts.apiKeyId, techKey.id));
    expect(await test.db.select().from(cartItems).where(eq(cartItems.cartId, keyCart!.id))).toEqual([]);

    const invalid = await buy(techKey, { npa: '212', count: 0, numbers: ['nope'] });
    expect(invalid.status).toBe(400);
    const badNumber = await buy(techKey, { numbers: ['+1212'] });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.fields).toHaveProperty(['numbers.0']);
    const tooMany = await buy(techKey, { npa: '212', count: 101 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toHaveProperty('count');

    const exact = await buy(techKey, { numbers: [available] });
    expect(exact.status).toBe(202);
    expect(exact.body.lines.map((line: { e164: string }) => line.e164)).toEqual([available]);
    await settleAfterWork();
    bought.push(available);
  });

  it('lists the numbers a keyset page at a time: every row exactly once, with filters, and 400 for a bad one', async () => {
    const [connection] = await test.db.select().from(providerConnections).limit(1);
    await test.db.insert(phoneNumbers).values(
      Array.from({ length: 23 }, (_, index) => ({
        accountId: tenants.acme.id,
        e164: `+1773555${String(1000 + index)}`,
        kind: 'local' as const,
        state: 'IL',
        npa: '773',
        connectionId: connection!.id,
        monthly: '1.2500',
      })),
    );
    const expected = (await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.accountId, tenants.acme.id))).filter((row) => row.status !== 'released').map((row) => row.e164).sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { e164: string; monthly?: string; trunkGroup: unknown }[]; nextCursor: string | null } } = await callApi(routes.numbers.GET, {
        url: `/api/v1/numbers?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        key: techKey,
        endpoint: listNumbers,
      });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(5);
      expect(page.body.data.every((item) => item.monthly === undefined)).toBe(true);
      seen.push(...page.body.data.map((item) => item.e164));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);

    const filtered = await callApi(routes.numbers.GET, { url: '/api/v1/numbers?npa=773&limit=200', key: adminKey, endpoint: listNumbers });
    expect(filtered.body.data).toHaveLength(23);
    expect(filtered.body.data[0]).toMatchObject({ e164: '+17735551000', npa: '773', monthly: '1.2500', trunkGroup: null, e911: null, routing: { state: 'carrier_default' } });
    const prefix = await callApi(routes.numbers.GET, { url: '/api/v1/numbers?q=1773555102&match=prefix', key: techKey, endpoint: listNumbers });
    expect(prefix.body.data.map((item: { e164: string }) => item.e164)).toEqual(['+17735551020', '+17735551021', '+17735551022']);

    const bad = await callApi(routes.numbers.GET, { url: '/api/v1/numbers?npa=1&e911=bogus&limit=0', key: techKey, endpoint: listNumbers });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['e911', 'limit', 'npa']);
    expect(bad.body.error.fields.limit).toEqual(['limit must be a whole number from 1 to 200']);
    for (const limit of ['abc', '1.5', '201']) {
      const badLimit = await callApi(routes.numbers.GET, { url: `/api/v1/numbers?limit=${limit}`, key: techKey, endpoint: listNumbers });
      expect(badLimit.body.error.fields).toEqual({ limit: ['limit must be a whole number from 1 to 200'] });
    }
    const badCursor = await callApi(routes.numbers.GET, { url: '/api/v1/numbers?cursor=bm9wZQ', key: techKey, endpoint: listNumbers });
    expect(badCursor).toMatchObject({ status: 400, body: { error: { code: 'invalid:cursor' } } });

    const csv = await callApi(routes.exportCsv.GET, { url: '/api/v1/numbers/export?npa=773', key: techKey, endpoint: exportNumbers });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text.trim().split('\r\n')).toHaveLength(24);
    const badCsv = await callApi(routes.exportCsv.GET, { url: '/api/v1/numbers/export?npa=1', key: techKey, endpoint: exportNumbers });
    expect(badCsv.status).toBe(400);
  });

  it('reads, routes, registers and releases one number by E.164; other tenants get 404 and read-only roles 403', async () => {
    const e164 = bought[0]!;
    const own = await numberCall('GET', e164, techKey);
    expect(own).toMatchObject({ status: 200, body: { e164, status: 'active', trunkGroup: null } });
    const national = await callApi(routes.number.GET, { url: `/api/v1/numbers/${e164.slice(2)}`, params: { e164: e164.slice(2) }, key: techKey, endpoint: getNumber });
    expect(national.body.e164).toBe(e164);

    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    const { group } = await createTrunkGroup(tech, trunkGroupInput({ name: 'API PBX' }));
    const typed = e911AddressSchema.parse({ street: '233 North Michigan Avenue', unit: 'Suite 1800', city: 'Chicago', state: 'IL', postalCode: '60601', callerName: 'Acme Chicago' });
    const saved = await saveE911Address(tech, typed);
    const address = saved.status === 'saved' ? saved.address : await saveE911Address(tech, saved.alternates[0]!).then((outcome) => (outcome.status === 'saved' ? outcome.address : undefined));

    const patched = await numberCall('PATCH', e164, techKey, { trunkGroupId: group.id, e911AddressId: address!.id });
    expect(patched.status).toBe(200);
    expect(patched.body.number).toMatchObject({ e164, trunkGroup: { id: group.id, name: 'API PBX' }, e911: { status: 'registered', addressId: address!.id } });
    expect(patched.body.outcome).toMatchObject({ complete: true, e911: { status: 'registered' }, trunkGroup: { changed: true } });
    expect(patched.body.outcome.trunkGroup.upstreams.every((upstream: { label: string }) => /^Carrier \d$/.test(upstream.label))).toBe(true);
    const [row] = await test.db.select().from(phoneNumbers).where(and(eq(phoneNumbers.e164, e164), eq(phoneNumbers.accountId, tenants.acme.id)));
    expect(row).toMatchObject({ trunkGroupRef: group.id, e911AddressId: address!.id, e911Status: 'registered' });

    const unrouted = await numberCall('PATCH', e164, techKey, { trunkGroupId: null, e911AddressId: null });
    expect(unrouted.body.number).toMatchObject({ trunkGroup: null, e911: null, routing: { state: 'carrier_default' } });
    expect((await numberCall('PATCH', e164, techKey, {})).status).toBe(400);

    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const foreign = await numberCall(method, e164, globexKey, method === 'PATCH' ? { trunkGroupId: null } : undefined);
      expect(foreign.status, method).toBe(404);
      expect(foreign.body.error.code).toBe('not_found:number');
    }
    for (const method of ['PATCH', 'DELETE'] as const) {
      expect((await numberCall(method, e164, viewerKey, method === 'PATCH' ? { trunkGroupId: null } : undefined)).status, method).toBe(403);
    }
    expect((await buy(viewerKey, { npa: '212', count: 1 })).status).toBe(403);
    expect((await numberCall('GET', e164, financeKey)).status).toBe(403);
    expect((await callApi(routes.numbers.GET, { url: '/api/v1/numbers', key: financeKey, endpoint: listNumbers })).status).toBe(403);
    expect((await numberCall('GET', '+19995550100', techKey)).status).toBe(404);

    const released = await numberCall('DELETE', e164, techKey);
    expect(released).toMatchObject({ status: 200, body: { e164, status: 'released', alreadyReleased: false, upstreamReleased: true } });
    expect((await numberCall('GET', e164, techKey)).body).toMatchObject({ status: 'released', routing: null });
    expect((await numberCall('DELETE', e164, techKey)).body).toMatchObject({ alreadyReleased: true });
    expect((await numberCall('PATCH', e164, techKey, { trunkGroupId: null })).status).toBe(409);
  });

  it('lists orders newest first by cursor, charges only for billing roles, and none of another tenant’s', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { id: string; charged: string | null }[]; nextCursor: string | null } } = await callApi(routes.orders.GET, {
        url: `/api/v1/orders?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        key: techKey,
        endpoint: listOrders,
      });
      expect(page.status).toBe(200);
      expect(page.body.data.every((order) => order.charged === null)).toBe(true);
      all.push(...page.body.data.map((order) => order.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const expected = (await ordersOfAcme()).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id)).map((order) => order.id);
    expect(all).toEqual(expected);
    const finance = await callApi(routes.orders.GET, { url: '/api/v1/orders?status=completed', key: financeKey, endpoint: listOrders });
    expect(finance.status).toBe(200);
    expect(finance.body.data.length).toBeGreaterThan(0);
    expect(finance.body.data.every((order: { charged: string | null; status: string }) => order.status === 'completed' && Number(order.charged) > 0)).toBe(true);
    const globex = await callApi(routes.orders.GET, { url: '/api/v1/orders', key: globexKey, endpoint: listOrders });
    expect(globex.body).toEqual({ data: [], nextCursor: null });
    expect((await callApi(routes.orders.GET, { url: '/api/v1/orders?status=lost', key: techKey, endpoint: listOrders })).status).toBe(400);
    // A crafted cursor is refused as such, never passed to the database as a time it cannot read.
    const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
    const id = expected[0]!;
    for (const at of ['not a date', '2026-02-31 10:00:00.000000+00', "2026-01-01 00:00:00+00'", '0000-01-01 00:00:00+00']) {
      const refused = await callApi(routes.orders.GET, { url: `/api/v1/orders?cursor=${cursorOf({ at, id })}`, key: techKey, endpoint: listOrders });
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid:cursor' } } });
    }
    resetBreakers();
  });
});
