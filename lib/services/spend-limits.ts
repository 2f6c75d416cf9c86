import 'server-only';

/**
 * Spend caps and credit limits, judged from rated usage over the subtree (issue 15.4). Spend this
 * month of an account = its subtree's ledger charges (net of reversals) + rated usage this month +
 * orders placed and not charged yet. Credit used = usage not invoiced yet + orders not charged yet −
 * balance. Checkout refuses past either (account-funds.ts); a job every 5 minutes sends an alert at
 * 80% and at 100% of each, once per account, month and threshold.
 */
import type { SessionUser } from '@/lib/auth/access';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb, type Db } from '@/lib/db/client';
import { getAccountById, getSubtreeByAccount, getSubtreeSpendSince } from '@/lib/db/queries/accounts';
import { getBalanceByBillingAccount } from '@/lib/db/queries/number-orders';
import { getAccountsWithSpendLimits, getSpendAlertsByAccounts, getUnbilledUsageByBillingAccount, insertSpendAlertsIfMissing, type SpendLimitKind } from '@/lib/db/queries/spend-limits';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { monthStart } from './account-funds';

export const SPEND_ALERT_THRESHOLDS = [80, 100] as const;

/** How much of one limit is used: a spend cap of an account, or the billing account's credit limit. */
export interface LimitUse {
  limitKind: SpendLimitKind;
  accountId: string;
  accountName: string;
  /** The cap or the credit limit. */
  limit: string;
  /** Spent this month (a cap) or credit used (balance gone below zero once usage and orders are counted). */
  used: string;
  /** Whole percent, rounded down; may pass 100. */
  usedPercent: number;
}

const sum = (...amounts: string[]) => amounts.reduce((total, amount) => total + parseMicros(amount), 0n);

function usedPercentOf(used: bigint, limit: bigint): number {
  if (used <= 0n) return 0;
  if (limit <= 0n) return 100;
  return Number((used * 100n) / limit);
}

/** The alert thresholds `used` has reached; nothing while nothing is used (a cap of 0 is not "reached" by no spending). */
export function thresholdsReached(used: bigint, limit: bigint): number[] {
  if (used <= 0n) return [];
  return SPEND_ALERT_THRESHOLDS.filter((threshold) => used * 100n >= limit * BigInt(threshold));
}

/**
 * The use of every limit of one billing tree at `now`: each of `capped` (accounts of the tree with a
 * monthly spend cap) over its subtree this month, and the billing account's credit when it has a
 * credit limit.
 */
export async function getLimitUseOfTree(
  db: Db,
  { billingAccount, capped, now }: { billingAccount: { id: string; name: string; creditLimit: string }; capped: { id: string; name: string; monthlySpendCap: string }[]; now: Date },
): Promise<LimitUse[]> {
  const withCredit = parseMicros(billingAccount.creditLimit) > 0n;
  const accountIds = [...new Set([...capped.map((account) => account.id), ...(withCredit ? [billingAccount.id] : [])])];
  const spend = await getSubtreeSpendSince(db, { billingAccountId: billingAccount.id, accountIds, since: monthStart(now) });
  const uses: LimitUse[] = capped.map((account) => {
    const spent = spend.get(account.id);
    const used = sum(spent?.charged ?? '0', spent?.usage ?? '0', spent?.outstanding ?? '0');
    return { limitKind: 'spend_cap', accountId: account.id, accountName: account.name, limit: account.monthlySpendCap, used: formatMicros(used, 4), usedPercent: usedPercentOf(used, parseMicros(account.monthlySpendCap)) };
  });
  if (withCredit) {
    const [{ balance }, unbilled] = await Promise.all([getBalanceByBillingAccount(db, { billingAccountId: billingAccount.id }), getUnbilledUsageByBillingAccount(db, { billingAccountId: billingAccount.id })]);
    const owed = sum(unbilled.usage, spend.get(billingAccount.id)?.outstanding ?? '0') - parseMicros(balance);
    const used = owed > 0n ? owed : 0n;
    uses.push({ limitKind: 'credit_limit', accountId: billingAccount.id, accountName: billingAccount.name, limit: billingAccount.creditLimit, used: formatMicros(used, 4), usedPercent: usedPercentOf(used, parseMicros(billingAccount.creditLimit)) });
  }
  return uses;
}

export interface SpendAlertEvaluation {
  trees: number;
  limits: number;
  alerts: number;
}

/**
 * Records each threshold an account's limit has reached this month, once, and sends
 * `billing.spend_threshold` for the highest one newly reached (a jump past both says 100% once,
 * not twice). Safe to run again: what was sent stays sent for the month.
 */
