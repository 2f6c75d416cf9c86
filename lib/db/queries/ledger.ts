import 'server-only';
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accountLedger, accounts, billingProfiles, invoices, users } from '@/lib/db/schema';

type Executor = Db | Tx;

const reversal = alias(accountLedger, 'reversal');
const entryAccount = alias(accounts, 'entry_account');

/** A ledger entry as the ledger pages show it: who recorded it, whether it was reversed, the running balance after it. */
export interface LedgerEntryRow {
  id: string;
  accountId: string;
  accountName: string;
  kind: (typeof accountLedger.$inferSelect)['kind'];
  amount: string;
  description: string;
  reference: string | null;
  reversesId: string | null;
  invoiceId: string | null;
  reversedById: string | null;
  createdByEmail: string | null;
  createdAt: Date;
  /** The billing account's balance once this entry (and every earlier one) is counted. */
  runningBalance: string;
}

/**
 * One page of a billing account's ledger, newest first, with the running balance worked out over
 * the whole ledger in entry order (time, then id: entries of one transaction share their time).
 */
export async function getLedgerPageByBillingAccount(db: Executor, { billingAccountId, limit, offset }: { billingAccountId: string; limit: number; offset: number }): Promise<{ rows: LedgerEntryRow[]; total: number }> {
  const ordered = db
    .select({
      id: accountLedger.id,
      accountId: accountLedger.accountId,
      kind: accountLedger.kind,
      amount: accountLedger.amount,
      description: accountLedger.description,
      reference: accountLedger.reference,
      reversesId: accountLedger.reversesId,
      invoiceId: accountLedger.invoiceId,
      createdByUserId: accountLedger.createdByUserId,
      createdAt: accountLedger.createdAt,
      runningBalance: sql<string>`(sum(${accountLedger.amount}) over (order by ${accountLedger.createdAt}, ${accountLedger.id}))::text`.as('running_balance'),
    })
    .from(accountLedger)
    .where(eq(accountLedger.billingAccountId, billingAccountId))
    .as('ordered');
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        id: ordered.id,
        accountId: ordered.accountId,
        accountName: entryAccount.name,
        kind: ordered.kind,
        amount: ordered.amount,
        description: ordered.description,
        reference: ordered.reference,
        reversesId: ordered.reversesId,
        invoiceId: ordered.invoiceId,
        reversedById: reversal.id,
        createdByEmail: users.email,
        createdAt: ordered.createdAt,
        runningBalance: ordered.runningBalance,
      })
      .from(ordered)
      .innerJoin(entryAccount, eq(entryAccount.id, ordered.accountId))
      .leftJoin(reversal, eq(reversal.reversesId, ordered.id))
      .leftJoin(users, eq(users.id, ordered.createdByUserId))
      .orderBy(desc(ordered.createdAt), desc(ordered.id))
      .limit(limit)
      .offset(offset),
    db.select({ total: count() }).from(accountLedger).where(eq(accountLedger.billingAccountId, billingAccountId)),
  ]);
  return { rows, total: Number(counted?.total ?? 0) };
}

/** An entry of this billing account (another account's entry is not found), with the reversal that cancelled it, if any. */
export async function getLedgerEntryInBillingAccount(db: Executor, { billingAccountId, entryId }: { billingAccountId: string; entryId: string }) {
  const [row] = await db
    .select({ entry: accountLedger, reversedById: reversal.id })
    .from(accountLedger)
    .leftJoin(reversal, eq(reversal.reversesId, accountLedger.id))
    .where(and(eq(accountLedger.id, entryId), eq(accountLedger.billingAccountId, billingAccountId)));
  return row;
}

/** The entry a form already recorded (its request key), or a live payment with the same reference: what a second submit would double. */
export async function getPaymentEntryLike(db: Executor, { billingAccountId, requestKey, reference }: { billingAccountId: string; requestKey: string; reference: string | null }) {
  const [row] = await db
    .select()
    .from(accountLedger)
    .where(
      and(
        eq(accountLedger.billingAccountId, billingAccountId),
        reference === null
          ? eq(accountLedger.requestKey, requestKey)
          : sql`(${accountLedger.requestKey} = ${requestKey} or (${accountLedger.kind} in ('payment', 'credit') and lower(${accountLedger.reference}) = lower(${reference})
              and not exists (select 1 from ${accountLedger} r where r.reverses_id = ${accountLedger.id})))`,
      ),
    )
    .orderBy(sql`${accountLedger.requestKey} = ${requestKey} desc`)
    .limit(1);
  return row;
}

