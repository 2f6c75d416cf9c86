import 'server-only';

/**
 * Refresh the numbers cache against each upstream's own list: numbers it reports are seen (and a
 * number flagged missing comes back to active); our active numbers it no longer reports are
 * flagged `missing_upstream` for a person to look at, never deleted. Only a complete listing may
 * flag anything: a provider that fails part-way flags nothing.
 */
import { getDb } from '@/lib/db/client';
import { flagNumbersUnseenSince, markNumbersSeenUpstream } from '@/lib/db/queries/numbers';
import { log } from '@/lib/log';
import { isProviderError } from '@/lib/providers/errors';
import type { ProviderId } from '@/lib/providers/types';
import { getEnabledAdapters } from './providers';

export interface RefreshOutcome {
  connectionId: string;
  provider: ProviderId;
  /** Numbers the upstream reported. */
  seen: number;
  flagged: number;
  restored: number;
  /** Why this connection was left alone this time (`rate_limited`, `unavailable`, …). */
  skipped?: string;
}

const PAGE_SIZE = 500;
/** A cursor that never ends is a broken upstream, not a big account. */
const MAX_PAGES = 1_000;

export async function refreshOwnedNumbers(options: { pageSize?: number } = {}): Promise<RefreshOutcome[]> {
  const db = await getDb();
  const outcomes: RefreshOutcome[] = [];
  for (const { connection, adapter, http } of await getEnabledAdapters('numbers')) {
    const outcome: RefreshOutcome = { connectionId: connection.id, provider: connection.provider as ProviderId, seen: 0, flagged: 0, restored: 0 };
    outcomes.push(outcome);
    const numbers = adapter.numbers;
    if (!numbers) {
      outcome.skipped = 'unsupported';
      continue;
    }
    if (http.breakerState === 'open') {
      outcome.skipped = 'unavailable';
      continue;
    }
    // Anything seen before this instant and not since was not in this listing.
    const startedAt = new Date();
    let cursor: string | undefined;
    const cursors = new Set<string>();
    try {
      for (let page = 0; ; page += 1) {
        if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages`);
        const result = await numbers.list({ cursor, limit: options.pageSize ?? PAGE_SIZE });
        outcome.seen += result.items.length;
        const { restored } = await markNumbersSeenUpstream(db, { connectionId: connection.id, e164s: result.items.map((item) => item.e164), seenAt: new Date() });
        outcome.restored += restored;
        if (!result.nextCursor) break;
        if (cursors.has(result.nextCursor)) throw new Error(`cursor ${result.nextCursor} repeated`);
        cursors.add(result.nextCursor);
        cursor = result.nextCursor;
      }
    } catch (error) {
      outcome.skipped = isProviderError(error) ? error.providerKind : 'error';
      log.warn('numbers.refresh_skipped', { connectionId: connection.id, provider: connection.provider, seen: outcome.seen, error });
      continue;
    }
    const { flagged } = await flagNumbersUnseenSince(db, { connectionId: connection.id, since: startedAt });
    outcome.flagged = flagged;
    log.info('numbers.refreshed', { ...outcome });
  }
  return outcomes;
}
