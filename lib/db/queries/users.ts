import 'server-only';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, invitations, memberships, users, type MemberRole } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export async function getUserByEmail(db: Executor, { email }: { email: string }) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row;
}

export async function getUserById(db: Executor, { userId }: { userId: string }) {
  if (!isUuid(userId)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

/** The user's memberships on the given accounts (an account and its ancestors). */
export async function getMembershipsByUserOnAccounts(db: Executor, { userId, accountIds }: { userId: string; accountIds: string[] }) {
  if (accountIds.length === 0) return [];
  return db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.accountId, accountIds)));
}

export async function getMembershipsWithAccountsByUser(db: Executor, { userId }: { userId: string }) {
  return db
    .select({ membership: memberships, account: accounts })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(accounts.depth), asc(accounts.name));
}

/** Members of one account, with their user. */
export async function getMembersByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db
    .select({ membership: memberships, user: { id: users.id, email: users.email, name: users.name, lastSignInAt: users.lastSignInAt } })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.accountId, accountId))
    .orderBy(asc(users.email));
}

export async function getMembershipById(db: Executor, { membershipId, accountId }: { membershipId: string; accountId: string }) {
  if (!isUuid(membershipId)) return undefined;
  const [row] = await db
    .select({ membership: memberships, user: { id: users.id, email: users.email, name: users.name } })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.accountId, accountId)))
    .limit(1);
  return row;
}

export async function countOwnersByAccount(db: Executor, { accountId }: { accountId: string }) {
  const [row] = await db
    .select({ owners: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.accountId, accountId), eq(memberships.role, 'owner')));
  return row?.owners ?? 0;
}

export async function getPendingInvitationsByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.accountId, accountId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), sql`${invitations.expiresAt} > now()`))
    .orderBy(asc(invitations.email));
}

export async function getInvitationByTokenHash(db: Executor, { tokenHash }: { tokenHash: string }) {
  const [row] = await db
    .select({ invitation: invitations, accountName: accounts.name })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  return row;
}

export async function getInvitationById(db: Executor, { invitationId, accountId }: { invitationId: string; accountId: string }) {
  if (!isUuid(invitationId)) return undefined;
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.accountId, accountId)))
    .limit(1);
  return row;
}

export async function getMembershipByUserAccount(db: Executor, { userId, accountId }: { userId: string; accountId: string }) {
  const [row] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.accountId, accountId)));
  return row;
}

/** Locks the account's owner rows for the caller's transaction and counts them. */
export async function lockOwnersByAccount(db: Executor, { accountId }: { accountId: string }): Promise<number> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.accountId, accountId), eq(memberships.role, 'owner')))
    .for('update');
  return rows.length;
}

export async function insertMembershipIfMissing(db: Executor, membership: { userId: string; accountId: string; role: MemberRole }) {
  await db.insert(memberships).values(membership).onConflictDoNothing({ target: [memberships.userId, memberships.accountId] });
}

export async function updateMembershipRole(db: Executor, { membershipId, role }: { membershipId: string; role: MemberRole }) {
  await db.update(memberships).set({ role }).where(eq(memberships.id, membershipId));
}

export async function deleteMembership(db: Executor, { membershipId }: { membershipId: string }) {
  await db.delete(memberships).where(eq(memberships.id, membershipId));
}

export async function insertUser(db: Executor, user: { email: string; name: string; passwordHash: string }) {
  const [row] = await db.insert(users).values(user).returning();
  return row;
}

export async function updateUserPasswordHash(db: Executor, { userId, passwordHash }: { userId: string; passwordHash: string }) {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** A new invitation replaces any pending one for the same email, so only one link works. */
export async function revokePendingInvitationsByEmail(db: Executor, { accountId, email }: { accountId: string; email: string }) {
  await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.accountId, accountId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
}

export async function insertInvitation(db: Executor, invitation: typeof invitations.$inferInsert) {
  const [row] = await db.insert(invitations).values(invitation).returning({ id: invitations.id });
  return row;
}

export async function markInvitationRevoked(db: Executor, { invitationId }: { invitationId: string }) {
  await db.update(invitations).set({ revokedAt: new Date() }).where(eq(invitations.id, invitationId));
}

export async function markInvitationAccepted(db: Executor, { invitationId }: { invitationId: string }) {
  await db.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, invitationId));
}

/** The open invitation for a token hash, locked for the caller's transaction so it is accepted once. */
export async function lockOpenInvitationByTokenHash(db: Executor, { tokenHash }: { tokenHash: string }) {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), sql`${invitations.expiresAt} > now()`))
    .for('update');
  return row;
}
