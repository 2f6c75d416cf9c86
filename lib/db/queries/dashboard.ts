import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accounts, invitations, memberships, phoneNumbers } from '@/lib/db/schema';

/** Headline counts for the dashboard, over the account's subtree. */
export async function getDashboardCountsByAccount(db: Db, { accountPath }: { accountPath: string }) {
  const [row] = await db
    .select({
      subAccounts: sql<number>`(count(*) - 1)::int`,
      suspended: sql<number>`count(*) filter (where ${accounts.status} = 'suspended')::int`,
    })
    .from(accounts)
    .where(like(accounts.path, `${accountPath}%`));
  const [users] = await db
    .select({ users: sql<number>`count(distinct ${memberships.userId})::int` })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.id, memberships.accountId))
    .where(like(accounts.path, `${accountPath}%`));
  const [pending] = await db
    .select({ invitations: sql<number>`count(*)::int` })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(and(like(accounts.path, `${accountPath}%`), sql`${invitations.acceptedAt} is null and ${invitations.revokedAt} is null and ${invitations.expiresAt} > now()`));
  const [numbers] = await db
    .select({ active: sql<number>`count(*)::int` })
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .where(and(like(accounts.path, `${accountPath}%`), sql`${phoneNumbers.status} <> 'released'`));
  return {
    subAccounts: row?.subAccounts ?? 0,
    suspended: row?.suspended ?? 0,
    users: users?.users ?? 0,
    pendingInvitations: pending?.invitations ?? 0,
    numbers: numbers?.active ?? 0,
  };
}
