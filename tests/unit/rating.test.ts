import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicros, parseMicros, usageLineCents } from '@/lib/billing/money';
import { billedSecondsOf, callChargeMicros, priceCall, PrefixIndex, type RateTerms } from '@/lib/billing/rating';

/**
 * Pricing one call (lib/billing/rating.ts) against brute-force references: billed seconds found by
 * walking the increments one by one, the charge as an exact rational rounded once, and the longest
 * prefix found by trying every entry of the deck.
 */
function billedSecondsReference(billsec: number, answered: boolean, { firstIncrement, nextIncrement, minimumDuration }: Pick<RateTerms, 'firstIncrement' | 'nextIncrement' | 'minimumDuration'>): number {
  if (!answered) return 0;
  const seconds = Math.ceil(billsec);
  let billed = 0;
  if (seconds > 0) {
    billed = firstIncrement;
    while (billed < seconds) billed += nextIncrement;
  }
  return billed < minimumDuration ? minimumDuration : billed;
}

const increments = fc.oneof(
  fc.constantFrom([1, 1], [6, 6], [60, 60], [30, 6], [60, 1], [1, 60], [30, 30]),
  fc.tuple(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 120 })),
);
const terms = fc.record({
  increment: increments,
  minimumDuration: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })),
  rateMicros: fc.bigInt({ min: 0n, max: 9_999_999n }),
  feeMicros: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 999_999n })),
});
const termsOf = (t: { increment: readonly number[]; minimumDuration: number; rateMicros: bigint; feeMicros: bigint }): RateTerms => ({
  firstIncrement: t.increment[0]!,
  nextIncrement: t.increment[1]!,
  minimumDuration: t.minimumDuration,
  rate: formatMicros(t.rateMicros),
  connectionFee: formatMicros(t.feeMicros),
});
const billsec = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 7 * 86_400 }));

describe('billedSecondsOf', () => {
  it('matches walking the increments one by one, for any terms', () => {
    fc.assert(
      fc.property(billsec, fc.boolean(), terms, (seconds, answered, t) => {
        expect(billedSecondsOf(seconds, answered, termsOf(t))).toBe(billedSecondsReference(seconds, answered, termsOf(t)));
      }),
    );
  });

  it('bills 1/1 by the second, 6/6 by six seconds, 60/60 by the minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seconds) => {
        expect(billedSecondsOf(seconds, true, { firstIncrement: 1, nextIncrement: 1, minimumDuration: 0 })).toBe(seconds);
        expect(billedSecondsOf(seconds, true, { firstIncrement: 6, nextIncrement: 6, minimumDuration: 0 })).toBe(Math.ceil(seconds / 6) * 6);
        expect(billedSecondsOf(seconds, true, { firstIncrement: 60, nextIncrement: 60, minimumDuration: 0 })).toBe(Math.ceil(seconds / 60) * 60);
      }),
    );
  });

  it('bills an odd 30/6 as 30 seconds first, then by six', () => {
    const odd = { firstIncrement: 30, nextIncrement: 6, minimumDuration: 0 };
    expect([1, 29, 30, 31, 36, 37, 61].map((s) => billedSecondsOf(s, true, odd))).toEqual([30, 30, 30, 36, 36, 42, 66]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seconds) => {
        const billed = billedSecondsOf(seconds, true, odd);
        expect(billed).toBeGreaterThanOrEqual(Math.max(30, seconds));
        expect((billed - 30) % 6).toBe(0);
        expect(billed - seconds < 30 || billed === 30).toBe(true);
      }),
    );
  });

  it('covers the call, never bills a whole increment too many, and never bills less than the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), terms, (seconds, t) => {
        const { firstIncrement, nextIncrement, minimumDuration } = termsOf(t);
        const billed = billedSecondsOf(seconds, true, { firstIncrement, nextIncrement, minimumDuration });
        expect(billed).toBeGreaterThanOrEqual(seconds);
        expect(billed).toBeGreaterThanOrEqual(minimumDuration);
        expect(billed).toBeGreaterThanOrEqual(firstIncrement);
        if (billed > Math.max(minimumDuration, firstIncrement)) {
          expect((billed - firstIncrement) % nextIncrement).toBe(0);
          expect(billed - nextIncrement).toBeLessThan(seconds);
        }
      }),
    );
  });

  it('applies the minimum duration to short calls only', () => {
    const terms = { firstIncrement: 6, nextIncrement: 6, minimumDuration: 30 };
    expect(billedSecondsOf(1, true, terms)).toBe(30);
    expect(billedSecondsOf(30, true, terms)).toBe(30);
    expect(billedSecondsOf(31, true, terms)).toBe(36);
    expect(billedSecondsOf(0, true, terms)).toBe(30);
    expect(billedSecondsOf(0, true, { ...terms, minimumDuration: 0 })).toBe(0);
  });

  it('bills nothing for a call that was not answered, whatever its terms', () => {
    fc.assert(fc.property(billsec, terms, (seconds, t) => billedSecondsOf(seconds, false, termsOf(t)) === 0));
  });

  it('rounds a fractional billsec up to the next second', () => {
    expect(billedSecondsOf(0.2, true, { firstIncrement: 1, nextIncrement: 1, minimumDuration: 0 })).toBe(1);
    expect(billedSecondsOf(6.01, true, { firstIncrement: 6, nextIncrement: 6, minimumDuration: 0 })).toBe(12);
  });
});

