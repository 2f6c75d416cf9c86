/**
 * Buy numbers: one search fanned out to every enabled upstream that can search, each on its own
 * clock, merged to one row per number (the cheapest reliable upstream wins) and priced from the
 * price list. The merged answer is kept briefly so paging and sorting never call upstream again.
 * Numbers the portal already holds for any account, or is buying for one, are never offered: the
 * upstreams sell from one carrier account and may list them still.
 */
import { createHash } from 'node:crypto';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import { numberSearches } from '@/lib/db/schema';
import { getFreshSearchByKey, getSearchById } from '@/lib/db/queries/number-searches';
import { getTakenNumbersByE164s } from '@/lib/db/queries/numbers';
import { getNumberPrices, getProviderNumberCosts } from '@/lib/db/queries/prices';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, ProviderError, isProviderError } from '@/lib/providers/errors';
import type { AvailableNumber, NumberSearchQuery, ProviderId } from '@/lib/providers/types';
import type { NumberSearchInput } from '@/lib/validations/numbers';
import { findPrice, toUnits } from './pricing';
import { getEnabledAdapters } from './providers';

export const SEARCH_TIMEOUT_MS = 6_000;
export const SEARCH_CACHE_TTL_MS = 10 * 60_000;
export const SEARCH_PAGE_SIZE = 25;

export interface SearchResult {
  e164: string;
  kind: 'local' | 'tollfree';
  state?: string;
  rateCenter?: string;
  npa: string;
  nxx: string;
  features: string[];
  monthly: string;
  setup: string;
  /** Kept server-side for the cart; shown to operator staff only. */
  connectionId: string;
  provider: ProviderId;
  providerRef?: string;
  cost?: string;
}

export interface ProviderOutcome {
  connectionId: string;
  provider: ProviderId;
  providerName: string;
  ok: boolean;
  count: number;
  /** User-safe: why this upstream's numbers are missing from the results. */
  reason?: string;
  ms: number;
}

export interface SearchAnswer {
  searchId: string;
  query: NumberSearchInput;
  results: SearchResult[];
  providers: ProviderOutcome[];
  createdAt: Date;
}

