import 'server-only';
import { and, eq, gt, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accounts, cdrRollups, invoices, spendAlerts } from '@/lib/db/schema';
import { callArrivedLate } from './invoices';

type Executor = Db | Tx;

const ancestor = alias(accounts, 'ancestor');
const member = alias(accounts, 'member');

/**
 * For each of `accountIds` (of one billing tree): the rated usage of its subtree since `since`, a
 * decimal string (four places) — the sell charges of the daily rollups, which ingest keeps current.
 * `since` is a UTC day boundary (a month's start, an invoice period's end).
 */
export async function getRatedUsageBySubtreesSince(
  db: Executor,
  { billingAccountId, accountIds, since }: { billingAccountId: string; accountIds: string[]; since: Date },
): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .select({ accountId: ancestor.id, usage: sql<string>`round(coalesce(sum(${cdrRollups.charge}), 0), 4)::text` })
    .from(ancestor)
    .innerJoin(member, sql`${member.path} like ${ancestor.path} || '%'`)
    .innerJoin(cdrRollups, and(eq(cdrRollups.accountId, member.id), eq(cdrRollups.grain, '1d'), sql`${cdrRollups.bucketStart} >= ${since.toISOString()}::timestamptz`))
    .where(and(inArray(ancestor.id, accountIds), eq(member.billingAccountId, billingAccountId)))
    .groupBy(ancestor.id);
  return new Map(rows.map((row) => [row.accountId, row.usage]));
}

/**
 * Usage not invoiced yet: the rated usage of the whole billing tree since the end of the last
 * issued (or paid) invoice's period, or all of it when nothing was invoiced. Issued invoices posted
 * the usage before that to the ledger, so it is in the balance already and never counted twice. Calls
 * of those earlier months that arrived after their month was closed are not: the next invoice bills
 * them (lib/db/queries/invoices.ts), so they are added here until it is issued.
 */
export async function getUnbilledUsageByBillingAccount(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<{ invoicedUntil: Date | null; usage: string }> {
  const result = await db.execute(sql`
    WITH invoiced AS (
      SELECT max(period_end) AS until FROM ${invoices} WHERE billing_account_id = ${billingAccountId}::uuid AND status IN ('issued', 'paid')
    )
    SELECT (extract(epoch from invoiced.until) * 1000)::bigint::text AS invoiced_until_ms,
      round(
        coalesce((SELECT sum(r.charge) FROM ${accounts} a JOIN ${cdrRollups} r ON r.account_id = a.id
          WHERE a.billing_account_id = ${billingAccountId}::uuid AND r.grain = '1d' AND r.bucket_start >= coalesce(invoiced.until, '-infinity'::timestamptz)), 0)
        + coalesce((SELECT sum(c.charge) FROM ${accounts} a JOIN cdrs c ON c.account_id = a.id
          WHERE a.billing_account_id = ${billingAccountId}::uuid AND c.invite_at < invoiced.until AND c.ingested_at >= invoiced.until AND c.charge IS NOT NULL
            AND ${callArrivedLate(billingAccountId, { inviteAt: sql.raw('c.invite_at'), ingestedAt: sql.raw('c.ingested_at') })}), 0),
        4)::text AS usage
    FROM invoiced`);
  const [row] = rowsOf<{ invoiced_until_ms: string | null; usage: string }>(result);
  return { invoicedUntil: row?.invoiced_until_ms ? new Date(Number(row.invoiced_until_ms)) : null, usage: row?.usage ?? '0.0000' };
}

/** Platform job: accounts with a monthly spend cap, and billing accounts with a credit limit. */
export async function getAccountsWithSpendLimits(db: Executor) {
  return db
    .select({ id: accounts.id, name: accounts.name, billingAccountId: accounts.billingAccountId, parentId: accounts.parentId, monthlySpendCap: accounts.monthlySpendCap, creditLimit: accounts.creditLimit })
    .from(accounts)
    .where(or(isNotNull(accounts.monthlySpendCap), and(isNull(accounts.parentId), gt(accounts.creditLimit, '0'))));
}

export type SpendLimitKind = (typeof spendAlerts.$inferSelect)['limitKind'];

/** Records alerts as sent; answers the thresholds that were not sent before (each is sent once per account, month and limit). */
export async function insertSpendAlertsIfMissing(db: Executor, { accountId, periodStart, limitKind, thresholds }: { accountId: string; periodStart: Date; limitKind: SpendLimitKind; thresholds: number[] }): Promise<number[]> {
  if (thresholds.length === 0) return [];
  const rows = await db
    .insert(spendAlerts)
    .values(thresholds.map((thresholdPercent) => ({ accountId, periodStart, limitKind, thresholdPercent })))
    .onConflictDoNothing()
    .returning({ thresholdPercent: spendAlerts.thresholdPercent });
  return rows.map((row) => row.thresholdPercent).sort((a, b) => a - b);
}

/** The alerts sent this period for these accounts (the staff page shows which thresholds were passed). */
export async function getSpendAlertsByAccounts(db: Executor, { accountIds, periodStart }: { accountIds: string[]; periodStart: Date }) {
  if (accountIds.length === 0) return [];
  return db
    .select()
    .from(spendAlerts)
    .where(and(inArray(spendAlerts.accountId, accountIds), sql`${spendAlerts.periodStart} = ${periodStart.toISOString()}::timestamptz`));
}