describe('callChargeMicros and priceCall', () => {
  it('is the exact charge rounded half-up to the micro, plus the connection fee when answered', () => {
    fc.assert(
      fc.property(billsec, fc.boolean(), terms, (seconds, answered, t) => {
        const rateTerms = termsOf(t);
        const price = priceCall(seconds, answered, rateTerms);
        expect(price.billedSeconds).toBe(billedSecondsReference(seconds, answered, rateTerms));
        const numerator = BigInt(price.billedSeconds) * t.rateMicros;
        // Half-up of numerator / 60 by comparing remainders.
        const rounded = numerator / 60n + (2n * (numerator % 60n) >= 60n ? 1n : 0n);
        const expected = answered ? rounded + t.feeMicros : 0n;
        expect(callChargeMicros(price.billedSeconds, answered, rateTerms)).toBe(expected);
        expect(parseMicros(price.charge)).toBe(expected);
        expect(price.charge).toMatch(/^\d+\.\d{6}$/);
      }),
    );
  });

  it('charges the connection fee only for answered calls', () => {
    const withFee: RateTerms = { rate: '0.0100', connectionFee: '0.0250', firstIncrement: 60, nextIncrement: 60, minimumDuration: 0 };
    expect(priceCall(0, false, withFee)).toEqual({ billedSeconds: 0, charge: '0.000000' });
    expect(priceCall(0, true, withFee)).toEqual({ billedSeconds: 0, charge: '0.025000' });
    expect(priceCall(1, true, withFee)).toEqual({ billedSeconds: 60, charge: '0.035000' });
    fc.assert(fc.property(billsec, terms, (seconds, t) => priceCall(seconds, false, termsOf(t)).charge === '0.000000'));
  });

  it('prices seed 000’s MX line exactly however its 890,104 minutes fall into calls', () => {
    const mx: RateTerms = { rate: '0.0160', connectionFee: '0', firstIncrement: 60, nextIncrement: 60, minimumDuration: 0 };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 300 }), (cuts) => {
        // Split 890,104 minutes into calls of whole minutes at the cut points.
        const total = 890_104;
        const points = [...new Set(cuts.map((cut) => Math.floor((cut / 5_000) * total)))].filter((p) => p > 0 && p < total).sort((a, b) => a - b);
        const minutes = [...points, total].map((p, i) => p - (i === 0 ? 0 : points[i - 1]!));
        let micros = 0n;
        let seconds = 0;
        for (const m of minutes) {
          const price = priceCall(m * 60, true, mx);
          micros += parseMicros(price.charge);
          seconds += price.billedSeconds;
        }
        expect(micros).toBe(14_241_664_000n);
        expect(seconds).toBe(total * 60);
        expect(usageLineCents({ billedSeconds: seconds, rate: mx.rate })).toBe(1_424_166);
      }),
    );
    const us: RateTerms = { ...mx, rate: '0.0100' };
    expect(priceCall(4_281_042 * 60, true, us)).toEqual({ billedSeconds: 4_281_042 * 60, charge: '42810.420000' });
    expect(usageLineCents({ billedSeconds: 4_281_042 * 60, rate: us.rate })).toBe(4_281_042);
  });
});

describe('PrefixIndex', () => {
  const digits = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength: min, maxLength: max });

  it('finds the longest matching prefix, like trying every entry of the deck', () => {
    fc.assert(
      fc.property(
        // A small alphabet so prefixes nest and overlap often.
        fc.uniqueArray(digits('0123', 1, 7), { minLength: 0, maxLength: 200 }),
        fc.array(digits('0123', 0, 12), { minLength: 1, maxLength: 50 }),
        (prefixes, numbers) => {
          const entries = prefixes.map((prefix, i) => ({ prefix, destination: `d${i}` }));
          const index = new PrefixIndex(entries);
          expect(index.size).toBe(entries.length);
          for (const number of numbers) {
            const brute = entries.filter((entry) => number.startsWith(entry.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
            expect(index.lookup(number)).toBe(brute);
          }
        },
      ),
    );
  });

  it('looks up realistic E.164 numbers in a deck of 25,000 prefixes', () => {
    const entries = new Map<string, { prefix: string; destination: string }>();
    let seed = 7;
    // mulberry32: deterministic, 32-bit exact.
    const random = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    for (const country of ['1', '44', '52', '521', '55', '33', '49']) entries.set(country, { prefix: country, destination: country });
    while (entries.size < 25_000) {
      const base = ['1', '44', '52', '55', '33', '49'][Math.floor(random() * 6)]!;
      const prefix = base + String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 6))));
      entries.set(prefix, { prefix, destination: prefix });
    }
    const index = new PrefixIndex(entries.values());
    expect(index.size).toBe(25_000);
    const all = [...entries.values()];
    for (let i = 0; i < 500; i++) {
      const number = ['1', '44', '52', '55', '33', '49'][i % 6]! + String(Math.floor(random() * 1e10)).padStart(10, '0');
      const brute = all.filter((entry) => number.startsWith(entry.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
      expect(index.lookup(number)).toBe(brute);
    }
    expect(index.lookup('5215512345678')?.prefix.startsWith('521')).toBe(true);
    expect(index.lookup('8613800000000')).toBeUndefined();
  });

  it('answers nothing for an empty deck or an empty number', () => {
    expect(new PrefixIndex([]).lookup('14155550100')).toBeUndefined();
    expect(new PrefixIndex([{ prefix: '1' }]).lookup('')).toBeUndefined();
  });
});
