/**
 * Issue 12.11: operator staff list every customer account (tree order, search by name or id, live
 * numbers from the counters, balance, status) and act as one. Acting is held by the staff member's
 * sign-in session, audited when it starts and stops, shown by a banner in the portal layout, and
 * gives nothing beyond staff access; customers reach neither the page nor the actions.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { isValidElement, type ReactElement } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ActingBanner } from '@/components/shell/acting-banner';
import { startUserSession } from '@/lib/auth/sessions';
import { accountLedger, accounts, auditEvents, phoneNumbers, providerConnections, users, userSessions } from '@/lib/db/schema';
import { setSubAccountStatus, createSubAccount } from '@/lib/services/accounts';
import { sealCredentials } from '@/lib/services/secret-box';
import { listCustomerAccounts } from '@/lib/services/staff-accounts';
import { parseStaffAccountsQuery } from '@/lib/validations/staff-accounts';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({
  user: undefined as { id: string; email: string; name: string; isOperatorStaff: boolean } | undefined,
  sessionId: undefined as string | undefined,
  cookies: new Map<string, string>(),
}));

// A browser session as Auth.js's session callback gives it: the user as read with the session row, and the row's id.
vi.mock('@/lib/auth/config', () => ({
  auth: async () => (session.user ? { user: { ...session.user }, sessionId: session.sessionId, expires: new Date(Date.now() + 3600_000).toISOString() } : null),
  signIn: async () => undefined,
  signOut: async () => undefined,
  handlers: {},
}));
vi.mock('next/headers', async () => {
  const { headersFromClient } = await import('../support/next-mocks');
  return {
    cookies: async () => ({
      get: (name: string) => (session.cookies.has(name) ? { name, value: session.cookies.get(name)! } : undefined),
      set: (name: string, value: string) => void session.cookies.set(name, value),
      delete: (name: string) => void session.cookies.delete(name),
    }),
    headers: async () => headersFromClient('203.0.113.9'),
  };
});
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};

/** The element of `type` somewhere in a rendered tree. */
function findElement(node: unknown, type: unknown, seen = new Set<unknown>()): ReactElement<Record<string, unknown>> | undefined {
  if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  if (isValidElement(node) && node.type === type) return node as ReactElement<Record<string, unknown>>;
  const props = (node as { props?: Record<string, unknown> }).props;
  for (const value of Array.isArray(node) ? node : Object.values(props ?? {})) {
    const found = findElement(value, type, seen);
    if (found) return found;
  }
  return undefined;
}

/** What a Next navigation signal (redirect, notFound, forbidden) carries, or undefined if `run` did not throw one. */
async function signalOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== 'string') throw error;
    return digest;
  }
}

