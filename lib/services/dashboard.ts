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
import { numberScopeOf } from './numbers';

export interface DashboardAlerts {
  /** Live numbers on a trunk group that does not carry them as configured; `elsewhere`: those My numbers does not list for this viewer (in sub-accounts). */
  notRouted: { count: number; elsewhere: number };
  /** Trunk groups changed at a carrier outside the portal; `linked`: those of this account (their page opens here). */
  drifted: { id: string; name: string; accountName: string; linked: boolean }[];
  /** Live numbers without a registered emergency address; `elsewhere`: those in sub-accounts (/e911 lists the account's own). */
  withoutE911: { count: number; elsewhere: number };
}

/**
 * The dashboard of the account `access` is for: headline counts (all over the account's subtree),
 * alerts for those who read the technical side, its sub-accounts, recent changes
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
  const alerts: DashboardAlerts | undefined = access.permissions.has('technical.read')
    ? {
        notRouted: { count: counts.notRouted.total, elsewhere: numberScopeOf(access).subtree ? 0 : counts.notRouted.total - counts.notRouted.own },
        drifted: counts.drifted.map((group) => ({ id: group.id, name: group.name, accountName: group.accountName, linked: group.accountId === access.account.id })),
        withoutE911: { count: counts.e911.unregistered, elsewhere: counts.e911.unregistered - counts.e911.own.unregistered },
      }
    : undefined;
  return { counts, alerts, tree, events, funds, spend, canSeeFunds };
}
