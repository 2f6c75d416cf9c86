/**
 * What "normal" is for a quality alert, and when a window is far enough from it to alert. Pure, so
 * it is unit-tested with hand-computed fixtures and the page can show the same numbers.
 *
 * The window: the 15 minutes before the evaluation time (rounded down to the 5-minute rollup grid).
 * The baseline: the same 15 minutes of time-of-week in each of the previous 4 weeks (same weekday,
 * same clock time, UTC), so the daily and weekly rhythm of traffic is part of "normal". A week
 * counts only with enough calls of its own; at least 3 of the 4 must.
 *
 * Robust statistics: the baseline is the median of the weeks' values and its spread is the median
 * absolute deviation scaled by 1.4826 (so it estimates a standard deviation for normal data),
 * which one odd week (a holiday, an earlier incident) cannot drag.
 *
 * - ASR alerts when it falls below median − max(3·MAD, 10 percentage points, 2 binomial standard
 *   errors of a window this small): a 30-call window is noisy by itself.
 * - PDD p50 alerts when it rises above max(median + 3·MAD, 1.5 × median).
 */

export const QUALITY_WINDOW_MS = 15 * 60_000;
export const QUALITY_GRID_MS = 5 * 60_000;
export const QUALITY_BASELINE_WEEKS = 4;
export const WEEK_MS = 7 * 24 * 3600_000;
/** Attempts the window needs before anything is judged. */
export const MIN_WINDOW_ATTEMPTS = 30;
/** Attempts a baseline week needs to count. */
export const MIN_BASELINE_ATTEMPTS = 20;
/** Calls with a known PDD the window (and a baseline week) needs before PDD is judged. */
export const MIN_PDD_SAMPLES = 20;
export const MIN_BASELINE_WEEKS = 3;
export const MAD_SCALE = 1.4826;
export const MAD_K = 3;
export const ASR_FLOOR = 0.1;
export const ASR_STANDARD_ERRORS = 2;
export const PDD_RATIO_FLOOR = 1.5;

export type QualityAlertMetric = 'asr' | 'pdd_p50';

export const QUALITY_ALERT_METRIC_LABELS: Record<QualityAlertMetric, string> = { asr: 'ASR', pdd_p50: 'PDD p50' };

export const QUALITY_ALERT_RULES =
  `Compared with the same 15 minutes of the week over the previous ${QUALITY_BASELINE_WEEKS} weeks (median; spread = ${MAD_SCALE} × median absolute deviation, "MAD"). ` +
  `ASR alerts below median − max(${MAD_K} × MAD, ${ASR_FLOOR * 100} points, ${ASR_STANDARD_ERRORS} standard errors of the window); PDD p50 above max(median + ${MAD_K} × MAD, ${PDD_RATIO_FLOOR} × median). ` +
  `Only with at least ${MIN_WINDOW_ATTEMPTS} attempts in the window and ${MIN_BASELINE_WEEKS} baseline weeks of at least ${MIN_BASELINE_ATTEMPTS} attempts each.`;

/** The evaluated window: [start, end), end = `at` rounded down to the 5-minute grid. */
export function qualityWindow(at: Date): { start: Date; end: Date } {
  const end = Math.floor(at.getTime() / QUALITY_GRID_MS) * QUALITY_GRID_MS;
  return { start: new Date(end - QUALITY_WINDOW_MS), end: new Date(end) };
}