/** The entry a form already recorded: its request key, minted when the form rendered. */
export async function getLedgerEntryByRequestKey(db: Executor, { billingAccountId, requestKey }: { billingAccountId: string; requestKey: string }) {
  const [row] = await db
    .select()
    .from(accountLedger)
    .where(and(eq(accountLedger.billingAccountId, billingAccountId), eq(accountLedger.requestKey, requestKey)));
  return row;
}

/** The latest live (not reversed) payment or prepayment of exactly `amount` recorded since `since`, with who recorded it. */
export async function getRecentPaymentOfAmount(db: Executor, { billingAccountId, amount, since }: { billingAccountId: string; amount: string; since: Date }) {
  const [row] = await db
    .select({ id: accountLedger.id, kind: accountLedger.kind, amount: accountLedger.amount, reference: accountLedger.reference, createdAt: accountLedger.createdAt, createdByEmail: users.email })
    .from(accountLedger)
    .leftJoin(reversal, eq(reversal.reversesId, accountLedger.id))
    .leftJoin(users, eq(users.id, accountLedger.createdByUserId))
    .where(
      and(
        eq(accountLedger.billingAccountId, billingAccountId),
        inArray(accountLedger.kind, ['payment', 'credit']),
        eq(accountLedger.amount, amount),
        gte(accountLedger.createdAt, since),
        isNull(reversal.id),
      ),
    )
    .orderBy(desc(accountLedger.createdAt))
    .limit(1);
  return row;
}

/**
 * The issued and paid invoices of a billing account, oldest first, each with what came in since its
 * period ended (its total due counts everything before): payments, prepayments, credit notes and
 * adjustments in the customer's favour, and reversals of those or of anything the invoice counted
 * (a bounced wire takes its payment back). Later charges are the next invoice's.
 */
export async function getInvoicesWithCreditSince(db: Executor, { billingAccountId, receivedBy }: { billingAccountId: string; receivedBy?: Date }) {
  return db
    .select({
      id: invoices.id,
      number: invoices.number,
      status: invoices.status,
      totalDueCents: invoices.totalDueCents,
      creditSince: sql<string>`(
        SELECT coalesce(sum(entry.amount), 0) FROM account_ledger entry
        LEFT JOIN account_ledger original ON original.id = entry.reverses_id
        WHERE entry.billing_account_id = invoices.billing_account_id AND entry.created_at >= invoices.period_end AND entry.created_at <= ${receivedBy ? sql`${receivedBy.toISOString()}::timestamptz` : sql`'infinity'::timestamptz`}
          AND ((entry.kind IN ('payment', 'credit', 'credit_note', 'adjustment') AND entry.amount > 0)
            OR (entry.kind = 'reversal' AND original.kind <> 'invoice'
              AND (original.created_at < invoices.period_end OR (original.kind IN ('payment', 'credit', 'credit_note', 'adjustment') AND original.amount > 0))))
      )::text`,
    })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), inArray(invoices.status, ['issued', 'paid'])))
    .orderBy(asc(invoices.periodStart), asc(invoices.createdAt));
}

export async function insertLedgerEntry(db: Executor, entry: typeof accountLedger.$inferInsert) {
  const [row] = await db.insert(accountLedger).values(entry).returning();
  return row!;
}

export async function getBillingProfileByAccount(db: Executor, { accountId }: { accountId: string }) {
  const [row] = await db.select().from(billingProfiles).where(eq(billingProfiles.accountId, accountId));
  return row;
}

/** Sets how a billing account is invoiced, creating its profile if it has none (the prepay tier is left as it is). */
export async function upsertBillingProfileTerms(db: Executor, { accountId, currency, taxName, taxRatePercent, paymentTermsDays }: { accountId: string; currency: string; taxName: string; taxRatePercent: string; paymentTermsDays: number }) {
  const values = { currency, taxName, taxRatePercent, paymentTermsDays, updatedAt: new Date() };
  const [row] = await db.insert(billingProfiles).values({ accountId, ...values }).onConflictDoUpdate({ target: billingProfiles.accountId, set: values }).returning();
  return row!;
}

