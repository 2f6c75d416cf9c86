/**
 * Suspending and reactivating accounts, and who may. Operator staff suspend any account, a top-level
 * one included, from the customer accounts page, with a reason kept in the account's audit log; it is
 * the sub-accounts' suspension (keys refused with 403, users read-only). Customers cannot call it nor
 * suspend their own top-level account. On an account's page the Status control is shown only to those
 * who may use it (the parent's owners and admins); anyone else is told who decides. A role change
 * says the role in words.
 */
import { and, eq } from 'drizzle-orm';
import { isValidElement, type ReactElement } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountStatusForm } from '@/components/account/forms';
import { startUserSession } from '@/lib/auth/sessions';
import { accounts, auditEvents, memberships, users, type MemberRole } from '@/lib/db/schema';
import { getAuditLog } from '@/lib/services/audit';
import { hashPassword } from '@/lib/services/users';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { textOf } from '../support/render-text';
import { enableTwoFactorFor } from '../support/two-factor';

const session = vi.hoisted(() => ({
  userId: undefined as string | undefined,
  accountCookie: undefined as string | undefined,
  sessionId: undefined as string | undefined,
  email: undefined as string | undefined,
  name: undefined as string | undefined,
}));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const idle = { status: 'idle' } as const;

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};

/** Every element of `type` in a rendered tree. */
function findElements(node: unknown, type: unknown, found: ReactElement<Record<string, unknown>>[] = [], seen = new Set<unknown>()) {
  if (!node || typeof node !== 'object' || seen.has(node)) return found;
  seen.add(node);
  if (isValidElement(node) && node.type === type) found.push(node as ReactElement<Record<string, unknown>>);
  const props = (node as { props?: Record<string, unknown> }).props;
  for (const value of Array.isArray(node) ? node : Object.values(props ?? (node as Record<string, unknown>))) findElements(value, type, found, seen);
  return found;
}

const staffActions = () => import('@/app/(portal)/operator/accounts/actions');
const accountActions = () => import('@/app/(portal)/account/actions');

