import 'server-only';

/**
 * Pulls CDRs from every enabled upstream that has them into the CDR store. Each connection keeps a
 * cursor: calls that started before `pulledUntil` are in; the window being read is
 * [pulledUntil, windowEnd) and `cursor` is the upstream's position inside it. The cursor moves in
 * the same transaction as the page's calls are stored, so a crash resumes at the page it stopped
 * on, and a page read twice only yields duplicates.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import {
  advanceCdrPullCursor,
  ensureCdrPullCursor,
  getCdrPullCursors,
  openCdrPullWindow,
  recordCdrPullError,
  type CdrPullCursor,
} from '@/lib/db/queries/cdr-pull-cursors';
import { log } from '@/lib/log';
import { isProviderError } from '@/lib/providers/errors';
import { requireCapability, type Cdr, type CdrsCapability, type ProviderId } from '@/lib/providers/types';
import { CDR_INGEST_BATCH, ingestCdrBatch, type CdrInput, type IngestRejection } from './cdr-ingest';
import { assertStaff, getEnabledAdapters } from './providers';

/** A connection never pulled before starts this far back. */
export const CDR_PULL_FIRST_LOOKBACK_MS = 24 * 3600 * 1000;
/** Calls younger than this are left for the next run: an upstream logs a call when it ends. */
export const CDR_PULL_SETTLE_MS = 5 * 60 * 1000;
/** Widest window where the upstream sets no bound of its own. */
export const CDR_PULL_MAX_WINDOW_MS = 24 * 3600 * 1000;
/** Pages one connection may read per run, so a large backlog on one upstream cannot starve the others. */
export const CDR_PULL_PAGES_PER_RUN = 20;
export const CDR_PULL_PAGE_LIMIT = 1000;

export const cdrSourceOf = (connectionId: string) => `conn:${connectionId}`;

export interface CdrPullOutcome {
  connectionId: string;
  provider: ProviderId;
  pages: number;
  imported: number;
  duplicates: number;
  unattributed: number;
  /** Rows the store refused (an unreadable number, times out of order): logged with their reason. */
  rejected: number;
  /** Why nothing (more) was read this time: `waiting` (paced), `caught_up`, `rate_limited`, `error`. */
  stopped?: 'waiting' | 'caught_up' | 'rate_limited' | 'error' | 'page_limit';
  error?: string;
}

/** What a call's SIP final code was when the upstream gives only a disposition. */
const SIP_CODE_OF: Record<Cdr['disposition'], number> = {
  answered: 200,
  busy: 486,
  no_answer: 480,
  cancelled: 487,
  failed: 500,
};

/** An upstream's call as the store takes it. Pure. */
export function cdrToInput(cdr: Cdr, connectionId: string): CdrInput {
  const answered = cdr.disposition === 'answered';
  const inviteAt = cdr.startedAt;
  const ringingAt = cdr.ringingAt ?? (cdr.pddMs !== undefined && cdr.pddMs >= 0 ? new Date(inviteAt.getTime() + cdr.pddMs) : undefined);
  // Where an upstream gives only a talk duration, the answer is that long before the end.
  const answerAt = answered ? (cdr.answeredAt ?? (cdr.endedAt ? new Date(cdr.endedAt.getTime() - cdr.durationSec * 1000) : inviteAt)) : undefined;
  const sipCode = cdr.sipCode !== undefined && (answered ? cdr.sipCode >= 200 && cdr.sipCode < 300 : cdr.sipCode >= 300) ? cdr.sipCode : SIP_CODE_OF[cdr.disposition];
  return {
    source: cdrSourceOf(connectionId),
    sourceId: cdr.providerCallId,
    direction: cdr.direction,
    from: cdr.from,
    to: cdr.to,
    inviteAt,
    // A ring reported after the answer (clock skew upstream) would make the row unreadable: drop the ring.
    ringingAt: ringingAt && (!answerAt || ringingAt <= answerAt) ? ringingAt : undefined,
    answerAt,
    endAt: cdr.endedAt && (!answerAt || cdr.endedAt >= answerAt) ? cdr.endedAt : answerAt,
    sipCode,
    q850Cause: cdr.q850Cause,
    billsec: answered ? Math.max(0, Math.floor(cdr.durationSec)) : 0,
    mos: cdr.mos,
    upstreamCost: cdr.cost?.amount,
    connectionId,
  };
}

