import 'server-only';
import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accountLedger, accounts, billingProfiles, invoiceLines, invoices, phoneNumbers, rateDeckDidTiers, type Invoice, type InvoiceLine } from '@/lib/db/schema';

type Executor = Db | Tx;

/** The accounts a billing account pays for (itself first, then by path). */
export async function listBillingSubtree(db: Executor, { billingAccountId }: { billingAccountId: string }) {
  return db
    .select({ id: accounts.id, name: accounts.name, path: accounts.path, depth: accounts.depth })
    .from(accounts)
    .where(eq(accounts.billingAccountId, billingAccountId))
    .orderBy(asc(accounts.depth), asc(accounts.path));
}

/** Accounts that pay for themselves and their subtree: invoices are theirs. */
export async function listBillingAccountIds(db: Executor): Promise<string[]> {
  const rows = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accounts.billingAccountId));
  return rows.map((row) => row.id);
}

export async function isBillingAccount(db: Executor, { accountId }: { accountId: string }): Promise<boolean> {
  const [row] = await db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.id, accountId), eq(accounts.billingAccountId, accountId)));
  return Boolean(row);
}

export async function getBillingProfile(db: Executor, { accountId }: { accountId: string }) {
  const [profile] = await db.select().from(billingProfiles).where(eq(billingProfiles.accountId, accountId));
  return profile;
}

/**
 * Which invoice bills a rated call. A month is closed the first time an invoice of it or of a later
 * month is issued (a voided one too: its charges were posted, then reversed, never re-dated). A call
 * stored by then is billed by its own month's invoice; one stored after it closed arrived late, and is
 * billed by the invoice of the month it was stored in, which is issued only after that month ends
 * and so always after the call is in. Both moments are fixed once passed, so voiding and reissuing
 * any invoice bills each call exactly once.
 *
 * `closedAt`: SQL for when the month holding `instant` was closed (NULL while it is open).
 */
function monthClosedAt(billingAccountId: string, instant: SQL): SQL {
  return sql`(SELECT min(closing.generated_at) FROM ${invoices} closing
    WHERE closing.billing_account_id = ${billingAccountId}::uuid AND closing.status <> 'draft' AND closing.period_end > ${instant})`;
}

/** SQL: the call (its `invite_at` and `ingested_at` columns) was stored after its month was closed. */
export function callArrivedLate(billingAccountId: string, call: { inviteAt: SQL; ingestedAt: SQL }): SQL {
  return sql`${call.ingestedAt} > ${monthClosedAt(billingAccountId, call.inviteAt)}`;
}

/** SQL: the call of the month starting `periodStart` was stored before that month was closed (or it is open). */
export function callArrivedInTime(billingAccountId: string, { periodStart, ingestedAt }: { periodStart: Date; ingestedAt: SQL }): SQL {
  return sql`${ingestedAt} <= coalesce(${monthClosedAt(billingAccountId, sql`${periodStart.toISOString()}::timestamptz`)}, 'infinity'::timestamptz)`;
}

/**
 * The usage line of calls from earlier periods received late: a termination or origination line with
 * no deck version, since it sums calls of every price of its direction.
 */
export function isLateCallsLine(line: Pick<InvoiceLine, 'kind' | 'direction' | 'rateVersionId'>): boolean {
  return (line.kind === 'termination' || line.kind === 'origination') && line.direction !== null && line.rateVersionId === null;
}

export interface InvoiceUsageGroup {
  accountId: string;
  direction: 'inbound' | 'outbound';
  destination: string;
  rateVersionId: string;
  rate: string;
  connectionFee: string;
  calls: number;
  answered: number;
  billedSeconds: number;
  /** The part of the calls made from `tierFrom` on (the prepay tier's start): what its discount is of. */
  answeredOnTier: number;
  billedSecondsOnTier: number;
}

/** A literal list of account ids (not a parameter array): the planner uses each account's key range. */
function accountIdList(accountIds: string[]): SQL {
  return sql.raw(accountIds.map((id) => `'${id.replace(/[^0-9a-f-]/gi, '')}'::uuid`).join(', '));
}

