import 'server-only';

/**
 * Rating at ingest (issue 15.3): each call is priced against the sell deck in force for its account
 * at its INVITE, and costed against its upstream connection's cost deck. Deck versions never change
 * once written, so their prefix indexes are cached by version id; which deck and which versions
 * apply is read once per batch.
 */
import { priceCall, PrefixIndex, type RatedEntry } from '@/lib/billing/rating';
import type { Db, Tx } from '@/lib/db/client';
import type { CdrRating, CdrRecord } from '@/lib/db/queries/cdrs';
import { getDeckVersionEntries, getRateBindings, type DeckVersionRef, type RateBindings } from '@/lib/db/queries/rate-bindings';

type Executor = Db | Tx;

interface VersionIndex {
  termination: PrefixIndex<RatedEntry>;
  origination: PrefixIndex<RatedEntry>;
}

const VERSION_CACHE_LIMIT = 32;
const versionCache = new Map<string, Promise<VersionIndex>>();

/** A deck version's prefix indexes, loaded once per process (versions are immutable). */
export function deckVersionIndex(db: Executor, versionId: string): Promise<VersionIndex> {
  const cached = versionCache.get(versionId);
  if (cached) {
    versionCache.delete(versionId);
    versionCache.set(versionId, cached);
    return cached;
  }
  const loading = getDeckVersionEntries(db, versionId).then((entries) => ({
    termination: new PrefixIndex(entries.filter((entry) => entry.kind === 'termination')),
    origination: new PrefixIndex(entries.filter((entry) => entry.kind === 'origination')),
  }));
  loading.catch(() => versionCache.delete(versionId));
  versionCache.set(versionId, loading);
  while (versionCache.size > VERSION_CACHE_LIMIT) versionCache.delete(versionCache.keys().next().value!);
  return loading;
}

/** The version of a deck in force at `at`: the latest effective at or before it. */
export function versionInForce(versions: readonly DeckVersionRef[] | undefined, at: Date): DeckVersionRef | undefined {
  return versions?.find((version) => version.effectiveFrom.getTime() <= at.getTime());
}

type RatableCall = Pick<CdrRecord, 'accountId' | 'connectionId' | 'direction' | 'toE164' | 'inviteAt' | 'answerAt' | 'billsec'>;

/** Rates calls against the decks of `bindings` (read with `getRateBindings` for these calls). */
export async function rateWithBindings(db: Executor, calls: readonly RatableCall[], bindings: RateBindings): Promise<CdrRating[]> {
  const indexes = new Map<string, VersionIndex>();
  const indexOf = async (version: DeckVersionRef) => {
    let index = indexes.get(version.id);
    if (!index) indexes.set(version.id, (index = await deckVersionIndex(db, version.id)));
    return index;
  };
  const ratings: CdrRating[] = [];
  for (const call of calls) {
    const digits = call.toE164.startsWith('+') ? call.toE164.slice(1) : call.toE164;
    const answered = call.answerAt !== null;
    const rating: CdrRating = { billedSeconds: null, rateVersionId: null, ratePrefix: null, rateDestination: null, rate: null, connectionFee: null, charge: null, costVersionId: null, costRate: null, cost: null, ratingError: null };
    const sellDeck = bindings.sellDeckByAccount.get(call.accountId);
    const sellVersion = sellDeck ? versionInForce(bindings.versionsByDeck.get(sellDeck), call.inviteAt) : undefined;
    if (!sellVersion) rating.ratingError = 'no_deck';
    else {
      const entry = (await indexOf(sellVersion))[call.direction === 'outbound' ? 'termination' : 'origination'].lookup(digits);
      if (!entry) {
        rating.ratingError = 'no_rate';
        rating.rateVersionId = sellVersion.id;
      } else {
        const price = priceCall(call.billsec, answered, entry);
        Object.assign(rating, { billedSeconds: price.billedSeconds, rateVersionId: sellVersion.id, ratePrefix: entry.prefix, rateDestination: entry.destination, rate: entry.rate, connectionFee: entry.connectionFee, charge: price.charge });
      }
    }
    const costDeck = call.connectionId ? bindings.costDeckByConnection.get(call.connectionId) : undefined;
    const costVersion = costDeck ? versionInForce(bindings.versionsByDeck.get(costDeck), call.inviteAt) : undefined;
    if (costVersion) {
      const entry = (await indexOf(costVersion))[call.direction === 'outbound' ? 'termination' : 'origination'].lookup(digits);
      if (entry) Object.assign(rating, { costVersionId: costVersion.id, costRate: entry.rate, cost: priceCall(call.billsec, answered, entry).charge });
    }
    ratings.push(rating);
  }
  return ratings;
}

/** Rates a batch of calls: one query for the decks that apply, then prefix lookups in memory. */
export async function rateCalls(db: Executor, calls: readonly RatableCall[]): Promise<CdrRating[]> {
  if (calls.length === 0) return [];
  const bindings = await getRateBindings(db, {
    accountIds: [...new Set(calls.map((call) => call.accountId))],
    connectionIds: [...new Set(calls.flatMap((call) => (call.connectionId ? [call.connectionId] : [])))],
  });
  return rateWithBindings(db, calls, bindings);
}
