import 'server-only';

/**
 * What a checkout may spend. The billing (master) account's funds: balance plus credit, less the
 * rated usage not invoiced yet and what orders already placed will be charged. And every monthly
 * spend cap on the path from the billing account, each over its whole subtree: charges this month
 * (net of reversals), rated usage this month, and orders placed and not charged yet. Money is for
 * roles that read billing; the master's balance and credit only for those who read billing on the
 * master itself, not on a sub-account of it.
 */
import type { AccountAccess } from '@/lib/auth/access';
import type { Db, Tx } from '@/lib/db/client';
import { getAccountsOnPath, getSubtreeSpendSince, lockBillingAccount } from '@/lib/db/queries/accounts';
import { getBalanceByBillingAccount } from '@/lib/db/queries/number-orders';
import { getUnbilledUsageByBillingAccount } from '@/lib/db/queries/spend-limits';
import { canSeeBillingAccountFunds } from './accounts';
import { formatMoney, fromUnits, toUnits } from './pricing';

export interface BillingFunds {
  balance: string;
  creditLimit: string;
  /** Rated usage of the whole tree since the last issued invoice's period (not in the balance yet). */
  unbilledUsage: string;
  /** Orders placed but not charged yet, anywhere in the billing account's tree. */
  outstanding: string;
  /** Balance plus credit, less `unbilledUsage` and `outstanding`. */
  available: string;
}

export interface SpendCapView {
  accountId: string;
  accountName: string;
  cap: string;
  /** This month, by the account and its sub-accounts: charges, rated usage and orders not charged yet. */
  spent: string;
}

export interface FundsCheck {
  /** Only for roles that read billing on the billing account itself. */
  funds?: BillingFunds;
  /** Spend caps on the path, billing account first; only for roles that read billing. */
  spendCaps?: SpendCapView[];
  problems: string[];
}

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Checks an order of `dueNow` for the account of `access` against the funds and every spend cap on
 * its path. With `lock`, inside a transaction, it first takes the billing account's row lock: two
 * checkouts anywhere in one tree are then judged one after the other, the second counting the
 * first's order (recorded in the same transaction) as outstanding.
 */
export async function checkFundsForOrder(
  db: Db | Tx,
  access: AccountAccess,
  { dueNow, itemCount, now, lock = false }: { dueNow: string; itemCount: number; now: Date; lock?: boolean },
): Promise<FundsCheck> {
  const billingAccountId = access.account.billingAccountId;
  if (lock) await lockBillingAccount(db, { billingAccountId });
  const chain = await getAccountsOnPath(db, { path: access.account.path });
  const [{ balance, creditLimit }, spend, unbilled, seeFunds] = await Promise.all([
    getBalanceByBillingAccount(db, { billingAccountId }),
    getSubtreeSpendSince(db, { billingAccountId, accountIds: chain.map((account) => account.id), since: monthStart(now) }),
    getUnbilledUsageByBillingAccount(db, { billingAccountId }),
    canSeeBillingAccountFunds(db, access),
  ]);
  const seeMoney = access.permissions.has('billing.read');
  const outstandingUnits = toUnits(spend.get(billingAccountId)?.outstanding ?? '0');
  const unbilledUnits = toUnits(unbilled.usage);
  const availableUnits = toUnits(balance) + toUnits(creditLimit) - unbilledUnits - outstandingUnits;
  const due = toUnits(dueNow);
  const problems: string[] = [];

  if (itemCount > 0 && due > availableUnits) {
    const less = [unbilledUnits > 0 ? 'usage not invoiced yet' : undefined, outstandingUnits > 0 ? 'orders not charged yet' : undefined].filter(Boolean);
    problems.push(
      seeFunds
        ? `This order costs ${formatMoney(dueNow)} now; the account has ${formatMoney(fromUnits(availableUnits, 4))} available (balance plus credit${less.length > 0 ? `, less ${less.join(' and ')}` : ''}).`
        : `This order costs ${formatMoney(dueNow)} now, more than the billing account has available (balance plus credit). Ask an owner, admin or finance user of the billing account.`,
    );
  }

  const spendCaps: SpendCapView[] = [];
  for (const account of chain) {
    if (account.monthlySpendCap === null) continue;
    const used = spend.get(account.id);
    const spentUnits = toUnits(used?.charged ?? '0') + toUnits(used?.usage ?? '0') + toUnits(used?.outstanding ?? '0');
    const spent = fromUnits(spentUnits, 4);
    spendCaps.push({ accountId: account.id, accountName: account.name, cap: account.monthlySpendCap, spent });
    if (itemCount === 0 || spentUnits + due <= toUnits(account.monthlySpendCap)) continue;
    const whose = account.id === access.account.id ? '' : ' by it and its sub-accounts';
    problems.push(
      seeMoney
        ? `This order would take ${account.name} past its monthly spend cap of ${formatMoney(account.monthlySpendCap)} (${formatMoney(spent)} spent this month${whose}).`
        : `This order would take ${account.name} past its monthly spend cap.`,
    );
  }

  return {
    funds: seeFunds ? { balance, creditLimit, unbilledUsage: fromUnits(unbilledUnits, 4), outstanding: fromUnits(outstandingUnits, 4), available: fromUnits(availableUnits, 4) } : undefined,
    spendCaps: seeMoney ? spendCaps : undefined,
    problems,
  };
}