/**
 * The rated calls of a period stored before it was closed, grouped by what an invoice line is:
 * account, direction, destination, deck version, rate and connection fee. One aggregation over the
 * period's partitions.
 */
export async function aggregateInvoiceUsage(
  db: Executor,
  { billingAccountId, accountIds, from, to, tierFrom = to }: { billingAccountId: string; accountIds: string[]; from: Date; to: Date; tierFrom?: Date },
): Promise<InvoiceUsageGroup[]> {
  if (accountIds.length === 0) return [];
  const ids = accountIdList(accountIds);
  const onTier = sql`invite_at >= ${tierFrom.toISOString()}::timestamptz`;
  // Grouped first by the narrow key that fixes a price (deck version and matched prefix: versions and
  // their entries never change nor go), then the few groups named and priced from the deck's entries.
  const result = await db.execute(sql`
    WITH by_prefix AS (
      SELECT account_id, direction, rate_version_id, rate_prefix,
        count(*) AS calls, count(answer_at) AS answered, sum(billed_seconds) AS billed_seconds,
        count(answer_at) FILTER (WHERE ${onTier}) AS answered_on_tier, sum(billed_seconds) FILTER (WHERE ${onTier}) AS billed_seconds_on_tier
      FROM cdrs
      WHERE account_id IN (${ids}) AND invite_at >= ${from.toISOString()}::timestamptz AND invite_at < ${to.toISOString()}::timestamptz AND charge IS NOT NULL
        AND ${callArrivedInTime(billingAccountId, { periodStart: from, ingestedAt: sql.raw('ingested_at') })}
      GROUP BY account_id, direction, rate_version_id, rate_prefix
    )
    SELECT p.account_id::text, p.direction::text, e.destination, p.rate_version_id::text, e.rate::text, e.connection_fee::text,
      sum(p.calls)::bigint AS calls, sum(p.answered)::bigint AS answered, coalesce(sum(p.billed_seconds), 0)::bigint AS billed_seconds,
      sum(p.answered_on_tier)::bigint AS answered_on_tier, coalesce(sum(p.billed_seconds_on_tier), 0)::bigint AS billed_seconds_on_tier
    FROM by_prefix p
    JOIN rate_deck_entries e ON e.version_id = p.rate_version_id AND e.prefix = p.rate_prefix
      AND e.kind = CASE p.direction WHEN 'outbound' THEN 'termination'::rate_kind ELSE 'origination'::rate_kind END
    GROUP BY p.account_id, p.direction, e.destination, p.rate_version_id, e.rate, e.connection_fee`);
  return rowsOf<{
    account_id: string;
    direction: 'inbound' | 'outbound';
    destination: string;
    rate_version_id: string;
    rate: string;
    connection_fee: string;
    calls: string;
    answered: string;
    billed_seconds: string;
    answered_on_tier: string;
    billed_seconds_on_tier: string;
  }>(result).map((row) => ({
    accountId: row.account_id,
    direction: row.direction,
    destination: row.destination,
    rateVersionId: row.rate_version_id,
    rate: row.rate,
    connectionFee: row.connection_fee,
    calls: Number(row.calls),
    answered: Number(row.answered),
    billedSeconds: Number(row.billed_seconds),
    answeredOnTier: Number(row.answered_on_tier),
    billedSecondsOnTier: Number(row.billed_seconds_on_tier),
  }));
}

export interface LateUsageGroup {
  accountId: string;
  direction: 'inbound' | 'outbound';
  calls: number;
  billedSeconds: number;
  /** The calls' charges summed (six places): they are of many prices, so the line rounds this once. */
  charge: string;
  /** The charges of the calls made from `tierFrom` on (the prepay tier's start). */
  chargeOnTier: string;
}

/**
 * Rated calls of earlier months that were stored in [from, to) after their month was closed: the
 * invoice of [from, to) bills them, by account and direction. Calls may arrive as late as the CDR
 * retention allows, so every earlier partition of the accounts is read.
 */
