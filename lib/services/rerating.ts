import 'server-only';

/**
 * Re-rating (issue 15.3): when a deck gets a version effective in the past, or an account's deck
 * assignment changes, the stored calls it prices are priced again, never those on an issued (or
 * paid) invoice. A request is a pg-boss job on `rerate-cdrs`, debounced per deck or account and
 * start day; the job reads each account's calls by keyset, one UTC day per transaction, rewrites
 * only the rating columns of calls whose rating changed, and rebuilds that day's rollups from the
 * stored calls (a day cut by an invoice's end keeps its invoiced calls' charges: they are not rewritten).
 */
import { z } from 'zod';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { lockBillingAccount } from '@/lib/db/queries/accounts';
import { rebuildCdrRollups, type CdrRating } from '@/lib/db/queries/cdrs';
import {
  getAccountsBySellDeck,
  getAllAccountsForRerating,
  getCallsForRerating,
  getInvoicedUntilByBillingAccounts,
  getRateDeckTargetById,
  getSubtreeAccountsForRerating,
  updateCallRatings,
  type CallPosition,
  type RerateAccount,
  type StoredRatedCall,
} from '@/lib/db/queries/rerating';
import { sql } from 'drizzle-orm';
import { parseMicros } from '@/lib/billing/money';
import { AppError } from '@/lib/errors';
import { currentJobRunner } from '@/lib/jobs/lifecycle';
import { log } from '@/lib/log';
import { rowsOf } from '@/lib/db/rows';
import { rateCalls } from './rating';

export const RERATE_QUEUE = 'rerate-cdrs';
/** Calls read, priced and written per statement. */
export const RERATE_BATCH = 2000;
/** Requests for the same deck (or account) and start day within this window become one job. */
const DEBOUNCE_SECONDS = 30;
const DAY_MS = 86_400_000;
/** A day's transaction lost to a deadlock or a serialization failure (a busy ingest) is tried again. */
const DAY_ATTEMPTS = 4;

export interface RerateRequest {
  /** A sell deck (every account it prices) or a cost deck (every call over its connection). */
  deckId?: string;
  /** An account whose assignment changed: it and its subtree. */
  accountId?: string;
  /** Calls from this time on (never before the end of the billing account's last issued invoice). */
  from: Date;
}

export interface RerateOutcome {
  accounts: number;
  callsRead: number;
  callsChanged: number;
  daysRebuilt: number;
}

const jobData = z
  .object({ deckId: z.string().uuid().optional(), accountId: z.string().uuid().optional(), from: z.string().datetime({ offset: true }) })
  .refine((data) => Boolean(data.deckId) !== Boolean(data.accountId), 'exactly one of deckId and accountId');

function checkRequest(request: RerateRequest) {
  const parsed = jobData.safeParse({ deckId: request.deckId, accountId: request.accountId, from: Number.isFinite(request.from?.getTime()) ? request.from.toISOString() : '' });
  if (!parsed.success) throw new AppError('invalid:rerating', `A re-rating needs a deck or an account, and a start time: ${parsed.error.issues[0]?.message ?? 'invalid request'}.`);
  return parsed.data;
}

/**
 * Asks for a re-rating. With pg-boss running in this process it is queued (and answered at once);
 * without it (a script, a test, JOBS=0 before anything started pg-boss) it runs here and now, so a
 * deck change is never left un-rated.
 */
export async function requestRerating(request: RerateRequest): Promise<{ queued: true; jobId: string | null } | { queued: false; outcome: RerateOutcome }> {
  const data = checkRequest(request);
  const running = currentJobRunner();
  if (running) {
    try {
      const key = `${data.deckId ? `deck:${data.deckId}` : `account:${data.accountId}`}@${data.from.slice(0, 10)}`;
      const jobId = await (await running).boss.sendDebounced(RERATE_QUEUE, data, {}, DEBOUNCE_SECONDS, key);
      log.info('rerating.queued', { ...data, jobId });
      return { queued: true, jobId };
    } catch (error) {
      log.warn('rerating.queue_failed', { ...data, error });
    }
  }
  return { queued: false, outcome: await rerateCalls(await getDb(), request) };
}