function queryKeyOf(input: NumberSearchInput): string {
  const ordered = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

export function toProviderQuery(input: NumberSearchInput): NumberSearchQuery {
  return {
    kind: input.kind,
    state: input.state,
    npa: input.npa,
    nxx: input.nxx,
    rateCenter: input.rateCenter,
    tollFreePrefix: input.tollFreePrefix,
    pattern: input.pattern,
    quantity: input.quantity,
    consecutive: input.consecutive || undefined,
  };
}

/** Some upstreams ignore filters they do not support; what they send back is checked again here. */
export function matchesQuery(number: AvailableNumber, input: NumberSearchInput): boolean {
  const national = number.e164.replace(/^\+1/, '');
  if (!/^[2-9]\d{9}$/.test(national)) return false;
  if (number.kind !== input.kind) return false;
  if (input.npa && national.slice(0, 3) !== input.npa) return false;
  if (input.nxx && national.slice(3, 6) !== input.nxx) return false;
  if (input.state && number.state && number.state !== input.state) return false;
  if (input.tollFreePrefix && national.slice(0, 3) !== input.tollFreePrefix) return false;
  if (input.rateCenter && number.rateCenter && !number.rateCenter.toUpperCase().includes(input.rateCenter)) return false;
  if (input.pattern) {
    // `*` is any run of digits; a pattern without one may sit anywhere in the number.
    const body = input.pattern.split('*').join('\\d*');
    const regex = input.pattern.includes('*') ? new RegExp(`^${body}$`) : new RegExp(body);
    if (!regex.test(national) && !regex.test(`1${national}`)) return false;
  }
  return true;
}

function failureReason(error: unknown, provider: ProviderId): string {
  const name = PROVIDER_NAMES[provider];
  if (!isProviderError(error)) return `${name} failed unexpectedly.`;
  if (error.providerKind === 'unavailable' && /timed out|search budget/.test(error.upstreamMessage ?? '')) return `${name} did not answer in time.`;
  if (error.providerKind === 'invalid' && error.upstreamMessage) return `${name} cannot run this search (${error.upstreamMessage.slice(0, 120)}).`;
  return error.message;
}

function withDeadline<T>(promise: Promise<T>, provider: ProviderId, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderError(provider, 'unavailable', { upstreamMessage: `search budget of ${ms} ms spent` })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs (or reuses, within the cache's lifetime) the fanned-out search for the account. */
export async function searchAvailableNumbers(access: AccountAccess, input: NumberSearchInput, options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<SearchAnswer> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const queryKey = queryKeyOf(input);
  if (!options.fresh) {
    const cached = await getFreshSearchByKey(db, { accountId: access.account.id, queryKey });
    if (cached) return withoutTaken(db, answerOf(cached));
  }

  const sources = await getEnabledAdapters('numbers.search');
  const [prices, costs] = await Promise.all([getNumberPrices(db), getProviderNumberCosts(db)]);
  const providerQuery = toProviderQuery(input);
  const outcomes: ProviderOutcome[] = [];
  const candidates = new Map<string, { number: AvailableNumber; connectionId: string; provider: ProviderId; cost?: string; reliable: boolean }[]>();

  await Promise.all(
    sources.map(async ({ connection, adapter, http }) => {
      const provider = connection.provider as ProviderId;
      const started = Date.now();
      try {
        const found = await withDeadline(adapter.searchNumbers!(providerQuery), provider, options.timeoutMs ?? SEARCH_TIMEOUT_MS);
        const kept = found.filter((number) => matchesQuery(number, input));
        const recent = http.stats.recent;
        const reliable = http.breakerState === 'closed' && (recent.length < 5 || recent.filter((ok) => !ok).length / recent.length < 0.5);
        const staffCost = costs.find((cost) => cost.connectionId === connection.id && cost.kind === input.kind)?.monthly;
        for (const number of kept) {
          const list = candidates.get(number.e164) ?? [];
          list.push({ number, connectionId: connection.id, provider, cost: number.cost?.monthly?.amount ?? staffCost, reliable });
          candidates.set(number.e164, list);
        }
        outcomes.push({ connectionId: connection.id, provider, providerName: PROVIDER_NAMES[provider], ok: true, count: kept.length, ms: Date.now() - started });
      } catch (error) {
        log.warn('numbers.search_provider_failed', { connectionId: connection.id, provider, error });
        outcomes.push({ connectionId: connection.id, provider, providerName: PROVIDER_NAMES[provider], ok: false, count: 0, reason: failureReason(error, provider), ms: Date.now() - started });
      }
    }),
  );

  const results: SearchResult[] = [];
  const taken = new Set((await getTakenNumbersByE164s(db, { e164s: [...candidates.keys()] })).map((row) => row.e164));
  for (const [e164, offers] of candidates) {
    if (taken.has(e164)) continue;
    // Reliable upstreams first, then the cheapest known cost; an unknown cost ranks last.
    const best = [...offers].sort((a, b) => Number(b.reliable) - Number(a.reliable) || (a.cost ? toUnits(a.cost) : Infinity) - (b.cost ? toUnits(b.cost) : Infinity))[0]!;
    const price = findPrice(prices, { kind: best.number.kind, state: best.number.state, npa: best.number.npa });
    if (!price) continue;
    results.push({
      e164,
      kind: best.number.kind,
      state: best.number.state,
      rateCenter: best.number.rateCenter,
      npa: best.number.npa,
      nxx: best.number.nxx,
      features: best.number.features,
      monthly: price.monthly,
      setup: price.setup,
      connectionId: best.connectionId,
      provider: best.provider,
      providerRef: best.number.providerRef,
      cost: best.cost,
    });
  }
  results.sort((a, b) => a.e164.localeCompare(b.e164));
  outcomes.sort((a, b) => a.providerName.localeCompare(b.providerName));

  const [stored] = await db
    .insert(numberSearches)
    .values({ accountId: access.account.id, queryKey, query: input, results, providers: outcomes, expiresAt: new Date(Date.now() + SEARCH_CACHE_TTL_MS) })
    .returning();
  if (!stored) throw new AppError('internal:search_store');
  return answerOf(stored);
}

/** A kept answer, less what was bought (or is being bought) by anyone since it was kept. */
async function withoutTaken(db: Db, answer: SearchAnswer): Promise<SearchAnswer> {
  const taken = new Set((await getTakenNumbersByE164s(db, { e164s: answer.results.map((result) => result.e164) })).map((row) => row.e164));
  return taken.size === 0 ? answer : { ...answer, results: answer.results.filter((result) => !taken.has(result.e164)) };
}

function answerOf(row: typeof numberSearches.$inferSelect): SearchAnswer {
  return {
    searchId: row.id,
    query: row.query as NumberSearchInput,
    results: row.results as SearchResult[],
    providers: row.providers as ProviderOutcome[],
    createdAt: row.createdAt,
  };
}

/**
 * A stored search of the account, or not_found (another account's search id is simply unknown).
 * Numbers taken since it was kept are left out unless `withTaken` (the cart says why it refuses them).
 */
export async function getStoredSearch(access: AccountAccess, searchId: string, options: { withTaken?: boolean } = {}): Promise<SearchAnswer> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const row = await getSearchById(db, { searchId, accountId: access.account.id });
  if (!row || row.expiresAt < new Date()) throw new AppError('not_found:search', 'These search results have expired; search again.');
  return options.withTaken ? answerOf(row) : withoutTaken(db, answerOf(row));
}

export type SearchSort = 'number' | 'monthly' | 'setup' | 'state' | 'rateCenter';

/** One page of a stored search, sorted, without any upstream call. */
export function pageOfResults(results: readonly SearchResult[], view: { sort: SearchSort; dir: 'asc' | 'desc'; page: number }, pageSize = SEARCH_PAGE_SIZE) {
  const key = (result: SearchResult): string | number =>
    view.sort === 'monthly' ? toUnits(result.monthly) : view.sort === 'setup' ? toUnits(result.setup) : view.sort === 'state' ? (result.state ?? '') : view.sort === 'rateCenter' ? (result.rateCenter ?? '') : result.e164;
  const sorted = [...results].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    const order = left < right ? -1 : left > right ? 1 : a.e164.localeCompare(b.e164);
    return view.dir === 'asc' ? order : -order;
  });
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const page = Math.min(view.page, pages);
  return { rows: sorted.slice((page - 1) * pageSize, page * pageSize), page, pages, total: sorted.length };
}
