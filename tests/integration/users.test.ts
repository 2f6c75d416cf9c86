import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { clearFailures, getLockRemainingMs, recordFailure, throttleKeys, THROTTLE_POLICY } from '@/lib/auth/throttle';
import { invitations, memberships, outboxMessages, users } from '@/lib/db/schema';
import { getMembersByAccount } from '@/lib/db/queries/users';
import { acceptInvitation, changeMemberRole, describeInvitation, inviteUser, removeMembership, revokeInvitation } from '@/lib/services/users';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

describe('users, invitations and roles', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tokenOf = (url: string) => url.split('/invite/')[1]!;

  it('invites a new user, who accepts with a name and password', async () => {
    tenants = await seedTwoTenants(test.db);
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    const { inviteUrl } = await inviteUser(admin, { email: 'nina@acme.example', role: 'technical' });
    expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    const [mail] = await test.db.select().from(outboxMessages).where(eq(outboxMessages.toAddress, 'nina@acme.example'));
    expect(mail?.bodyText).toContain(inviteUrl);
    const [stored] = await test.db.select().from(invitations).where(eq(invitations.email, 'nina@acme.example'));
    expect(stored?.tokenHash).not.toContain(tokenOf(inviteUrl));

    expect(await describeInvitation(tokenOf(inviteUrl))).toMatchObject({ state: 'open', accountName: 'Acme East', role: 'technical', existingUser: false });
    await expect(acceptInvitation({ token: tokenOf(inviteUrl), name: 'N', password: 'short' })).rejects.toMatchObject({
      fieldErrors: { name: ['Enter your name'], password: ['Use at least 12 characters'] },
    });
    expect(await test.db.select().from(users).where(eq(users.email, 'nina@acme.example'))).toHaveLength(0);

    const accepted = await acceptInvitation({ token: tokenOf(inviteUrl), name: 'Nina Network', password: 'a-long-password-1' });
    expect(accepted).toMatchObject({ email: 'nina@acme.example', accountId: tenants.east.id });
    const nina = await accessAs(test.db, 'nina@acme.example', tenants.east.id);
    expect(nina.role).toBe('technical');
    await expect(accessAs(test.db, 'nina@acme.example', tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(acceptInvitation({ token: tokenOf(inviteUrl), name: 'Again', password: 'a-long-password-1' })).rejects.toMatchObject({ code: 'invalid:invitation' });
    expect(await describeInvitation('not-a-real-token-at-all-000000')).toEqual({ state: 'invalid' });
  });

  it('an existing user accepts by proving their password; a revoked link stops working', async () => {
    const owner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const first = await inviteUser(owner, { email: 'viewer@acme.example', role: 'viewer' });
    const second = await inviteUser(owner, { email: 'viewer@acme.example', role: 'finance' });
    expect(await describeInvitation(tokenOf(first.inviteUrl))).toEqual({ state: 'invalid' });
    await expect(acceptInvitation({ token: tokenOf(second.inviteUrl), password: 'wrong-password-x' })).rejects.toMatchObject({ code: 'invalid:password' });
    await acceptInvitation({ token: tokenOf(second.inviteUrl), password: 'portal-demo' });
    expect((await accessAs(test.db, 'viewer@acme.example', tenants.globex.id)).role).toBe('finance');

    const third = await inviteUser(owner, { email: 'later@globex.example', role: 'viewer' });
    const [pending] = await test.db.select().from(invitations).where(eq(invitations.email, 'later@globex.example'));
    await revokeInvitation(owner, pending!.id);
    await expect(acceptInvitation({ token: tokenOf(third.inviteUrl), name: 'Later', password: 'a-long-password-1' })).rejects.toMatchObject({ code: 'invalid:invitation' });
  });

  it('refuses invitations that cannot be right', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    await expect(inviteUser(admin, { email: 'tech@acme.example', role: 'viewer' })).rejects.toMatchObject({ code: 'conflict:member', fieldErrors: { email: ['Already a member of this account'] } });
    await expect(inviteUser(admin, { email: 'boss@acme.example', role: 'owner' })).rejects.toMatchObject({ code: 'forbidden:owner_role' });
    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    await expect(inviteUser(tech, { email: 'x@acme.example', role: 'viewer' })).rejects.toMatchObject({ code: 'forbidden:role' });
    const globexOwner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const acmeMembers = await getMembersByAccount(test.db, { accountId: tenants.acme.id });
    const techMembership = acmeMembers.find((row) => row.user.email === 'tech@acme.example')!.membership;
    // The membership id belongs to Acme; Globex's owner cannot reach it through their own account.
    await expect(changeMemberRole(globexOwner, { membershipId: techMembership.id, role: 'viewer' })).rejects.toMatchObject({ code: 'not_found:membership' });
    await expect(removeMembership(globexOwner, { membershipId: techMembership.id })).rejects.toMatchObject({ code: 'not_found:membership' });
  });

  it('changes roles, and never removes or demotes the last owner', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const members = await getMembersByAccount(test.db, { accountId: tenants.acme.id });
    const byEmail = (email: string) => members.find((row) => row.user.email === email)!.membership;
    await changeMemberRole(owner, { membershipId: byEmail('tech@acme.example').id, role: 'viewer' });
    expect((await accessAs(test.db, 'tech@acme.example', tenants.acme.id)).role).toBe('viewer');

    await expect(changeMemberRole(owner, { membershipId: byEmail('owner@acme.example').id, role: 'admin' })).rejects.toMatchObject({ code: 'conflict:last_owner' });
    await expect(removeMembership(owner, { membershipId: byEmail('owner@acme.example').id })).rejects.toMatchObject({ code: 'conflict:last_owner' });
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    await expect(changeMemberRole(admin, { membershipId: byEmail('owner@acme.example').id, role: 'viewer' })).rejects.toMatchObject({ code: 'forbidden:owner_role' });

    await changeMemberRole(owner, { membershipId: byEmail('admin@acme.example').id, role: 'owner' });
    // Two owners now; demoting both at once must still leave one.
    const results = await Promise.allSettled([
      changeMemberRole(owner, { membershipId: byEmail('owner@acme.example').id, role: 'admin' }),
      changeMemberRole(owner, { membershipId: byEmail('admin@acme.example').id, role: 'admin' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const owners = (await test.db.select().from(memberships).where(eq(memberships.accountId, tenants.acme.id))).filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);

    await removeMembership(await accessAs(test.db, owners[0]!.userId === byEmail('owner@acme.example').userId ? 'owner@acme.example' : 'admin@acme.example', tenants.acme.id), {
      membershipId: byEmail('finance@acme.example').id,
    });
    await expect(accessAs(test.db, 'finance@acme.example', tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
  });

  it('throttles sign-in failures per email and per IP', async () => {
    const keys = throttleKeys('Someone@Acme.example', '10.1.2.3');
    expect(keys.map((key) => key.key)).toEqual(['email:someone@acme.example', 'ip:10.1.2.3']);
    const now = new Date('2026-01-01T10:00:00Z');
    for (let attempt = 1; attempt < THROTTLE_POLICY.email.maxFailures; attempt++) await recordFailure(test.db, keys, now);
    expect(await getLockRemainingMs(test.db, keys, now)).toBe(0);
    await recordFailure(test.db, keys, now);
    expect(await getLockRemainingMs(test.db, keys, now)).toBe(THROTTLE_POLICY.email.lockMs);
    expect(await getLockRemainingMs(test.db, keys, new Date(now.getTime() + THROTTLE_POLICY.email.lockMs + 1))).toBe(0);

    // Failures spread over more than the window do not add up.
    const spread = throttleKeys('spread@acme.example', undefined);
    for (let attempt = 0; attempt < 10; attempt++) {
      await recordFailure(test.db, spread, new Date(now.getTime() + attempt * (THROTTLE_POLICY.email.windowMs / 2 + 1000)));
    }
    expect(await getLockRemainingMs(test.db, spread, new Date(now.getTime() + 10 * THROTTLE_POLICY.email.windowMs))).toBe(0);

    // One IP trying many emails is locked even though no single email is.
    const ipNow = new Date('2026-01-02T10:00:00Z');
    for (let attempt = 0; attempt < THROTTLE_POLICY.ip.maxFailures; attempt++) {
      await recordFailure(test.db, throttleKeys(`user${attempt}@x.example`, '10.9.9.9'), ipNow);
    }
    expect(await getLockRemainingMs(test.db, throttleKeys('fresh@x.example', '10.9.9.9'), ipNow)).toBeGreaterThan(0);
    await clearFailures(test.db, 'fresh@x.example');
    expect(await getLockRemainingMs(test.db, throttleKeys('fresh@x.example', '10.0.0.1'), ipNow)).toBe(0);
  });
});
