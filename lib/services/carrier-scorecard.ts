import 'server-only';

/**
 * The carrier scorecard operator staff read: VICICarrier's routing score per destination and
 * upstream connection (lib/quality/carrier-score.ts), from the rollups of the last 7 days across every
 * account. Recomputed at most every 30 s: one computation per process serves every viewer within
 * that lifetime (several app instances each keep their own, which the rollups make cheap).
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import { getOutboundCountersByConnectionAndDestination } from '@/lib/db/queries/carrier-scorecard';
import { SCORE_WINDOW_DAYS, scoreCarriers, type CarrierScore } from '@/lib/quality/carrier-score';
import { AppError } from '@/lib/errors';
import { providerNameOf } from './carrier-labels';

export const SCORECARD_LIFETIME_MS = 30_000;

export interface ScorecardCarrier extends CarrierScore {
  /** Staff see the provider and connection names. */
  carrier: string;
}

export interface ScorecardDestination {
  destination: string;
  attempts: number;
  carriers: ScorecardCarrier[];
}

export interface CarrierScorecard {
  computedAt: Date;
  from: Date;
  to: Date;
  destinations: ScorecardDestination[];
}

/** Computes the scorecard now, uncached (the job of the cache below; tests call it with a fixed clock). */
export async function computeCarrierScorecard(db: Db, { now = new Date() }: { now?: Date } = {}): Promise<CarrierScorecard> {
  const from = new Date(now.getTime() - SCORE_WINDOW_DAYS * 86_400_000);
  const rows = await getOutboundCountersByConnectionAndDestination(db, { from, to: now });
  const names = new Map(rows.map((row) => [row.connectionId, row.provider ? `${providerNameOf(row.provider)} · ${row.connectionName}` : `Removed connection ${row.connectionId.slice(0, 8)}`]));
  const byDestination = new Map<string, ScorecardDestination>();
  for (const score of scoreCarriers(rows)) {
    let destination = byDestination.get(score.destination);
    if (!destination) byDestination.set(score.destination, (destination = { destination: score.destination, attempts: 0, carriers: [] }));
    destination.attempts += score.attempts;
    destination.carriers.push({ ...score, carrier: names.get(score.connectionId) ?? score.connectionId });
  }
  const destinations = [...byDestination.values()].sort((a, b) => b.attempts - a.attempts || a.destination.localeCompare(b.destination));
  return { computedAt: now, from, to: now, destinations };
}

let cached: { at: number; value: Promise<CarrierScorecard> } | undefined;

/** The scorecard for operator staff, at most 30 s old. */
export async function getCarrierScorecard(user: SessionUser, { now = new Date() }: { now?: Date } = {}): Promise<CarrierScorecard> {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can see the carrier scorecard.');
  if (!cached || now.getTime() - cached.at >= SCORECARD_LIFETIME_MS || now.getTime() < cached.at) {
    const value = getDb().then((db) => computeCarrierScorecard(db, { now }));
    cached = { at: now.getTime(), value };
    // A failed computation is not kept: the next viewer tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
  }
  return cached.value;
}

/** Tests switch databases between files. */
export function resetCarrierScorecardCache() {
  cached = undefined;
}
