import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { assertCan, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import type { Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { invitations, memberships, users } from '@/lib/db/schema';
import { getInvitationById, getInvitationByTokenHash, getMembershipById, getUserByEmail } from '@/lib/db/queries/users';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { recordAudit } from './audit';
import { deliverMail, queueMail } from './mail';

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
  const db = await getDb();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const inviteUrl = `${getEnv().appUrl}/invite/${token}`;
  const message = {
    to: input.email,
    subject: `You are invited to ${access.account.name} on Carrier Portal`,
    text: `${access.user.name} invited you to join ${access.account.name} as ${input.role}.\n\nAccept the invitation: ${inviteUrl}\n\nThe link expires on ${expiresAt.toUTCString()}.`,
  };
  const messageId = await db.transaction(async (tx) => {
    const existing = await getUserByEmail(tx, { email: input.email });
    if (existing) {
      const [member] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.userId, existing.id), eq(memberships.accountId, access.account.id)));
      if (member) {
        throw new AppError('conflict:member', 'That person is already a member of this account.', { fieldErrors: { email: ['Already a member of this account'] } });
      }
    }
    // A new invitation replaces any pending one for the same email, so only one link works.
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.accountId, access.account.id), eq(invitations.email, input.email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    const [created] = await tx
      .insert(invitations)
      .values({ accountId: access.account.id, email: input.email, role: input.role, tokenHash: hashInvitationToken(token), invitedByUserId: access.user.id, expiresAt })
      .returning({ id: invitations.id });
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
    await tx.update(invitations).set({ revokedAt: new Date() }).where(eq(invitations.id, invitation.id));
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
  | { state: 'open'; email: string; role: Role; accountName: string; existingUser: boolean };

/** What the invitation page shows for a token; never says more than "invalid" for a bad one. */
export async function describeInvitation(token: string): Promise<InvitationView> {
  const db = await getDb();
  const row = await getInvitationByTokenHash(db, { tokenHash: hashInvitationToken(token) });
  if (!row || row.invitation.acceptedAt || row.invitation.revokedAt || row.invitation.expiresAt < new Date()) return { state: 'invalid' };
  const existing = await getUserByEmail(db, { email: row.invitation.email });
  return { state: 'open', email: row.invitation.email, role: row.invitation.role as Role, accountName: row.accountName, existingUser: Boolean(existing) };
}

/**
 * Accepts an invitation. A new person sets a name and password; someone who already has a user
 * proves it with their password. Returns the email so the caller can sign them in.
 */
export async function acceptInvitation(input: { token: string; name?: string; password?: string }, ip?: string): Promise<{ email: string; accountId: string }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const locked = await tx.execute<{ id: string }>(
      sql`select id from invitations where token_hash = ${hashInvitationToken(input.token)} and accepted_at is null and revoked_at is null and expires_at > now() for update`,
    );
    const invitationId = (Array.isArray(locked) ? locked : (locked as unknown as { rows: { id: string }[] }).rows)[0]?.id;
    if (!invitationId) throw new AppError('invalid:invitation', 'This invitation link is invalid, expired or already used.');
    const [invitation] = await tx.select().from(invitations).where(eq(invitations.id, invitationId));
    if (!invitation) throw new AppError('invalid:invitation', 'This invitation link is invalid, expired or already used.');

    let user = await getUserByEmail(tx, { email: invitation.email });
    if (user) {
      const valid = input.password ? await verify(user.passwordHash, input.password).catch(() => false) : false;
      if (!valid) throw new AppError('invalid:password', 'That password is not right.', { fieldErrors: { password: ['That password is not right'] } });
    } else {
      const name = input.name?.trim();
      const fieldErrors: Record<string, string[]> = {};
      if (!name || name.length < 2) fieldErrors.name = ['Enter your name'];
      if (!input.password || input.password.length < 12) fieldErrors.password = ['Use at least 12 characters'];
      if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid:invitation_form', undefined, { fieldErrors });
      [user] = await tx
        .insert(users)
        .values({ email: invitation.email, name: name!, passwordHash: await hashPassword(input.password!) })
        .returning();
      if (!user) throw new AppError('internal:user_create');
    }
    await tx
      .insert(memberships)
      .values({ userId: user.id, accountId: invitation.accountId, role: invitation.role })
      .onConflictDoNothing({ target: [memberships.userId, memberships.accountId] });
    await tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, invitation.id));
    const actor: SessionUser = { id: user.id, email: user.email, name: user.name, isOperatorStaff: user.isOperatorStaff };
    await recordAudit(tx, { user: actor, actingAsStaff: false, ip, account: { id: invitation.accountId } as AccountAccess['account'] }, {
      accountId: invitation.accountId,
      action: 'user.join',
      targetType: 'membership',
      targetId: user.id,
      after: { email: user.email, role: invitation.role },
    });
    return { email: user.email, accountId: invitation.accountId };
  });
}

/** Locks the account's owner rows so two demotions cannot both pass the last-owner check. */
async function lockOwners(tx: Parameters<Parameters<Awaited<ReturnType<typeof getDb>>['transaction']>[0]>[0], accountId: string): Promise<number> {
  const result = await tx.execute(sql`select id from memberships where account_id = ${accountId} and role = 'owner' for update`);
  return (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows).length;
}

function lastOwner(): never {
  throw new AppError('conflict:last_owner', 'An account needs at least one owner: make someone else owner first.');
}

export async function changeMemberRole(access: AccountAccess, input: { membershipId: string; role: Role }): Promise<void> {
  assertCan(access, 'users.manage');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const row = await getMembershipById(tx, { membershipId: input.membershipId, accountId: access.account.id });
    if (!row) throw new AppError('not_found:membership');
    const from = row.membership.role as Role;
    if (from === input.role) return;
    if (from === 'owner' || input.role === 'owner') assertMayGrant(access, 'owner');
    if (from === 'owner' && (await lockOwners(tx, access.account.id)) <= 1) lastOwner();
    await tx.update(memberships).set({ role: input.role }).where(eq(memberships.id, row.membership.id));
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.role_change',
      targetType: 'membership',
      targetId: row.membership.id,
      before: { email: row.user.email, role: from },
      after: { email: row.user.email, role: input.role },
    });
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
      if ((await lockOwners(tx, access.account.id)) <= 1) lastOwner();
    }
    await tx.delete(memberships).where(eq(memberships.id, row.membership.id));
    await recordAudit(tx, access, {
      accountId: access.account.id,
      action: 'user.remove',
      targetType: 'membership',
      targetId: row.membership.id,
      before: { email: row.user.email, role: row.membership.role },
    });
  });
}
