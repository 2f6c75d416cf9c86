/**
 * Sliding-window request budgets kept in persisted state, so a restart does not hand an upstream
 * with a 6-requests-an-hour limit a fresh allowance. The store is the upstream host's
 * (`ProviderContext.budgets`), not one connection's: the limits count per source IP.
 */
import { ProviderError } from './errors';
import type { ProviderStateStore } from './state-store';
import type { ProviderId } from './types';

export interface RateBudget {
  name: string;
  limit: number;
  windowMs: number;
}

export interface BudgetStatus {
  name: string;
  limit: number;
  remaining: number;
  resetsAt?: Date;
}

const key = (budget: RateBudget) => `budget:${budget.name}`;

async function recentCalls(state: ProviderStateStore, budget: RateBudget, now: number): Promise<number[]> {
  const calls = (await state.get<number[]>(key(budget))) ?? [];
  return calls.filter((at) => now - at < budget.windowMs);
}

/** Spends one call from the budget, or throws `rate_limited:provider` without calling upstream. */
export async function spendBudget(
  provider: ProviderId,
  state: ProviderStateStore,
  budget: RateBudget,
  now: number = Date.now(),
): Promise<void> {
  await state.update<number[]>(key(budget), (stored) => {
    const calls = (stored ?? []).filter((at) => now - at < budget.windowMs);
    if (calls.length >= budget.limit) {
      const oldest = Math.min(...calls);
      throw new ProviderError(provider, 'rate_limited', {
        retryAfterMs: oldest + budget.windowMs - now,
        upstreamMessage: `local budget ${budget.name} spent (${budget.limit} per ${budget.windowMs / 60_000} min)`,
      });
    }
    return [...calls, now];
  });
}

/** The upstream said it is out (a 429): mark the budget spent so we stop asking until the window passes. */
export async function exhaustBudget(state: ProviderStateStore, budget: RateBudget, now: number = Date.now()) {
  const calls = await recentCalls(state, budget, now);
  while (calls.length < budget.limit) calls.push(now);
  await state.set(key(budget), calls);
}

export async function budgetStatus(state: ProviderStateStore, budget: RateBudget, now: number = Date.now()): Promise<BudgetStatus> {
  const calls = await recentCalls(state, budget, now);
  return {
    name: budget.name,
    limit: budget.limit,
    remaining: Math.max(0, budget.limit - calls.length),
    resetsAt: calls.length ? new Date(Math.min(...calls) + budget.windowMs) : undefined,
  };
}