/** The window shifted back by `weeks` weeks (0 = the window itself). */
export function baselineWindow(window: { start: Date; end: Date }, weeks: number): { start: Date; end: Date } {
  return { start: new Date(window.start.getTime() - weeks * WEEK_MS), end: new Date(window.end.getTime() - weeks * WEEK_MS) };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and scaled median absolute deviation. */
export function robustBaseline(values: readonly number[]): { median: number; mad: number } | null {
  const center = median(values);
  if (center === null) return null;
  const deviation = median(values.map((value) => Math.abs(value - center)))!;
  return { median: center, mad: MAD_SCALE * deviation };
}

/** One period's figures: the window or one baseline week. */
export interface PeriodSample {
  attempts: number;
  answered: number;
  pddKnown: number;
  /** PDD p50 in ms from the period's histogram, null without known PDDs. */
  pddP50Ms: number | null;
}

export interface MetricJudgement {
  metric: QualityAlertMetric;
  /** Whether there was enough volume to judge at all; when false, nothing is said (an open alert stays as it is). */
  judged: boolean;
  breached: boolean;
  observed: number | null;
  baseline: number | null;
  /** Scaled MAD of the baseline weeks. */
  spread: number | null;
  /** The value past which the metric alerts (ASR below it, PDD above it). */
  threshold: number | null;
  baselineWeeks: number;
  volume: number;
}

/** Not enough volume to judge: the baseline still shows (for charts) when the weeks allow it. */
function notJudged(metric: QualityAlertMetric, volume: number, baselineWeeks: number, observed: number | null, base?: { median: number; mad: number; threshold: number | null }): MetricJudgement {
  return { metric, judged: false, breached: false, observed, baseline: base?.median ?? null, spread: base?.mad ?? null, threshold: base?.threshold ?? null, baselineWeeks, volume };
}

export function judgeAsr(window: PeriodSample, weeks: readonly PeriodSample[]): MetricJudgement {
  const observed = window.attempts > 0 ? window.answered / window.attempts : null;
  const usable = weeks.filter((week) => week.attempts >= MIN_BASELINE_ATTEMPTS);
  if (usable.length < MIN_BASELINE_WEEKS) return notJudged('asr', window.attempts, usable.length, observed);
  const base = robustBaseline(usable.map((week) => week.answered / week.attempts))!;
  const standardError = window.attempts > 0 ? Math.sqrt((base.median * (1 - base.median)) / window.attempts) : null;
  const threshold = standardError === null ? null : base.median - Math.max(MAD_K * base.mad, ASR_FLOOR, ASR_STANDARD_ERRORS * standardError);
  if (window.attempts < MIN_WINDOW_ATTEMPTS || observed === null || threshold === null) return notJudged('asr', window.attempts, usable.length, observed, { ...base, threshold });
  return { metric: 'asr', judged: true, breached: observed < threshold, observed, baseline: base.median, spread: base.mad, threshold, baselineWeeks: usable.length, volume: window.attempts };
}

export function judgePddP50(window: PeriodSample, weeks: readonly PeriodSample[]): MetricJudgement {
  const observed = window.pddP50Ms;
  const usable = weeks.filter((week) => week.attempts >= MIN_BASELINE_ATTEMPTS && week.pddKnown >= MIN_PDD_SAMPLES && week.pddP50Ms !== null);
  if (usable.length < MIN_BASELINE_WEEKS) return notJudged('pdd_p50', window.attempts, usable.length, observed);
  const base = robustBaseline(usable.map((week) => week.pddP50Ms!))!;
  const threshold = Math.max(base.median + MAD_K * base.mad, PDD_RATIO_FLOOR * base.median);
  if (window.attempts < MIN_WINDOW_ATTEMPTS || window.pddKnown < MIN_PDD_SAMPLES || observed === null) return notJudged('pdd_p50', window.attempts, usable.length, observed, { ...base, threshold });
  return { metric: 'pdd_p50', judged: true, breached: observed > threshold, observed, baseline: base.median, spread: base.mad, threshold, baselineWeeks: usable.length, volume: window.attempts };
}

/** Both metrics of one (account, trunk group, destination): `weeks[0]` is one week back, `weeks[3]` four. */
export function judgeWindow(window: PeriodSample, weeks: readonly PeriodSample[]): MetricJudgement[] {
  return [judgeAsr(window, weeks), judgePddP50(window, weeks)];
}
