import 'server-only';

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
import type { numberSearches } from '@/lib/db/schema';
import { getFreshSearchByKey, getSearchById, insertSearch, updateSearchResults } from '@/lib/db/queries/number-searches';
import { getTakenNumbersByE164s } from '@/lib/db/queries/numbers';
import { getNumberPrices, getProviderNumberCosts } from '@/lib/db/queries/prices';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { matchesPattern } from '@/lib/number-pattern';
import { toNanpTenDigits } from '@/lib/phone-numbers';
import { PROVIDER_NAMES, ProviderError, isProviderError } from '@/lib/providers/errors';
import { requireCapability, type AvailableNumber, type NumberSearchQuery, type ProviderId } from '@/lib/providers/types';
import type { NumberSearchInput } from '@/lib/validations/numbers';
import type { NumberSearchView } from '@/lib/views/number-search';
import { numberSupportsE911 } from './e911-capability';
import { findPrice, fromUnits, getAccountDidTiers, numberPrice, sumAmounts, toUnits, type DidTierPrice } from './pricing';
import { getEnabledAdapters } from './providers';
import { chooseUpstream, getUpstreamFits, type UpstreamChoiceRecord, type UpstreamOffer } from './upstream-choice';

export const SEARCH_TIMEOUT_MS = 6_000;
export const SEARCH_CACHE_TTL_MS = 10 * 60_000;
export const SEARCH_PAGE_SIZE = 25;
/** Past its deadline by this much, an upstream still marked pending will not answer any more. */
export const SEARCH_ABANDONED_AFTER_MS = 15_000;

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
  /** Consecutive-block searches: the first number of the block this number belongs to. */
  block?: string;
  /** Why this upstream and not another that offers the number (absent in searches kept from before the ranking). */
  choice?: UpstreamChoiceRecord;
}

export interface ProviderOutcome {
  connectionId: string;
  provider: ProviderId;
  providerName: string;
  /** Still searching (the search was started and answers arrive one upstream at a time). */
  pending?: boolean;
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
  const national = toNanpTenDigits(number.e164);
  if (!national) return false;
  if (number.kind !== input.kind) return false;
  if (input.npa && national.slice(0, 3) !== input.npa) return false;
  if (input.nxx && national.slice(3, 6) !== input.nxx) return false;
  if (input.state && number.state && number.state !== input.state) return false;
  if (input.tollFreePrefix && national.slice(0, 3) !== input.tollFreePrefix) return false;
  if (input.rateCenter && number.rateCenter && !number.rateCenter.toUpperCase().includes(input.rateCenter)) return false;
  if (input.pattern && !matchesPattern(national, input.pattern)) return false;
  return true;
}

const nextNumber = (e164: string) => `+${(BigInt(e164.slice(1)) + 1n).toString()}`;

/**
 * A consecutive-block search answers whole blocks only: runs of consecutive numbers offered by one
 * upstream, cut into blocks of `size` (what is left over is dropped), each number tagged with its
 * block's first number. An upstream that cannot search for blocks is judged here the same way.
 */
export function intoBlocks<T extends { e164: string; connectionId?: string }>(numbers: readonly T[], size: number): (T & { block: string })[] {
  const sorted = [...numbers].sort((a, b) => a.e164.localeCompare(b.e164));
  const blocks: (T & { block: string })[] = [];
  let run: T[] = [];
  const flush = () => {
    for (let start = 0; start + size <= run.length; start += size) {
      const members = run.slice(start, start + size);
      blocks.push(...members.map((member) => ({ ...member, block: members[0]!.e164 })));
    }
    run = [];
  };
  for (const number of sorted) {
    const previous = run[run.length - 1];
    if (previous && (nextNumber(previous.e164) !== number.e164 || previous.connectionId !== number.connectionId)) flush();
    run.push(number);
  }
  flush();
  return blocks;
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

interface Offer extends UpstreamOffer {
  number: AvailableNumber;
  provider: ProviderId;
}

/** One row per number from the upstream `chooseUpstream` ranks first (lib/services/upstream-choice.ts); priced from the list. */
function mergeOffers(candidates: Map<string, Offer[]>, taken: Set<string>, prices: Awaited<ReturnType<typeof getNumberPrices>>, tiers: readonly DidTierPrice[]): SearchResult[] {
  const results: SearchResult[] = [];
  for (const [e164, offers] of candidates) {
    if (taken.has(e164)) continue;
    const { best, choice } = chooseUpstream(offers);
    const price = numberPrice(findPrice(prices, { kind: best.number.kind, state: best.number.state, npa: best.number.npa }), tiers, e164);
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
      choice,
    });
  }
  return results.sort((a, b) => a.e164.localeCompare(b.e164));
}

