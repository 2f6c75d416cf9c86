import 'server-only';
import type { AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getSubtreeSpendSince, getSubtreeWithCountsByAccount } from '@/lib/db/queries/accounts';
import { getAuditEventsByAccountSubtree } from '@/lib/db/queries/audit';
import { getDashboardCountsByAccount } from '@/lib/db/queries/dashboard';
import { getBalanceByBillingAccount } from '@/lib/db/queries/number-orders';
import { AppError } from '@/lib/errors';
import { monthStart } from './account-funds';
import { canSeeBillingAccountFunds } from './accounts';

/**
 * The dashboard of the account `access` is for: headline counts, its sub-accounts, recent changes
 * for those who read the audit trail, and money for those who read billing: the master's balance
 * only to those who read billing on the master; a sub-account's finance sees what it spent this month.
 */
export async function getDashboard(access: AccountAccess) {
  if (!access.permissions.has('account.read')) throw new AppError('forbidden:role');
  const db = await getDb();
  const canAudit = access.permissions.has('audit.read');
  const canSeeMoney = access.permissions.has('billing.read');
  const canSeeFunds = canSeeMoney && (await canSeeBillingAccountFunds(db, access));
  const [counts, tree, events, funds, spend] = await Promise.all([
    getDashboardCountsByAccount(db, { accountId: access.account.id, accountPath: access.account.path }),
    getSubtreeWithCountsByAccount(db, { accountId: access.account.id, accountPath: access.account.path }),
    canAudit ? getAuditEventsByAccountSubtree(db, { accountPath: access.account.path, limit: 8 }) : Promise.resolve([]),
    canSeeFunds ? getBalanceByBillingAccount(db, { billingAccountId: access.account.billingAccountId }) : Promise.resolve(undefined),
    canSeeMoney && !canSeeFunds
      ? getSubtreeSpendSince(db, { billingAccountId: access.account.billingAccountId, accountIds: [access.account.id], since: monthStart(new Date()) }).then((rows) => rows.get(access.account.id))
      : Promise.resolve(undefined),
  ]);
  return { counts, tree, events, funds, spend, canSeeFunds };
}
