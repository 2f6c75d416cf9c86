import 'server-only';
import { and, eq, gt, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, cdrRollups, invoices, spendAlerts } from '@/lib/db/schema';

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
 * the usage before that to the ledger, so it is in the balance already and never counted twice.
 */
export async function getUnbilledUsageByBillingAccount(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<{ invoicedUntil: Date | null; usage: string }> {
  const invoicedUntil = sql`(select max(${invoices.periodEnd}) from ${invoices} where ${invoices.billingAccountId} = ${billingAccountId} and ${invoices.status} in ('issued', 'paid'))`;
  // An aggregate without GROUP BY answers one row even when there is no usage.
  const [row] = await db
    .select({
      invoicedUntilMs: sql<string | null>`(extract(epoch from ${invoicedUntil}) * 1000)::bigint::text`,
      usage: sql<string>`round(coalesce(sum(${cdrRollups.charge}), 0), 4)::text`,
    })
    .from(accounts)
    .innerJoin(cdrRollups, and(eq(cdrRollups.accountId, accounts.id), eq(cdrRollups.grain, '1d'), sql`${cdrRollups.bucketStart} >= coalesce(${invoicedUntil}, '-infinity'::timestamptz)`))
    .where(eq(accounts.billingAccountId, billingAccountId));
  return { invoicedUntil: row?.invoicedUntilMs ? new Date(Number(row.invoicedUntilMs)) : null, usage: row?.usage ?? '0.0000' };
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