/** The `rerate-cdrs` job. */
export async function runReratingJob(data: unknown): Promise<RerateOutcome> {
  const { deckId, accountId, from } = jobData.parse(data);
  return rerateCalls(await getDb(), { deckId, accountId, from: new Date(from) });
}

const dayStart = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

const SELL_FIELDS = ['billedSeconds', 'rateVersionId', 'ratePrefix', 'rateDestination', 'rate', 'connectionFee', 'charge', 'ratingError'] as const;
const NUMERIC_FIELDS = new Set<keyof CdrRating>(['rate', 'connectionFee', 'charge', 'costRate', 'cost']);

/** Same rating: numerics compared as amounts ("0.01" is "0.010000"), everything else as is. */
function sameRating(a: CdrRating, b: CdrRating): boolean {
  for (const field of Object.keys(a) as (keyof CdrRating)[]) {
    const x = a[field];
    const y = b[field];
    if (x === y) continue;
    if (x === null || y === null) return false;
    if (NUMERIC_FIELDS.has(field) ? parseMicros(String(x)) !== parseMicros(String(y)) : x !== y) return false;
  }
  return true;
}

function isRetryable(error: unknown): boolean {
  for (let current: unknown = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (code === '40001' || code === '40P01') return true;
  }
  return false;
}

interface DayWork {
  account: RerateAccount;
  from: Date;
  to: Date;
  connectionId?: string;
  /** Calls before this are on an issued invoice: only their cost may change. */
  invoicedUntil?: Date;
  batchSize: number;
}

/** One account's day: re-price its calls, write the changed ones, rebuild the day's rollups; all or nothing. */
async function rerateDay(tx: Tx, work: DayWork): Promise<{ read: number; changed: number }> {
  let after: CallPosition | undefined;
  let read = 0;
  let changed = 0;
  for (;;) {
    const calls: StoredRatedCall[] = await getCallsForRerating(tx, { accountId: work.account.accountId, from: work.from, to: work.to, connectionId: work.connectionId, after, limit: work.batchSize });
    if (calls.length === 0) break;
    read += calls.length;
    const ratings = await rateCalls(tx, calls);
    const updates = [];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      let rating = ratings[i]!;
      if (work.invoicedUntil && call.inviteAt < work.invoicedUntil) {
        rating = { ...rating };
        for (const field of SELL_FIELDS) (rating as unknown as Record<string, unknown>)[field] = call.rating[field];
      }
      if (!sameRating(call.rating, rating)) updates.push({ accountId: call.accountId, inviteAt: call.inviteAt, id: call.id, rating });
    }
    changed += await updateCallRatings(tx, updates);
    const last = calls.at(-1)!;
    after = { inviteAt: last.inviteAt, id: last.id };
    if (calls.length < work.batchSize) break;
  }
  if (changed > 0) {
    // Ingest adds to the rollups as it stores calls: it waits while this day is rebuilt, so no call is counted twice or lost.
    await tx.execute(sql`LOCK TABLE cdr_rollups IN SHARE ROW EXCLUSIVE MODE`);
    const day = dayStart(work.from);
    await rebuildCdrRollups(tx, { accountId: work.account.accountId, from: day, to: new Date(day.getTime() + DAY_MS) });
  }
  return { read, changed };
}

/**
 * The day's work with the billing account locked, as issuing an invoice locks it, and the invoiced
 * end read again under that lock: an invoice issued since this run began keeps its calls' charges
 * (only their cost may change, in a cost re-rating).
 */
