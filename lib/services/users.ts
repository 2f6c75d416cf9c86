import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { assertCan, can, resolveAccess, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import type { Role } from '@/lib/auth/permissions';
import { checkPassword } from '@/lib/auth/password-check';
import { waitText } from '@/lib/auth/throttle';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { Account, Invitation, User } from '@/lib/db/schema';
import { revokeUserSessionsByUser } from '@/lib/db/queries/sessions';
import {
  deleteMembership,
  getInvitationById,
  getInvitationByTokenHash,
  getMembershipById,
  getMembershipByUserAccount,
  getMembershipsWithAccountsByUser,
  getUserByEmail,
  getUserById,
  insertInvitation,
  insertMembershipIfMissing,
  insertUser,
  lockOpenInvitationByTokenHash,
  lockOwnersByAccount,
  markInvitationAccepted,
  markInvitationRevoked,
  revokePendingInvitationsByEmail,
  updateMembershipRole,
  updateUserPasswordHash,
} from '@/lib/db/queries/users';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { passwordProblem } from '@/lib/validations/password';
import { recordAudit } from './audit';
import { deliverMail, queueMail } from './mail';
import { assertRecentSecondFactor } from './two-factor';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: 2 });
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function assertMayGrant(access: AccountAccess, role: Role) {
  if (role === 'owner' && !access.permissions.has('owners.manage')) {
    throw new AppError('forbidden:owner_role', 'Only an owner can grant or change the owner role.', { fieldErrors: { role: ['Only an owner can grant the owner role'] } });
  }
}

/** Invites by email into the account `access` is for. The link is returned once and mailed to the outbox. */
export async function inviteUser(access: AccountAccess, input: { email: string; role: Role }): Promise<{ inviteUrl: string; expiresAt: Date }> {
  assertCan(access, 'users.manage');
  assertMayGrant(access, input.role);
  // The link goes back to whoever invites: an admin or owner invited is a role handed out, which a
  // stolen session alone must not do (as a role change).
  if (input.role === 'owner' || input.role === 'admin') await assertRecentSecondFactor(access);
  const db = await getDb();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const inviteUrl = `${getEnv().appUrl}/invite/${token}`;
  const message = {
    to: input.email,
    subject: `You are invited to ${access.account.name} on Carrier Portal`,
    text: `${access.user.name} invited you to join ${access.account.name} as ${input.role}.\n\nAccept the invitation: ${inviteUrl}\n\nThe link expires on ${expiresAt.toUTCString()}.`,

    secrets: [inviteUrl],
  };
  const messageId = await db.transaction(async (tx) => {
    const existing = await getUserByEmail(tx, { email: input.email });
    if (existing) {
      const member = await getMembershipByUserAccount(tx, { userId: existing.id, accountId: access.account.id });
      if (member) {
        throw new AppError('conflict:member', 'That person is already a member of this account.', { fieldErrors: { email: ['Already a member of this account'] } });
      }
    }
    await revokePendingInvitationsByEmail(tx, { accountId: access.account.id, email: input.email });
    const created = await insertInvitation(tx, { accountId: access.account.id, email: input.email, role: input.role, tokenHash: hashInvitationToken(token), invitedByUserId: access.user.id, expiresAt });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.invite',
      targetType: 'invitation',
      targetId: created?.id,
      after: { email: input.email, role: input.role },
    });
    return queueMail(tx, message);
  });
  await deliverMail(db, messageId, message);
  return { inviteUrl, expiresAt };
}

export async function revokeInvitation(access: AccountAccess, invitationId: string): Promise<void> {
  assertCan(access, 'users.manage');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const invitation = await getInvitationById(tx, { invitationId, accountId: access.account.id });
    if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw new AppError('not_found:invitation');
    await markInvitationRevoked(tx, { invitationId: invitation.id });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.invite_revoke',
      targetType: 'invitation',
      targetId: invitation.id,
      before: { email: invitation.email, role: invitation.role },
    });
  });
}

export type InvitationView =
  | { state: 'invalid' }
  | { state: 'open'; email: string; role: Role; accountName: string; signedInAs?: { email: string; matches: boolean } };

/**
 * What the invitation page shows for a token; never says more than "invalid" for a bad one, and
 * never whether the email already has a user (the page is the same either way).
 */
