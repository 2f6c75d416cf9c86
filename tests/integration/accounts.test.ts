import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assertCan, can, getSwitchableAccounts, resolveAccess } from '@/lib/auth/access';
import { accounts, auditEvents, memberships } from '@/lib/db/schema';
import { getSubtreeWithCountsByAccount } from '@/lib/db/queries/accounts';
import { getAuditEventsByAccountSubtree } from '@/lib/db/queries/audit';
import { createSubAccount, renameAccount, setSubAccountStatus, updateAccountLimits } from '@/lib/services/accounts';
import { seedDemo } from '@/lib/db/seed-demo';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { updateLimitsSchema } from '@/lib/validations/account';

const noLimits = { maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined, internationalAllowed: false };

describe('account tree, roles and the guard', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  it('seeds the demo tree idempotently', async () => {
    tenants = await seedTwoTenants(test.db);
    await seedDemo(test.db);
    const tree = await getSubtreeWithCountsByAccount(test.db, { accountId: tenants.acme.id });
    expect(tree.map((row) => row.account.name)).toEqual(['Acme Telecom', 'Acme East', 'Acme West']);
    expect(tree[0]).toMatchObject({ children: 2, members: 5 });
    expect(tenants.east.billingAccountId).toBe(tenants.acme.id);
  });

  it('gives each role exactly its permissions, reaching the subtree', async () => {
    const expectations: Record<string, { manage: boolean; technical: boolean; billing: boolean }> = {
      'owner@acme.example': { manage: true, technical: true, billing: true },
      'admin@acme.example': { manage: true, technical: true, billing: true },
      'tech@acme.example': { manage: false, technical: true, billing: false },
      'finance@acme.example': { manage: false, technical: false, billing: true },
      'viewer@acme.example': { manage: false, technical: false, billing: false },
    };
    for (const [email, expected] of Object.entries(expectations)) {
      const onEast = await accessAs(test.db, email, tenants.east.id);
      expect(can(onEast, 'subaccounts.manage'), email).toBe(expected.manage);
      expect(can(onEast, 'technical.write'), email).toBe(expected.technical);
      expect(can(onEast, 'billing.read'), email).toBe(expected.billing);
      expect(can(onEast, 'account.read'), email).toBe(true);
    }
  });

  it('answers not_found for another tenant\'s account, whatever the role', async () => {
    for (const email of ['owner@acme.example', 'viewer@acme.example']) {
      await expect(accessAs(test.db, email, tenants.globex.id)).rejects.toMatchObject({ code: 'not_found:account' });
      await expect(accessAs(test.db, email, tenants.globexBranch.id)).rejects.toMatchObject({ code: 'not_found:account' });
    }
    await expect(accessAs(test.db, 'owner@globex.example', tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(accessAs(test.db, 'owner@acme.example', 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found:account' });
  });

  it('a membership on a sub-account does not reach its parent or siblings', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const { inviteUser } = await import('@/lib/services/users');
    expect(owner.permissions.has('users.manage')).toBe(true);
    const eastUser = await sessionUser(test.db, 'owner@globex.example');
    await test.db.insert(memberships).values({ userId: eastUser.id, accountId: tenants.east.id, role: 'admin' });
    await expect(resolveAccess(test.db, eastUser, tenants.east.id)).resolves.toMatchObject({ role: 'admin' });
    await expect(resolveAccess(test.db, eastUser, tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(resolveAccess(test.db, eastUser, tenants.west.id)).rejects.toMatchObject({ code: 'not_found:account' });
    const switchable = await getSwitchableAccounts(test.db, eastUser);
    expect(switchable.map((option) => option.name).sort()).toEqual(['Acme East', 'Globex', 'Globex Branch']);
    await test.db.delete(memberships).where(eq(memberships.userId, eastUser.id));
    await test.db.insert(memberships).values({ userId: eastUser.id, accountId: tenants.globex.id, role: 'owner' });
    expect(inviteUser).toBeTypeOf('function');
  });

  it('operator staff reach every account, flagged as acting as staff', async () => {
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.globexBranch.id);
    expect(staff.actingAsStaff).toBe(true);
    expect(can(staff, 'subaccounts.manage')).toBe(true);
    // Staff reach customer accounts by acting as one (the customer accounts page), not from the switcher.
    expect(await getSwitchableAccounts(test.db, tenants.staff)).toEqual([]);
  });

  it('creates sub-accounts at any depth with limits, and audits each change', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    // A sub-account may allow international calls only where its parent does.
    await test.db.update(accounts).set({ internationalAllowed: true }).where(eq(accounts.id, tenants.east.id));
    const boston = await createSubAccount(admin, { ...noLimits, name: 'Acme Boston', maxConcurrentCalls: 50, monthlySpendCap: '1200.50', internationalAllowed: true });
    expect(boston).toMatchObject({ parentId: tenants.east.id, depth: 2, billingAccountId: tenants.acme.id, maxConcurrentCalls: 50, monthlySpendCap: '1200.50', internationalAllowed: true });
    expect(boston.path).toBe(`${tenants.east.path}${boston.id}/`);
    const onBoston = await accessAs(test.db, 'admin@acme.example', boston.id);
    const backBay = await createSubAccount(onBoston, { ...noLimits, name: 'Back Bay' });
    expect(backBay.depth).toBe(3);

    await expect(createSubAccount(admin, { ...noLimits, name: 'acme boston' })).rejects.toMatchObject({
      code: 'conflict:account_name',
      fieldErrors: { name: [expect.stringContaining('already has that name')] },
    });

    const renamed = await renameAccount(onBoston, 'Acme Boston HQ');
    expect(renamed.name).toBe('Acme Boston HQ');
    const limited = await updateAccountLimits(onBoston, { ...noLimits, maxCallsPerSecond: 5, internationalAllowed: false });
    expect(limited).toMatchObject({ maxCallsPerSecond: 5, maxConcurrentCalls: null, internationalAllowed: false });

    expect(limited.requireE911ForRouting).toBe(false);

    // The form sends a hidden "off" before the checkbox; without either the setting is left alone.
    const form = { accountId: boston.id, maxCallsPerSecond: '5' };
    expect(updateLimitsSchema.parse({ ...form, requireE911ForRouting: 'off,on' }).requireE911ForRouting).toBe(true);
    expect(updateLimitsSchema.parse({ ...form, requireE911ForRouting: 'off' }).requireE911ForRouting).toBe(false);
    expect(updateLimitsSchema.parse(form).requireE911ForRouting).toBeUndefined();
    const requiring = await updateAccountLimits(onBoston, updateLimitsSchema.parse({ ...form, requireE911ForRouting: 'off,on' }));
    expect(requiring).toMatchObject({ requireE911ForRouting: true, maxCallsPerSecond: 5 });
    expect(await updateAccountLimits(onBoston, updateLimitsSchema.parse(form))).toMatchObject({ requireE911ForRouting: true });
    expect(await updateAccountLimits(onBoston, updateLimitsSchema.parse({ ...form, requireE911ForRouting: 'off' }))).toMatchObject({ requireE911ForRouting: false });
    const [switched] = await test.db.select().from(auditEvents).where(eq(auditEvents.targetId, boston.id)).then((rows) => rows.filter((row) => row.action === 'account.limits' && (row.after as { requireE911ForRouting?: boolean }).requireE911ForRouting === true));
    expect(switched).toMatchObject({ before: { requireE911ForRouting: false }, after: { requireE911ForRouting: true } });

    const events = await getAuditEventsByAccountSubtree(test.db, { accountPath: tenants.east.path });
    const actions = events.map((row) => row.event.action);
    expect(actions).toEqual(expect.arrayContaining(['account.create', 'account.rename', 'account.limits']));
    const rename = events.find((row) => row.event.action === 'account.rename')!.event;
    expect(rename).toMatchObject({ actorEmail: 'admin@acme.example', before: { name: 'Acme Boston' }, after: { name: 'Acme Boston HQ' }, ip: '127.0.0.1' });
    const globexEvents = await getAuditEventsByAccountSubtree(test.db, { accountPath: tenants.globex.path });
    expect(globexEvents.every((row) => row.event.actorEmail !== 'admin@acme.example')).toBe(true);
  });

  it('refuses management to roles without it and writes nothing', async () => {
    const before = await test.db.select().from(accounts);
    for (const email of ['tech@acme.example', 'finance@acme.example', 'viewer@acme.example']) {
      const access = await accessAs(test.db, email, tenants.acme.id);
      await expect(createSubAccount(access, { ...noLimits, name: `By ${email}` })).rejects.toMatchObject({ code: 'forbidden:role' });
      await expect(renameAccount(access, 'Hijacked')).rejects.toMatchObject({ code: 'forbidden:role' });
      await expect(setSubAccountStatus(access, tenants.east.id, 'suspended')).rejects.toMatchObject({ code: 'forbidden:role' });
    }
    expect(await test.db.select().from(accounts)).toEqual(before);
  });

  it('a suspended account is read-only below it, and only its parent\'s admins reactivate it', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    await setSubAccountStatus(owner, tenants.west.id, 'suspended');
    const onWest = await accessAs(test.db, 'admin@acme.example', tenants.west.id);
    expect(onWest.readOnly).toBe(true);
    expect(can(onWest, 'account.read')).toBe(true);
    expect(() => assertCan(onWest, 'technical.write')).toThrow(expect.objectContaining({ code: 'forbidden:suspended' }));
    await expect(createSubAccount(onWest, { ...noLimits, name: 'West Child' })).rejects.toMatchObject({ code: 'forbidden:suspended' });

    // Someone whose membership sits on the suspended account cannot reactivate it.
    const westOnly = await sessionUser(test.db, 'owner@globex.example');
    await test.db.insert(memberships).values({ userId: westOnly.id, accountId: tenants.west.id, role: 'owner' });
    await expect(resolveAccess(test.db, westOnly, tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
    expect((await resolveAccess(test.db, westOnly, tenants.west.id)).readOnly).toBe(true);

    await setSubAccountStatus(owner, tenants.west.id, 'active');
    expect((await accessAs(test.db, 'admin@acme.example', tenants.west.id)).readOnly).toBe(false);
    const statusEvents = await test.db.select().from(auditEvents).where(eq(auditEvents.targetId, tenants.west.id));
    expect(statusEvents.map((event) => event.action)).toEqual(expect.arrayContaining(['account.suspend', 'account.reactivate']));
    await expect(setSubAccountStatus(owner, tenants.globexBranch.id, 'suspended')).rejects.toMatchObject({ code: 'not_found:account' });
  });
});
