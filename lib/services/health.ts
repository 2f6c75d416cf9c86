import 'server-only';
import { getDbHandle, type Db } from '@/lib/db/client';
import { pingDatabase } from '@/lib/db/queries/health';
import { upsertProviderCallHealth, type ProviderCallBatch } from '@/lib/db/queries/providers';
import { log } from '@/lib/log';
import type { CallRecord } from '@/lib/providers/http';

export type DatabaseHealth = { ok: true; driver: 'pglite' | 'postgres'; latencyMs: number } | { ok: false };

/** Whether the database answers within the time a load balancer's health check allows. */
export async function checkDatabaseHealth(timeoutMs = 3000): Promise<DatabaseHealth> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await getDbHandle();
    await Promise.race([
      pingDatabase(handle.db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database timeout')), timeoutMs);
      }),
    ]);
    return { ok: true, driver: handle.driver, latencyMs: Date.now() - started };
  } catch {
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Upstream calls are recorded in batches: calls are folded per connection in memory and written
 * one row per connection a moment later, so a busy search or sync costs a few upserts, not one
 * write per call. The database is the one the adapter was made with (never opened from here).
 */
const FLUSH_AFTER_MS = 250;
const pending = new Map<Db, Map<string, ProviderCallBatch>>();
let flushTimer: NodeJS.Timeout | undefined;

const worked = (call: CallRecord) => call.outcome === 'success' || call.outcome === 'refused';

function fold(batch: ProviderCallBatch | undefined, call: CallRecord): ProviderCallBatch {
  const next: ProviderCallBatch = batch
    ? { ...batch }
    : { connectionId: call.connectionId, lastCallAt: call.at, lastOutcome: call.outcome, lastOperation: call.operation, lastMessage: null, lastSuccessAt: null, lastFailureAt: null, lastFailureOutcome: null, lastFailureMessage: null, trailingFailures: 0, sawSuccess: false };
  next.lastCallAt = call.at;
  next.lastOutcome = call.outcome;
  next.lastOperation = call.operation;
  next.lastMessage = call.message ?? null;
  if (worked(call)) {
    next.lastSuccessAt = call.at;
    next.trailingFailures = 0;
    next.sawSuccess = true;
  } else {
    next.lastFailureAt = call.at;
    next.lastFailureOutcome = call.outcome;
    next.lastFailureMessage = call.message ?? null;
    next.trailingFailures += 1;
  }
  return next;
}

export function recordProviderCall(db: Db, call: CallRecord): void {
  let batches = pending.get(db);
  if (!batches) pending.set(db, (batches = new Map()));
  batches.set(call.connectionId, fold(batches.get(call.connectionId), call));
  flushTimer ??= setTimeout(() => void flushProviderCallHealth(), FLUSH_AFTER_MS).unref();
}

/** Writes what is pending now; pages that show health call it first so they read their own calls. */
export async function flushProviderCallHealth(): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const taken = [...pending];
  pending.clear();
  for (const [db, batches] of taken) {
    for (const batch of batches.values()) {
      try {
        await upsertProviderCallHealth(db, batch);
      } catch (error) {
        // A connection deleted meanwhile, or a database closing: health is advisory, calls go on.
        log.warn('provider.health_write_failed', { connectionId: batch.connectionId, error });
      }
    }
  }
}
