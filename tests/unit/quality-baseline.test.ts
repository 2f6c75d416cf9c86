/** The alert rule's statistics against hand-computed fixtures (numbers worked out in the comments). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineWindow, judgeAsr, judgePddP50, median, qualityWindow, robustBaseline, type PeriodSample } from '@/lib/quality/baseline';

const asr = (answered: number, attempts: number): PeriodSample => ({ attempts, answered, pddKnown: 0, pddP50Ms: null });
const pdd = (p50: number, attempts = 100, pddKnown = 100): PeriodSample => ({ attempts, answered: 50, pddKnown, pddP50Ms: p50 });

describe('windows', () => {
  it('ends on the 5-minute grid and looks back 15 minutes; baselines are whole weeks back', () => {
    const window = qualityWindow(new Date('2026-03-10T12:07:30Z'));
    expect(window.start.toISOString()).toBe('2026-03-10T11:50:00.000Z');
    expect(window.end.toISOString()).toBe('2026-03-10T12:05:00.000Z');
    const week4 = baselineWindow(window, 4);
    expect(week4.start.toISOString()).toBe('2026-02-10T11:50:00.000Z');
    expect(week4.end.toISOString()).toBe('2026-02-10T12:05:00.000Z');
  });
});

describe('median and MAD', () => {
  it('takes the middle (or the mean of the two middles) and scales the median absolute deviation by 1.4826', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([0.6, 0.48, 0.52, 0.5])).toBeCloseTo(0.51, 12);
    // |x − 0.51| = 0.01, 0.01, 0.03, 0.09 → median 0.02 → 0.02 × 1.4826.
    const base = robustBaseline([0.5, 0.52, 0.48, 0.6])!;
    expect(base.median).toBeCloseTo(0.51, 12);
    expect(base.mad).toBeCloseTo(0.029652, 9);
  });

  it('is not dragged by one odd week (a holiday, an earlier incident)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (outlier) => {
        const base = robustBaseline([1000, 1100, 900, outlier])!;
        expect(base.median).toBeGreaterThanOrEqual(950);
        expect(base.median).toBeLessThanOrEqual(1050);
      }),
    );
  });
});

describe('ASR', () => {
  const weeks = [asr(50, 100), asr(52, 100), asr(48, 100), asr(60, 100)];

  it('alerts below median − 10 points when the floor is the widest margin', () => {
    // median 0.51; 3·MAD = 0.088956; 2 SE = 2·√(0.51·0.49/100) = 0.09998; floor 0.10 → threshold 0.41.
    const low = judgeAsr(asr(40, 100), weeks);
    expect(low).toMatchObject({ judged: true, breached: true, observed: 0.4, baselineWeeks: 4, volume: 100 });
    expect(low.baseline).toBeCloseTo(0.51, 12);
    expect(low.threshold).toBeCloseTo(0.41, 12);
    expect(judgeAsr(asr(42, 100), weeks).breached).toBe(false);
  });

  it('widens the margin to 3·MAD when the weeks themselves vary', () => {
    // 0.4, 0.5, 0.6, 0.7: median 0.55, deviations 0.15, 0.05, 0.05, 0.15 → MAD 0.10 × 1.4826; threshold 0.55 − 0.44478 = 0.10522.
    const varied = [asr(40, 100), asr(50, 100), asr(60, 100), asr(70, 100)];
    const judged = judgeAsr(asr(20, 100), varied);
    expect(judged.threshold).toBeCloseTo(0.10522, 9);
    expect(judged.breached).toBe(false);
    expect(judgeAsr(asr(10, 100), varied).breached).toBe(true);
  });

  it('widens it to 2 standard errors for a small window', () => {
    // Steady 0.5, MAD 0; 30 attempts: 2·√(0.25/30) = 0.182574 → threshold 0.317426.
    const steady = [asr(50, 100), asr(50, 100), asr(50, 100), asr(50, 100)];
    const judged = judgeAsr(asr(10, 30), steady);
    expect(judged.threshold).toBeCloseTo(0.317426, 6);
    expect(judged.breached).toBe(false);
    expect(judgeAsr(asr(9, 30), steady).breached).toBe(true);
  });

  it('says nothing below the minimum volume or without 3 baseline weeks of 20 attempts', () => {
    expect(judgeAsr(asr(0, 29), weeks)).toMatchObject({ judged: false, breached: false, volume: 29 });
    const thin = [asr(50, 100), asr(5, 19), asr(48, 100), asr(0, 0)];
    expect(judgeAsr(asr(0, 100), thin)).toMatchObject({ judged: false, breached: false, baselineWeeks: 2 });
    // Three usable weeks are enough: 0.5, 0.48, 0.52 → median 0.5; threshold 0.4.
    const three = [asr(50, 100), asr(5, 19), asr(48, 100), asr(52, 100)];
    expect(judgeAsr(asr(39, 100), three)).toMatchObject({ judged: true, breached: true, baselineWeeks: 3 });
  });
});

describe('PDD p50', () => {
  it('alerts above 1.5 × median when that is the higher bar, and ignores one slow week', () => {
    // 900, 1000, 1100, 3000: median 1050; deviations 150, 50, 50, 1950 → MAD 100 × 1.4826 = 148.26;
    // median + 3·MAD = 1494.78 < 1.5 × 1050 = 1575 → threshold 1575.
    const weeks = [pdd(1000), pdd(1100), pdd(900), pdd(3000)];
    const slow = judgePddP50(pdd(1600), weeks);
    expect(slow).toMatchObject({ judged: true, breached: true, observed: 1600, baseline: 1050, threshold: 1575 });
    expect(judgePddP50(pdd(1500), weeks).breached).toBe(false);
  });

  it('uses median + 3·MAD when the weeks vary more', () => {
    // 1000, 1400, 1000, 1400: median 1200, MAD 200 × 1.4826 = 296.52 → 1200 + 889.56 = 2089.56 > 1800.
    const weeks = [pdd(1000), pdd(1400), pdd(1000), pdd(1400)];
    expect(judgePddP50(pdd(2000), weeks)).toMatchObject({ breached: false });
    expect(judgePddP50(pdd(2000), weeks).threshold).toBeCloseTo(2089.56, 6);
    expect(judgePddP50(pdd(2100), weeks).breached).toBe(true);
  });

  it('says nothing when too few calls carry a PDD (pulls often lack it)', () => {
    const weeks = [pdd(1000), pdd(1000), pdd(1000), pdd(1000)];
    expect(judgePddP50(pdd(5000, 100, 19), weeks)).toMatchObject({ judged: false, breached: false });
    const unknownBaseline = [pdd(1000), pdd(1000, 100, 5), pdd(1000, 100, 5), pdd(1000)];
    expect(judgePddP50(pdd(5000), unknownBaseline)).toMatchObject({ judged: false, baselineWeeks: 2 });
  });
});