/**
 * Records the search with every upstream pending, then asks them all at once; each answer is merged
 * into the stored row as it arrives, so the page (polling the row) shows each carrier's numbers
 * without waiting for the slowest. `first` is the row as recorded; `done` settles with every upstream.
 */
async function runSearch(access: AccountAccess, input: NumberSearchInput, options: { timeoutMs?: number; fresh?: boolean; reusePending?: boolean }): Promise<{ first: SearchAnswer; done: Promise<SearchAnswer> }> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const queryKey = queryKeyOf(input);
  if (!options.fresh) {
    const cached = await getFreshSearchByKey(db, { accountId: access.account.id, queryKey });
    const answer = cached ? judgeAbandoned(answerOf(cached)) : undefined;
    if (answer && (options.reusePending || answer.providers.every((outcome) => !outcome.pending))) {
      const current = await withoutTaken(db, answer);
      return { first: current, done: Promise.resolve(current) };
    }
  }

  const sources = await getEnabledAdapters('numbers');
  const fits = await getUpstreamFits(db, { accountId: access.account.id, upstreams: sources.map(({ connection, adapter }) => ({ connectionId: connection.id, provider: connection.provider, adapter })) });
  const [prices, costs, tiers] = await Promise.all([getNumberPrices(db), getProviderNumberCosts(db), getAccountDidTiers(db, { accountId: access.account.id })]);
  const providerQuery = toProviderQuery(input);
  const outcomes: ProviderOutcome[] = sources
    .map(({ connection }) => {
      const provider = connection.provider as ProviderId;
      return { connectionId: connection.id, provider, providerName: PROVIDER_NAMES[provider], pending: true, ok: false, count: 0, ms: 0 };
    })
    .sort((a, b) => a.providerName.localeCompare(b.providerName) || a.connectionId.localeCompare(b.connectionId));
  const candidates = new Map<string, Offer[]>();
  const stored = await insertSearch(db, { accountId: access.account.id, queryKey, query: input, results: [], providers: outcomes, expiresAt: new Date(Date.now() + SEARCH_CACHE_TTL_MS) });
  if (!stored) throw new AppError('internal:search_store');
  let latest = answerOf(stored);

  // Writes are chained, and each writes everything known by then, so the last one holds every answer;
  // one failed write fails its own caller and does not stop the writes after it.
  let writes: Promise<unknown> = Promise.resolve();
  const record = () => {
    writes = writes.catch(() => undefined).then(async () => {
      const taken = new Set((await getTakenNumbersByE164s(db, { e164s: [...candidates.keys()] })).map((row) => row.e164));
      const merged = mergeOffers(candidates, taken, prices, tiers);
      // Two upstreams offering parts of one block can split it when merged: blocks are cut again.
      const results = input.consecutive ? intoBlocks(merged, input.quantity) : merged;
      const providers = outcomes.map((outcome) => ({ ...outcome }));
      await updateSearchResults(db, { searchId: stored.id, results, providers });
      latest = { ...latest, results, providers };
    });
    return writes;
  };

  const asked = sources.map(async ({ connection, adapter, http }) => {
    const provider = connection.provider as ProviderId;
    const outcome = outcomes.find((candidate) => candidate.connectionId === connection.id)!;
    const started = Date.now();
    try {
      const found = await withDeadline(requireCapability(adapter, 'numbers').search(providerQuery), provider, options.timeoutMs ?? SEARCH_TIMEOUT_MS);
      const matching = found.filter((number) => matchesQuery(number, input));
      const kept = input.consecutive ? intoBlocks(matching, input.quantity) : matching;
      const recent = http.stats.recent;
      const reliable = http.breakerState === 'closed' && (recent.length < 5 || recent.filter((ok) => !ok).length / recent.length < 0.5);
      const staffCost = costs.find((cost) => cost.connectionId === connection.id && cost.kind === input.kind)?.monthly;
      for (const number of kept) {
        const list = candidates.get(number.e164) ?? [];
        list.push({ number, connectionId: connection.id, provider, cost: number.cost?.monthly?.amount ?? staffCost, reliable, e911: fits.get(connection.id)?.e911 ?? false, trunkGroups: fits.get(connection.id)?.trunkGroups ?? [] });
        candidates.set(number.e164, list);
      }
      Object.assign(outcome, { pending: undefined, ok: true, count: kept.length, ms: Date.now() - started });
    } catch (error) {
      log.warn('numbers.search_provider_failed', { connectionId: connection.id, provider, error });
      Object.assign(outcome, { pending: undefined, ok: false, count: 0, reason: failureReason(error, provider), ms: Date.now() - started });
    }
    await record();
  });
  // Each upstream's answer is written before its promise settles: once all have, the row is complete.
  const done = Promise.all(asked).then(() => latest);
  return { first: latest, done };
}