describe('suspending and reactivating accounts', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let acmeKey: TestApiKey;
  let eastKey: TestApiKey;
  let GET: typeof import('@/app/api/v1/accounts/[accountId]/route').GET;

  /** Signs in as `email`; `steppedUp` gives the session a fresh authenticator code (role changes ask for one). */
  async function signIn(email: string, { accountId, steppedUp = false }: { accountId?: string; steppedUp?: boolean } = {}) {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
    session.sessionId = undefined;
    if (steppedUp) {
      await enableTwoFactorFor(test.db, user!.id);
      session.sessionId = await startUserSession(test.db, { userId: user!.id, secondFactorAt: new Date() });
      session.email = user!.email;
      session.name = user!.name;
    }
  }

  async function memberOnly(email: string, accountId: string, role: MemberRole) {
    const [user] = await test.db.insert(users).values({ email, name: email, passwordHash: await hashPassword('status-password-1') }).returning();
    await test.db.insert(memberships).values({ userId: user!.id, accountId, role });
    return user!;
  }

  const statusOf = async (accountId: string) => (await test.db.select({ status: accounts.status }).from(accounts).where(eq(accounts.id, accountId)))[0]?.status;
  const statusEvents = async (accountId: string) =>
    (await test.db.select().from(auditEvents).where(and(eq(auditEvents.accountId, accountId), eq(auditEvents.targetType, 'account')))).filter((event) => ['account.suspend', 'account.reactivate'].includes(event.action));
  const readAccount = (accountId: string, key: TestApiKey) => callApi(GET, { url: `/api/v1/accounts/${accountId}`, params: { accountId }, key });

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await memberOnly('admin@east.example', tenants.east.id, 'admin');
    acmeKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    eastKey = await createTestApiKey(test.db, { accountId: tenants.east.id, role: 'viewer', createdBy: 'owner@acme.example' });
    ({ GET } = await import('@/app/api/v1/accounts/[accountId]/route'));
  });

  describe('by operator staff, for any account', () => {
    it('suspends a top-level account with a reason: its keys and its sub-accounts’ keys get 403, its users are read-only, and its audit log says who and why', async () => {
      expect((await readAccount(tenants.acme.id, acmeKey)).status).toBe(200);
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      const result = await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'suspended', reason: 'Unpaid since March; agreed with finance' }));
      expect(result).toMatchObject({ status: 'success', message: expect.stringContaining('Acme Telecom is suspended') });
      expect(await statusOf(tenants.acme.id)).toBe('suspended');

      for (const [accountId, key] of [[tenants.acme.id, acmeKey], [tenants.east.id, eastKey]] as const) {
        const refused = await readAccount(accountId, key);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('forbidden:suspended');
      }
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      expect(owner).toMatchObject({ readOnly: true, suspendedAccountName: 'Acme Telecom' });
      await signIn('owner@acme.example', { accountId: tenants.acme.id });
      const { renameAccountAction } = await accountActions();
      expect(await renameAccountAction(idle, form({ accountId: tenants.east.id, name: 'Acme Eastern' }))).toMatchObject({ status: 'error', code: 'forbidden:suspended' });

      const [event] = await statusEvents(tenants.acme.id);
      expect(event).toMatchObject({
        action: 'account.suspend',
        actorEmail: 'staff@carrier.example',
        actingAsAccountId: tenants.acme.id,
        before: { status: 'active' },
        after: { status: 'suspended', reason: 'Unpaid since March; agreed with finance' },
      });
      // The customer's owners read it in their own log, marked as the carrier's staff.
      const { events } = await getAuditLog(owner, { filter: { action: 'account.suspend' }, limit: 10 });
      expect(events[0]).toMatchObject({ label: 'Account suspended', actor: 'staff@carrier.example', byOperatorStaff: true });
      expect(events[0]!.diff).toContainEqual(expect.objectContaining({ label: 'Reason', after: 'Unpaid since March; agreed with finance' }));
    });

    it('is refused to customers, who cannot reactivate their own top-level account either', async () => {
      const { setAccountStatusAsStaffAction } = await staffActions();
      for (const email of ['owner@acme.example', 'admin@acme.example', 'owner@globex.example']) {
        await signIn(email);
        expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'active', reason: 'Let us back in please' })), email).toMatchObject({ status: 'error', code: 'forbidden:staff' });
        expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.globex.id, status: 'suspended', reason: 'Suspend a competitor' })), email).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      }
      await signIn('owner@acme.example', { accountId: tenants.acme.id });
      const { setAccountStatusAction } = await accountActions();
      expect(await setAccountStatusAction(idle, form({ accountId: tenants.acme.id, status: 'active' }))).toMatchObject({ status: 'error', code: 'forbidden:root_status' });
      await signIn('owner@globex.example', { accountId: tenants.globex.id });
      expect(await setAccountStatusAction(idle, form({ accountId: tenants.globex.id, status: 'suspended' }))).toMatchObject({ status: 'error', code: 'forbidden:root_status' });
      expect(await statusOf(tenants.acme.id)).toBe('suspended');
      expect(await statusOf(tenants.globex.id)).toBe('active');
      expect(await statusEvents(tenants.acme.id)).toHaveLength(1);
      expect(await statusEvents(tenants.globex.id)).toHaveLength(0);
    });

    it('asks for a reason, and records nothing when the account already has the status asked for', async () => {
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      for (const reason of ['', '  ', 'no']) {
        const refused = await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'active', reason }));
        expect(refused, JSON.stringify(reason)).toMatchObject({ status: 'error', fieldErrors: { reason: [expect.stringMatching(/^Say why/)] } });
      }
      expect(await statusOf(tenants.acme.id)).toBe('suspended');
      expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'suspended', reason: 'Clicked twice' }))).toMatchObject({ status: 'success', message: 'Acme Telecom was already suspended.' });
      expect(await statusEvents(tenants.acme.id)).toHaveLength(1);
      expect(await setAccountStatusAsStaffAction(idle, form({ accountId: '00000000-0000-4000-8000-000000000000', status: 'suspended', reason: 'Nobody' }))).toMatchObject({ status: 'error', code: 'not_found:account' });
    });

    it('reactivates it: keys work again and users may change things again', async () => {
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'active', reason: 'Paid in full' }))).toMatchObject({ status: 'success', message: 'Acme Telecom is active again.' });
      expect(await statusOf(tenants.acme.id)).toBe('active');
      expect((await readAccount(tenants.acme.id, acmeKey)).status).toBe(200);
      expect((await readAccount(tenants.east.id, eastKey)).status).toBe(200);
      expect(await accessAs(test.db, 'owner@acme.example', tenants.acme.id)).toMatchObject({ readOnly: false });
      expect((await statusEvents(tenants.acme.id)).map((event) => [event.action, (event.after as { reason: string }).reason])).toEqual([
        ['account.suspend', 'Unpaid since March; agreed with finance'],
        ['account.reactivate', 'Paid in full'],
      ]);
    });

    it('suspends a sub-account too, and says when a reactivated one stays read-only under a suspended parent', async () => {
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.east.id, status: 'suspended', reason: 'Fraud check' }))).toMatchObject({ status: 'success' });
      expect((await readAccount(tenants.east.id, eastKey)).status).toBe(403);
      expect((await readAccount(tenants.acme.id, acmeKey)).status).toBe(200);
      await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'suspended', reason: 'Fraud check, whole tree' }));
      try {
        expect(await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.east.id, status: 'active', reason: 'East is cleared' }))).toMatchObject({
          status: 'success',
          message: 'Acme East is active again. It stays read-only while Acme Telecom is suspended.',
        });
        expect((await readAccount(tenants.east.id, eastKey)).status).toBe(403);
      } finally {
        await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'active', reason: 'Whole tree cleared' }));
      }
      expect((await readAccount(tenants.east.id, eastKey)).status).toBe(200);
    });

    it('offers Suspend or Reactivate on every row of the customer accounts page, by the account’s own status', async () => {
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.west.id, status: 'suspended', reason: 'Closed branch' }));
      const { default: Page } = await import('@/app/(portal)/operator/accounts/page');
      const { AccountStatusControl } = await import('@/app/(portal)/operator/accounts/account-status-control');
      const controls = findElements(await Page({ searchParams: Promise.resolve({}) }), AccountStatusControl);
      const byName = new Map(controls.map((control) => [(control.props.account as { name: string }).name, control.props]));
      expect([...byName.keys()].sort()).toEqual(['Acme East', 'Acme Telecom', 'Acme West', 'Globex', 'Globex Branch']);
      expect(byName.get('Acme Telecom')).toMatchObject({ account: { id: tenants.acme.id, status: 'active', topLevel: true, subAccounts: 2 }, action: setAccountStatusAsStaffAction });
      expect(byName.get('Acme West')).toMatchObject({ account: { status: 'suspended', topLevel: false } });
      await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.west.id, status: 'active', reason: 'Reopened' }));
    });
  });

  describe('on the account page', () => {
    const renderAccountPage = async (accountId: string) => {
      const { default: Page } = await import('@/app/(portal)/account/[accountId]/page');
      return Page({ params: Promise.resolve({ accountId }) });
    };

    it('shows the Status control only to the parent’s owners and admins, and tells anyone else who decides', async () => {
      await signIn('owner@acme.example', { accountId: tenants.acme.id });
      const asOwner = await renderAccountPage(tenants.east.id);
      expect(findElements(asOwner, AccountStatusForm)).toHaveLength(1);

      // An admin whose membership is on Acme East alone manages its page, but not its status.
      await signIn('admin@east.example', { accountId: tenants.east.id });
      const asEastAdmin = await renderAccountPage(tenants.east.id);
      expect(findElements(asEastAdmin, AccountStatusForm)).toHaveLength(0);
      expect(textOf(asEastAdmin)).toContain('Set by Acme Telecom. Ask an owner or admin of Acme Telecom to suspend it.');
      // And if called anyway, the action says the same rather than "Not found.".
      const { setAccountStatusAction } = await accountActions();
      expect(await setAccountStatusAction(idle, form({ accountId: tenants.east.id, status: 'suspended' }))).toMatchObject({
        status: 'error',
        code: 'forbidden:account_status',
        message: 'Acme East is suspended and reactivated by Acme Telecom: ask an owner or admin of Acme Telecom.',
      });
      expect(await statusOf(tenants.east.id)).toBe('active');

      await signIn('owner@acme.example', { accountId: tenants.acme.id });
      const topLevel = await renderAccountPage(tenants.acme.id);
      expect(findElements(topLevel, AccountStatusForm)).toHaveLength(0);
      expect(textOf(topLevel)).toContain('Set by the carrier');
    });

    it('while the parent is suspended, says the status waits for it instead of offering a control that fails', async () => {
      await signIn('staff@carrier.example');
      const { setAccountStatusAsStaffAction } = await staffActions();
      await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'suspended', reason: 'Audit of the tree' }));
      try {
        await signIn('owner@acme.example', { accountId: tenants.acme.id });
        const page = await renderAccountPage(tenants.east.id);
        expect(findElements(page, AccountStatusForm)).toHaveLength(0);
        expect(textOf(page)).toContain('Acme Telecom is suspended: this status can change once it is active again.');
      } finally {
        await signIn('staff@carrier.example');
        await setAccountStatusAsStaffAction(idle, form({ accountId: tenants.acme.id, status: 'active', reason: 'Audit done' }));
      }
    });

    it('lets the parent’s owner suspend and reactivate the sub-account from its page', async () => {
      await signIn('owner@acme.example', { accountId: tenants.acme.id });
      const { setAccountStatusAction } = await accountActions();
      expect(await setAccountStatusAction(idle, form({ accountId: tenants.east.id, status: 'suspended' }))).toMatchObject({ status: 'success', message: 'Acme East is suspended.' });
      expect(await setAccountStatusAction(idle, form({ accountId: tenants.east.id, status: 'active' }))).toMatchObject({ status: 'success', message: 'Acme East is active again.' });
      expect(await statusOf(tenants.east.id)).toBe('active');
    });
  });

  it('says a changed role in words, as the role list shows it', async () => {
    const member = await memberOnly('tara@east.example', tenants.east.id, 'viewer');
    const [membership] = await test.db.select().from(memberships).where(and(eq(memberships.userId, member.id), eq(memberships.accountId, tenants.east.id)));
    await signIn('owner@acme.example', { accountId: tenants.acme.id, steppedUp: true });
    const { changeRoleAction } = await accountActions();
    const result = await changeRoleAction(idle, form({ accountId: tenants.east.id, membershipId: membership!.id, role: 'technical' }));
    expect(result).toMatchObject({ status: 'success', message: 'tara@east.example’s role is now Technical.' });
  });
});