/** The failure as staff read it on the Providers page: the kind in words, then the upstream's own. */
function describeError(error: unknown): string {
  if (isProviderError(error)) return error.upstreamMessage ? `${error.message} (${error.upstreamMessage})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

async function storePage(db: Db, connectionId: string, items: Cdr[], outcome: CdrPullOutcome, position: { cursor: string } | { pulledUntil: Date }) {
  const inputs: { line: number; input: CdrInput }[] = [];
  const rejected: IngestRejection[] = [];
  items.forEach((cdr, index) => {
    try {
      inputs.push({ line: index + 1, input: cdrToInput(cdr, connectionId) });
    } catch (error) {
      rejected.push({ line: index + 1, reason: describeError(error) });
    }
  });
  const page = { imported: 0, duplicates: 0, unattributed: 0 };
  await db.transaction(async (tx) => {
    for (let start = 0; start < inputs.length; start += CDR_INGEST_BATCH) {
      const result = await ingestCdrBatch(tx, inputs.slice(start, start + CDR_INGEST_BATCH));
      page.imported += result.accepted;
      page.duplicates += result.duplicates;
      page.unattributed += result.unattributed;
      rejected.push(...result.rejected);
    }
    const last = rejected.at(-1);
    const lastRejection = last ? `Call ${items[last.line - 1]?.providerCallId ?? `#${last.line}`}: ${last.reason}` : undefined;
    await advanceCdrPullCursor(tx, { connectionId, at: new Date(), ...page, rejected: rejected.length, lastRejection, ...position });
  });
  outcome.pages++;
  outcome.imported += page.imported;
  outcome.duplicates += page.duplicates;
  outcome.unattributed += page.unattributed;
  outcome.rejected += rejected.length;
  if (rejected.length > 0) {
    log.warn('cdr.pull_rows_rejected', { connectionId, count: rejected.length, sample: rejected.slice(0, 5).map((r) => ({ ...r, sourceId: items[r.line - 1]?.providerCallId })) });
  }
}

/** Reads one connection from its cursor, at most `maxPages` pages. Never throws: a failure is recorded on the cursor. */
export async function pullConnectionCdrs(
  db: Db,
  connection: { id: string; provider: ProviderId },
  cdrs: CdrsCapability,
  options: { now?: Date; maxPages?: number; pageLimit?: number } = {},
): Promise<CdrPullOutcome> {
  const outcome: CdrPullOutcome = { connectionId: connection.id, provider: connection.provider, pages: 0, imported: 0, duplicates: 0, unattributed: 0, rejected: 0 };
  const now = options.now ?? new Date();
  const maxPages = options.maxPages ?? CDR_PULL_PAGES_PER_RUN;
  const policy = cdrs.pullPolicy ?? {};
  const maxWindowMs = Math.min(policy.maxWindowMs ?? CDR_PULL_MAX_WINDOW_MS, CDR_PULL_MAX_WINDOW_MS);
  const readFrom = (pulledUntil: Date) => new Date(pulledUntil.getTime() - (policy.lateLogMs ?? 0));
  let row: CdrPullCursor = await ensureCdrPullCursor(db, { connectionId: connection.id, pulledUntil: new Date(now.getTime() - CDR_PULL_FIRST_LOOKBACK_MS) });
  let windowsOpened = 0;
  try {
    while (outcome.pages < maxPages) {
      let windowEnd = row.windowEnd;
      if (!windowEnd) {
        // A paced upstream (VoiceTel: 6 CDR reads an hour, shared by the host) gets one new window per interval.
        const paced = policy.minIntervalMs !== undefined && (windowsOpened > 0 || (row.lastRunAt && now.getTime() - row.lastRunAt.getTime() < policy.minIntervalMs));
        if (paced) {
          outcome.stopped = 'waiting';
          break;
        }
        const end = Math.min(now.getTime() - CDR_PULL_SETTLE_MS, row.pulledUntil.getTime() + maxWindowMs);
        if (end <= row.pulledUntil.getTime()) {
          outcome.stopped = 'caught_up';
          break;
        }
        windowEnd = new Date(end);
        await openCdrPullWindow(db, { connectionId: connection.id, windowEnd, at: now });
        windowsOpened++;
      }
      const page = await cdrs.pull({ since: readFrom(row.pulledUntil), until: windowEnd, cursor: row.cursor ?? undefined, limit: options.pageLimit ?? CDR_PULL_PAGE_LIMIT });
      if (page.nextCursor !== undefined && page.nextCursor === row.cursor) {
        throw new Error(`the upstream handed back the same cursor (${page.nextCursor}): stopped so as not to loop`);
      }
      const next = page.nextCursor;
      await storePage(db, connection.id, page.items, outcome, next ? { cursor: next } : { pulledUntil: windowEnd });
      row = next ? { ...row, windowEnd, cursor: next } : { ...row, pulledUntil: windowEnd, windowEnd: null, cursor: null, lastRunAt: now };
    }
    if (!outcome.stopped) outcome.stopped = 'page_limit';
  } catch (error) {
    if (isProviderError(error) && error.providerKind === 'rate_limited') {
      // The budget is spent (ours or the upstream's): the window stays open and is read next time.
      outcome.stopped = 'rate_limited';
      log.info('cdr.pull_rate_limited', { connectionId: connection.id, provider: connection.provider, retryAfterMs: error.retryAfterMs });
    } else {
      outcome.stopped = 'error';
      outcome.error = describeError(error);
      await recordCdrPullError(db, { connectionId: connection.id, error: outcome.error, at: new Date() });
      log.warn('cdr.pull_failed', { connectionId: connection.id, provider: connection.provider, error });
    }
  }
  log.info('cdr.pulled', { ...outcome });
  return outcome;
}

/** The `pull-cdrs` job: every enabled connection with CDRs, one after another; one failing does not stop the rest. */
export async function pullAllCdrs(options: { now?: Date; maxPages?: number; pageLimit?: number } = {}): Promise<CdrPullOutcome[]> {
  const db = await getDb();
  const outcomes: CdrPullOutcome[] = [];
  for (const { connection, adapter } of await getEnabledAdapters('cdrs')) {
    const provider = connection.provider as ProviderId;
    try {
      outcomes.push(await pullConnectionCdrs(db, { id: connection.id, provider }, requireCapability(adapter, 'cdrs'), options));
    } catch (error) {
      // Only the database failing gets here (the pull records upstream faults itself).
      log.error('cdr.pull_crashed', { connectionId: connection.id, provider, error });
      outcomes.push({ connectionId: connection.id, provider, pages: 0, imported: 0, duplicates: 0, unattributed: 0, rejected: 0, stopped: 'error', error: describeError(error) });
    }
  }
  return outcomes;
}

/** Where each connection's CDR pull stands, for the Providers page (staff only). */
export interface CdrPullStatus {
  pulledUntil: Date;
  /** A window is being read page by page (resumes where it stopped). */
  midWindow: boolean;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  imported: number;
  duplicates: number;
  unattributed: number;
  rejected: number;
  lastRejection: string | null;
}

export async function getCdrPullStatuses(user: SessionUser): Promise<Map<string, CdrPullStatus>> {
  assertStaff(user);
  const rows = await getCdrPullCursors(await getDb());
  return new Map(
    rows.map((row) => [
      row.connectionId,
      {
        pulledUntil: row.pulledUntil,
        midWindow: row.windowEnd !== null,
        lastRunAt: row.lastRunAt,
        lastSuccessAt: row.lastSuccessAt,
        lastError: row.lastError,
        lastErrorAt: row.lastErrorAt,
        imported: row.imported,
        duplicates: row.duplicates,
        unattributed: row.unattributed,
        rejected: row.rejected,
        lastRejection: row.lastRejection,
      },
    ]),
  );
}