/** Runs (or reuses, within the cache's lifetime) the fanned-out search for the account, and waits for every upstream. */
export async function searchAvailableNumbers(access: AccountAccess, input: NumberSearchInput, options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<SearchAnswer> {
  return (await runSearch(access, input, options)).done;
}

/**
 * Starts the fanned-out search (or reuses a kept one, even one still running) and answers once every
 * upstream has, or after `waitMs`, whichever is first: the upstreams still pending go on answering
 * into the stored search, which `getSearchPage` reads. A failure after the answer is logged, and the
 * search's upstreams are judged abandoned when read long after their deadline.
 */
export async function startNumberSearch(access: AccountAccess, input: NumberSearchInput, options: { waitMs?: number; timeoutMs?: number } = {}): Promise<SearchAnswer> {
  const { first, done } = await runSearch(access, input, { ...options, reusePending: true });
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), options.waitMs ?? 0);
  });
  const settled = await Promise.race([done.catch(() => undefined), waited]).finally(() => clearTimeout(timer));
  done.catch((error: unknown) => log.error('numbers.search_failed', { searchId: first.searchId, error }));
  if (settled) return settled;
  const db = await getDb();
  const row = await getSearchById(db, { searchId: first.searchId, accountId: access.account.id });
  return row ? withoutTaken(db, judgeAbandoned(answerOf(row))) : first;
}

/** An upstream still pending well past every deadline belongs to a search whose process stopped: it answered nothing. */
function judgeAbandoned(answer: SearchAnswer, now = new Date()): SearchAnswer {
  if (now.getTime() - answer.createdAt.getTime() < SEARCH_TIMEOUT_MS + SEARCH_ABANDONED_AFTER_MS) return answer;
  if (!answer.providers.some((outcome) => outcome.pending)) return answer;
  return {
    ...answer,
    providers: answer.providers.map((outcome) => (outcome.pending ? { ...outcome, pending: undefined, ok: false, reason: `${outcome.providerName} did not answer in time.` } : outcome)),
  };
}

/** A kept answer, less what was bought (or is being bought) by anyone since it was kept. */
async function withoutTaken(db: Db, answer: SearchAnswer): Promise<SearchAnswer> {
  const taken = new Set((await getTakenNumbersByE164s(db, { e164s: answer.results.map((result) => result.e164) })).map((row) => row.e164));
  if (taken.size === 0) return answer;
  // A block with a number gone is no longer a block of the size asked for.
  const brokenBlocks = new Set(answer.results.filter((result) => result.block && taken.has(result.e164)).map((result) => result.block));
  return { ...answer, results: answer.results.filter((result) => !taken.has(result.e164) && !(result.block && brokenBlocks.has(result.block))) };
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
  const answer = judgeAbandoned(answerOf(row));
  return options.withTaken ? answer : withoutTaken(db, answer);
}

export type SearchSort = NumberSearchView['sort'];
export type { NumberSearchView };

/**
 * One page of a stored search, sorted, without any upstream call. With `blockSize` (a consecutive
 * search) a row is a whole block, sorted by its first number, and `total` counts blocks.
 */
export function pageOfResults<T extends SearchResult>(results: readonly T[], view: { sort: SearchSort; dir: 'asc' | 'desc'; page: number }, pageSize = SEARCH_PAGE_SIZE, blockSize: number | null = null) {
  const key = (result: SearchResult): string | number =>
    view.sort === 'monthly' ? toUnits(result.monthly) : view.sort === 'setup' ? toUnits(result.setup) : view.sort === 'state' ? (result.state ?? '') : view.sort === 'rateCenter' ? (result.rateCenter ?? '') : result.e164;
  const units: T[][] = [];
  if (blockSize) {
    const byBlock = new Map<string, T[]>();
    for (const result of [...results].sort((a, b) => a.e164.localeCompare(b.e164))) byBlock.set(result.block ?? result.e164, [...(byBlock.get(result.block ?? result.e164) ?? []), result]);
    units.push(...byBlock.values());
  } else units.push(...results.map((result) => [result]));
  const sorted = units.sort(([a], [b]) => {
    const left = key(a!);
    const right = key(b!);
    const order = left < right ? -1 : left > right ? 1 : a!.e164.localeCompare(b!.e164);
    return view.dir === 'asc' ? order : -order;
  });
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const page = Math.min(view.page, pages);
  const onPage = sorted.slice((page - 1) * pageSize, page * pageSize);
  return { rows: onPage.flat(), units: onPage, page, pages, total: sorted.length };
}

