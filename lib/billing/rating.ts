/**
 * Pricing one call (pure): the longest prefix of the number in a deck version, its billing
 * increments (first/next: 1/1, 6/6, 60/60), minimum duration and connection fee.
 */
import { divideRoundHalfUp, formatMicros, parseMicros } from './money';

export interface RateTerms {
  /** Per minute, six places at most. */
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
}

export interface RatedEntry extends RateTerms {
  prefix: string;
  destination: string;
}

/**
 * Seconds charged for a call: nothing unless answered; else at least the minimum duration, the
 * first increment, then whole next increments.
 */
export function billedSecondsOf(billsec: number, answered: boolean, terms: Pick<RateTerms, 'firstIncrement' | 'nextIncrement' | 'minimumDuration'>): number {
  if (!answered) return 0;
  const seconds = Math.max(0, Math.ceil(billsec));
  const incremented = seconds <= 0 ? 0 : seconds <= terms.firstIncrement ? terms.firstIncrement : terms.firstIncrement + Math.ceil((seconds - terms.firstIncrement) / terms.nextIncrement) * terms.nextIncrement;
  return Math.max(incremented, terms.minimumDuration);
}

/** The call's charge in micros: billed seconds at the rate (half-up to the micro) plus the connection fee when answered. */
export function callChargeMicros(billedSeconds: number, answered: boolean, terms: Pick<RateTerms, 'rate' | 'connectionFee'>): bigint {
  if (!answered) return 0n;
  return divideRoundHalfUp(BigInt(billedSeconds) * parseMicros(terms.rate), 60n) + parseMicros(terms.connectionFee);
}

export interface CallPrice {
  billedSeconds: number;
  /** Six places. */
  charge: string;
}

export function priceCall(billsec: number, answered: boolean, terms: RateTerms): CallPrice {
  const billedSeconds = billedSecondsOf(billsec, answered, terms);
  return { billedSeconds, charge: formatMicros(callChargeMicros(billedSeconds, answered, terms)) };
}

/** Longest-prefix lookup over a deck version's entries (25,000+ prefixes: at most 15 map probes a call). */
export class PrefixIndex<T extends { prefix: string }> {
  private readonly byPrefix = new Map<string, T>();
  private readonly longest: number;

  constructor(entries: Iterable<T>) {
    let longest = 0;
    for (const entry of entries) {
      this.byPrefix.set(entry.prefix, entry);
      if (entry.prefix.length > longest) longest = entry.prefix.length;
    }
    this.longest = longest;
  }

  get size(): number {
    return this.byPrefix.size;
  }

  /** `digits`: an E.164 number without its `+`. */
  lookup(digits: string): T | undefined {
    for (let length = Math.min(this.longest, digits.length); length > 0; length--) {
      const entry = this.byPrefix.get(digits.slice(0, length));
      if (entry) return entry;
    }
    return undefined;
  }
}
