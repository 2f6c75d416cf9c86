/**
 * VICICarrier's published routing score, with the normalisations it leaves out defined here. Pure,
 * so the scorecard page, its tests and any future router read one definition.
 */
import { qualityMetrics, type QualityCounters } from './metrics';

export const SCORE_WEIGHTS = { cost: 0.4, asr: 0.35, pdd: 0.15, postAnswer: 0.1 } as const;

/** Fewer attempts than this over the window and a carrier is listed "not enough calls", not scored. */
export const MIN_SCORED_ATTEMPTS = 100;
export const SCORE_WINDOW_DAYS = 7;
export const PDD_BEST_MS = 1000;
export const PDD_WORST_MS = 5000;
/** ACD at which the post-answer ACD part is full (calls that last say the audio works). */
export const ACD_FULL_SECONDS = 120;
export const MOS_WORST = 1;
export const MOS_BEST = 4.5;

export const SCORE_DEFINITIONS = {
  formula: 'score = 0.4 × cost_rank + 0.35 × ASR_7d + 0.15 × PDD_p50 + 0.10 × post_answer_quality, each sub-score 0–100, per destination country and upstream connection, over outbound calls of the last 7 days (all accounts), from the hourly and daily rollups.',
  cost: 'cost_rank = 100 × (cheapest cost per billed minute among the destination’s scored carriers ÷ this carrier’s). Cheapest 100; twice as dear 50. Cost per billed minute = upstream cost ÷ (billed seconds ÷ 60). No billed minutes: 0.',
  asr: 'ASR_7d = answered ÷ attempts, in percent (68.2 % scores 68.2).',
  pdd: `PDD_p50 = 100 at a median PDD ≤ ${PDD_BEST_MS / 1000} s, falling linearly to 0 at ≥ ${PDD_WORST_MS / 1000} s (lower PDD scores higher).`,
  postAnswer: `post_answer_quality = 100 × (MOS − ${MOS_WORST}) ÷ ${MOS_BEST - MOS_WORST} when the source reports MOS (MOS ${MOS_WORST} → 0, ${MOS_BEST} → 100); otherwise the mean of 100 × (1 − short-call share) and 100 × min(1, ACD ÷ ${ACD_FULL_SECONDS} s).`,
  unknown: 'A sub-score that cannot be known (no PDD reported, no answered call) is left out and its weight spread over the others in proportion, so a missing ringing time neither helps nor hurts.',
  volume: `A carrier needs ${MIN_SCORED_ATTEMPTS} attempts to a destination in the window to be scored; below that it is listed as “not enough calls”.`,
} as const;

export interface CarrierScoreInput {
  destination: string;
  connectionId: string;
  counters: QualityCounters;
  /** Decimal string: upstream cost summed over the window. */
  upstreamCost: string;
}

export interface SubScores {
  cost: number | null;
  asr: number | null;
  pdd: number | null;
  postAnswer: number | null;
}

export interface CarrierScore {
  destination: string;
  connectionId: string;
  attempts: number;
  answered: number;
  asr: number | null;
  pddP50Ms: number | null;
  pddUnknownShare: number | null;
  acd: number | null;
  shortCallShare: number | null;
  mos: number | null;
  /** Upstream cost per billed minute, null without billed minutes. */
  costPerMinute: number | null;
  postAnswerFrom: 'mos' | 'short_calls_and_acd' | null;
  sub: SubScores;
  /** 0–100, one decimal; null when the carrier has too few calls. */
  score: number | null;
  /** 1 = best within the destination; null when not scored. */
  rank: number | null;
  enoughCalls: boolean;
}

const clamp = (value: number, low = 0, high = 100) => Math.min(high, Math.max(low, value));
const round1 = (value: number) => Math.round(value * 10) / 10;

export function pddSubScore(p50Ms: number | null): number | null {
  if (p50Ms === null) return null;
  return clamp((100 * (PDD_WORST_MS - p50Ms)) / (PDD_WORST_MS - PDD_BEST_MS));
}

export function mosSubScore(mos: number): number {
  return clamp((100 * (mos - MOS_WORST)) / (MOS_BEST - MOS_WORST));
}

