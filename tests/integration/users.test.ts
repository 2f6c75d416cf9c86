import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { backoffMs, clearFailures, getWaitRemainingMs, recordFailure, throttleKeys, THROTTLE_POLICY } from '@/lib/auth/throttle';
import { invitations, memberships, outboxMessages, users } from '@/lib/db/schema';
import { getMembersByAccount } from '@/lib/db/queries/users';
import { mintSignInTicket, redeemSignInTicket } from '@/lib/auth/sign-in-tickets';
import { REDACTED_SECRET } from '@/lib/services/mail';
import { acceptInvitationAsNewUser, acceptInvitationAsUser, changeMemberRole, describeInvitation, inviteUser, removeMembership, revokeInvitation } from '@/lib/services/users';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { steppedUp } from '../support/two-factor';

describe('users, invitations and roles', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tokenOf = (url: string) => url.split('/invite/')[1]!;

  it('invites a new user, who accepts with a name and a password the policy allows', async () => {
    tenants = await seedTwoTenants(test.db);
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    const { inviteUrl } = await inviteUser(admin, { email: 'nina@acme.example', role: 'technical' });
    expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    // The outbox keeps the message, but not the link that grants access.
    const [mail] = await test.db.select().from(outboxMessages).where(eq(outboxMessages.toAddress, 'nina@acme.example'));
    expect(mail?.bodyText).not.toContain(tokenOf(inviteUrl));
    expect(mail?.bodyText).toContain(REDACTED_SECRET);
    const [stored] = await test.db.select().from(invitations).where(eq(invitations.email, 'nina@acme.example'));
    expect(stored?.tokenHash).not.toContain(tokenOf(inviteUrl));

    expect(await describeInvitation(tokenOf(inviteUrl))).toEqual({ state: 'open', email: 'nina@acme.example', accountName: 'Acme East', role: 'technical' });
    for (const weak of ['short', 'aaaaaaaaaaaa', '123456789012', 'password1234', '            ', 'nina@acme.example']) {
      await expect(acceptInvitationAsNewUser({ token: tokenOf(inviteUrl), name: 'Nina Network', password: weak })).rejects.toMatchObject({ code: 'invalid:password' });
    }
    expect(await test.db.select().from(users).where(eq(users.email, 'nina@acme.example'))).toHaveLength(0);

    const accepted = await acceptInvitationAsNewUser({ token: tokenOf(inviteUrl), name: 'Nina Network', password: 'copper-violin-staple' });
    expect(accepted.accountId).toBe(tenants.east.id);
    const nina = await accessAs(test.db, 'nina@acme.example', tenants.east.id);
    expect(nina.role).toBe('technical');
    await expect(accessAs(test.db, 'nina@acme.example', tenants.acme.id)).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(acceptInvitationAsNewUser({ token: tokenOf(inviteUrl), name: 'Again', password: 'copper-violin-staple' })).rejects.toMatchObject({ code: 'invalid:invitation' });
    expect(await describeInvitation('not-a-real-token-at-all-000000')).toEqual({ state: 'invalid' });
  });

  it('never checks an existing user\'s password on the invitation: they accept signed in, as themselves', async () => {
    const owner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const first = await inviteUser(owner, { email: 'staff@carrier.example', role: 'viewer' });
    const second = await inviteUser(owner, { email: 'staff@carrier.example', role: 'finance' });
    expect(await describeInvitation(tokenOf(first.inviteUrl))).toEqual({ state: 'invalid' });

    // The page is the same whether or not the email has a user.
    const forExisting = await describeInvitation(tokenOf(second.inviteUrl));
    const forNew = await describeInvitation(tokenOf((await inviteUser(owner, { email: 'nobody-yet@globex.example', role: 'finance' })).inviteUrl));
    expect(Object.keys(forExisting).sort()).toEqual(Object.keys(forNew).sort());

    // The inviter holds the link; guessing the staff password through it is not a thing that exists.
    const staffBefore = await test.db.select().from(users).where(eq(users.email, 'staff@carrier.example'));
    await expect(acceptInvitationAsNewUser({ token: tokenOf(second.inviteUrl), name: 'Mallory', password: 'portal-demo-guess-1' })).rejects.toMatchObject({ code: 'conflict:existing_user' });
    expect(await test.db.select().from(users).where(eq(users.email, 'staff@carrier.example'))).toEqual(staffBefore);
    // Someone signed in as another user cannot accept it for themselves.
    await expect(acceptInvitationAsUser(await sessionUser(test.db, 'owner@globex.example'), { token: tokenOf(second.inviteUrl) })).rejects.toMatchObject({ code: 'forbidden:invitation' });

    await acceptInvitationAsUser(await sessionUser(test.db, 'staff@carrier.example'), { token: tokenOf(second.inviteUrl) });
    expect((await accessAs(test.db, 'staff@carrier.example', tenants.globex.id)).role).toBe('finance');

    const third = await inviteUser(owner, { email: 'later@globex.example', role: 'viewer' });
    const [pending] = await test.db.select().from(invitations).where(eq(invitations.email, 'later@globex.example'));
    await revokeInvitation(owner, pending!.id);
    await expect(acceptInvitationAsNewUser({ token: tokenOf(third.inviteUrl), name: 'Later', password: 'copper-violin-staple' })).rejects.toMatchObject({ code: 'invalid:invitation' });
  });

  it('a new user joins while sign-in from their address is throttled: created and signed in by a one-time ticket, not a password check', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.west.id);
    const { inviteUrl } = await inviteUser(admin, { email: 'omar@acme.example', role: 'viewer' });
    const keys = throttleKeys('omar@acme.example', '203.0.113.50');
    for (let attempt = 0; attempt < 30; attempt++) await recordFailure(test.db, keys);
    expect(await getWaitRemainingMs(test.db, keys)).toBeGreaterThan(0);

    const accepted = await acceptInvitationAsNewUser({ token: tokenOf(inviteUrl), name: 'Omar Ops', password: 'copper-violin-staple' }, '203.0.113.50');
    const ticket = mintSignInTicket(accepted.userId);
    expect(redeemSignInTicket(ticket)).toBe(accepted.userId);
    // One use only, and nothing but a minted ticket works.
    expect(redeemSignInTicket(ticket)).toBeUndefined();
    expect(redeemSignInTicket('made-up-ticket')).toBeUndefined();
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

  it('an invitation grants nothing once whoever sent it is demoted, removed or disabled', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    const { inviteUrl } = await inviteUser(admin, { email: 'kept-link@attacker.example', role: 'technical' });
    const token = tokenOf(inviteUrl);
    const [adminMembership] = await test.db.select().from(memberships).where(eq(memberships.userId, admin.user.id));
    expect(adminMembership!.accountId).toBe(tenants.acme.id);

    await test.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.id, adminMembership!.id));
    expect(await describeInvitation(token)).toEqual({ state: 'invalid' });
    await expect(acceptInvitationAsNewUser({ token, name: 'Kept Link', password: 'copper-violin-staple' })).rejects.toMatchObject({ code: 'invalid:invitation' });
    await test.db.update(memberships).set({ role: 'admin' }).where(eq(memberships.id, adminMembership!.id));

    await test.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, admin.user.id));
    await expect(acceptInvitationAsNewUser({ token, name: 'Kept Link', password: 'copper-violin-staple' })).rejects.toMatchObject({ code: 'invalid:invitation' });
    await test.db.update(users).set({ disabledAt: null }).where(eq(users.id, admin.user.id));

    await test.db.delete(memberships).where(eq(memberships.id, adminMembership!.id));
    await expect(acceptInvitationAsNewUser({ token, name: 'Kept Link', password: 'copper-violin-staple' })).rejects.toMatchObject({ code: 'invalid:invitation' });
    await test.db.insert(memberships).values(adminMembership!);
    expect(await test.db.select().from(users).where(eq(users.email, 'kept-link@attacker.example'))).toHaveLength(0);

    // Restored, the inviter's link works again: it was never revoked, only not honoured.
    expect((await acceptInvitationAsNewUser({ token, name: 'Kept Link', password: 'copper-violin-staple' })).accountId).toBe(tenants.acme.id);
  });

  it('changes roles, and never removes or demotes the last owner', async () => {
    // Changing a role asks for a recently confirmed authenticator code (issue 13.6; tests/integration/two-factor.test.ts).
    const owner = await steppedUp(test.db, await accessAs(test.db, 'owner@acme.example', tenants.acme.id));
    const members = await getMembersByAccount(test.db, { accountId: tenants.acme.id });
    const byEmail = (email: string) => members.find((row) => row.user.email === email)!.membership;
    expect(await changeMemberRole(owner, { membershipId: byEmail('tech@acme.example').id, role: 'viewer' })).toEqual({ changed: true, email: 'tech@acme.example' });
    expect((await accessAs(test.db, 'tech@acme.example', tenants.acme.id)).role).toBe('viewer');
    // The same change from a second tab says nothing changed rather than "changed".
    expect(await changeMemberRole(owner, { membershipId: byEmail('tech@acme.example').id, role: 'viewer' })).toEqual({ changed: false, email: 'tech@acme.example' });

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

  it('backs off exponentially per email and address, per email and per address, without a hard lock', async () => {
    const keys = throttleKeys('Someone@Acme.example', '203.0.113.7');
    expect(keys.map((key) => key.key)).toEqual(['email:someone@acme.example', 'email-ip:someone@acme.example|203.0.113.7', 'ip:203.0.113.7']);
    const now = new Date('2026-01-01T10:00:00Z');
    for (let attempt = 1; attempt <= THROTTLE_POLICY.emailIp.freeFailures; attempt++) await recordFailure(test.db, keys, now);
    expect(await getWaitRemainingMs(test.db, keys, now)).toBe(0);
    // Each failure past the free ones doubles the wait.
    await recordFailure(test.db, keys, now);
    expect(await getWaitRemainingMs(test.db, keys, now)).toBe(1000);
    await recordFailure(test.db, keys, now);
    expect(await getWaitRemainingMs(test.db, keys, now)).toBe(2000);
    // Five failures do not keep the owner out for 15 minutes: from the same address two seconds,
    // from any other address not at all.
    expect(await getWaitRemainingMs(test.db, keys, new Date(now.getTime() + 2001))).toBe(0);
    expect(await getWaitRemainingMs(test.db, throttleKeys('someone@acme.example', '198.51.100.9'), now)).toBe(0);
    expect([1, 3, 4, 5, 10, 40].map((failures) => backoffMs('emailIp', failures))).toEqual([0, 0, 1000, 2000, 64_000, THROTTLE_POLICY.emailIp.maxMs]);
    // A guesser on many addresses slows the email down by at most a minute.
    expect(backoffMs('email', 1000)).toBe(THROTTLE_POLICY.email.maxMs);
    expect(THROTTLE_POLICY.email.maxMs).toBeLessThanOrEqual(60_000);

    // Failures an hour apart are forgotten.
    const spread = throttleKeys('spread@acme.example', undefined);
    for (let attempt = 0; attempt < 30; attempt++) await recordFailure(test.db, spread, new Date(now.getTime() + attempt * (THROTTLE_POLICY.forgetAfterMs + 1000)));
    expect(await getWaitRemainingMs(test.db, spread, new Date(now.getTime() + 30 * (THROTTLE_POLICY.forgetAfterMs + 1000)))).toBe(0);

    // One address trying many emails waits even though no single email does; the right password of
    // one account does not reset the address's count.
    const ipNow = new Date('2026-01-02T10:00:00Z');
    for (let attempt = 0; attempt <= THROTTLE_POLICY.ip.freeFailures; attempt++) {
      await recordFailure(test.db, throttleKeys(`user${attempt}@x.example`, '203.0.113.9'), ipNow);
    }
    expect(await getWaitRemainingMs(test.db, throttleKeys('fresh@x.example', '203.0.113.9'), ipNow)).toBeGreaterThan(0);
    await clearFailures(test.db, throttleKeys('fresh@x.example', '203.0.113.9'));
    expect(await getWaitRemainingMs(test.db, throttleKeys('fresh@x.example', '203.0.113.9'), ipNow)).toBeGreaterThan(0);
    expect(await getWaitRemainingMs(test.db, throttleKeys('fresh@x.example', '198.51.100.1'), ipNow)).toBe(0);
  });
});
