import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkPassword } from '@/lib/auth/password-check';
import { endUserSession, getLiveSessionUser, startUserSession } from '@/lib/auth/sessions';
import { accounts, loginThrottles, userSessions } from '@/lib/db/schema';
import { getMembersByAccount } from '@/lib/db/queries/users';
import { mustEnrolTwoFactor, owesTwoFactorSetUp } from '@/lib/services/two-factor';
import { changePassword, removeMembership } from '@/lib/services/users';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { enableTwoFactorFor } from '../support/two-factor';

describe('sign-in sessions held on the server', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  it('a signed-out session is dead even though its cookie would still verify', async () => {
    tenants = await seedTwoTenants(test.db);
    const viewer = await sessionUser(test.db, 'viewer@acme.example');
    const sessionId = await startUserSession(test.db, { userId: viewer.id, ip: '203.0.113.1' });
    expect((await getLiveSessionUser(test.db, sessionId))?.email).toBe('viewer@acme.example');
    await endUserSession(test.db, sessionId);
    expect(await getLiveSessionUser(test.db, sessionId)).toBeUndefined();
    expect(await getLiveSessionUser(test.db, 'made-up-session-id-0000000000')).toBeUndefined();
    expect(await getLiveSessionUser(test.db, undefined)).toBeUndefined();
  });

  it('has an absolute lifetime and an idle one', async () => {
    const viewer = await sessionUser(test.db, 'viewer@acme.example');
    const expired = await startUserSession(test.db, { userId: viewer.id });
    await test.db.update(userSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(userSessions.id, expired));
    expect(await getLiveSessionUser(test.db, expired)).toBeUndefined();

    const idle = await startUserSession(test.db, { userId: viewer.id });
    await test.db.update(userSessions).set({ lastSeenAt: new Date(Date.now() - 2 * 3600_000) }).where(eq(userSessions.id, idle));
    expect(await getLiveSessionUser(test.db, idle)).toBeUndefined();

    // Use keeps a session alive: the idle clock moves (at most once a minute).
    const busy = await startUserSession(test.db, { userId: viewer.id });
    await test.db.update(userSessions).set({ lastSeenAt: new Date(Date.now() - 30 * 60_000) }).where(eq(userSessions.id, busy));
    expect(await getLiveSessionUser(test.db, busy)).toBeDefined();
    const [row] = await test.db.select().from(userSessions).where(eq(userSessions.id, busy));
    expect(Date.now() - row!.lastSeenAt.getTime()).toBeLessThan(60_000);
  });

  it('an admin removing a user ends that user\'s sessions', async () => {
    const finance = await sessionUser(test.db, 'finance@acme.example');
    const sessionId = await startUserSession(test.db, { userId: finance.id });
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const membership = (await getMembersByAccount(test.db, { accountId: tenants.acme.id })).find((row) => row.user.email === 'finance@acme.example')!.membership;
    await removeMembership(owner, { membershipId: membership.id });
    expect(await getLiveSessionUser(test.db, sessionId)).toBeUndefined();
  });

  it('a password change checks the current password through the throttle and ends every other session', async () => {
    const tech = await sessionUser(test.db, 'tech@acme.example');
    const here = await startUserSession(test.db, { userId: tech.id });
    const elsewhere = await startUserSession(test.db, { userId: tech.id });
    const me = { ...tech, sessionId: here };

    await expect(changePassword(me, { currentPassword: 'portal-demo', newPassword: 'password1234' }, '203.0.113.4')).rejects.toMatchObject({
      code: 'invalid:password',
      fieldErrors: { newPassword: [expect.stringMatching(/too easy/)] },
    });
    // Wrong current passwords feed the same backoff as sign-in.
    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(changePassword(me, { currentPassword: 'not-my-password', newPassword: 'copper-violin-staple' }, '203.0.113.4')).rejects.toMatchObject({ code: 'invalid:password' });
    }
    await expect(changePassword(me, { currentPassword: 'portal-demo', newPassword: 'copper-violin-staple' }, '203.0.113.4')).rejects.toMatchObject({ code: 'rate_limited:password' });
    expect(await checkPassword(test.db, { email: 'tech@acme.example', password: 'portal-demo', ip: '203.0.113.4' })).toMatchObject({ ok: false, reason: 'throttled' });
    await test.db.delete(loginThrottles);

    expect(await changePassword(me, { currentPassword: 'portal-demo', newPassword: 'copper-violin-staple' }, '203.0.113.4')).toEqual({ endedSessions: 1 });
    expect(await getLiveSessionUser(test.db, here)).toBeDefined();
    expect(await getLiveSessionUser(test.db, elsewhere)).toBeUndefined();
    expect(await checkPassword(test.db, { email: 'tech@acme.example', password: 'copper-violin-staple', ip: '203.0.113.4' })).toMatchObject({ ok: true });
    expect(await checkPassword(test.db, { email: 'tech@acme.example', password: 'portal-demo', ip: '203.0.113.4' })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('reads the 2FA a user owes with the session row, as the guard would ask the database', async () => {
    const owes = async (email: string) => {
      const user = await sessionUser(test.db, email);
      const live = await getLiveSessionUser(test.db, await startUserSession(test.db, { userId: user.id }));
      const fromSession = owesTwoFactorSetUp(live!, live!.twoFactor);
      expect(fromSession).toBe(await mustEnrolTwoFactor(user, test.db));
      return fromSession;
    };
    expect(await owes('owner@globex.example')).toBe(false);
    // A policy on the account (or any above it) binds its members until they turn 2FA on.
    await test.db.update(accounts).set({ requireTwoFactor: true }).where(eq(accounts.id, tenants.globex.id));
    expect(await owes('owner@globex.example')).toBe(true);
    await enableTwoFactorFor(test.db, (await sessionUser(test.db, 'owner@globex.example')).id);
    expect(await owes('owner@globex.example')).toBe(false);
    // The demo's staff user has 2FA on; staff without it would owe it whatever the policies.
    expect(await owes('staff@carrier.example')).toBe(false);
  });
});
