import 'server-only';
import { rowsOf } from '@/lib/db/rows';
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { accountLedger, accountNumberCounts, accounts, cdrRollups, invitations, memberships, phoneNumbers, trunkGroupUpstreams, trunkGroups } from '@/lib/db/schema';
import { countNotRoutedNumbersByAccounts } from './number-routing';

/**
 * Headline counts for the dashboard, every one over the same scope: the account's subtree (the
 * account and every account below it). One statement of scalar subqueries for the cheap counts:
 * every dashboard view asks it, and on the embedded database each round trip costs more than these
 * small counts. Where a page a count links to shows the account alone (E911, trunk groups; My
 * numbers for those who do not see sub-accounts), the account's own share is counted too.
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
  // Live numbers and those without a registered emergency address, from the counters the
  // phone_numbers triggers keep (account_number_counts), not from counting the inventory.
  const numbers = db
    .select({
      counts: sql`array[
        coalesce(sum(${accountNumberCounts.live}), 0),
        coalesce(sum(${accountNumberCounts.liveWithoutE911}), 0),
        coalesce(sum(${accountNumberCounts.live}) filter (where ${accountNumberCounts.accountId} = ${accountId}), 0),
        coalesce(sum(${accountNumberCounts.liveWithoutE911}) filter (where ${accountNumberCounts.accountId} = ${accountId}), 0)
      ]::int[]`,
    })
    .from(accountNumberCounts)
    .where(sql`${accountNumberCounts.accountId} = any(array(${subtreeIds}))`);
  const [[row], notRouted, drifted] = await Promise.all([
    db
      .select({
        subAccounts: sql<number>`(count(*) - 1)::int`,
        suspended: sql<number>`count(*) filter (where ${accounts.status} = 'suspended')::int`,
        users: sql<number>`(${users})::int`,
        pendingInvitations: sql<number>`(${pendingInvitations})::int`,
        numbers: sql<number[]>`(${numbers})`,
      })
      .from(accounts)
      .where(inSubtree),
    countNotRoutedNumbersByAccounts(db, { accountIds: sql`${subtreeIds}`, ownAccountId: accountId }),
    getDriftedTrunkGroupsBySubtree(db, { accountPath }),
  ]);
  const [live = 0, unregistered = 0, own = 0, ownUnregistered = 0] = row?.numbers ?? [];
  return {
    subAccounts: row?.subAccounts ?? 0,
    suspended: row?.suspended ?? 0,
    users: row?.users ?? 0,
    pendingInvitations: row?.pendingInvitations ?? 0,
    numbers: live,
    /** Live numbers, and those without a registered emergency address (`own`: the account's share). */
    e911: { total: live, unregistered, own: { total: own, unregistered: ownUnregistered } },
    /** Live numbers on a trunk group that does not carry them as configured (lib/services/number-routing.ts). */
    notRouted,
    /** Trunk groups whose copy at some carrier was changed outside the portal. */
    drifted,
  };
}

/** Trunk groups of the subtree with drift on at least one upstream, by name. */
export async function getDriftedTrunkGroupsBySubtree(db: Db, { accountPath }: { accountPath: string }) {
  return db
    .select({ id: trunkGroups.id, name: trunkGroups.name, accountId: trunkGroups.accountId, accountName: accounts.name })
    .from(trunkGroups)
    .innerJoin(accounts, eq(accounts.id, trunkGroups.accountId))
    .where(and(like(accounts.path, `${accountPath}%`), sql`exists (select 1 from ${trunkGroupUpstreams} tgu where tgu.trunk_group_id = ${trunkGroups.id} and jsonb_array_length(tgu.drift) > 0)`))
    .orderBy(asc(trunkGroups.name), asc(trunkGroups.id));
}

/**
 * Per calendar month (UTC) from `from` for `months` months, over the account's subtree: the numbers
 * live at the month's end (now, for a month not over yet) and, with `spend`, what was spent in the
 * month as an exact decimal string: what "Spent this month" counts (getSubtreeSpendSince), that is
 * the ledger's unreversed charges (numbers bought) plus the rated usage of the daily CDR rollups,
 * rounded to four places as there. One row per month, months without anything included.
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
    const since = sql`${`${first}-01`}::timestamp at time zone 'UTC'`;
    // One statement: charges and usage side by side, grouped by month together.
    const charged = await db.execute(sql`
      select month, (coalesce(sum(amount) filter (where source = 'charge'), 0) + round(coalesce(sum(amount) filter (where source = 'usage'), 0), 4))::text as spend
      from (
        select to_char(date_trunc('month', l.created_at at time zone 'UTC'), 'YYYY-MM') as month, -l.amount as amount, 'charge' as source
        from ${accountLedger} l
        where l.account_id = any(array(${subtree}))
          and l.kind = 'charge'
          and not exists (select 1 from ${accountLedger} r where r.reverses_id = l.id)
          and l.created_at >= ${since}
        union all
        select to_char(date_trunc('month', u.bucket_start at time zone 'UTC'), 'YYYY-MM'), u.charge, 'usage'
        from ${cdrRollups} u
        where u.account_id = any(array(${subtree}))
          and u.grain = '1d'
          and u.bucket_start >= ${since}
      ) spent
      group by month`);
    for (const row of rowsOf<{ month: string; spend: string }>(charged)) spendByMonth.set(row.month, row.spend);
  }
  return monthKeys.map((month) => ({ month, numbers: numbersAt(month), spend: withSpend ? (spendByMonth.get(month) ?? '0') : undefined }));
}