export async function describeInvitation(token: string, viewer?: SessionUser | null): Promise<InvitationView> {
  const db = await getDb();
  const row = await getInvitationByTokenHash(db, { tokenHash: hashInvitationToken(token) });
  if (!row || row.invitation.acceptedAt || row.invitation.revokedAt || row.invitation.expiresAt < new Date()) return { state: 'invalid' };
  if (!(await inviterStillMayInvite(db, row.invitation))) return { state: 'invalid' };
  return {
    state: 'open',
    email: row.invitation.email,
    role: row.invitation.role as Role,
    accountName: row.accountName,
    signedInAs: viewer ? { email: viewer.email, matches: viewer.email === row.invitation.email } : undefined,
  };
}

const INVALID_INVITATION = 'This invitation link is invalid, expired or already used.';

/**
 * An invitation speaks for whoever sent it, as an API key does for its creator: once they are
 * disabled, removed, or no longer allowed to hand out its role there, the link grants nothing.
 */
async function inviterStillMayInvite(db: Db | Tx, invitation: Pick<Invitation, 'invitedByUserId' | 'accountId' | 'role'>): Promise<boolean> {
  const inviter = invitation.invitedByUserId ? await getUserById(db, { userId: invitation.invitedByUserId }) : undefined;
  if (!inviter || inviter.disabledAt) return false;
  const asInviter: SessionUser = { id: inviter.id, email: inviter.email, name: inviter.name, isOperatorStaff: inviter.isOperatorStaff };
  const access = await resolveAccess(db, asInviter, invitation.accountId).catch((error: unknown) => {
    if (error instanceof AppError) return undefined;
    throw error;
  });
  return Boolean(access && can(access, 'users.manage') && (invitation.role !== 'owner' || can(access, 'owners.manage')));
}

/** The open invitation for a token, locked for this transaction so it is accepted once. */
async function lockOpenInvitation(tx: Tx, token: string) {
  const invitation = await lockOpenInvitationByTokenHash(tx, { tokenHash: hashInvitationToken(token) });
  if (!invitation || !(await inviterStillMayInvite(tx, invitation))) throw new AppError('invalid:invitation', INVALID_INVITATION);
  return invitation;
}

async function joinAccount(tx: Tx, invitation: Invitation, user: User, ip: string | undefined) {
  await insertMembershipIfMissing(tx, { userId: user.id, accountId: invitation.accountId, role: invitation.role });
  await markInvitationAccepted(tx, { invitationId: invitation.id });
  const actor: SessionUser = { id: user.id, email: user.email, name: user.name, isOperatorStaff: user.isOperatorStaff };
  await recordAudit(tx, { actor: { kind: 'user', user: actor }, actingAsStaff: false, ip, account: { id: invitation.accountId } as AccountAccess['account'] }, {
    accountId: invitation.accountId,
    action: 'user.join',
    targetType: 'membership',
    targetId: user.id,
    after: { email: user.email, role: invitation.role },
  });
}

/**
 * A new person accepts: they choose a name and a password, and a user is created for the
 * invitation's email. No password of an existing user is ever checked here: someone who already
 * has a user signs in first (with the sign-in throttle) and accepts as that user.
 */
export async function acceptInvitationAsNewUser(input: { token: string; name: string; password: string }, ip?: string): Promise<{ userId: string; accountId: string }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const invitation = await lockOpenInvitation(tx, input.token);
    if (await getUserByEmail(tx, { email: invitation.email })) {
      throw new AppError('conflict:existing_user', `To accept, sign in as ${invitation.email} and open this link again.`);
    }
    const problem = passwordProblem(input.password, [invitation.email, input.name]);
    if (problem) throw new AppError('invalid:password', 'Choose a stronger password.', { fieldErrors: { password: [problem] } });
    const user = await insertUser(tx, { email: invitation.email, name: input.name, passwordHash: await hashPassword(input.password) });
    if (!user) throw new AppError('internal:user_create');
    await joinAccount(tx, invitation, user, ip);
    return { userId: user.id, accountId: invitation.accountId };
  });
}

/** A signed-in user accepts an invitation addressed to their own email. */
export async function acceptInvitationAsUser(viewer: SessionUser, input: { token: string }, ip?: string): Promise<{ accountId: string }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const invitation = await lockOpenInvitation(tx, input.token);
    const user = await getUserByEmail(tx, { email: viewer.email });
    if (!user || user.id !== viewer.id || user.email !== invitation.email) {
      throw new AppError('forbidden:invitation', `This invitation is for another email address. Sign out, then sign in as the invited person to accept it.`);
    }
    await joinAccount(tx, invitation, user, ip);
    return { accountId: invitation.accountId };
  });
}