export async function aggregateLateUsage(
  db: Executor,
  { billingAccountId, accountIds, from, to, tierFrom = to }: { billingAccountId: string; accountIds: string[]; from: Date; to: Date; tierFrom?: Date },
): Promise<LateUsageGroup[]> {
  if (accountIds.length === 0) return [];
  const result = await db.execute(sql`
    SELECT c.account_id::text, c.direction::text, count(*)::bigint AS calls, coalesce(sum(c.billed_seconds), 0)::bigint AS billed_seconds, sum(c.charge)::text AS charge,
      coalesce(sum(c.charge) FILTER (WHERE c.invite_at >= ${tierFrom.toISOString()}::timestamptz), 0)::text AS charge_on_tier
    FROM cdrs c
    WHERE c.account_id IN (${accountIdList(accountIds)}) AND c.invite_at < ${from.toISOString()}::timestamptz
      AND c.ingested_at >= ${from.toISOString()}::timestamptz AND c.ingested_at < ${to.toISOString()}::timestamptz AND c.charge IS NOT NULL
      AND ${callArrivedLate(billingAccountId, { inviteAt: sql.raw('c.invite_at'), ingestedAt: sql.raw('c.ingested_at') })}
    GROUP BY c.account_id, c.direction`);
  return rowsOf<{ account_id: string; direction: 'inbound' | 'outbound'; calls: string; billed_seconds: string; charge: string; charge_on_tier: string }>(result).map((row) => ({
    accountId: row.account_id,
    direction: row.direction,
    calls: Number(row.calls),
    billedSeconds: Number(row.billed_seconds),
    charge: row.charge,
    chargeOnTier: row.charge_on_tier,
  }));
}

/** Calls of the period without a price (no deck or no rate), from the daily rollups. */
export async function countUnratedCalls(db: Executor, { accountIds, from, to }: { accountIds: string[]; from: Date; to: Date }): Promise<number> {
  if (accountIds.length === 0) return 0;
  const result = await db.execute(sql`
    SELECT coalesce(sum(unrated), 0)::bigint AS unrated FROM cdr_rollups
    WHERE account_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(accountIds)}::jsonb)::uuid)
      AND grain = '1d' AND bucket_start >= ${from.toISOString()}::timestamptz AND bucket_start < ${to.toISOString()}::timestamptz`);
  return Number(rowsOf<{ unrated: string }>(result)[0]?.unrated ?? 0);
}

/** Numbers billed at some time in [from, to): live before `to`, and not released and billed out before `from`. */
export async function listNumbersHeld(db: Executor, { accountIds, from, to }: { accountIds: string[]; from: Date; to: Date }) {
  if (accountIds.length === 0) return [];
  return db
    .select({ accountId: phoneNumbers.accountId, e164: phoneNumbers.e164, activatedAt: phoneNumbers.activatedAt, releasedAt: phoneNumbers.releasedAt, billedUntil: phoneNumbers.billedUntil, orderLineId: phoneNumbers.orderLineId })
    .from(phoneNumbers)
    .where(
      and(
        inArray(phoneNumbers.accountId, accountIds),
        lt(phoneNumbers.activatedAt, to),
        sql`(${phoneNumbers.releasedAt} IS NULL OR coalesce(${phoneNumbers.billedUntil}, ${phoneNumbers.releasedAt}) >= ${from.toISOString()}::timestamptz)`,
      ),
    );
}

export async function getDidTiers(db: Executor, { versionIds }: { versionIds: string[] }) {
  if (versionIds.length === 0) return [];
  return db.select().from(rateDeckDidTiers).where(inArray(rateDeckDidTiers.versionId, versionIds)).orderBy(asc(rateDeckDidTiers.tier));
}

/** The billing account's balance from every entry before `before` (positive: in the customer's favour). */
export async function getLedgerBalanceBefore(db: Executor, { billingAccountId, before }: { billingAccountId: string; before: Date }): Promise<string> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(and(eq(accountLedger.billingAccountId, billingAccountId), lt(accountLedger.createdAt, before)));
  return row?.balance ?? '0';
}