/** Currencies that already speak for a billing account: its invoices past draft, and the sell decks pricing its subtree. */
export async function getCurrenciesInUse(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<{ invoiced: string[]; decks: string[] }> {
  const invoiced = await db.execute(sql`SELECT DISTINCT currency FROM invoices WHERE billing_account_id = ${billingAccountId}::uuid AND status <> 'draft'`);
  const decks = await db.execute(sql`
    SELECT DISTINCT d.currency FROM accounts a
    JOIN LATERAL (
      SELECT coalesce(
        (SELECT ra.deck_id FROM rate_deck_assignments ra JOIN accounts anc ON anc.id = ra.account_id WHERE starts_with(a.path, anc.path) ORDER BY anc.depth DESC LIMIT 1),
        (SELECT id FROM rate_decks WHERE is_default)) AS deck_id
    ) chosen ON true
    JOIN rate_decks d ON d.id = chosen.deck_id
    WHERE a.billing_account_id = ${billingAccountId}::uuid`);
  return { invoiced: rowsOf<{ currency: string }>(invoiced).map((row) => row.currency), decks: rowsOf<{ currency: string }>(decks).map((row) => row.currency) };
}

/**
 * Puts the billing account on the prepay tier at `percent`, creating its billing profile if it has
 * none. An account already on the tier keeps its percentage and the day it started. Answers the
 * profile before and after.
 */
export async function startPrepayTier(db: Executor, { accountId, percent, since }: { accountId: string; percent: string; since: Date }) {
  const before = await getBillingProfileByAccount(db, { accountId });
  const [after] = await db
    .insert(billingProfiles)
    .values({ accountId, prepayDiscountPercent: percent, prepaySince: since, updatedAt: since })
    .onConflictDoUpdate({
      target: billingProfiles.accountId,
      set: {
        prepayDiscountPercent: sql`case when ${billingProfiles.prepayDiscountPercent} > 0 then ${billingProfiles.prepayDiscountPercent} else excluded.prepay_discount_percent end`,
        prepaySince: sql`case when ${billingProfiles.prepayDiscountPercent} > 0 then ${billingProfiles.prepaySince} else excluded.prepay_since end`,
        updatedAt: sql`case when ${billingProfiles.prepayDiscountPercent} > 0 then ${billingProfiles.updatedAt} else excluded.updated_at end`,
      },
    })
    .returning();
  return { before, after: after! };
}

/** Takes the billing account off the prepay tier; answers the profile as it was, or undefined when it was not on it. */
export async function endPrepayTier(db: Executor, { accountId, at }: { accountId: string; at: Date }) {
  const before = await getBillingProfileByAccount(db, { accountId });
  if (!before || Number(before.prepayDiscountPercent) === 0) return undefined;
  await db
    .update(billingProfiles)
    .set({ prepayDiscountPercent: '0', prepaySince: null, updatedAt: at })
    .where(and(eq(billingProfiles.accountId, accountId), gt(billingProfiles.prepayDiscountPercent, '0')));
  return before;
}

/** The prepayments of at least `minimum` recorded since `since` that stand (none reversed them), oldest first: what holds the prepay tier. */
export async function getStandingPrepayments(db: Executor, { billingAccountId, minimum, since }: { billingAccountId: string; minimum: string; since: Date }) {
  return db
    .select({ id: accountLedger.id, amount: accountLedger.amount, createdAt: accountLedger.createdAt })
    .from(accountLedger)
    .leftJoin(reversal, eq(reversal.reversesId, accountLedger.id))
    .where(
      and(
        eq(accountLedger.billingAccountId, billingAccountId),
        eq(accountLedger.kind, 'credit'),
        gte(accountLedger.amount, minimum),
        gte(accountLedger.createdAt, since),
        isNull(reversal.id),
      ),
    )
    .orderBy(asc(accountLedger.createdAt), asc(accountLedger.id));
}

/** The billing account's balance (positive: in the customer's favour). */
export async function getLedgerBalance(db: Executor, { billingAccountId }: { billingAccountId: string }): Promise<string> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${accountLedger.amount}), 0)::text` })
    .from(accountLedger)
    .where(eq(accountLedger.billingAccountId, billingAccountId));
  return row?.balance ?? '0';
}

/** The prepay tier runs from `since` (the prepayment that began it was reversed; a later one holds it). */
export async function setPrepaySince(db: Executor, { accountId, since }: { accountId: string; since: Date }) {
  await db.update(billingProfiles).set({ prepaySince: since, updatedAt: new Date() }).where(and(eq(billingProfiles.accountId, accountId), gt(billingProfiles.prepayDiscountPercent, '0')));
}

/** Platform job: every billing account on the prepay tier, with its balance. */
export async function getPrepayAccountsWithBalance(db: Executor) {
  return db
    .select({
      accountId: billingProfiles.accountId,
      accountName: accounts.name,
      percent: billingProfiles.prepayDiscountPercent,
      since: billingProfiles.prepaySince,
      balance: sql<string>`(select coalesce(sum(${accountLedger.amount}), 0) from ${accountLedger} where ${accountLedger.billingAccountId} = ${billingProfiles.accountId})::text`,
    })
    .from(billingProfiles)
    .innerJoin(accounts, eq(accounts.id, billingProfiles.accountId))
    .where(gt(billingProfiles.prepayDiscountPercent, '0'));
}
