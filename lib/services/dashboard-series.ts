import 'server-only';

/** The dashboard's "numbers and spend over time": one row per month, aggregated in SQL over the account's subtree. */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getMonthlyNumbersAndSpendBySubtree } from '@/lib/db/queries/dashboard';

export interface MonthOfNumbersAndSpend {
  /** `YYYY-MM`, UTC. */
  month: string;
  /** Numbers live at the month's end; for the current month, now. */
  numbers: number;
  /** What the ledger charged in the month, an exact decimal string; only for roles that read billing. */
  spend?: string;
}

/** The last `months` calendar months (UTC), the current one last. */
export async function getNumbersAndSpendByMonth(access: AccountAccess, { months = 12, now = new Date() }: { months?: number; now?: Date } = {}): Promise<MonthOfNumbersAndSpend[]> {
  assertCan(access, 'account.read');
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const rows = await getMonthlyNumbersAndSpendBySubtree(await getDb(), { accountPath: access.account.path, from, months });
  const money = access.permissions.has('billing.read');
  return rows.map((row) => (money ? row : { month: row.month, numbers: row.numbers }));
}
