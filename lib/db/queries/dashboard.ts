import 'server-only';
import { and, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accountLedger, accountNumberCounts, accounts, invitations, memberships, phoneNumbers } from '@/lib/db/schema';

/**
 * Headline counts for the dashboard, over the account's subtree (E911 coverage: the account's own
 * numbers). One statement of scalar subqueries: every dashboard view asks it, and on the embedded
 * database each round trip costs more than these small counts.
 */
export async function getDashboardCountsByAccount(db: Db, { accountId, accountPath }: { accountId: string; accountPath: string }) {
  const inSubtree = like(accounts.path, `${accountPath}%`);
  const subtreeIds = db.select({ id: accounts.id }).from(accounts).where(inSubtree);
  const users = db
    .select({ users: sql<number>`count(distinct ${memberships.userId})` })
    .from(memberships)
    .where(inArray(memberships.accountId, subtreeIds));
  const pendingInvitations = db
    .select({ invitations: sql<number>`count(*)` })
    .from(invitations)
    .where(and(inArray(invitations.accountId, subtreeIds), sql`${invitations.acceptedAt} is null and ${invitations.revokedAt} is null and ${invitations.expiresAt} > now()`));
  // The subtree's live numbers and the account's own E911 coverage from the counters the
  // phone_numbers triggers keep (account_number_counts), not from counting the inventory.
  const numbers = db
    .select({
      counts: sql`array[
        coalesce(sum(${accountNumberCounts.live}), 0),
        coalesce(sum(${accountNumberCounts.live}) filter (where ${accountNumberCounts.accountId} = ${accountId}), 0),
        coalesce(sum(${accountNumberCounts.liveWithoutE911}) filter (where ${accountNumberCounts.accountId} = ${accountId}), 0)
      ]::int[]`,
    })
    .from(accountNumberCounts)
    .where(sql`${accountNumberCounts.accountId} = any(array(${subtreeIds}))`);
  const [row] = await db
    .select({
      subAccounts: sql<number>`(count(*) - 1)::int`,
      suspended: sql<number>`count(*) filter (where ${accounts.status} = 'suspended')::int`,
      users: sql<number>`(${users})::int`,
      pendingInvitations: sql<number>`(${pendingInvitations})::int`,
      numbers: sql<number[]>`(${numbers})`,
    })
    .from(accounts)
    .where(inSubtree);
  const [active = 0, own = 0, ownUnregistered = 0] = row?.numbers ?? [];
  return {
    subAccounts: row?.subAccounts ?? 0,
    suspended: row?.suspended ?? 0,
    users: row?.users ?? 0,
    pendingInvitations: row?.pendingInvitations ?? 0,
    numbers: active,
    /** The account's own live numbers, and those without a registered emergency address. */
    e911: { total: own, unregistered: ownUnregistered },
  };
}

/**
 * Per calendar month (UTC) from `from` for `months` months, over the account's subtree: the numbers
 * live at the month's end (now, for a month not over yet) and, with `spend`, what the ledger charged
 * in the month as an exact decimal string. One row per month, months without anything included.
 */
export async function getMonthlyNumbersAndSpendBySubtree(db: Db, { accountPath, from, months, spend: withSpend }: { accountPath: string; from: Date; months: number; spend: boolean }) {
  const subtree = db.select({ id: accounts.id }).from(accounts).where(like(accounts.path, `${accountPath}%`));
  const monthKeys = Array.from({ length: months }, (_, index) => new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + index, 1)).toISOString().slice(0, 7));
  // One pass over the subtree's numbers, grouped by the months they were activated and released in
  // (a few hundred groups at most); a month's count is then summed here. Joining every number to
  // every month instead costs months × numbers rows: 600,000 for twelve months of 50,000 numbers.
  const byLifetime = await db.execute(sql`
    select to_char(date_trunc('month', p.activated_at at time zone 'UTC'), 'YYYY-MM') as activated,
           to_char(date_trunc('month', p.released_at at time zone 'UTC'), 'YYYY-MM') as released,
           count(*)::int as numbers
    from ${phoneNumbers} p
    where p.account_id = any(array(${subtree}))
    group by 1, 2`);
  const lifetimes = rowsOf<{ activated: string; released: string | null; numbers: number | string }>(byLifetime);
  const numbersAt = (month: string) =>
    lifetimes.reduce((total, row) => (row.activated <= month && (row.released === null || row.released > month) ? total + Number(row.numbers) : total), 0);
  const spendByMonth = new Map<string, string>();
  if (withSpend) {
    const first = monthKeys[0]!;
    const charged = await db.execute(sql`
      select to_char(date_trunc('month', l.created_at at time zone 'UTC'), 'YYYY-MM') as month, (-sum(l.amount))::text as spend
      from ${accountLedger} l
      where l.account_id = any(array(${subtree}))
        and l.kind = 'charge'
        and l.created_at >= ${`${first}-01`}::timestamp at time zone 'UTC'
      group by 1`);
    for (const row of rowsOf<{ month: string; spend: string }>(charged)) spendByMonth.set(row.month, row.spend);
  }
  return monthKeys.map((month) => ({ month, numbers: numbersAt(month), spend: withSpend ? (spendByMonth.get(month) ?? '0') : undefined }));
}

/** postgres.js answers `execute` with the rows; PGlite with `{ rows }`. */
function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
}
