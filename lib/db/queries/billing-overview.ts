import 'server-only';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accountLedger, accounts, invoices } from '@/lib/db/schema';

type Executor = Db | Tx;

export interface DailyUsageRow {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Rated charge of the day, six places. */
  charge: string;
  calls: number;
  billedSeconds: number;
  unrated: number;
}

/**
 * The rated usage of an account's subtree (within its billing tree) per UTC day of [from, to), from
 * the daily rollups: never the calls themselves.
 */
export async function getDailyUsageBySubtree(
  db: Executor,
  { accountPath, billingAccountId, from, to }: { accountPath: string; billingAccountId: string; from: Date; to: Date },
): Promise<DailyUsageRow[]> {
  const result = await db.execute(sql`
    SELECT to_char(r.bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
      coalesce(sum(r.charge), 0)::text AS charge,
      coalesce(sum(r.attempts), 0)::bigint AS calls,
      coalesce(sum(r.billed_seconds), 0)::bigint AS billed_seconds,
      coalesce(sum(r.unrated), 0)::bigint AS unrated
    FROM ${accounts} a
    JOIN cdr_rollups r ON r.account_id = a.id AND r.grain = '1d'
      AND r.bucket_start >= ${from.toISOString()}::timestamptz AND r.bucket_start < ${to.toISOString()}::timestamptz
    WHERE a.path LIKE ${accountPath} || '%' AND a.billing_account_id = ${billingAccountId}::uuid
    GROUP BY 1
    ORDER BY 1`);
  return rowsOf<{ day: string; charge: string; calls: string; billed_seconds: string; unrated: string }>(result).map((row) => ({
    day: row.day,
    charge: row.charge,
    calls: Number(row.calls),
    billedSeconds: Number(row.billed_seconds),
    unrated: Number(row.unrated),
  }));
}

export interface UnratedCallGroup {
  /** `no_deck` (no sell deck in force), `no_rate` (no prefix matched), `not_rated` (stored without rating). */
  reason: string;
  direction: 'inbound' | 'outbound';
  /** The called number's country (ISO), when known. */
  country: string | null;
  calls: number;
  /** One called number of the group, to look the prefix up. */
  example: string;
}

/**
 * Why calls of a subtree in [from, to) have no price, grouped by reason, direction and country (for
 * staff: the customer only sees the count). Reads each account's calls along its key.
 */
export async function getUnratedCallGroups(db: Executor, { accountIds, from, to, limit = 20 }: { accountIds: string[]; from: Date; to: Date; limit?: number }): Promise<UnratedCallGroup[]> {
  if (accountIds.length === 0) return [];
  const ids = sql.raw(accountIds.map((id) => `'${id.replace(/[^0-9a-f-]/gi, '')}'::uuid`).join(', '));
  const result = await db.execute(sql`
    SELECT coalesce(rating_error, 'not_rated') AS reason, direction::text AS direction, destination_country AS country, count(*)::bigint AS calls, min(to_e164) AS example
    FROM cdrs
    WHERE account_id IN (${ids}) AND invite_at >= ${from.toISOString()}::timestamptz AND invite_at < ${to.toISOString()}::timestamptz AND charge IS NULL
    GROUP BY 1, 2, 3
    ORDER BY calls DESC, reason, country
    LIMIT ${limit}`);
  return rowsOf<{ reason: string; direction: 'inbound' | 'outbound'; country: string | null; calls: string; example: string }>(result).map((row) => ({ ...row, calls: Number(row.calls) }));
}

/** The accounts of an account's subtree within its billing tree (itself included). */
export async function getSubtreeAccountIds(db: Executor, { accountPath, billingAccountId }: { accountPath: string; billingAccountId: string }): Promise<string[]> {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(sql`${accounts.path} LIKE ${accountPath} || '%'`, eq(accounts.billingAccountId, billingAccountId)));
  return rows.map((row) => row.id);
}

const reversal = alias(accountLedger, 'payment_reversal');

/** The latest payments and prepayments into a billing account, newest first, each with whether it was reversed. */
export async function getRecentPaymentsByBillingAccount(db: Executor, { billingAccountId, limit }: { billingAccountId: string; limit: number }) {
  return db
    .select({
      id: accountLedger.id,
      kind: accountLedger.kind,
      amount: accountLedger.amount,
      description: accountLedger.description,
      reference: accountLedger.reference,
      createdAt: accountLedger.createdAt,
      reversedById: reversal.id,
    })
    .from(accountLedger)
    .leftJoin(reversal, eq(reversal.reversesId, accountLedger.id))
    .where(and(eq(accountLedger.billingAccountId, billingAccountId), inArray(accountLedger.kind, ['payment', 'credit'])))
    .orderBy(desc(accountLedger.createdAt), desc(accountLedger.id))
    .limit(limit);
}

/** The top-level account of a billing tree (its name for the page), or nothing. */
export async function getBillingAccountSummary(db: Executor, { billingAccountId }: { billingAccountId: string }) {
  const [row] = await db
    .select({ id: accounts.id, name: accounts.name, creditLimit: accounts.creditLimit })
    .from(accounts)
    .where(and(eq(accounts.id, billingAccountId), isNull(accounts.parentId)));
  return row;
}

/** The invoice that replaced a voided one (its reissue), in the same billing account. */
export async function getReplacementInvoice(db: Executor, { billingAccountId, invoiceId }: { billingAccountId: string; invoiceId: string }) {
  const [row] = await db
    .select({ id: invoices.id, number: invoices.number, status: invoices.status })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), eq(invoices.replacesInvoiceId, invoiceId)))
    .orderBy(desc(invoices.createdAt))
    .limit(1);
  return row;
}

/** An invoice of this billing account by id, only its number and status (for a link). */
export async function getInvoiceReference(db: Executor, { billingAccountId, invoiceId }: { billingAccountId: string; invoiceId: string }) {
  const [row] = await db
    .select({ id: invoices.id, number: invoices.number, status: invoices.status })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), eq(invoices.id, invoiceId)));
  return row;
}

/** The first UTC day with calls anywhere in a billing tree (from the daily rollups), or null. */
export async function getFirstUsageDayByBillingAccount(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<Date | null> {
  const result = await db.execute(sql`
    SELECT (extract(epoch from min(r.bucket_start)) * 1000)::bigint::text AS first_ms
    FROM ${accounts} a JOIN cdr_rollups r ON r.account_id = a.id AND r.grain = '1d'
    WHERE a.billing_account_id = ${billingAccountId}::uuid`);
  const first = rowsOf<{ first_ms: string | null }>(result)[0]?.first_ms;
  return first ? new Date(Number(first)) : null;
}

/** Whether a billing account's ledger holds an entry with this reference (a payment recorded once). */
export async function hasLedgerReference(db: Executor, { billingAccountId, reference }: { billingAccountId: string; reference: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: accountLedger.id })
    .from(accountLedger)
    .where(and(eq(accountLedger.billingAccountId, billingAccountId), eq(accountLedger.reference, reference)))
    .limit(1);
  return Boolean(row);
}

/** A top-level account by its exact name (the demo's), or nothing. */
export async function getRootAccountByName(db: Executor, { name }: { name: string }) {
  const [row] = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(and(eq(accounts.name, name), isNull(accounts.parentId)))
    .limit(1);
  return row;
}
