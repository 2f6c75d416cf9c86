/**
 * What a new user trips on: the step-up prompt sends those without 2FA to set it up (and Profile and
 * the user menu reach Security), orders placed with an API key name the key, the order page links
 * finance only to pages it opens, prices reach only roles that read billing (pages and the CSV), and
 * a viewer is not invited to buy or register anything. Pages are called directly with a mocked
 * session, as the isolation suite does.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { memberships, numberOrderLines, numberOrders, phoneNumbers, providerConnections, users } from '@/lib/db/schema';
import { listOrders } from '@/lib/services/number-orders';
import { exportNumbersCsv, getNumberDetail, listAccountNumbers } from '@/lib/services/numbers';
import { sealCredentials } from '@/lib/services/secret-box';
import { hashPassword } from '@/lib/services/users';
import { parseOrderHistoryQuery } from '@/lib/validations/order-history';
import type { OrderProgress as OrderProgressView } from '@/lib/views/order-progress';
import { createTestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';
import { enableTwoFactorFor } from '../support/two-factor';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
// The step-up form refreshes the page once confirmed; a server render has no router to do it with.
vi.mock('next/navigation', async (original) => ({ ...(await original<typeof import('next/navigation')>()), useRouter: () => ({ refresh: () => undefined }) }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

/** The props of the first element in a rendered tree that has `key` among its props. */
function propsWith(node: unknown, key: string, seen = new Set<unknown>()): Record<string, unknown> | undefined {
  if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  const props = (node as { props?: Record<string, unknown> }).props;
  if (props && key in props) return props;
  for (const value of Array.isArray(node) ? node : Object.values(props ?? (node as Record<string, unknown>))) {
    const found = propsWith(value, key, seen);
    if (found) return found;
  }
  return undefined;
}

const allNumbers = { match: 'contains', released: false } as const;

