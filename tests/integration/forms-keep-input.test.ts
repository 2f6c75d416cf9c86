/**
 * Issue 12.7: a failed submit answers what was typed, so the form shows it again. Every action built
 * by accountAction or staffAction echoes the non-secret fields it was sent, whatever refused it (the
 * schema, the service, the role); the forms show them as defaults. Secrets are never echoed.
 */
import { and, eq } from 'drizzle-orm';
import { createElement, isValidElement, type ReactElement } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SelectField } from '@/components/ui/field';
import { accounts, memberships, users } from '@/lib/db/schema';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};
const idle = { status: 'idle' } as const;

describe('a failed submit answers what was typed', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  async function signInAs(email: string, accountId?: string) {
    const [user] = await test.db.select().from(users).where(eq(users.email, email));
    session.userId = user!.id;
    session.accountCookie = accountId;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  });

  describe('account, member and invitation forms (accountAction)', () => {
    const actions = () => import('@/app/(portal)/account/actions');

    it('sub-account create: the parent, the name, every limit and the ticked box', async () => {
      await signInAs('admin@acme.example', tenants.acme.id);
      const typed = { parentId: tenants.east.id, name: 'X', maxConcurrentCalls: 'many', maxCallsPerSecond: '5', monthlySpendCap: '1,500', internationalAllowed: 'on' };
      const result = await (await actions()).createSubAccountAction(idle, form(typed));
      expect(result).toMatchObject({ status: 'error', code: 'invalid:form', values: typed });
      expect(result.status === 'error' && Object.keys(result.fieldErrors ?? {}).sort()).toEqual(['maxConcurrentCalls', 'name']);
      expect(await test.db.select().from(accounts).where(eq(accounts.name, 'X'))).toEqual([]);
    });

    it('sub-account create under a parent the user does not reach: said beside the parent, nothing created', async () => {
      await signInAs('admin@acme.example', tenants.acme.id);
      for (const parentId of [tenants.globex.id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const typed = { parentId, name: 'Elsewhere branch' };
        const result = await (await actions()).createSubAccountAction(idle, form(typed));
        expect(result).toMatchObject({ status: 'error', code: 'not_found:account', values: typed, fieldErrors: { parentId: [expect.stringContaining('no longer have access')] } });
        expect(result.status === 'error' && result.message).toMatch(/^That account was not found, or you no longer have access to it/);
      }
      expect(await test.db.select().from(accounts).where(eq(accounts.name, 'Elsewhere branch'))).toEqual([]);
    });

    it('invite: the email and the role, whether the schema or the service refused them', async () => {
      await signInAs('admin@acme.example', tenants.acme.id);
      const { inviteUserAction } = await actions();
      const bad = { accountId: tenants.acme.id, email: 'not-an-email', role: 'technical' };
      expect(await inviteUserAction(idle, form(bad))).toMatchObject({ status: 'error', fieldErrors: { email: [expect.any(String)] }, values: bad });
      const member = { accountId: tenants.acme.id, email: 'viewer@acme.example', role: 'finance' };
      expect(await inviteUserAction(idle, form(member))).toMatchObject({ status: 'error', code: 'conflict:member', values: member });
    });

    it('rename, limits and the routing policy: the name, the limits and the box as sent', async () => {
      await signInAs('admin@acme.example', tenants.acme.id);
      const { renameAccountAction, updateLimitsAction, updateRoutingPolicyAction } = await actions();
      const rename = { accountId: tenants.east.id, name: '!' };
      expect(await renameAccountAction(idle, form(rename))).toMatchObject({ status: 'error', values: rename });
      const limits = { accountId: tenants.east.id, maxConcurrentCalls: '12', maxCallsPerSecond: '0', monthlySpendCap: '', requireE911ForRouting: 'off,on' };
      expect(await updateLimitsAction(idle, form(limits))).toMatchObject({ status: 'error', fieldErrors: { maxCallsPerSecond: [expect.any(String)] }, values: limits });

      // Refused for the role, before the form is read: still echoed.
      await signInAs('viewer@acme.example', tenants.acme.id);
      const policy = { accountId: tenants.east.id, requireE911ForRouting: 'off,on' };
      expect(await updateRoutingPolicyAction(idle, form(policy))).toMatchObject({ status: 'error', code: 'forbidden:role', values: policy });
    });

    it('a member’s role: the role chosen, when only an owner may grant it', async () => {
      await signInAs('admin@acme.example', tenants.acme.id);
      const [viewer] = await test.db.select({ id: users.id }).from(users).where(eq(users.email, 'viewer@acme.example'));
      const [membership] = await test.db.select().from(memberships).where(and(eq(memberships.userId, viewer!.id), eq(memberships.accountId, tenants.acme.id)));
      const typed = { accountId: tenants.acme.id, membershipId: membership!.id, role: 'owner' };
      expect(await (await actions()).changeRoleAction(idle, form(typed))).toMatchObject({ status: 'error', code: 'forbidden:owner_role', values: typed });
      expect((await test.db.select().from(memberships).where(eq(memberships.id, membership!.id)))[0]!.role).toBe('viewer');
    });
  });

  describe('operator forms (staffAction)', () => {
    it('prices and jobs echo what was typed, never a secret', async () => {
      await signInAs('staff@carrier.example');
      const { saveOverrideAction } = await import('@/app/(portal)/operator/prices/actions');
      const price = { kind: 'local', state: 'NY', npa: '', monthly: '1.23456', setup: '0.5' };
      expect(await saveOverrideAction(idle, form(price))).toMatchObject({ status: 'error', values: price });

      const { retryJobAction } = await import('@/app/(portal)/operator/jobs/actions');
      const result = await retryJobAction(idle, form({ queue: 'Not A Queue', jobId: 'nope', token: 'tok-1', 'credential.password': 'pw-1', apiSecret: 's-1' }));
      expect(result).toMatchObject({ status: 'error', values: { queue: 'Not A Queue', jobId: 'nope' } });
      expect(JSON.stringify(result)).not.toMatch(/tok-1|pw-1|s-1/);
    });

    it('a customer refused a staff form still gets their input back, and nothing else', async () => {
      await signInAs('owner@acme.example', tenants.acme.id);
      const { setDefaultPriceAction } = await import('@/app/(portal)/operator/prices/actions');
      expect(await setDefaultPriceAction(idle, form({ kind: 'local', monthly: '9', setup: '9' }))).toMatchObject({ status: 'error', code: 'forbidden:staff', values: { kind: 'local', monthly: '9', setup: '9' } });
    });
  });

  describe('your profile', () => {
    it('has only secret fields: a refused password change echoes nothing', async () => {
      await signInAs('owner@acme.example', tenants.acme.id);
      const { changePasswordAction } = await import('@/app/(portal)/profile/actions');
      const result = await changePasswordAction(idle, form({ currentPassword: 'wrong-password-x', newPassword: 'short', confirmPassword: 'short' }));
      expect(result).toMatchObject({ status: 'error' });
      expect(JSON.stringify(result)).not.toMatch(/wrong-password-x|short"/);
    });
  });

  describe('selects show the echo', () => {
    const selectOf = (element: unknown) => {
      const children = (element as ReactElement<{ children: unknown[] }>).props.children;
      return children.find((child) => isValidElement(child) && child.type === 'select') as ReactElement;
    };

    it('a SelectField remounts when its default changes (React applies a select’s defaultValue only on mount)', () => {
      const options = ['viewer', 'technical'].map((value) => createElement('option', { key: value, value }, value));
      expect(selectOf(SelectField({ label: 'Role', name: 'role', defaultValue: 'viewer', children: options })).key).toBe('viewer');
      expect(selectOf(SelectField({ label: 'Role', name: 'role', defaultValue: 'technical', children: options })).key).toBe('technical');
      // A controlled select follows its value and needs no key.
      expect(selectOf(SelectField({ label: 'Role', name: 'role', value: 'technical', onChange: () => undefined, children: options })).key).toBeNull();
    });
  });
});