/** Ledger entries of [from, to), with the kind of the entry a reversal cancels. */
export async function listLedgerActivity(db: Executor, { billingAccountId, from, to }: { billingAccountId: string; from: Date; to: Date }) {
  const reversed = alias(accountLedger, 'reversed');
  return db
    .select({
      id: accountLedger.id,
      accountId: accountLedger.accountId,
      kind: accountLedger.kind,
      amount: accountLedger.amount,
      description: accountLedger.description,
      reference: accountLedger.reference,
      invoiceId: accountLedger.invoiceId,
      disputeId: accountLedger.disputeId,
      reversedKind: reversed.kind,
      createdAt: accountLedger.createdAt,
    })
    .from(accountLedger)
    .leftJoin(reversed, eq(reversed.id, accountLedger.reversesId))
    .where(
      and(
        eq(accountLedger.billingAccountId, billingAccountId),
        sql`${accountLedger.createdAt} >= ${from.toISOString()}::timestamptz`,
        lt(accountLedger.createdAt, to),
      ),
    )
    .orderBy(asc(accountLedger.createdAt), asc(accountLedger.id));
}

/** The first instant of each month from `from`'s to the one before `before` (both UTC month starts). */
function monthStartsBetween(from: Date, before: Date): Date[] {
  const months: Date[] = [];
  for (let at = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); at < before; at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))) months.push(at);
  return months;
}

/**
 * The months before `before` (a month's first instant) that no issued, paid or void invoice has
 * closed yet (monthClosedAt: one of a month closes every earlier month too), oldest first: after the
 * latest month such an invoice covers or, for an account never invoiced, from its first call, ledger
 * entry or number. Months with no call, late call, ledger entry, number held or balance carried are
 * left out: an invoice of them bills nothing. The others may still bill nothing; computing says.
 */
export async function listUnclosedMonths(db: Executor, { billingAccountId, before }: { billingAccountId: string; before: Date }): Promise<Date[]> {
  const [closed] = await db
    .select({ untilMs: sql<string | null>`(extract(epoch from max(${invoices.periodEnd})) * 1000)::bigint::text` })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), ne(invoices.status, 'draft')));
  let from = closed?.untilMs ? new Date(Number(closed.untilMs)) : null;
  if (!from) {
    const result = await db.execute(sql`
      SELECT (extract(epoch from least(
        (SELECT min(l.created_at) FROM account_ledger l WHERE l.billing_account_id = ${billingAccountId}::uuid),
        (SELECT min(p.activated_at) FROM phone_numbers p JOIN accounts a ON a.id = p.account_id WHERE a.billing_account_id = ${billingAccountId}::uuid),
        (SELECT min(first_call.at) FROM accounts a CROSS JOIN LATERAL (
          SELECT min(c.invite_at) AS at FROM cdrs c WHERE c.account_id = a.id AND c.charge IS NOT NULL) first_call
          WHERE a.billing_account_id = ${billingAccountId}::uuid)
      )) * 1000)::bigint::text AS first_ms`);
    const first = rowsOf<{ first_ms: string | null }>(result)[0]?.first_ms;
    if (!first) return [];
    from = new Date(Number(first));
  }
  const months = monthStartsBetween(from, before);
  if (months.length === 0) return [];
  const subtree = await listBillingSubtree(db, { billingAccountId });
  if (subtree.length === 0) return [];
  const ids = accountIdList(subtree.map((account) => account.id));
  const values = sql.join(
    months.map((start) => sql`(${start.toISOString()}::timestamptz, ${new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString()}::timestamptz)`),
    sql`, `,
  );
  const result = await db.execute(sql`
    SELECT (extract(epoch from m.month_start) * 1000)::bigint::text AS start_ms
    FROM (VALUES ${values}) AS m(month_start, month_end)
    WHERE EXISTS (SELECT 1 FROM cdrs c WHERE c.account_id IN (${ids}) AND c.invite_at >= m.month_start AND c.invite_at < m.month_end AND c.charge IS NOT NULL)
      OR EXISTS (SELECT 1 FROM cdrs c WHERE c.account_id IN (${ids}) AND c.ingested_at >= m.month_start AND c.ingested_at < m.month_end AND c.invite_at < m.month_start AND c.charge IS NOT NULL)
      OR EXISTS (SELECT 1 FROM account_ledger l WHERE l.billing_account_id = ${billingAccountId}::uuid AND l.created_at >= m.month_start AND l.created_at < m.month_end)
      OR EXISTS (SELECT 1 FROM phone_numbers p WHERE p.account_id IN (${ids}) AND p.activated_at < m.month_end
        AND (p.released_at IS NULL OR coalesce(p.billed_until, p.released_at) >= m.month_start))
      OR (SELECT coalesce(sum(l.amount), 0) FROM account_ledger l WHERE l.billing_account_id = ${billingAccountId}::uuid AND l.created_at < m.month_start) <> 0
    ORDER BY m.month_start`);
  return rowsOf<{ start_ms: string }>(result).map((row) => new Date(Number(row.start_ms)));
}