describe('customer accounts for operator staff', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let boston: { id: string };

  async function signIn(email: string, { browser = true }: { browser?: boolean } = {}) {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.user = { id: user!.id, email: user!.email, name: user!.name, isOperatorStaff: user!.isOperatorStaff };
    session.sessionId = browser ? await startUserSession(test.db, { userId: user!.id }) : undefined;
    session.cookies.clear();
  }

  const actingEvents = async () =>
    test.db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.action, ['staff.acting_as', 'staff.acting_as.stop']))
      .orderBy(auditEvents.id);

  const currentAccess = async () => (await import('@/lib/auth/guard')).getCurrentAccess();

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    boston = await createSubAccount(admin, { name: 'Acme Boston', internationalAllowed: false, maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined });
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Staff list', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }), enabled: false })
      .returning();
    const number = (accountId: string, index: number, status: 'active' | 'released' = 'active') => ({ accountId, e164: `+1312555${String(index).padStart(4, '0')}`, kind: 'local' as const, npa: '312', connectionId: connection!.id, monthly: '1.2500', status });
    await test.db.insert(phoneNumbers).values([
      ...Array.from({ length: 4 }, (_, index) => number(tenants.acme.id, index)),
      ...Array.from({ length: 3 }, (_, index) => number(tenants.east.id, 10 + index)),
      number(tenants.east.id, 19, 'released'),
      ...Array.from({ length: 2 }, (_, index) => number(boston.id, 20 + index)),
      number(tenants.globex.id, 30),
    ]);
    await test.db.insert(accountLedger).values([
      { billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '100.0000', description: 'Test payment' },
      { billingAccountId: tenants.globex.id, accountId: tenants.globexBranch.id, kind: 'charge', amount: '-125.5000', description: 'Test charge' },
    ]);
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    await setSubAccountStatus(owner, tenants.west.id, 'suspended');
  });

  describe('the list', () => {
    const list = async (params: Record<string, string> = {}) => listCustomerAccounts(await sessionUser(test.db, 'staff@carrier.example'), parseStaffAccountsQuery(params));

    it('lists every account as a tree, with live numbers of its subtree and its own, balance and status', async () => {
      const { rows, total } = await list();
      expect(total).toBe(6);
      expect(rows.map((row) => row.name)).toEqual(['Acme Telecom', 'Acme East', 'Acme Boston', 'Acme West', 'Globex', 'Globex Branch']);
      const byName = new Map(rows.map((row) => [row.name, row]));
      // Released numbers are not live; a parent's count includes its sub-accounts'.
      expect(byName.get('Acme Telecom')).toMatchObject({ numbers: 9, ownNumbers: 4, subAccounts: 2, depth: 0, suspendedBy: null });
      expect(byName.get('Acme East')).toMatchObject({ numbers: 5, ownNumbers: 3, namePath: ['Acme Telecom', 'Acme East'], balance: null });
      expect(byName.get('Acme Boston')).toMatchObject({ numbers: 2, ownNumbers: 2, namePath: ['Acme Telecom', 'Acme East', 'Acme Boston'] });
      expect(byName.get('Acme West')).toMatchObject({ numbers: 0, suspendedBy: 'Acme West' });
      expect(Number(byName.get('Globex')!.balance)).toBe(-25.5);
      expect(Number(byName.get('Acme Telecom')!.balance)).toBe(500);
    });

    it('searches by name (literally), by the start of an id and by a whole id', async () => {
      expect((await list({ q: 'east' })).rows.map((row) => row.name)).toEqual(['Acme East']);
      expect((await list({ q: 'GLOBEX' })).rows.map((row) => row.name)).toEqual(['Globex', 'Globex Branch']);
      expect((await list({ q: '%' })).total).toBe(0);
      expect((await list({ q: boston.id })).rows.map((row) => row.name)).toEqual(['Acme Boston']);
      expect((await list({ q: tenants.globexBranch.id.slice(0, 8) })).rows.map((row) => row.id)).toContain(tenants.globexBranch.id);
      expect(parseStaffAccountsQuery({ q: 'x'.repeat(101) }).fieldErrors.q).toBeDefined();
    });

    it('filters by status, a suspended parent counting for its sub-accounts', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      await setSubAccountStatus(owner, tenants.east.id, 'suspended');
      try {
        const suspended = await list({ status: 'suspended' });
        expect(suspended.rows.map((row) => [row.name, row.suspendedBy])).toEqual([
          ['Acme East', 'Acme East'],
          ['Acme Boston', 'Acme East'],
          ['Acme West', 'Acme West'],
        ]);
        expect((await list({ status: 'active' })).rows.map((row) => row.name)).toEqual(['Acme Telecom', 'Globex', 'Globex Branch']);
      } finally {
        await setSubAccountStatus(owner, tenants.east.id, 'active');
      }
    });

    it('sorts and pages on the server', async () => {
      expect((await list({ sort: 'numbers', dir: 'desc' })).rows.map((row) => row.numbers)).toEqual([9, 5, 2, 1, 0, 0]);
      expect((await list({ sort: 'balance', dir: 'asc' })).rows[0]!.name).toBe('Globex');
      const second = await list({ page: '2' });
      expect(second).toMatchObject({ total: 6, page: 2, rows: [] });
    });

    it('is refused to customers, in the service and on the page', async () => {
      await expect(listCustomerAccounts(await sessionUser(test.db, 'owner@acme.example'), parseStaffAccountsQuery({}))).rejects.toMatchObject({ code: 'forbidden:staff' });
      await signIn('owner@acme.example');
      const { default: Page } = await import('@/app/(portal)/operator/accounts/page');
      expect(await signalOf(() => Page({ searchParams: Promise.resolve({}) }))).toMatch(/403/);
      await signIn('staff@carrier.example');
      const text = textOf(await Page({ searchParams: Promise.resolve({ q: 'acme' }) }));
      expect(text).toContain('Acme Boston');
      expect(text).not.toContain('Globex');
    });
  });

  describe('acting as an account', () => {
    it('starts from the list: the session acts as the account, audited there, with the banner in the layout', async () => {
      await signIn('staff@carrier.example');
      // Not acting yet: no account; customer pages send staff to the list, and the layout still renders for them.
      expect(await currentAccess()).toBeNull();
      const { requireAccountAccess } = await import('@/lib/auth/guard');
      expect(await signalOf(() => requireAccountAccess())).toContain('/operator/accounts');
      const { default: Layout } = await import('@/app/(portal)/layout');
      expect(findElement(await Layout({ children: 'page' }), ActingBanner)).toBeUndefined();

      const { actAsAccountAction } = await import('@/app/(portal)/operator/accounts/actions');
      expect(await signalOf(() => actAsAccountAction({ status: 'idle' }, form({ accountId: tenants.east.id })))).toContain('/dashboard');
      const [row] = await test.db.select().from(userSessions).where(eq(userSessions.id, session.sessionId!));
      expect(row!.actingAsAccountId).toBe(tenants.east.id);

      const access = await currentAccess();
      expect(access).toMatchObject({ account: { id: tenants.east.id }, actingAsStaff: true, readOnly: false });
      // Exactly what staff get in an account they do not belong to: acting adds nothing.
      expect([...access!.permissions].sort()).toEqual([...(await accessAs(test.db, 'staff@carrier.example', tenants.east.id)).permissions].sort());

      const events = await actingEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ accountId: tenants.east.id, action: 'staff.acting_as', actorEmail: 'staff@carrier.example', actingAsAccountId: tenants.east.id, targetId: tenants.east.id, ip: '203.0.113.9', after: { staff: 'staff@carrier.example', account: 'Acme East' } });

      const banner = findElement(await Layout({ children: 'page' }), ActingBanner);
      expect(banner?.props.accountName).toBe('Acme East');
      // The switcher offers the customer's tree while acting, each as staff.
      const { getCurrentSwitchableAccounts } = await import('@/lib/auth/guard');
      expect((await getCurrentSwitchableAccounts()).map((option) => [option.name, option.staff])).toEqual([
        ['Acme Telecom', true],
        ['Acme East', true],
        ['Acme Boston', true],
        ['Acme West', true],
      ]);
      const page = textOf(await (await import('@/app/(portal)/operator/accounts/page')).default({ searchParams: Promise.resolve({ q: 'Acme East' }) }));
      expect(page).toContain('Acme East');
    });

    it('moves within the tree from the switcher, audited on both accounts, then stops', async () => {
      const { switchAccountAction } = await import('@/app/(portal)/actions');
      expect(await signalOf(() => switchAccountAction({ status: 'idle' }, form({ accountId: tenants.acme.id })))).toContain('/dashboard');
      expect(await currentAccess()).toMatchObject({ account: { id: tenants.acme.id }, actingAsStaff: true });
      expect((await actingEvents()).slice(-2).map((event) => [event.action, event.accountId])).toEqual([
        ['staff.acting_as.stop', tenants.east.id],
        ['staff.acting_as', tenants.acme.id],
      ]);

      const { stopActingAction } = await import('@/app/(portal)/operator/accounts/actions');
      expect(await signalOf(() => stopActingAction({ status: 'idle' }, form({})))).toContain('/operator/accounts');
      expect((await actingEvents()).at(-1)).toMatchObject({ action: 'staff.acting_as.stop', accountId: tenants.acme.id, actorEmail: 'staff@carrier.example' });
      expect(await currentAccess()).toBeNull();
      const { default: Layout } = await import('@/app/(portal)/layout');
      expect(findElement(await Layout({ children: 'page' }), ActingBanner)).toBeUndefined();
      // Stopping twice is harmless and writes nothing more.
      const count = (await actingEvents()).length;
      await signalOf(() => stopActingAction({ status: 'idle' }, form({})));
      expect(await actingEvents()).toHaveLength(count);
    });

    it('names no account outside the customer tree acted in: reads by account id go through the audited act-as', async () => {
      await signIn('staff@carrier.example');
      const { authorize, requireAccessToAccount } = await import('@/lib/auth/guard');
      // Not acting: a named customer account is unknown, for route handlers and pages alike.
      await expect(authorize('account.read', tenants.east.id)).rejects.toMatchObject({ code: 'not_found:account' });
      expect(await signalOf(() => requireAccessToAccount(tenants.east.id))).toMatch(/NEXT_HTTP_ERROR_FALLBACK;404|not.?found/i);
      const { actAsAccountAction, stopActingAction } = await import('@/app/(portal)/operator/accounts/actions');
      await signalOf(() => actAsAccountAction({ status: 'idle' }, form({ accountId: tenants.east.id })));
      // Acting in Acme's tree: its accounts answer; another customer's do not.
      expect(await authorize('account.read', tenants.west.id)).toMatchObject({ account: { id: tenants.west.id }, actingAsStaff: true });
      await expect(authorize('account.read', tenants.globex.id)).rejects.toMatchObject({ code: 'not_found:account' });
      await signalOf(() => stopActingAction({ status: 'idle' }, form({})));
    });

    it('is never taken from a cookie alone, and ends when the user stops being staff', async () => {
      await signIn('staff@carrier.example');
      session.cookies.set('cp_account', tenants.globex.id);
      expect(await currentAccess()).toBeNull();

      const { actAsAccountAction } = await import('@/app/(portal)/operator/accounts/actions');
      await signalOf(() => actAsAccountAction({ status: 'idle' }, form({ accountId: tenants.west.id })));
      // A suspended account stays read-only for staff too.
      expect(await currentAccess()).toMatchObject({ account: { id: tenants.west.id }, actingAsStaff: true, readOnly: true });

      await test.db.update(users).set({ isOperatorStaff: false }).where(eq(users.email, 'staff@carrier.example'));
      session.user = { ...session.user!, isOperatorStaff: false };
      try {
        expect(await currentAccess()).toBeNull();
        expect(await actAsAccountAction({ status: 'idle' }, form({ accountId: tenants.east.id }))).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      } finally {
        await test.db.update(users).set({ isOperatorStaff: true }).where(eq(users.email, 'staff@carrier.example'));
      }
    });

    it('answers not found for an account that does not exist, and writes nothing', async () => {
      await signIn('staff@carrier.example');
      const before = (await actingEvents()).length;
      const { actAsAccountAction } = await import('@/app/(portal)/operator/accounts/actions');
      expect(await actAsAccountAction({ status: 'idle' }, form({ accountId: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ status: 'error', code: 'not_found:account' });
      expect(await actAsAccountAction({ status: 'idle' }, form({ accountId: 'not-an-id' }))).toMatchObject({ status: 'error', fieldErrors: { accountId: ['Choose an account to act as'] }, values: { accountId: 'not-an-id' } });
      expect(await actingEvents()).toHaveLength(before);
      expect(await currentAccess()).toBeNull();
    });

    it('is refused to customers of every role, who are never switched anywhere', async () => {
      const { actAsAccountAction, stopActingAction } = await import('@/app/(portal)/operator/accounts/actions');
      const before = (await actingEvents()).length;
      for (const email of ['owner@acme.example', 'admin@acme.example', 'viewer@acme.example', 'owner@globex.example']) {
        await signIn(email);
        expect(await actAsAccountAction({ status: 'idle' }, form({ accountId: tenants.globex.id })), email).toMatchObject({ status: 'error', code: 'forbidden:staff' });
        expect(await stopActingAction({ status: 'idle' }, form({})), email).toMatchObject({ status: 'error', code: 'forbidden:staff' });
        expect(session.cookies.has('cp_account')).toBe(false);
      }
      const [row] = await test.db.select().from(userSessions).where(and(eq(userSessions.id, session.sessionId!)));
      expect(row!.actingAsAccountId).toBeNull();
      expect(await actingEvents()).toHaveLength(before);
      // A customer's own switch into another tenant is refused as before.
      const { switchAccountAction } = await import('@/app/(portal)/actions');
      expect(await switchAccountAction({ status: 'idle' }, form({ accountId: tenants.acme.id }))).toMatchObject({ status: 'error', code: 'not_found:account' });
      expect(await test.db.select().from(accounts).where(eq(accounts.id, tenants.acme.id))).toHaveLength(1);
    });
  });
});
