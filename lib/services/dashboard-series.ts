import 'server-only';

/**
 * The dashboard's "numbers and spend over time": one row per month, aggregated in SQL over the
 * account's subtree. Spend is rated calls plus numbers bought, as the "Spent this month" tile counts it.
 */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getMonthlyNumbersAndSpendBySubtree } from '@/lib/db/queries/dashboard';
import type { MonthOfNumbersAndSpend, NumbersAndSpendView } from '@/lib/views/dashboard';
import { sumAmounts } from './pricing';

export type { MonthOfNumbersAndSpend } from '@/lib/views/dashboard';

/** The last `months` calendar months (UTC), the current one last. */
export async function getNumbersAndSpendByMonth(access: AccountAccess, { months = 12, now = new Date() }: { months?: number; now?: Date } = {}): Promise<MonthOfNumbersAndSpend[]> {
  assertCan(access, 'account.read');
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const money = access.permissions.has('billing.read');
  const rows = await getMonthlyNumbersAndSpendBySubtree(await getDb(), { accountPath: access.account.path, from, months, spend: money });
  return rows.map((row) => (money ? row : { month: row.month, numbers: row.numbers }));
}

/** What the dashboard's chart shows: the months and, for those who read billing, their spend added up. */
export async function getNumbersAndSpendView(access: AccountAccess, options?: { months?: number; now?: Date }): Promise<NumbersAndSpendView> {
  const months = await getNumbersAndSpendByMonth(access, options);
  if (!access.permissions.has('billing.read')) return { months };
  return { months, totalSpend: sumAmounts(months.map((month) => month.spend ?? '0')) };
}