/** The live (not void) invoice of a billing account for the period starting at `periodStart`. */
export async function getLiveInvoiceForPeriod(db: Executor, { billingAccountId, periodStart }: { billingAccountId: string; periodStart: Date }) {
  const [row] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), eq(invoices.periodStart, periodStart), ne(invoices.status, 'void')))
    .for('update');
  return row;
}

export async function insertInvoice(db: Executor, invoice: typeof invoices.$inferInsert) {
  const [row] = await db.insert(invoices).values(invoice).onConflictDoNothing({ target: invoices.number }).returning();
  return row;
}

export async function updateInvoice(db: Executor, { invoiceId }: { invoiceId: string }, values: Partial<typeof invoices.$inferInsert>) {
  const [row] = await db.update(invoices).set(values).where(eq(invoices.id, invoiceId)).returning();
  return row!;
}

/** Replaces a draft's computed lines; lines staff added by hand stay. */
export async function replaceComputedLines(db: Executor, { invoiceId }: { invoiceId: string }, lines: (typeof invoiceLines.$inferInsert)[]) {
  await db.delete(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoiceId), eq(invoiceLines.manual, false)));
  for (let start = 0; start < lines.length; start += 500) await db.insert(invoiceLines).values(lines.slice(start, start + 500));
}

export async function insertInvoiceLine(db: Executor, line: typeof invoiceLines.$inferInsert) {
  const [row] = await db.insert(invoiceLines).values(line).returning();
  return row!;
}

export async function deleteManualLine(db: Executor, { invoiceId, lineId }: { invoiceId: string; lineId: string }) {
  const rows = await db
    .delete(invoiceLines)
    .where(and(eq(invoiceLines.invoiceId, invoiceId), eq(invoiceLines.id, lineId), eq(invoiceLines.manual, true)))
    .returning({ id: invoiceLines.id });
  return rows.length > 0;
}

export async function listManualLines(db: Executor, { invoiceId }: { invoiceId: string }) {
  return db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoiceId), eq(invoiceLines.manual, true))).orderBy(asc(invoiceLines.position));
}

/** An invoice of this billing account, or nothing (another account's invoice is not found). */
export async function getInvoice(db: Executor, { billingAccountId, invoiceId }: { billingAccountId: string; invoiceId: string }): Promise<Invoice | undefined> {
  const [row] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, invoiceId), eq(invoices.billingAccountId, billingAccountId)));
  return row;
}

/** Any invoice by id (staff and jobs only). */
export async function getInvoiceById(db: Executor, { invoiceId }: { invoiceId: string }): Promise<Invoice | undefined> {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, invoiceId));
  return row;
}

export async function getInvoiceLines(db: Executor, { invoiceId }: { invoiceId: string }) {
  return db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position));
}

export async function listInvoices(db: Executor, { billingAccountId, limit = 120 }: { billingAccountId: string; limit?: number }) {
  return db.select().from(invoices).where(eq(invoices.billingAccountId, billingAccountId)).orderBy(desc(invoices.periodStart), desc(invoices.createdAt)).limit(limit);
}

/** Issued invoices not paid yet, oldest first. */
export async function listUnpaidInvoices(db: Executor, { billingAccountId }: { billingAccountId: string }) {
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), eq(invoices.status, 'issued')))
    .orderBy(asc(invoices.periodStart));
}

/** The end of the latest period an issued or paid invoice covers: calls before it are never re-rated. */
export async function getInvoicedUntil(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<Date | null> {
  const [row] = await db
    .select({ until: sql<string | null>`max(${invoices.periodEnd})::text` })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), inArray(invoices.status, ['issued', 'paid'])));
  return row?.until ? new Date(row.until) : null;
}
