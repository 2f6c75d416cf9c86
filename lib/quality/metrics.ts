/**
 * What the quality pages compute and how, in one place: the rollup SQL, the charts and their
 * legends all read these. Pure, so client components may import it.
 */

/** Upper bounds (ms, exclusive) of the PDD histogram's buckets; the last bucket is open-ended. Steps of √2 from 100 ms. */
export const PDD_BUCKET_BOUNDS_MS = [100, 140, 200, 280, 400, 560, 800, 1120, 1600, 2240, 3200, 4480, 6400, 8960, 12800] as const;
export const PDD_BUCKET_COUNT = PDD_BUCKET_BOUNDS_MS.length + 1;

/** An answered call shorter than this is a "short call" (a sign of robocalls or broken audio). */
export const SHORT_CALL_SECONDS = 6;

/**
 * ITU-T E.425: network effectiveness counts seizures that ended in answer or in an outcome the
 * called or calling user decided: busy, no answer, rejection, a wrong number dialled, the caller
 * hanging up first. SIP final codes, and Q.850 causes when the source gives them.
 */
export const NER_USER_SIP_CODES = [404, 480, 484, 486, 487, 600, 603] as const;
export const NER_USER_Q850_CAUSES = [1, 17, 18, 19, 21, 28] as const;

export const METRIC_DEFINITIONS = {
  attempts: 'Attempts: every call that reached the network (every CDR).',
  asr: 'ASR = answered ÷ attempts.',
  ner: `NER (ITU-T E.425) = (answered + user-determined outcomes: busy, no answer, rejected, wrong number, caller hung up; SIP ${NER_USER_SIP_CODES.join(', ')}) ÷ attempts. Low NER means the network failed calls, not the users.`,
  acd: 'ACD = billed seconds ÷ answered calls.',
  pdd: 'PDD = INVITE → first 18x (ringing or progress), p50 and p95 from a log-bucket histogram; calls whose source gave no ringing time are counted as "PDD unknown".',
  shortCalls: `Short calls: answered calls under ${SHORT_CALL_SECONDS} s.`,
  mos: 'MOS: mean opinion score reported by the source (1–5), where given.',
} as const;

export interface QualityCounters {
  attempts: number;
  answered: number;
  nerOk: number;
  billsec: number;
  shortCalls: number;
  pddKnown: number;
  /** PDD_BUCKET_COUNT counts. */
  pddHistogram: number[];
  mosSum: number;
  mosCount: number;
}

export interface QualityMetrics {
  attempts: number;
  answered: number;
  /** 0–1, null when there were no attempts. */
  asr: number | null;
  ner: number | null;
  /** Seconds. */
  acd: number | null;
  pddP50Ms: number | null;
  pddP95Ms: number | null;
  /** Share of attempts whose PDD is unknown, 0–1. */
  pddUnknownShare: number | null;
  shortCallShare: number | null;
  mos: number | null;
  minutes: number;
}

export function emptyCounters(): QualityCounters {
  return { attempts: 0, answered: 0, nerOk: 0, billsec: 0, shortCalls: 0, pddKnown: 0, pddHistogram: new Array(PDD_BUCKET_COUNT).fill(0), mosSum: 0, mosCount: 0 };
}

export function addCounters(into: QualityCounters, more: QualityCounters): QualityCounters {
  into.attempts += more.attempts;
  into.answered += more.answered;
  into.nerOk += more.nerOk;
  into.billsec += more.billsec;
  into.shortCalls += more.shortCalls;
  into.pddKnown += more.pddKnown;
  into.mosSum += more.mosSum;
  into.mosCount += more.mosCount;
  for (let i = 0; i < PDD_BUCKET_COUNT; i++) into.pddHistogram[i]! += more.pddHistogram[i] ?? 0;
  return into;
}

/** The histogram bucket of one PDD (`width_bucket` in SQL gives the same index). */
export function pddBucketIndex(pddMs: number): number {
  let index = 0;
  while (index < PDD_BUCKET_BOUNDS_MS.length && pddMs >= PDD_BUCKET_BOUNDS_MS[index]!) index++;
  return index;
}

/**
 * The q-quantile of a bucketed distribution, interpolated linearly inside the bucket it falls in.
 * The open last bucket answers its lower bound (all that is known is "at least 12.8 s").
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i]!;
    if (count > 0 && below + count >= rank) {
      const lower = i === 0 ? 0 : PDD_BUCKET_BOUNDS_MS[i - 1]!;
      const upper = PDD_BUCKET_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      return Math.round(lower + ((rank - below) / count) * (upper - lower));
    }
    below += count;
  }
  return PDD_BUCKET_BOUNDS_MS[PDD_BUCKET_BOUNDS_MS.length - 1]!;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export function qualityMetrics(counters: QualityCounters): QualityMetrics {
  return {
    attempts: counters.attempts,
    answered: counters.answered,
    asr: ratio(counters.answered, counters.attempts),
    ner: ratio(counters.nerOk, counters.attempts),
    acd: ratio(counters.billsec, counters.answered),
    pddP50Ms: histogramQuantile(counters.pddHistogram, 0.5),
    pddP95Ms: histogramQuantile(counters.pddHistogram, 0.95),
    pddUnknownShare: ratio(counters.attempts - counters.pddKnown, counters.attempts),
    shortCallShare: ratio(counters.shortCalls, counters.answered),
    mos: ratio(counters.mosSum, counters.mosCount),
    minutes: counters.billsec / 60,
  };
}

/** Whether one call counts toward NER's numerator. */
export function isNerSuccess(call: { answered: boolean; sipCode: number; q850Cause?: number | null }): boolean {
  if (call.answered) return true;
  if ((NER_USER_SIP_CODES as readonly number[]).includes(call.sipCode)) return true;
  return call.q850Cause != null && (NER_USER_Q850_CAUSES as readonly number[]).includes(call.q850Cause);
}
