import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveApiKeyAccess } from '@/lib/auth/access';
import { checkPassword } from '@/lib/auth/password-check';
import { startUserSession } from '@/lib/auth/sessions';
import { THROTTLE_POLICY } from '@/lib/auth/throttle';
import { currentTotp, hashRecoveryCode } from '@/lib/auth/totp';
import { auditEvents, loginThrottles, memberships, signInChallenges, userRecoveryCodes, users, userSessions, userTwoFactor } from '@/lib/db/schema';
import { getMembersByAccount } from '@/lib/db/queries/users';
import { openSecret } from '@/lib/services/secret-box';
import {
  assertRecentSecondFactor,
  completeSignInChallenge,
  confirmStepUp,
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  getPendingEnrolment,
  getTwoFactorStatus,
  issueSignInChallenge,
  mustEnrolTwoFactor,
  regenerateRecoveryCodes,
  setRequireTwoFactor,
  SIGN_IN_CHALLENGE_MAX_ATTEMPTS,
  startTwoFactorEnrolment,
} from '@/lib/services/two-factor';
import { changeMemberRole, inviteUser, removeMembership } from '@/lib/services/users';
import { DEMO_STAFF_TOTP_SECRET } from '@/lib/db/seed-demo';
import { createTestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { enableTwoFactorFor, steppedUp } from '../support/two-factor';

/** A code for a later 30-second step than any used so far (each step is accepted once). */
function codeAt(secret: string, stepsAhead: number) {
  return currentTotp(secret, new Date(Date.now() + stepsAhead * 30_000));
}

function wrongCode(code: string) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

describe('Two-factor authentication', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  });

  async function signedInUser(email: string) {
    const user = await sessionUser(test.db, email);
    return { ...user, sessionId: await startUserSession(test.db, { userId: user.id }) };
  }

  it('enrols: a sealed secret and QR, one code turns it on, ten recovery codes shown once and stored hashed, audited on the user’s accounts', async () => {
    const viewer = await signedInUser('tech@acme.example');
    // Signed in elsewhere with the password alone, before 2FA: that session ends with the set-up.
    const passwordOnly = await startUserSession(test.db, { userId: viewer.id });
    const started = await startTwoFactorEnrolment(viewer);
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.uri).toContain(`secret=${started.secret}`);
    expect(started.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const [row] = await test.db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, viewer.id));
    expect(row!.secretSealed).not.toContain(started.secret);
    expect(openSecret(row!.secretSealed)).toBe(started.secret);
    expect(row!.enabledAt).toBeNull();
    expect((await getTwoFactorStatus(viewer)).pending).toBe(true);
    // Another session of the same user (the same password, perhaps not the same person) neither
    // sees the pending secret nor confirms it.
    const elsewhere = { ...viewer, sessionId: passwordOnly };
    expect(await getPendingEnrolment(elsewhere)).toBeUndefined();
    expect((await getPendingEnrolment(viewer))?.secret).toBe(started.secret);
    await expect(confirmTwoFactorEnrolment(elsewhere, { code: await currentTotp(started.secret) }, '203.0.113.51')).rejects.toMatchObject({ code: 'conflict:two_factor_not_started' });

    const code = await currentTotp(started.secret);
    await expect(confirmTwoFactorEnrolment(viewer, { code: wrongCode(code) }, '203.0.113.50')).rejects.toMatchObject({ code: 'invalid:code' });
    const { recoveryCodes } = await confirmTwoFactorEnrolment(viewer, { code }, '203.0.113.50');
    expect(recoveryCodes).toHaveLength(10);
    const sessionsLeft = await test.db.select().from(userSessions).where(eq(userSessions.userId, viewer.id));
    expect(sessionsLeft.find((row) => row.id === passwordOnly)?.revokedAt ?? null).not.toBeNull();
    expect(sessionsLeft.find((row) => row.id === viewer.sessionId)?.revokedAt).toBeNull();
    const stored = await test.db.select().from(userRecoveryCodes).where(eq(userRecoveryCodes.userId, viewer.id));
    expect(stored.map((item) => item.codeHash).sort()).toEqual(recoveryCodes.map(hashRecoveryCode).sort());
    expect(stored.some((item) => recoveryCodes.includes(item.codeHash))).toBe(false);
    expect(await getTwoFactorStatus(viewer)).toMatchObject({ enabled: true, pending: false, recoveryCodesLeft: 10 });
    // Confirming the set-up counts as a fresh confirmation in this session.
    await expect(assertRecentSecondFactor(await steppedUpless(viewer))).resolves.toBeUndefined();
    await expect(startTwoFactorEnrolment(viewer)).rejects.toMatchObject({ code: 'conflict:two_factor_on' });

    const audits = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'user.two_factor_enable'), eq(auditEvents.targetId, viewer.id)));
    expect(audits.map((audit) => audit.accountId)).toEqual([tenants.acme.id]);
  });

  /** The access of a user in their sign-in session (acme), without stamping anything. */
  async function steppedUpless(viewer: Awaited<ReturnType<typeof signedInUser>>) {
    const access = await accessAs(test.db, viewer.email, tenants.acme.id);
    return { ...access, user: viewer, actor: { kind: 'user' as const, user: viewer } };
  }

  it('signs in in two steps: a challenge after the password, then a TOTP or recovery code; each code works once', async () => {
    const finance = await sessionUser(test.db, 'finance@acme.example');
    const secret = await enableTwoFactorFor(test.db, finance.id);
    const viewer = { ...finance, sessionId: await startUserSession(test.db, { userId: finance.id }) };
    const { recoveryCodes } = await regenerateRecoveryCodes(viewer, { code: await codeAt(secret, 0) }, '198.51.100.7');

    const challenge = await issueSignInChallenge(finance.id);
    const [stored] = await test.db.select().from(signInChallenges).where(eq(signInChallenges.userId, finance.id));
    expect(stored!.tokenHash).not.toBe(challenge);
    const code = await codeAt(secret, 1);
    await expect(completeSignInChallenge({ challenge, code: wrongCode(code), ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'invalid:code' });
    const done = await completeSignInChallenge({ challenge, code, ip: '198.51.100.7' });
    expect(done).toMatchObject({ user: { id: finance.id }, method: 'totp' });
    // The challenge is used up, and the same code does not open a new one.
    await expect(completeSignInChallenge({ challenge, code, ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'unauthorized:challenge' });
    await expect(completeSignInChallenge({ challenge: await issueSignInChallenge(finance.id), code, ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'invalid:code' });

    const recovery = recoveryCodes[3]!;
    expect(await completeSignInChallenge({ challenge: await issueSignInChallenge(finance.id), code: recovery.toUpperCase(), ip: '198.51.100.7' })).toMatchObject({ method: 'recovery_code' });
    await expect(completeSignInChallenge({ challenge: await issueSignInChallenge(finance.id), code: recovery, ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'invalid:code' });
    expect((await getTwoFactorStatus(finance)).recoveryCodesLeft).toBe(9);

    // An expired challenge, and nonsense, are "start again".
    const old = await issueSignInChallenge(finance.id, new Date(Date.now() - 10 * 60_000));
    await expect(completeSignInChallenge({ challenge: old, code: await codeAt(secret, 2), ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'unauthorized:challenge' });
    await expect(completeSignInChallenge({ challenge: 'not a challenge', code: '123456', ip: '198.51.100.7' })).rejects.toMatchObject({ code: 'unauthorized:challenge' });
  });

  it('throttles wrong codes per user and address like sign-in, and ends a challenge after too many', async () => {
    const viewerUser = await sessionUser(test.db, 'viewer@acme.example');
    const secret = await enableTwoFactorFor(test.db, viewerUser.id);
    const challenge = await issueSignInChallenge(viewerUser.id);
    const good = await codeAt(secret, 0);
    // Three wrong codes from one address are free; the fourth pushes the next attempt out.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await expect(completeSignInChallenge({ challenge, code: wrongCode(good), ip: '192.0.2.44' })).rejects.toMatchObject({ code: 'invalid:code' });
    }
    await expect(completeSignInChallenge({ challenge, code: good, ip: '192.0.2.44' })).rejects.toMatchObject({ code: 'rate_limited:two_factor' });
    const keys = (await test.db.select().from(loginThrottles)).map((row) => row.key);
    expect(keys).toEqual(expect.arrayContaining([`2fa:user:${viewerUser.id}`, `2fa:user-ip:${viewerUser.id}|192.0.2.44`, '2fa:ip:192.0.2.44']));

    // Another address is not held up by this one's key, but the challenge died after its fifth wrong code.
    await expect(completeSignInChallenge({ challenge, code: wrongCode(good), ip: '192.0.2.45' })).rejects.toMatchObject({ code: 'invalid:code' });
    const [row] = await test.db.select().from(signInChallenges).where(eq(signInChallenges.userId, viewerUser.id));
    expect(row!.failedAttempts).toBe(SIGN_IN_CHALLENGE_MAX_ATTEMPTS);
    expect(row!.consumedAt).not.toBeNull();
    await test.db.delete(loginThrottles);
    await expect(completeSignInChallenge({ challenge, code: good, ip: '192.0.2.45' })).rejects.toMatchObject({ code: 'unauthorized:challenge' });
    expect(await completeSignInChallenge({ challenge: await issueSignInChallenge(viewerUser.id), code: good, ip: '192.0.2.45' })).toMatchObject({ method: 'totp' });
  });

  it('holds parallel guesses to the same limits as guesses one after another (codes and passwords)', async () => {
    const owner = await sessionUser(test.db, 'owner@globex.example');
    const secret = await enableTwoFactorFor(test.db, owner.id);
    const good = await codeAt(secret, 0);
    const challenge = await issueSignInChallenge(owner.id);
    const codes = await Promise.allSettled(Array.from({ length: 30 }, () => completeSignInChallenge({ challenge, code: wrongCode(good), ip: '192.0.2.60' })));
    const checked = codes.filter((result) => result.status === 'rejected' && (result.reason as { code?: string }).code === 'invalid:code');
    // Three free wrong codes from one address, the fourth counted as it sets the wait: four checked, not thirty.
    expect(checked.length).toBeLessThanOrEqual(4);
    expect(checked.length).toBeGreaterThan(0);

    const passwords = await Promise.all(Array.from({ length: 30 }, (_, index) => checkPassword(test.db, { email: 'owner@globex.example', password: `wrong-${index}`, ip: '192.0.2.61' })));
    const passwordsChecked = passwords.filter((result) => !result.ok && result.reason === 'invalid');
    expect(passwordsChecked.length).toBeLessThanOrEqual(THROTTLE_POLICY.emailIp.freeFailures + 1);
    expect(passwords.filter((result) => !result.ok && result.reason === 'throttled').length).toBeGreaterThan(0);

    // One challenge spends at most its own attempts, whatever the addresses.
    await test.db.delete(loginThrottles);
    const another = await issueSignInChallenge(owner.id);
    const spread = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => completeSignInChallenge({ challenge: another, code: wrongCode(good), ip: `192.0.2.${70 + index}` })));
    expect(spread.filter((result) => result.status === 'rejected' && (result.reason as { code?: string }).code === 'invalid:code').length).toBe(SIGN_IN_CHALLENGE_MAX_ATTEMPTS);
    await test.db.delete(loginThrottles);
    await expect(completeSignInChallenge({ challenge: another, code: good, ip: '192.0.2.90' })).rejects.toMatchObject({ code: 'unauthorized:challenge' });
    // A right password gives its count back to the address: sign-ins from one office do not add up.
    expect((await checkPassword(test.db, { email: 'owner@globex.example', password: 'globex-password-1', ip: '192.0.2.91' })).ok).toBe(true);
    const [address] = await test.db.select().from(loginThrottles).where(eq(loginThrottles.key, 'ip:192.0.2.91'));
    expect(address?.failures ?? 0).toBe(0);
    await test.db.delete(userTwoFactor).where(eq(userTwoFactor.userId, owner.id));
    await test.db.delete(loginThrottles);
  });

  it('staff must enrol; the policy of an account (or an ancestor) makes its members enrol and keeps 2FA on', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    // The demo staff member is seeded with the published demo secret.
    const [staffRow] = await test.db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, staff.id));
    expect(openSecret(staffRow!.secretSealed)).toBe(DEMO_STAFF_TOTP_SECRET);
    expect(await mustEnrolTwoFactor(staff)).toBe(false);
    await test.db.delete(userTwoFactor).where(eq(userTwoFactor.userId, staff.id));
    expect(await mustEnrolTwoFactor(staff)).toBe(true);

    const globexOwner = await sessionUser(test.db, 'owner@globex.example');
    expect(await mustEnrolTwoFactor(globexOwner)).toBe(false);
    const globexAccess = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    // The owner turns it on for themselves first.
    await expect(setRequireTwoFactor(globexAccess, true)).rejects.toMatchObject({ code: 'forbidden:two_factor_off' });
    const secret = await enableTwoFactorFor(test.db, globexOwner.id);
    await setRequireTwoFactor(globexAccess, true);
    const [policyAudit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'account.two_factor_policy'), eq(auditEvents.accountId, tenants.globex.id)));
    expect(policyAudit).toMatchObject({ before: { requireTwoFactor: false }, after: { requireTwoFactor: true } });
    // Only owners set it; Acme's members are not covered by Globex's policy.
    const acmeAdmin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    await expect(setRequireTwoFactor(acmeAdmin, true)).rejects.toMatchObject({ code: 'forbidden:role' });
    expect(await mustEnrolTwoFactor(await sessionUser(test.db, 'admin@acme.example'))).toBe(false);

    // A member of a sub-account is covered by the policy of the account above it.
    const [member] = await test.db.insert(users).values({ email: 'branch@globex.example', name: 'Branch Member', passwordHash: 'x' }).returning();
    await test.db.insert(memberships).values({ userId: member!.id, accountId: tenants.globexBranch.id, role: 'technical' });
    expect(await mustEnrolTwoFactor({ id: member!.id, isOperatorStaff: false })).toBe(true);
    expect((await getTwoFactorStatus({ id: member!.id, isOperatorStaff: false })).requiredBy.accounts.map((account) => account.id)).toEqual([tenants.globex.id]);

    // The policy keeps 2FA on for its members; staff can never turn it off.
    const viewer = { ...globexOwner, sessionId: await startUserSession(test.db, { userId: globexOwner.id }) };
    await expect(disableTwoFactor(viewer, { code: await codeAt(secret, 0) })).rejects.toMatchObject({ code: 'forbidden:two_factor_required' });
    await enableTwoFactorFor(test.db, staff.id);
    await expect(disableTwoFactor({ ...staff, sessionId: 'x'.repeat(43) }, { code: '000000' })).rejects.toMatchObject({ code: 'forbidden:two_factor_required' });

    // Lifting the policy asks for a fresh code, as a role change does.
    await expect(setRequireTwoFactor(globexAccess, false)).rejects.toMatchObject({ code: 'forbidden:step_up' });
    const confirmed = { ...globexOwner, sessionId: await startUserSession(test.db, { userId: globexOwner.id, secondFactorAt: new Date() }) };
    await setRequireTwoFactor({ ...globexAccess, user: confirmed, actor: { kind: 'user', user: confirmed } }, false);
    expect(await mustEnrolTwoFactor({ id: member!.id, isOperatorStaff: false })).toBe(false);
    await disableTwoFactor(viewer, { code: await codeAt(secret, 1) });
    expect(await getTwoFactorStatus(globexOwner)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'user.two_factor_disable'), eq(auditEvents.targetId, globexOwner.id)))).toHaveLength(1);
  });

  it('step-up: a code confirmed within ten minutes in this session lets an owner change a role; later, without 2FA, or with an API key it does not', async () => {
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const members = await getMembersByAccount(test.db, { accountId: tenants.acme.id });
    const techMembership = members.find((row) => row.user.email === 'tech@acme.example')!.membership;

    // No 2FA at all: refused with how to turn it on.
    await expect(changeMemberRole(owner, { membershipId: techMembership.id, role: 'viewer' })).rejects.toMatchObject({ code: 'forbidden:step_up', message: expect.stringContaining('Profile → Security') });
    const secret = await enableTwoFactorFor(test.db, owner.user.id);
    const sessionId = await startUserSession(test.db, { userId: owner.user.id });
    const inSession = { ...owner, user: { ...owner.user, sessionId }, actor: { kind: 'user' as const, user: { ...owner.user, sessionId } } };
    await expect(changeMemberRole(inSession, { membershipId: techMembership.id, role: 'viewer' })).rejects.toMatchObject({ code: 'forbidden:step_up', message: 'Confirm it is you with your authenticator code first.' });

    await expect(confirmStepUp(inSession.user, { code: wrongCode(await codeAt(secret, 0)) })).rejects.toMatchObject({ code: 'invalid:code' });
    await confirmStepUp(inSession.user, { code: await codeAt(secret, 0) });
    await changeMemberRole(inSession, { membershipId: techMembership.id, role: 'viewer' });
    expect((await accessAs(test.db, 'tech@acme.example', tenants.acme.id)).role).toBe('viewer');

    // The stamp belongs to this session only, and lasts ten minutes.
    const otherSession = await startUserSession(test.db, { userId: owner.user.id });
    await expect(assertRecentSecondFactor({ ...owner, actor: { kind: 'user', user: { ...owner.user, sessionId: otherSession } } })).rejects.toMatchObject({ code: 'forbidden:step_up' });
    await expect(assertRecentSecondFactor(inSession, { now: new Date(Date.now() + 9 * 60_000) })).resolves.toBeUndefined();
    await expect(assertRecentSecondFactor(inSession, { now: new Date(Date.now() + 11 * 60_000) })).rejects.toMatchObject({ code: 'forbidden:step_up' });
    const stale = await steppedUp(test.db, owner, new Date(Date.now() - 11 * 60_000));
    await expect(changeMemberRole(stale, { membershipId: techMembership.id, role: 'technical' })).rejects.toMatchObject({ code: 'forbidden:step_up' });

    // An API key never passes, whatever its role.
    const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'admin', createdBy: 'owner@acme.example' });
    const keyAccess = await resolveApiKeyAccess(test.db, { id: key.id, name: 'admin key', prefix: key.secret.slice(0, 14), role: 'admin', scopes: [], accountId: tenants.acme.id, createdByUserId: owner.user.id });
    await expect(assertRecentSecondFactor(keyAccess)).rejects.toMatchObject({ code: 'forbidden:step_up' });
    await expect(changeMemberRole(keyAccess, { membershipId: techMembership.id, role: 'technical' })).rejects.toMatchObject({ code: 'forbidden:step_up' });

    // Inviting an admin or owner hands out a role too, and removing an owner locks one out: a fresh
    // code for those; other invitations and removals need none.
    await expect(inviteUser(stale, { email: 'new-admin@acme.example', role: 'admin' })).rejects.toMatchObject({ code: 'forbidden:step_up' });
    await expect(inviteUser(stale, { email: 'new-owner@acme.example', role: 'owner' })).rejects.toMatchObject({ code: 'forbidden:step_up' });
    await expect(inviteUser(stale, { email: 'new-viewer@acme.example', role: 'viewer' })).resolves.toMatchObject({ inviteUrl: expect.any(String) });
    await expect(inviteUser(inSession, { email: 'new-admin@acme.example', role: 'admin' })).resolves.toMatchObject({ inviteUrl: expect.any(String) });
    await changeMemberRole(inSession, { membershipId: members.find((row) => row.user.email === 'admin@acme.example')!.membership.id, role: 'owner' });
    const secondOwner = members.find((row) => row.user.email === 'admin@acme.example')!.membership;
    await expect(removeMembership(stale, { membershipId: secondOwner.id })).rejects.toMatchObject({ code: 'forbidden:step_up' });
    expect((await accessAs(test.db, 'admin@acme.example', tenants.acme.id)).role).toBe('owner');
    await removeMembership(inSession, { membershipId: secondOwner.id });

    // A sub-account's only direct owner may go: the parent's owners still own it.
    const eastAccess = { ...inSession, account: tenants.east };
    const [eastUser] = await test.db.insert(users).values({ email: 'east-boss@acme.example', name: 'East Boss', passwordHash: 'x' }).returning();
    const [eastOwner] = await test.db.insert(memberships).values({ userId: eastUser!.id, accountId: tenants.east.id, role: 'owner' }).returning();
    await changeMemberRole(eastAccess, { membershipId: eastOwner!.id, role: 'admin' });
    await changeMemberRole(eastAccess, { membershipId: eastOwner!.id, role: 'owner' });
    await removeMembership(eastAccess, { membershipId: eastOwner!.id });
    expect(await test.db.select().from(memberships).where(eq(memberships.id, eastOwner!.id))).toEqual([]);
  });
});