/**
 * Changes the signed-in user's password: the current one is checked through the shared throttle,
 * the new one against the policy, and every other session of the user ends.
 */
export async function changePassword(viewer: SessionUser, input: { currentPassword: string; newPassword: string }, ip?: string): Promise<{ endedSessions: number }> {
  const db = await getDb();
  const check = await checkPassword(db, { email: viewer.email, password: input.currentPassword, ip });
  if (!check.ok) {
    if (check.reason === 'throttled') throw new AppError('rate_limited:password', `Too many wrong passwords. Try again in ${waitText(check.waitMs)}.`);
    throw new AppError('invalid:password', 'That is not your current password.', { fieldErrors: { currentPassword: ['That is not your current password'] } });
  }
  if (check.user.id !== viewer.id) throw new AppError('unauthorized:session');
  const problem = passwordProblem(input.newPassword, [viewer.email, viewer.name]);
  if (problem) throw new AppError('invalid:password', 'Choose a stronger password.', { fieldErrors: { newPassword: [problem] } });
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await updateUserPasswordHash(tx, { userId: viewer.id, passwordHash });
    const endedSessions = await revokeUserSessionsByUser(tx, { userId: viewer.id, keepSessionId: viewer.sessionId });
    const [first] = await getMembershipsWithAccountsByUser(tx, { userId: viewer.id });
    if (first) {
      await recordAudit(tx, { actor: { kind: 'user', user: viewer }, actingAsStaff: false, ip, account: first.account }, {
        accountId: first.account.id,
        action: 'user.password_change',
        targetType: 'user',
        targetId: viewer.id,
        after: { endedSessions },
      });
    }
    return { endedSessions };
  });
}

function lastOwner(): never {
  throw new AppError('conflict:last_owner', 'An account needs at least one owner: make someone else owner first.');
}

/**
 * Whether the owner being demoted or removed is the account's last. A sub-account is always owned
 * through its parents (their owners' roles reach it), so only a top-level account can lose its last.
 * The owner rows stay locked, so two demotions cannot both pass.
 */
async function isLastOwner(tx: Tx, account: Pick<Account, 'id' | 'parentId'>): Promise<boolean> {
  if (account.parentId) return false;
  return (await lockOwnersByAccount(tx, { accountId: account.id })) <= 1;
}

/** Answers whether the role changed: another tab may have set it already. */
export async function changeMemberRole(access: AccountAccess, input: { membershipId: string; role: Role }): Promise<{ changed: boolean; email: string }> {
  assertCan(access, 'users.manage');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await getMembershipById(tx, { membershipId: input.membershipId, accountId: access.account.id });
    if (!row) throw new AppError('not_found:membership');
    const from = row.membership.role as Role;
    if (from === input.role) return { changed: false, email: row.user.email };
    if (from === 'owner' || input.role === 'owner') assertMayGrant(access, 'owner');
    // Roles hand out access: a stolen session alone must not be enough (issue 13.6). Asked after
    // "not found" and the owner rule, so another tenant's id still reads as unknown.
    await assertRecentSecondFactor(access, { tx });
    if (from === 'owner' && (await isLastOwner(tx, access.account))) lastOwner();
    await updateMembershipRole(tx, { membershipId: row.membership.id, role: input.role });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.role_change',
      targetType: 'membership',
      targetId: row.membership.id,
      before: { email: row.user.email, role: from },
      after: { email: row.user.email, role: input.role },
    });
    return { changed: true, email: row.user.email };
  });
}

export async function removeMembership(access: AccountAccess, input: { membershipId: string }): Promise<void> {
  assertCan(access, 'users.manage');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const row = await getMembershipById(tx, { membershipId: input.membershipId, accountId: access.account.id });
    if (!row) throw new AppError('not_found:membership');
    if (row.membership.role === 'owner') {
      assertMayGrant(access, 'owner');
      // Removing an owner is how a stolen session would lock the real one out.
      await assertRecentSecondFactor(access, { tx });
      if (await isLastOwner(tx, access.account)) lastOwner();
    }
    await deleteMembership(tx, { membershipId: row.membership.id });
    // Whatever they had open ends now, not when the cookie expires; other memberships need a new sign-in.
    await revokeUserSessionsByUser(tx, { userId: row.user.id });
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.remove',
      targetType: 'membership',
      targetId: row.membership.id,
      before: { email: row.user.email, role: row.membership.role },
    });
  });
}
