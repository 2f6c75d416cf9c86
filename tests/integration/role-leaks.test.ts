/**
 * Issue 10.5: money (balance, credit limit, spend caps) only for owner, admin and finance, in pages
 * and JSON; the master's balance only for those who read billing on the master itself. Pages and
 * route handlers are called directly with a mocked session, as the isolation suite does.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cartItems, carts, memberships, providerConnections, users, type MemberRole } from '@/lib/db/schema';
import { createSubAccount } from '@/lib/services/accounts';
import { placeOrder } from '@/lib/services/number-orders';
import { sealCredentials } from '@/lib/services/secret-box';
import { hashPassword } from '@/lib/services/users';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

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

async function render(load: () => Promise<{ default: (props: never) => Promise<unknown> }>) {
  const { default: Page } = await load();
  return textOf(await (Page as (props: unknown) => Promise<unknown>)({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }));
}

const checkoutPage = () => import('@/app/(portal)/numbers/checkout/page');
const dashboardPage = () => import('@/app/(portal)/dashboard/page');

describe('money only for roles that read billing', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const userIds = new Map<string, string>();

  function signInAs(email: string, accountId: string) {
    session.userId = userIds.get(email);
    session.accountCookie = accountId;
  }

  async function memberOnly(email: string, accountId: string, role: MemberRole) {
    const [user] = await test.db.insert(users).values({ email, name: email, passwordHash: await hashPassword('leaks-password-1') }).returning();
    await test.db.insert(memberships).values({ userId: user!.id, accountId, role });
  }

  async function accountJson(email: string, accountId: string) {
    signInAs(email, accountId);
    const { GET } = await import('@/app/api/v1/accounts/[accountId]/route');
    const response = await GET(new Request(`http://portal.test/api/v1/accounts/${accountId}`), { params: Promise.resolve({ accountId }) });
    expect(response.status).toBe(200);
    return response.json() as Promise<{ account: Record<string, unknown>; subAccounts: Record<string, unknown>[] }>;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await memberOnly('tech@east.example', tenants.east.id, 'technical');
    await memberOnly('admin@east.example', tenants.east.id, 'admin');
    await memberOnly('finance@east.example', tenants.east.id, 'finance');
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Leaks connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    // Each buyer has a number in the cart that costs more than the $750.00 the master has (balance $500 plus $250 credit).
    for (const email of ['tech@acme.example', 'owner@acme.example', 'tech@east.example', 'admin@east.example']) {
      const [cart] = await test.db.insert(carts).values({ accountId: tenants.east.id, userId: userIds.get(email)! }).returning();
      await test.db.insert(cartItems).values({ cartId: cart!.id, e164: '+13125550100', kind: 'local', state: 'IL', connectionId: connection!.id, monthly: '1000.0000', setup: '0.0000' });
    }
  });

  it('shows a technical user at checkout the price of the numbers, but no balance, credit limit or spend cap', async () => {
    signInAs('tech@acme.example', tenants.east.id);
    const page = await render(checkoutPage);
    expect(page).toContain('$1,000.00');
    for (const money of ['Balance', 'Credit limit', 'spend cap', '$500.00', '$250.00', '$750.00', '$10,000.00', '$25,000.00']) expect(page).not.toContain(money);
    expect(page).toContain('more than the billing account has available');

    signInAs('owner@acme.example', tenants.east.id);
    const owners = await render(checkoutPage);
    for (const money of ['Balance', '$500.00', 'Credit limit', '$250.00', '$750.00 available', 'Acme East: monthly spend cap', '$10,000.00']) expect(owners).toContain(money);
  });

  it('never shows a sub-account’s users the master’s balance', async () => {
    signInAs('tech@east.example', tenants.east.id);
    const tech = await render(checkoutPage);
    for (const money of ['Balance', 'Credit limit', '$500.00', '$750.00', 'spend cap']) expect(tech).not.toContain(money);

    // An admin of the sub-account reads its billing, spend caps included, but not the master's funds.
    signInAs('admin@east.example', tenants.east.id);
    const admin = await render(checkoutPage);
    for (const money of ['Balance', 'Credit limit', '$500.00', '$750.00']) expect(admin).not.toContain(money);
    expect(admin).toContain('Acme East: monthly spend cap');

    signInAs('finance@east.example', tenants.east.id);
    const dashboard = await render(dashboardPage);
    expect(dashboard).not.toContain('Balance');
    expect(dashboard).not.toContain('$500.00');
    expect(dashboard).toContain('Spent this month');
    signInAs('tech@east.example', tenants.east.id);
    expect(await render(dashboardPage)).not.toContain('$500.00');
    signInAs('finance@acme.example', tenants.acme.id);
    expect(await render(dashboardPage)).toContain('$500.00');
  });

  it('shows a sub-account’s admin its limits read-only, set by the parent, and the effective ones', async () => {
    const settings = () => import('@/app/(portal)/account/[accountId]/page');
    const renderFor = async (accountId: string) => {
      const { default: Page } = await settings();
      return (await (Page as (props: unknown) => Promise<unknown>)({ params: Promise.resolve({ accountId }) })) as unknown;
    };
    signInAs('admin@east.example', tenants.east.id);
    const own = propsWith(await renderFor(tenants.east.id), 'effective');
    expect(own).toMatchObject({ editable: false, setBy: 'Acme Telecom', intro: 'Set by Acme Telecom. Ask an owner or admin of Acme Telecom to change them.' });
    expect(own!.effective).toContainEqual({ label: 'Concurrent calls', value: '200', setBy: undefined });
    signInAs('admin@acme.example', tenants.east.id);
    const byParent = propsWith(await renderFor(tenants.east.id), 'effective');
    expect(byParent).toMatchObject({ editable: true, intro: expect.stringContaining('You set these as a manager of Acme Telecom') });
    // Acme Boston has no limit of its own: Acme East's applies, and the page says whose it is.
    const boston = await createSubAccount(await accessAs(test.db, 'admin@acme.example', tenants.east.id), { name: 'Acme Boston', internationalAllowed: false, maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined });
    const bostonProps = propsWith(await renderFor(boston.id), 'effective');
    expect(bostonProps!.effective).toContainEqual({ label: 'Concurrent calls', value: '200', setBy: 'Acme East' });
    expect(bostonProps!.effective).toContainEqual({ label: 'Monthly spend cap', value: '$10,000.00', setBy: 'Acme East' });
  });

  it('tells a technical user a refused order’s reason without the account’s figures', async () => {
    await expect(placeOrder(await accessAs(test.db, 'tech@acme.example', tenants.east.id), { idempotencyKey: 'leak-1' })).rejects.toMatchObject({
      code: 'conflict:funds',
      message: expect.not.stringMatching(/\$(500|250|750)\.00/),
    });
    await expect(placeOrder(await accessAs(test.db, 'owner@acme.example', tenants.east.id), { idempotencyKey: 'leak-2' })).rejects.toMatchObject({
      message: expect.stringContaining('$750.00 available'),
    });
  });

  it('leaves the spend cap out of /api/v1/accounts/:id for roles that do not read billing', async () => {
    for (const email of ['viewer@acme.example', 'tech@acme.example', 'tech@east.example']) {
      const body = await accountJson(email, tenants.east.id);
      expect(JSON.stringify(body), email).not.toContain('monthlySpendCap');
      expect(JSON.stringify(body), email).not.toContain('10000');
      expect(body.account, email).toMatchObject({ limits: { maxConcurrentCalls: 200 }, effectiveLimits: { maxConcurrentCalls: 200 } });
    }
    for (const email of ['finance@acme.example', 'finance@east.example']) {
      const body = await accountJson(email, tenants.east.id);
      expect(body.account, email).toMatchObject({ limits: { monthlySpendCap: '10000.00' }, effectiveLimits: { monthlySpendCap: '10000.00' } });
    }
    const root = await accountJson('viewer@acme.example', tenants.acme.id);
    expect(root.subAccounts.map((account) => account.name)).toEqual(expect.arrayContaining(['Acme East', 'Acme West']));
    expect(JSON.stringify(root)).not.toContain('monthlySpendCap');
    const [membership] = await test.db.select().from(memberships).where(and(eq(memberships.accountId, tenants.east.id), eq(memberships.userId, userIds.get('finance@east.example')!)));
    expect(membership?.role).toBe('finance');
  });
});