async function csvOf(stream: ReadableStream<Uint8Array>): Promise<string[][]> {
  const text = await new Response(stream).text();
  return text
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('what new users trip on', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const ids = { number: '', keyOrder: '', memberOrder: '', keyPrefix: '' };

  const signInAs = async (email: string, accountId = tenants.acme.id) => {
    session.userId = (await sessionUser(test.db, email)).id;
    session.accountCookie = accountId;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'UX test', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false })
      .returning();
    const owner = await sessionUser(test.db, 'owner@acme.example');
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example', name: 'Provisioning bot' });
    ids.keyPrefix = key.secret.slice(0, 14);
    const order = async (idempotencyKey: string, placer: { userId?: string; apiKeyId?: string }, e164: string, createdAt: string) => {
      const [row] = await test.db
        .insert(numberOrders)
        .values({ accountId: tenants.acme.id, ...placer, idempotencyKey, status: 'completed', totalMonthly: '1.2500', totalSetup: '0.5000', createdAt: new Date(createdAt), completedAt: new Date(createdAt) })
        .returning();
      const [line] = await test.db
        .insert(numberOrderLines)
        .values({ orderId: row!.id, e164, kind: 'local', state: 'IL', connectionId: connection!.id, status: 'active', monthly: '1.2500', setup: '0.5000' })
        .returning();
      const [number] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.acme.id, e164, kind: 'local', state: 'IL', npa: '312', connectionId: connection!.id, monthly: e164.endsWith('1') ? '7.7700' : '1.2500', orderLineId: line!.id })
        .returning();
      return { orderId: row!.id, numberId: number!.id };
    };
    ids.keyOrder = (await order('by-key', { apiKeyId: key.id }, '+13125550161', '2026-11-20T10:00:00Z')).orderId;
    const bought = await order('by-member', { userId: owner.id }, '+13125550162', '2026-11-21T10:00:00Z');
    ids.memberOrder = bought.orderId;
    ids.number = bought.numberId;
  });

  describe('2FA: from the step-up prompt, Profile and the user menu to Profile → Security', () => {
    it('tells the signed-in user whether they have 2FA on, for the prompt to choose what to show', async () => {
      const { twoFactorStandingAction } = await import('@/app/(portal)/profile/security/actions');
      await signInAs('admin@acme.example');
      expect(await twoFactorStandingAction()).toEqual({ enabled: false });
      await enableTwoFactorFor(test.db, session.userId!);
      expect(await twoFactorStandingAction()).toEqual({ enabled: true });
      session.userId = undefined;
      await expect(twoFactorStandingAction()).rejects.toMatchObject({ code: 'unauthorized:session' });
    });

    it('shows a link to set 2FA up instead of a code field to those without it, and the code field to those with it', async () => {
      const { StepUpPrompt } = await import('@/components/auth/step-up-prompt');
      const action = async () => ({ status: 'idle' as const });
      const reason = 'Creating an API key needs your authenticator code from the last 10 minutes.';
      const without = renderToStaticMarkup(createElement(StepUpPrompt, { action, reason, twoFactorEnabled: false }));
      expect(without).toContain('href="/profile/security"');
      expect(without).toContain('Set up two-factor authentication');
      expect(without).not.toContain('name="code"');
      const withIt = renderToStaticMarkup(createElement(StepUpPrompt, { action, reason, twoFactorEnabled: true }));
      expect(withIt).toContain('name="code"');
      expect(withIt).toContain(reason);
      // Not known yet: neither, until the server answers.
      const asking = renderToStaticMarkup(createElement(StepUpPrompt, { action, reason }));
      expect(asking).toContain('Checking your two-factor authentication');
      expect(asking).not.toContain('name="code"');
    });

    it('Profile has a Security entry saying whether 2FA is on, and the user menu links to it', async () => {
      const { default: ProfilePage } = await import('@/app/(portal)/profile/page');
      await signInAs('tech@acme.example');
      const off = textOf(await ProfilePage());
      expect(off).toContain('/profile/security');
      expect(off).toContain('Two-factor authentication is off.');
      expect(off).toContain('Set up two-factor authentication');
      await enableTwoFactorFor(test.db, session.userId!);
      expect(textOf(await ProfilePage())).toContain('Two-factor authentication is on.');

      const { UserMenu } = await import('@/components/shell/user-menu');
      const menu = renderToStaticMarkup(createElement(UserMenu, { name: 'Tara Tech', email: 'tech@acme.example', isStaff: false, signOut: async () => undefined }));
      expect(menu).toContain('href="/profile"');
      expect(menu).toContain('href="/profile/security"');
    });
  });

  describe('orders placed with an API key', () => {
    it('name the key (its name and the start of its secret), in the service and on the Orders page', async () => {
      const list = await listOrders(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), parseOrderHistoryQuery({}));
      const byKey = list.rows.find((row) => row.id === ids.keyOrder)!;
      expect(byKey).toMatchObject({ placedBy: null, placedByKeyName: 'Provisioning bot', placedByKeyPrefix: ids.keyPrefix });
      expect(list.rows.find((row) => row.id === ids.memberOrder)).toMatchObject({ placedBy: 'owner@acme.example', placedByKeyName: null });

      const { default: OrdersPage } = await import('@/app/(portal)/numbers/orders/page');
      await signInAs('owner@acme.example');
      const text = textOf(await OrdersPage({ searchParams: Promise.resolve({}) }));
      expect(ids.keyPrefix).toMatch(/^cp_live_/);
      expect(text).toContain(`API key “Provisioning bot” (${ids.keyPrefix}…)`);
      expect(text).not.toContain('a former member');
    });
  });

  describe('the order page', () => {
    const view: OrderProgressView = {
      id: '00000000-0000-4000-8000-000000000001',
      status: 'completed',
      createdAt: '2026-11-21T10:00:00.000Z',
      completedAt: '2026-11-21T10:00:05.000Z',
      settledLines: 1,
      registering: false,
      settled: true,
      charged: '1.7500',
      lines: [{ id: 'l1', e164: '+13125550162', status: 'active', reason: null, owned: true, charged: '1.7500', e911: { status: 'registered', detail: null }, why: { e911: true, reasons: [], warnings: [] } }],
      e911Address: { id: '00000000-0000-4000-8000-0000000000e9', label: 'Head office' },
      generatedAt: '2026-11-21T10:00:06.000Z',
    };
    const render = async (technical: boolean) => {
      const { OrderProgress } = await import('@/components/numbers-buy/order-progress');
      return renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, createElement(OrderProgress, { initial: view, technical })));
    };

    it('links finance (told of finished orders) only to pages it opens: not My numbers or E911', async () => {
      const finance = await render(false);
      expect(finance).not.toMatch(/href="\/numbers"|href="\/e911/);
      expect(finance).toContain('href="/numbers/orders"');
      expect(finance).toContain('Head office');
      const technical = await render(true);
      expect(technical).toContain('href="/numbers"');
      expect(technical).toContain(`href="/e911/${(view.e911Address as { id: string }).id}"`);
    });

    it('tells the order component whether the viewer reads the technical side', async () => {
      const { default: OrderPage } = await import('@/app/(portal)/numbers/orders/[orderId]/page');
      for (const [email, technical] of [
        ['finance@acme.example', false],
        ['tech@acme.example', true],
        ['owner@acme.example', true],
      ] as const) {
        await signInAs(email);
        const page = await OrderPage({ params: Promise.resolve({ orderId: ids.memberOrder }) });
        expect(propsWith(page, 'initial'), email).toMatchObject({ technical });
      }
    });
  });

  describe('prices only for roles that read billing', () => {
    it('My numbers, the number page and the service leave the monthly price out for viewers and technical roles', async () => {
      for (const email of ['viewer@acme.example', 'tech@acme.example']) {
        const access = await accessAs(test.db, email, tenants.acme.id);
        const list = await listAccountNumbers(access, { filter: allNumbers, view: { sort: 'number', dir: 'asc', page: 1 } });
        expect(list.showPrice).toBe(false);
        expect(list.rows.length).toBeGreaterThan(0);
        for (const row of list.rows) expect(row).not.toHaveProperty('monthly');
        const detail = await getNumberDetail(access, ids.number);
        expect(detail.number).not.toHaveProperty('monthly');
        expect(detail.order).toBeDefined();
        expect(detail.order).not.toHaveProperty('monthly');
        expect(detail.order).not.toHaveProperty('setup');
      }
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const ownerList = await listAccountNumbers(owner, { filter: allNumbers, view: { sort: 'number', dir: 'asc', page: 1 } });
      expect(ownerList.showPrice).toBe(true);
      expect(ownerList.rows.find((row) => row.id === ids.number)).toMatchObject({ monthly: '1.2500' });
      expect((await getNumberDetail(owner, ids.number)).order).toMatchObject({ monthly: '1.2500', setup: '0.5000' });
    });

    it('does not sort by a price the viewer does not see (the order would give the prices away)', async () => {
      const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
      const list = await listAccountNumbers(viewer, { filter: allNumbers, view: { sort: 'monthly', dir: 'desc', page: 1 } });
      expect(list.sort).toBe('number');
      // By number, descending: by price it would be the other way round (7.77 before 1.25).
      expect(list.rows.map((row) => row.e164)).toEqual(['+13125550162', '+13125550161']);
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const sorted = await listAccountNumbers(owner, { filter: allNumbers, view: { sort: 'monthly', dir: 'asc', page: 1 } });
      expect(sorted.sort).toBe('monthly');
      expect(sorted.rows.map((row) => row.e164)).toEqual(['+13125550162', '+13125550161']);
    });

    it('leaves monthly_usd out of the numbers CSV for roles that do not read billing', async () => {
      for (const email of ['viewer@acme.example', 'tech@acme.example']) {
        const [header, ...rows] = await csvOf(exportNumbersCsv(await accessAs(test.db, email, tenants.acme.id), {}));
        expect(header).not.toContain('monthly_usd');
        expect(rows).toHaveLength(2);
        for (const row of rows) {
          expect(row).toHaveLength(header!.length);
          expect(row).not.toContain('7.7700');
        }
      }
      const [header, ...rows] = await csvOf(exportNumbersCsv(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), {}));
      const column = header!.indexOf('monthly_usd');
      expect(column).toBeGreaterThan(0);
      expect(rows.map((row) => row[column]).sort()).toEqual(['1.2500', '7.7700']);
    });

    it('shows a viewer no price on My numbers or the number page, and an owner both', async () => {
      const { default: NumbersPage } = await import('@/app/(portal)/numbers/(list)/page');
      const { default: NumberPage } = await import('@/app/(portal)/numbers/[numberId]/page');
      await signInAs('viewer@acme.example');
      const list = await NumbersPage({ searchParams: Promise.resolve({}) });
      expect(propsWith(list, 'showPrice')).toMatchObject({ showPrice: false });
      expect(textOf(list)).not.toContain('$');
      const detail = textOf(await NumberPage({ params: Promise.resolve({ numberId: ids.number }) }));
      expect(detail).not.toContain('Monthly price');
      expect(detail).not.toContain('$');
      await signInAs('owner@acme.example');
      expect(propsWith(await NumbersPage({ searchParams: Promise.resolve({}) }), 'showPrice')).toMatchObject({ showPrice: true });
      const ownerDetail = textOf(await NumberPage({ params: Promise.resolve({ numberId: ids.number }) }));
      expect(ownerDetail).toContain('Monthly price');
      expect(ownerDetail).toContain('$1.25/month · $0.50 setup');
    });
  });

  describe('a viewer is not invited to change anything', () => {
    it('My numbers asks those who may to register emergency addresses, and shows a viewer which numbers lack one', async () => {
      const { default: NumbersPage } = await import('@/app/(portal)/numbers/(list)/page');
      await signInAs('viewer@acme.example');
      const viewer = textOf(await NumbersPage({ searchParams: Promise.resolve({}) }));
      expect(viewer).toContain('See which on the E911 page');
      expect(viewer).not.toContain('Register them');
      await signInAs('tech@acme.example');
      expect(textOf(await NumbersPage({ searchParams: Promise.resolve({}) }))).toContain('Register them');
    });

    it('an empty cart offers a search to buyers only', async () => {
      const { default: CartPage } = await import('@/app/(portal)/numbers/cart/page');
      await signInAs('viewer@acme.example');
      const viewer = textOf(await CartPage());
      expect(viewer).not.toContain('Search for numbers to buy');
      expect(viewer).toContain('not buy them');
      await signInAs('tech@acme.example');
      expect(textOf(await CartPage())).toContain('Search for numbers to buy');
    });
  });

  it('the dashboard counts a sub-account’s users in the singular when there is one', async () => {
    const [member] = await test.db.insert(users).values({ email: 'one@east.example', name: 'One East', passwordHash: await hashPassword('one-east-password-1') }).returning();
    await test.db.insert(memberships).values({ userId: member!.id, accountId: tenants.east.id, role: 'viewer' });
    const { default: DashboardPage } = await import('@/app/(portal)/dashboard/page');
    await signInAs('owner@acme.example');
    const text = textOf(await DashboardPage());
    expect(text).toContain('1 user');
    expect(text).not.toContain('1 users');
    expect(text).toContain('0 sub-accounts');
  });
});
