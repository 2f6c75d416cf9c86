import 'server-only';

/** Accounts as the public API shows them: money (spend caps) only for roles that read billing. */
import type { AccountAccess } from '@/lib/auth/access';
import type { Account } from '@/lib/db/schema';
import type { EffectiveLimits } from '@/lib/services/accounts';

export function limitsJson(access: AccountAccess, account: Pick<Account, 'maxConcurrentCalls' | 'maxCallsPerSecond' | 'monthlySpendCap' | 'internationalAllowed'>) {
  return {
    maxConcurrentCalls: account.maxConcurrentCalls,
    maxCallsPerSecond: account.maxCallsPerSecond,
    ...(access.permissions.has('billing.read') ? { monthlySpendCap: account.monthlySpendCap } : {}),
    internationalAllowed: account.internationalAllowed,
  };
}

export function effectiveLimitsJson(access: AccountAccess, limits: EffectiveLimits) {
  return limitsJson(access, {
    maxConcurrentCalls: limits.maxConcurrentCalls.value,
    maxCallsPerSecond: limits.maxCallsPerSecond.value,
    monthlySpendCap: limits.monthlySpendCap.value,
    internationalAllowed: limits.internationalAllowed.value,
  });
}
