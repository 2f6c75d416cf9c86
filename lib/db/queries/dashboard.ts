import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accounts, invitations, memberships, phoneNumbers } from '@/lib/db/schema';

/** Headline counts for the dashboard, over the account's subtree (E911 coverage: the account's own numbers). */
export async function getDashboardCountsByAccount(db: Db, { accountId, accountPath }: { accountId: string; accountPath: string }) {
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
  // One pass over the subtree's live numbers (an index-only scan) gives the headline count and the
  // account's own E911 coverage; an IN over the subtree's ids, not a join, halves it at 50k numbers.
  const subtree = db.select({ id: accounts.id }).from(accounts).where(like(accounts.path, `${accountPath}%`));
  const [numbers] = await db
    .select({
      active: sql<number>`count(*)::int`,
      own: sql<number>`count(*) filter (where ${phoneNumbers.accountId} = ${accountId})::int`,
      ownUnregistered: sql<number>`count(*) filter (where ${phoneNumbers.accountId} = ${accountId} and ${phoneNumbers.e911Status} <> 'registered')::int`,
    })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.accountId, subtree), sql`${phoneNumbers.status} <> 'released'`));
  return {
    subAccounts: row?.subAccounts ?? 0,
    suspended: row?.suspended ?? 0,
    users: users?.users ?? 0,
    pendingInvitations: pending?.invitations ?? 0,
    numbers: numbers?.active ?? 0,
    /** The account's own live numbers, and those without a registered emergency address. */
    e911: { total: numbers?.own ?? 0, unregistered: numbers?.ownUnregistered ?? 0 },
  };
}