async function rerateDayUnderInvoiceLock(tx: Tx, work: DayWork): Promise<{ read: number; changed: number }> {
  await lockBillingAccount(tx, { billingAccountId: work.account.billingAccountId });
  const invoicedUntil = (await getInvoicedUntilByBillingAccounts(tx, { billingAccountIds: [work.account.billingAccountId] })).get(work.account.billingAccountId);
  if (work.connectionId) return rerateDay(tx, { ...work, invoicedUntil });
  const from = invoicedUntil && invoicedUntil > work.from ? invoicedUntil : work.from;
  if (from >= work.to) return { read: 0, changed: 0 };
  return rerateDay(tx, { ...work, from });
}

/** The first call of the account at or after `at` (before `to`), to skip days without calls. */
async function nextCallAt(db: Db, { accountId, at, to, connectionId }: { accountId: string; at: Date; to: Date; connectionId?: string }): Promise<Date | undefined> {
  const result = await db.execute(sql`
    SELECT invite_at FROM cdrs
    WHERE account_id = ${accountId}::uuid AND invite_at >= ${at.toISOString()}::timestamptz AND invite_at < ${to.toISOString()}::timestamptz
      ${connectionId ? sql`AND connection_id = ${connectionId}::uuid` : sql``}
    ORDER BY invite_at LIMIT 1`);
  const [row] = rowsOf<{ invite_at: string | Date }>(result);
  return row ? new Date(row.invite_at) : undefined;
}

/**
 * Re-prices the calls a deck (or an account's assignment) prices, from `from` to `now`: for a sell
 * deck or an account, from the later of `from` and the end of the billing account's last issued or
 * paid invoice; for a cost deck, every call over its connection from `from`, the charges of invoiced
 * calls kept as they are.
 */
export async function rerateCalls(db: Db, request: RerateRequest & { now?: Date; batchSize?: number }): Promise<RerateOutcome> {
  checkRequest(request);
  const now = request.now ?? new Date();
  const batchSize = request.batchSize ?? RERATE_BATCH;
  const outcome: RerateOutcome = { accounts: 0, callsRead: 0, callsChanged: 0, daysRebuilt: 0 };
  let accounts: RerateAccount[];
  let connectionId: string | undefined;
  if (request.deckId) {
    const deck = await getRateDeckTargetById(db, { deckId: request.deckId });
    if (!deck) return outcome;
    if (deck.purpose === 'cost') {
      if (!deck.connectionId) return outcome;
      connectionId = deck.connectionId;
      accounts = await getAllAccountsForRerating(db);
    } else accounts = await getAccountsBySellDeck(db, { deckId: deck.id });
  } else accounts = await getSubtreeAccountsForRerating(db, { accountId: request.accountId! });
  const invoicedUntil = await getInvoicedUntilByBillingAccounts(db, { billingAccountIds: accounts.map((account) => account.billingAccountId) });
  const started = Date.now();
  for (const account of accounts) {
    const invoiced = invoicedUntil.get(account.billingAccountId);
    const from = connectionId || !invoiced || invoiced < request.from ? request.from : invoiced;
    let cursor = from;
    let touched = false;
    while (cursor < now) {
      const next = await nextCallAt(db, { accountId: account.accountId, at: cursor, to: now, connectionId });
      if (!next) break;
      const day = dayStart(next);
      const dayEnd = new Date(Math.min(day.getTime() + DAY_MS, now.getTime()));
      const work: DayWork = { account, from: next, to: dayEnd, connectionId, batchSize };
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.transaction((tx) => rerateDayUnderInvoiceLock(tx, work));
          outcome.callsRead += result.read;
          outcome.callsChanged += result.changed;
          if (result.changed > 0) outcome.daysRebuilt++;
          touched = true;
          break;
        } catch (error) {
          if (attempt >= DAY_ATTEMPTS || !isRetryable(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
      cursor = dayEnd;
    }
    if (touched) outcome.accounts++;
  }
  log.info('rerating.done', { deckId: request.deckId, accountId: request.accountId, from: request.from.toISOString(), ms: Date.now() - started, ...outcome });
  return outcome;
}