export async function evaluateSpendAlerts({ now }: { now: Date }): Promise<SpendAlertEvaluation> {
  const db = await getDb();
  const periodStart = monthStart(now);
  const holders = await getAccountsWithSpendLimits(db);
  const trees = new Map<string, typeof holders>();
  for (const holder of holders) trees.set(holder.billingAccountId, [...(trees.get(holder.billingAccountId) ?? []), holder]);
  const result: SpendAlertEvaluation = { trees: trees.size, limits: 0, alerts: 0 };
  for (const [billingAccountId, members] of trees) {
    const billing = members.find((member) => member.id === billingAccountId && member.parentId === null);
    const uses = await getLimitUseOfTree(db, {
      billingAccount: { id: billingAccountId, name: billing?.name ?? '', creditLimit: billing?.creditLimit ?? '0' },
      capped: members.flatMap((member) => (member.monthlySpendCap === null ? [] : [{ id: member.id, name: member.name, monthlySpendCap: member.monthlySpendCap }])),
      now,
    });
    result.limits += uses.length;
    for (const use of uses) {
      const reached = thresholdsReached(parseMicros(use.used), parseMicros(use.limit));
      if (reached.length === 0) continue;
      const sent = await db.transaction(async (tx) => {
        const inserted = await insertSpendAlertsIfMissing(tx, { accountId: use.accountId, periodStart, limitKind: use.limitKind, thresholds: reached });
        const highest = inserted.at(-1);
        if (highest === undefined) return false;
        await publishAccountEvent(tx, {
          accountId: use.accountId,
          type: 'billing.spend_threshold',
          data: { limit: use.limitKind, thresholdPercent: highest, usedPercent: use.usedPercent, periodStart: periodStart.toISOString() },
        });
        return true;
      });
      if (sent) result.alerts++;
    }
  }
  if (result.alerts > 0) dispatchAccountEventsSoon();
  log.info('spend_alerts.evaluated', { ...result });
  return result;
}

/** What the `evaluate-spend-alerts` job runs every 5 minutes. */
export function evaluateSpendAlertsNow(): Promise<SpendAlertEvaluation> {
  return evaluateSpendAlerts({ now: new Date() });
}

export interface LimitUseView extends LimitUse {
  /** Thresholds already alerted this month. */
  alerted: number[];
}

/** A billing account's money as staff see it: the balance and what stands against it. */
export interface BillingFundsView {
  balance: string;
  creditLimit: string;
  /** Rated usage since the last issued invoice's period (not in the balance yet). */
  unbilledUsage: string;
  /** The end of the last issued invoice's period: usage before it is in the balance. */
  invoicedUntil: Date | null;
  outstanding: string;
  /** Balance + credit limit − usage not invoiced − orders not charged yet. */
  available: string;
}

/** For the staff billing page: the billing account's funds, and every limit of its tree with how much is used and what was alerted. */
export async function getStaffLimitUse(staff: SessionUser, { accountId, now = new Date() }: { accountId: string; now?: Date }): Promise<{ funds: BillingFundsView; limits: LimitUseView[] }> {
  if (!staff.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can see this.');
  const db = await getDb();
  const account = await getAccountById(db, { accountId });
  if (!account || account.parentId !== null) throw new AppError('not_found:account');
  const tree = await getSubtreeByAccount(db, { accountId: account.id, accountPath: account.path });
  const [uses, { balance, creditLimit }, unbilled, spend] = await Promise.all([
    getLimitUseOfTree(db, {
      billingAccount: account,
      capped: tree.flatMap((member) => (member.monthlySpendCap === null ? [] : [{ id: member.id, name: member.name, monthlySpendCap: member.monthlySpendCap }])),
      now,
    }),
    getBalanceByBillingAccount(db, { billingAccountId: account.id }),
    getUnbilledUsageByBillingAccount(db, { billingAccountId: account.id }),
    getSubtreeSpendSince(db, { billingAccountId: account.id, accountIds: [account.id], since: monthStart(now) }),
  ]);
  const outstanding = spend.get(account.id)?.outstanding ?? '0';
  const alerts = await getSpendAlertsByAccounts(db, { accountIds: [...new Set(uses.map((use) => use.accountId))], periodStart: monthStart(now) });
  return {
    funds: {
      balance,
      creditLimit,
      unbilledUsage: unbilled.usage,
      invoicedUntil: unbilled.invoicedUntil,
      outstanding,
      available: formatMicros(sum(balance, creditLimit) - sum(unbilled.usage, outstanding), 4),
    },
    limits: uses.map((use) => ({
      ...use,
      alerted: alerts
        .filter((alert) => alert.accountId === use.accountId && alert.limitKind === use.limitKind)
        .map((alert) => alert.thresholdPercent)
        .sort((a, b) => a - b),
    })),
  };
}
