import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, invitations, memberships, users } from '@/lib/db/schema';
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
