import { describe, expect, it } from 'vitest';
import { MIN_SCORED_ATTEMPTS, combineSubScores, costSubScore, mosSubScore, pddSubScore, postAnswerSubScore, scoreCarriers, type CarrierScoreInput } from '@/lib/quality/carrier-score';
import { PDD_BUCKET_COUNT, type QualityCounters } from '@/lib/quality/metrics';

/** Every known PDD in one histogram bucket: p50 is that bucket's midpoint (1360 ms for bucket 8, [1120, 1600)). */
function counters(values: Partial<QualityCounters> & { pddBucket?: number }): QualityCounters {
  const pddHistogram = new Array<number>(PDD_BUCKET_COUNT).fill(0);
  if (values.pddBucket !== undefined) pddHistogram[values.pddBucket] = values.pddKnown ?? 0;
  return { attempts: 0, answered: 0, nerOk: 0, billsec: 0, shortCalls: 0, pddKnown: 0, mosSum: 0, mosCount: 0, ...values, pddHistogram };
}

const carrier = (destination: string, connectionId: string, upstreamCost: string, values: Parameters<typeof counters>[0]): CarrierScoreInput => ({ destination, connectionId, upstreamCost, counters: counters(values) });

describe('carrier score sub-scores', () => {
  it('scores PDD 100 at 1 s or less, 0 at 5 s or more, linearly between', () => {
    expect(pddSubScore(600)).toBe(100);
    expect(pddSubScore(1000)).toBe(100);
    expect(pddSubScore(3000)).toBe(50);
    expect(pddSubScore(1360)).toBe(91);
    expect(pddSubScore(5000)).toBe(0);
    expect(pddSubScore(12800)).toBe(0);
    expect(pddSubScore(null)).toBeNull();
  });

  it('scores MOS 1 as 0 and 4.5 as 100', () => {
    expect(mosSubScore(1)).toBe(0);
    expect(mosSubScore(4.5)).toBe(100);
    expect(mosSubScore(2.75)).toBe(50);
    expect(mosSubScore(5)).toBe(100);
  });

  it('falls back from MOS to short calls and ACD, and knows nothing without answered calls', () => {
    expect(postAnswerSubScore({ mos: 4, shortCallShare: 0.9, acd: 1 })).toEqual({ value: (100 * 3) / 3.5, from: 'mos' });
    expect(postAnswerSubScore({ mos: null, shortCallShare: 0.1, acd: 60 })).toEqual({ value: 70, from: 'short_calls_and_acd' });
    expect(postAnswerSubScore({ mos: null, shortCallShare: 0, acd: 600 })).toEqual({ value: 100, from: 'short_calls_and_acd' });
    expect(postAnswerSubScore({ mos: null, shortCallShare: null, acd: null })).toEqual({ value: null, from: null });
  });

  it('scores cost as the cheapest over this carrier’s cost per minute', () => {
    expect(costSubScore(0.008, 0.008)).toBe(100);
    expect(costSubScore(0.016, 0.008)).toBe(50);
    expect(costSubScore(null, 0.008)).toBe(0);
    expect(costSubScore(0.01, 0)).toBe(0);
  });

  it('spreads an unknown sub-score’s weight over the known ones', () => {
    expect(combineSubScores({ cost: 100, asr: 100, pdd: 100, postAnswer: 100 })).toBe(100);
    expect(combineSubScores({ cost: 100, asr: 50, pdd: null, postAnswer: 70 })).toBe(75.9); // 64.5 / 0.85
    expect(combineSubScores({ cost: null, asr: null, pdd: null, postAnswer: null })).toBeNull();
  });
});

describe('scoreCarriers', () => {
  const scores = scoreCarriers([
    // C: 100 attempts (just enough), none answered: no minutes, so cost 0; PDD 1920 ms → 77; post-answer unknown.
    carrier('MX', 'conn-c', '0', { attempts: MIN_SCORED_ATTEMPTS, pddKnown: 100, pddBucket: 9 }),
    // A: ASR 70 %, $2.10 over 210 billed minutes = $0.0100/min, PDD 1360 ms, MOS 4.0.
    carrier('MX', 'conn-a', '2.100000', { attempts: 200, answered: 140, nerOk: 150, billsec: 12_600, pddKnown: 200, pddBucket: 8, mosSum: 400, mosCount: 100 }),
    // B: ASR 50 %, $1.60 over 200 minutes = $0.0080/min (cheapest), PDD unknown, 10 % short calls, ACD 60 s.
    carrier('MX', 'conn-b', '1.600000', { attempts: 400, answered: 200, nerOk: 300, billsec: 12_000, shortCalls: 20 }),
    // D: far cheaper ($0.001/min) but 99 attempts: not scored, and not the destination's cheapest either.
    carrier('MX', 'conn-d', '0.100000', { attempts: 99, answered: 50, billsec: 6000 }),
    // E: alone to US at $0.02/min: the cheapest of its own destination, whatever MX costs.
    carrier('US', 'conn-e', '0.500000', { attempts: 100, answered: 50, billsec: 1500, pddKnown: 100, pddBucket: 6 }),
  ]);
  const byId = new Map(scores.map((score) => [score.connectionId, score]));

  it('computes every sub-score and the weighted score by hand', () => {
    const a = byId.get('conn-a')!;
    expect(a.costPerMinute).toBeCloseTo(0.01, 10);
    expect(a.pddP50Ms).toBe(1360);
    expect(a.sub.cost).toBeCloseTo(80, 10);
    expect(a.sub.asr).toBeCloseTo(70, 10);
    expect(a.sub.pdd).toBe(91);
    expect(a.sub.postAnswer).toBeCloseTo(85.7142857, 6);
    expect(a.postAnswerFrom).toBe('mos');
    // 0.4 × 80 + 0.35 × 70 + 0.15 × 91 + 0.1 × 85.714 = 32 + 24.5 + 13.65 + 8.571 = 78.72
    expect(a.score).toBe(78.7);

    const b = byId.get('conn-b')!;
    expect(b.sub).toEqual({ cost: 100, asr: 50, pdd: null, postAnswer: 70 });
    expect(b.postAnswerFrom).toBe('short_calls_and_acd');
    // (0.4 × 100 + 0.35 × 50 + 0.1 × 70) / 0.85 = 64.5 / 0.85 = 75.88
    expect(b.score).toBe(75.9);

    const c = byId.get('conn-c')!;
    expect(c.costPerMinute).toBeNull();
    expect(c.sub).toEqual({ cost: 0, asr: 0, pdd: 77, postAnswer: null });
    // 0.15 × 77 / 0.9 = 12.83
    expect(c.score).toBe(12.8);

    const e = byId.get('conn-e')!;
    expect(e.sub).toEqual({ cost: 100, asr: 50, pdd: 100, postAnswer: 62.5 });
    // 40 + 17.5 + 15 + 6.25
    expect(e.score).toBe(78.8);
  });

  it('lists a carrier below the minimum volume unscored, after the ranked ones', () => {
    const d = byId.get('conn-d')!;
    expect(d.enoughCalls).toBe(false);
    expect(d.score).toBeNull();
    expect(d.rank).toBeNull();
    expect(d.sub.cost).toBeNull();
  });

  it('ranks within each destination, best first', () => {
    expect(scores.map((score) => [score.destination, score.connectionId, score.rank])).toEqual([
      ['MX', 'conn-a', 1],
      ['MX', 'conn-b', 2],
      ['MX', 'conn-c', 3],
      ['MX', 'conn-d', null],
      ['US', 'conn-e', 1],
    ]);
  });
});
