/**
 * Orders (issue 12.8): the list is scoped as My numbers is (admins and owners see the subtree,
 * everyone else the account), another account's orders are never listed or reachable, filters and
 * sorts run in SQL, and charges reach only roles that read billing — in the service and on the page.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { accountLedger, numberOrderLines, numberOrders, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { getOrderView, isOrderVisible, listOrders } from '@/lib/services/number-orders';
import { sealCredentials } from '@/lib/services/secret-box';
import { parseOrderHistoryQuery } from '@/lib/validations/order-history';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

describe('order history', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const ids = { acme: '', east: '', globex: '', old: '' };

  const query = (params: Record<string, string> = {}) => parseOrderHistoryQuery(params);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Orders test', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    const owner = await sessionUser(test.db, 'owner@acme.example');
    const placeOrder = async (accountId: string, key: string, status: 'completed' | 'partial' | 'failed', createdAt: Date, lines: { e164: string; status: 'active' | 'failed'; reason?: string }[]) => {
      const [order] = await test.db
        .insert(numberOrders)
        .values({ accountId, userId: owner.id, idempotencyKey: key, status, totalMonthly: '2.5000', totalSetup: '1.0000', createdAt, completedAt: createdAt })
        .returning();
      for (const line of lines) {
        const [row] = await test.db
          .insert(numberOrderLines)
          .values({ orderId: order!.id, e164: line.e164, kind: 'local', state: 'IL', connectionId: connection!.id, status: line.status, reason: line.reason ?? null, monthly: '1.2500', setup: '0.5000' })
          .returning();
        if (line.status === 'active') {
          await test.db.insert(phoneNumbers).values({ accountId, e164: line.e164, kind: 'local', state: 'IL', npa: line.e164.slice(2, 5), connectionId: connection!.id, monthly: '1.2500', orderLineId: row!.id });
          await test.db.insert(accountLedger).values({ billingAccountId: tenants.acme.billingAccountId, accountId, kind: 'charge', amount: '-1.7500', description: `Number ${line.e164}`, orderLineId: row!.id });
        }
      }
      return order!.id;
    };
    ids.acme = await placeOrder(tenants.acme.id, 'acme-1', 'completed', new Date('2026-11-20T10:00:00Z'), [
      { e164: '+13125550101', status: 'active' },
      { e164: '+13125550102', status: 'active' },
    ]);
    ids.old = await placeOrder(tenants.acme.id, 'acme-0', 'failed', new Date('2026-10-01T10:00:00Z'), [{ e164: '+13125550177', status: 'failed', reason: 'Another customer bought this number a moment earlier; you were not charged.' }]);
    ids.east = await placeOrder(tenants.east.id, 'east-1', 'partial', new Date('2026-11-25T10:00:00Z'), [
      { e164: '+16465550201', status: 'active' },
      { e164: '+16465550202', status: 'failed', reason: 'The carrier no longer had this number.' },
      { e164: '+16465550203', status: 'active' },
    ]);
    // Globex's order holds digits Acme searches for: it must never surface for Acme.
    ids.globex = await placeOrder(tenants.globex.id, 'globex-1', 'completed', new Date('2026-11-26T10:00:00Z'), [{ e164: '+13125550199', status: 'active' }]);
  });

  it('owners see their account’s and sub-accounts’ orders with lines and charges, never another tenant’s', async () => {
    const list = await listOrders(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), query());
    expect(list.rows.map((row) => row.id)).toEqual([ids.east, ids.acme, ids.old]);
    expect(list.total).toBe(3);
    expect(list.showAccount).toBe(true);
    expect(list.showCharges).toBe(true);
    const east = list.rows[0]!;
    expect(east).toMatchObject({ accountName: tenants.east.name, status: 'partial', lineCount: 3, activeLines: 2, failedLines: 1, charged: '3.5000', placedBy: 'owner@acme.example' });
    expect(east.lines.map((line) => [line.e164, line.status, line.charged ?? null])).toEqual([
      ['+16465550201', 'active', '1.7500'],
      ['+16465550202', 'failed', null],
      ['+16465550203', 'active', '1.7500'],
    ]);
    expect(east.lines[1]!.reason).toBe('The carrier no longer had this number.');
    expect(east.lines[0]!.numberId).toBeTruthy();
    expect(JSON.stringify(list)).not.toContain(ids.globex);
  });

  it('technical and viewer roles see the account’s orders and line statuses, but no charges', async () => {
    for (const email of ['tech@acme.example', 'viewer@acme.example']) {
      const list = await listOrders(await accessAs(test.db, email, tenants.acme.id), query());
      expect(list.rows.map((row) => row.id)).toEqual([ids.acme, ids.old]);
      expect(list.showAccount).toBe(false);
      expect(list.showCharges).toBe(false);
      expect(list.linkNumbers).toBe(true);
      expect(list.rows[0]!.lines.map((line) => line.status)).toEqual(['active', 'active']);
      expect(JSON.stringify(list)).not.toMatch(/"charged"|1\.75/);
    }
  });

  it('finance sees the account’s orders with charges (it reads billing), and their numbers unlinked (technical pages)', async () => {
    const list = await listOrders(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), query());
    expect(list.rows.map((row) => [row.id, row.charged])).toEqual([
      [ids.acme, '3.5000'],
      [ids.old, '0'],
    ]);
    expect(list.linkNumbers).toBe(false);
  });

  it('another tenant’s orders are never listed, even when a filter names their numbers', async () => {
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    expect((await listOrders(globex, query())).rows.map((row) => row.id)).toEqual([ids.globex]);
    expect((await listOrders(globex, query({ q: '312 555 0101' }))).rows).toEqual([]);
    const acme = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    expect((await listOrders(acme, query({ q: '3125550199' }))).rows).toEqual([]);
  });

  it('another tenant’s order (or a sub-account’s, for roles that see only the account) is not reachable', async () => {
    const acmeOwner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const acmeTech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    await expect(getOrderView(acmeOwner, ids.globex)).rejects.toMatchObject({ code: 'not_found:order' });
    await expect(getOrderView(acmeTech, ids.east)).rejects.toMatchObject({ code: 'not_found:order' });
    expect(await isOrderVisible(acmeOwner, ids.globex)).toBe(false);
    expect(await isOrderVisible(acmeTech, ids.east)).toBe(false);
    // The list links an owner to a sub-account's order: its page opens for them.
    expect((await getOrderView(acmeOwner, ids.east)).order.id).toBe(ids.east);
    expect(await isOrderVisible(acmeOwner, ids.east)).toBe(true);
    const globexOwner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getOrderView(globexOwner, ids.acme)).rejects.toMatchObject({ code: 'not_found:order' });
  });

  it('filters by status, placed dates and number; sorts and pages in SQL', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const listed = async (params: Record<string, string>) => (await listOrders(owner, query(params))).rows.map((row) => row.id);
    expect(await listed({ status: 'partial' })).toEqual([ids.east]);
    expect(await listed({ status: 'failed' })).toEqual([ids.old]);
    expect(await listed({ from: '2026-11-01' })).toEqual([ids.east, ids.acme]);
    expect(await listed({ from: '2026-11-20', to: '2026-11-20' })).toEqual([ids.acme]);
    expect(await listed({ q: '(646) 555-0202' })).toEqual([ids.east]);
    expect(await listed({ q: '555 01' })).toEqual([ids.acme, ids.old]);
    expect(await listed({ sort: 'numbers', dir: 'desc' })).toEqual([ids.east, ids.acme, ids.old]);
    expect(await listed({ sort: 'placed', dir: 'asc' })).toEqual([ids.old, ids.acme, ids.east]);
    expect(await listed({ page: '2' })).toEqual([]);
    const counted = await listOrders(owner, query({ q: '6465550202' }));
    expect([counted.total, counted.rows.length]).toEqual([1, 1]);
    expect((await listOrders(owner, query({ status: 'completed' }))).total).toBe(1);
  });

  it('reports bad filters beside their fields and leaves them out', () => {
    const parsed = query({ status: 'shipped', from: '2026-13-01', q: 'abc', to: '2026-11-02' });
    expect(Object.keys(parsed.fieldErrors).sort()).toEqual(['from', 'q', 'status']);
    expect(parsed.filter).toEqual({ to: '2026-11-02' });
    expect(query({ from: '2026-11-05', to: '2026-11-01' }).fieldErrors.to).toEqual(['To must be on or after From']);
  });

  describe('the Orders page', () => {
    const render = async (email: string, params: Record<string, string> = {}) => {
      session.userId = (await sessionUser(test.db, email)).id;
      session.accountCookie = tenants.acme.id;
      const { default: Page } = await import('@/app/(portal)/numbers/orders/page');
      return textOf(await Page({ searchParams: Promise.resolve(params) }));
    };

    it('shows charges to owners and finance, and hides them from technical and viewer roles', async () => {
      expect(await render('owner@acme.example')).toContain('$3.50');
      expect(await render('finance@acme.example')).toContain('$3.50');
      for (const email of ['tech@acme.example', 'viewer@acme.example']) {
        const text = await render(email);
        expect(text).toContain('(312) 555-0101');
        expect(text).not.toContain('$');
        expect(text).not.toContain('Charged');
      }
    });

    it('links each order to its page and never names another tenant’s order', async () => {
      const text = await render('owner@acme.example');
      expect(text).toContain(`/numbers/orders/${ids.east}`);
      expect(text).toContain(`/numbers/orders/${ids.acme}`);
      expect(text).not.toContain(ids.globex);
      expect(text).not.toContain('(312) 555-0199');
    });

    it('says which filter was wrong and keeps what was typed', async () => {
      const text = await render('owner@acme.example', { q: 'abc', status: 'partial' });
      expect(text).toContain('Use digits only');
      expect(text).toContain('abc');
      expect(text).toContain('(646) 555-0201');
    });
  });
});