/** The E911 filter of the view: numbers whose carrier can register an emergency address. */
export interface SearchViewOptions {
  sort: SearchSort;
  dir: 'asc' | 'desc';
  page: number;
  e911Only?: boolean;
}

/**
 * One sorted page of a search and where each carrier stands, as the Buy numbers page and
 * `GET /api/v1/number-searches/{id}` show it. Customers see carriers as "Carrier 1…", with no
 * reason beyond "did not answer"; operator staff see provider names, reasons, upstreams and margins.
 */
export function toSearchView(answer: SearchAnswer, view: SearchViewOptions, staff: boolean, now = new Date()): NumberSearchView {
  const blockSize = answer.query.consecutive ? answer.query.quantity : null;
  const judged = answer.results.map((result) => ({ ...result, e911: numberSupportsE911(result) }));
  // A block comes from one upstream, so the filter keeps or drops whole blocks.
  const shown = view.e911Only ? judged.filter((result) => result.e911) : judged;
  const page = pageOfResults(shown, view, SEARCH_PAGE_SIZE, blockSize);
  const hiddenWithoutE911 = pageOfResults(judged, view, SEARCH_PAGE_SIZE, blockSize).total - page.total;
  const names = new Map(answer.providers.map((outcome) => [outcome.connectionId, outcome.providerName]));
  const staffColumns = (row: SearchResult) => (staff ? { upstream: names.get(row.connectionId) ?? PROVIDER_NAMES[row.provider], margin: row.cost ? fromUnits(toUnits(row.monthly) - toUnits(row.cost), 4) : null } : {});
  return {
    id: answer.searchId,
    createdAt: answer.createdAt.toISOString(),
    expiresAt: new Date(answer.createdAt.getTime() + SEARCH_CACHE_TTL_MS).toISOString(),
    settled: answer.providers.every((outcome) => !outcome.pending),
    carriers: answer.providers.map((outcome, index) => ({
      label: staff ? outcome.providerName : `Carrier ${index + 1}`,
      status: outcome.pending ? 'pending' : outcome.ok ? 'ok' : 'failed',
      count: outcome.count,
      reason: outcome.pending || outcome.ok ? null : staff ? (outcome.reason ?? 'Failed.') : 'Did not answer this search.',
    })),
    sort: view.sort,
    dir: view.dir,
    page: page.page,
    pageSize: SEARCH_PAGE_SIZE,
    pages: page.pages,
    total: page.total,
    blockSize,
    e911Only: Boolean(view.e911Only),
    hiddenWithoutE911,
    results: page.rows.map((row) => ({
      e164: row.e164,
      kind: row.kind,
      state: row.state ?? null,
      rateCenter: row.rateCenter ?? null,
      features: row.features,
      monthly: row.monthly,
      setup: row.setup,
      e911: row.e911,
      block: row.block ?? null,
      ...staffColumns(row),
    })),
    blocks: blockSize
      ? page.units.map((members) => {
          const first = members[0]!;
          const uniform = (amount: (member: SearchResult) => string) => (members.every((member) => amount(member) === amount(first)) ? amount(first) : null);
          return {
            id: first.block ?? first.e164,
            first: first.e164,
            last: members[members.length - 1]!.e164,
            count: members.length,
            numbers: members.map((member) => member.e164),
            kind: first.kind,
            state: first.state ?? null,
            rateCenter: first.rateCenter ?? null,
            features: first.features,
            monthly: uniform((member) => member.monthly),
            setup: uniform((member) => member.setup),
            monthlyTotal: sumAmounts(members.map((member) => member.monthly)),
            setupTotal: sumAmounts(members.map((member) => member.setup)),
            e911: members.every((member) => member.e911),
            ...staffColumns(first),
          };
        })
      : [],
    generatedAt: now.toISOString(),
  };
}

/** A stored search of the account as one page (not_found for another account's, or an expired one). */
export async function getSearchPage(access: AccountAccess, searchId: string, view: SearchViewOptions): Promise<NumberSearchView> {
  return toSearchView(await getStoredSearch(access, searchId), view, access.user.isOperatorStaff);
}