export function postAnswerSubScore(m: { mos: number | null; shortCallShare: number | null; acd: number | null }): { value: number | null; from: CarrierScore['postAnswerFrom'] } {
  if (m.mos !== null) return { value: mosSubScore(m.mos), from: 'mos' };
  if (m.shortCallShare === null || m.acd === null) return { value: null, from: null };
  return { value: (100 * (1 - m.shortCallShare) + 100 * Math.min(1, m.acd / ACD_FULL_SECONDS)) / 2, from: 'short_calls_and_acd' };
}

export function costSubScore(costPerMinute: number | null, cheapest: number | null): number | null {
  if (costPerMinute === null) return 0;
  if (cheapest === null) return null;
  if (costPerMinute <= cheapest) return 100;
  return clamp((100 * cheapest) / costPerMinute);
}

/** The weighted sum over known sub-scores, the unknown ones' weight spread over the rest. */
export function combineSubScores(sub: SubScores): number | null {
  const parts: [number | null, number][] = [
    [sub.cost, SCORE_WEIGHTS.cost],
    [sub.asr, SCORE_WEIGHTS.asr],
    [sub.pdd, SCORE_WEIGHTS.pdd],
    [sub.postAnswer, SCORE_WEIGHTS.postAnswer],
  ];
  let weighted = 0;
  let weights = 0;
  for (const [value, weight] of parts) {
    if (value === null) continue;
    weighted += value * weight;
    weights += weight;
  }
  return weights > 0 ? round1(weighted / weights) : null;
}

/**
 * Scores every (destination, connection) and ranks them within each destination: best first, then
 * those with too few calls (most attempts first).
 */
export function scoreCarriers(inputs: readonly CarrierScoreInput[]): CarrierScore[] {
  const base = inputs.map((input) => {
    const m = qualityMetrics(input.counters);
    const minutes = input.counters.billsec / 60;
    const costPerMinute = minutes > 0 ? Number(input.upstreamCost) / minutes : null;
    const postAnswer = postAnswerSubScore(m);
    return { input, m, costPerMinute, postAnswer, enoughCalls: m.attempts >= MIN_SCORED_ATTEMPTS };
  });
  const cheapestBy = new Map<string, number>();
  for (const row of base) {
    if (!row.enoughCalls || row.costPerMinute === null) continue;
    const current = cheapestBy.get(row.input.destination);
    if (current === undefined || row.costPerMinute < current) cheapestBy.set(row.input.destination, row.costPerMinute);
  }
  const scored: CarrierScore[] = base.map(({ input, m, costPerMinute, postAnswer, enoughCalls }) => {
    const sub: SubScores = {
      cost: enoughCalls ? costSubScore(costPerMinute, cheapestBy.get(input.destination) ?? null) : null,
      asr: m.asr === null ? null : 100 * m.asr,
      pdd: pddSubScore(m.pddP50Ms),
      postAnswer: postAnswer.value,
    };
    return {
      destination: input.destination,
      connectionId: input.connectionId,
      attempts: m.attempts,
      answered: m.answered,
      asr: m.asr,
      pddP50Ms: m.pddP50Ms,
      pddUnknownShare: m.pddUnknownShare,
      acd: m.acd,
      shortCallShare: m.shortCallShare,
      mos: m.mos,
      costPerMinute,
      postAnswerFrom: postAnswer.from,
      sub,
      score: enoughCalls ? combineSubScores(sub) : null,
      rank: null,
      enoughCalls,
    };
  });
  scored.sort(
    (a, b) =>
      a.destination.localeCompare(b.destination) ||
      Number(b.score !== null) - Number(a.score !== null) ||
      (b.score ?? 0) - (a.score ?? 0) ||
      b.attempts - a.attempts ||
      a.connectionId.localeCompare(b.connectionId),
  );
  let destination = '';
  let rank = 0;
  for (const row of scored) {
    if (row.destination !== destination) {
      destination = row.destination;
      rank = 0;
    }
    if (row.score !== null) row.rank = ++rank;
  }
  return scored;
}
