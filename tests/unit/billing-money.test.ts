import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centsToDecimal, divideRoundHalfUp, formatMicros, microsToCents, parseCents, parseMicros, percentageCents, percentOf, prorateMicros, usageLineCents } from '@/lib/billing/money';

/**
 * Exact money (lib/billing/money.ts) against an independent reference: a rational n/d rounded
 * half away from zero by comparing twice the remainder with the divisor, and decimal strings built
 * digit by digit.
 */
function roundHalfUpReference(n: bigint, d: bigint): bigint {
  const quotient = n / d; // truncates toward zero
  const remainder = n % d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (2n * abs(remainder) < abs(d)) return quotient;
  return n < 0n !== d < 0n ? quotient - 1n : quotient + 1n;
}

/** A decimal string of `value / 10^places` written out by hand. */
function decimalReference(value: bigint, places: number): string {
  const sign = value < 0n ? '-' : '';
  const abs = (value < 0n ? -value : value).toString().padStart(places + 1, '0');
  return places === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, abs.length - places)}.${abs.slice(abs.length - places)}`;
}

const bigMoney = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
const divisor = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).filter((d) => d !== 0n);

describe('divideRoundHalfUp', () => {
  it('matches the rational reference for any numerator and divisor', () => {
    fc.assert(fc.property(bigMoney, divisor, (n, d) => divideRoundHalfUp(n, d) === roundHalfUpReference(n, d)));
  });

  it('rounds exact halves away from zero and is odd-symmetric', () => {
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(-5n, 10n)).toBe(-1n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(25n, 10n)).toBe(3n);
    expect(divideRoundHalfUp(14n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(-14n, 10n)).toBe(-1n);
    expect(divideRoundHalfUp(5n, -10n)).toBe(-1n);
    fc.assert(fc.property(bigMoney, divisor, (n, d) => divideRoundHalfUp(-n, d) === -divideRoundHalfUp(n, d)));
  });

  it('stays within half a unit of the exact quotient', () => {
    fc.assert(
      fc.property(bigMoney, divisor, (n, d) => {
        const q = divideRoundHalfUp(n, d);
        // |n/d − q| ≤ 1/2  ⇔  |n − q·d| · 2 ≤ |d|
        const error = n - q * d;
        return 2n * (error < 0n ? -error : error) <= (d < 0n ? -d : d);
      }),
    );
  });

  it('refuses a zero divisor', () => {
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe('parseMicros and formatMicros', () => {
  it('round-trips every amount of micros through its six-place string', () => {
    fc.assert(
      fc.property(bigMoney, (micros) => {
        const text = formatMicros(micros);
        expect(text).toBe(decimalReference(micros, 6));
        expect(parseMicros(text)).toBe(micros);
      }),
    );
  });

  it('reads any decimal written with up to six places, whatever its padding and sign', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('', '+', '-'),
        fc.constantFrom('', ' ', '  '),
        (scaled, places, extraZeros, sign, space) => {
          const written = `${space}${sign}${decimalReference(scaled, places)}${places > 0 ? '0'.repeat(extraZeros) : ''}${space}`;
          const micros = scaled * 10n ** BigInt(6 - places);
          expect(parseMicros(written)).toBe(sign === '-' ? -micros : micros);
        },
      ),
    );
  });

  it('formats to fewer places rounding half-up once, like the reference', () => {
    fc.assert(
      fc.property(bigMoney, fc.integer({ min: 0, max: 6 }), (micros, places) => {
        expect(formatMicros(micros, places)).toBe(decimalReference(roundHalfUpReference(micros, 10n ** BigInt(6 - places)), places));
      }),
    );
    expect(formatMicros(14_241_664_000n, 2)).toBe('14241.66');
    expect(formatMicros(5_000n, 2)).toBe('0.01');
    expect(formatMicros(-5_000n, 2)).toBe('-0.01');
    expect(formatMicros(4_999n, 2)).toBe('0.00');
  });

  it('formats to more places by padding, exactly', () => {
    expect(formatMicros(1n, 8)).toBe('0.00000100');
    fc.assert(fc.property(bigMoney, fc.integer({ min: 6, max: 10 }), (micros, places) => parseMicros(formatMicros(micros, places), places) === micros));
  });

  it('refuses more places than allowed (trailing zeros do not count), and anything that is not a decimal', () => {
    expect(() => parseMicros('0.0000001')).toThrow(RangeError);
    expect(parseMicros('0.1000000000')).toBe(100_000n);
    expect(() => parseMicros('1.234', 2)).toThrow(RangeError);
    expect(parseMicros('1.230', 2)).toBe(1_230_000n);
    for (const bad of ['', ' ', '.5', '1e3', '1,5', '0x10', '--1', '1.2.3', 'NaN', 'Infinity', '$1', '1 000']) expect(() => parseMicros(bad), bad).toThrow(RangeError);
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*[-+]?\d+(\.\d*)?\s*$/.test(s)),
        (text) => {
          expect(() => parseMicros(text)).toThrow(RangeError);
        },
      ),
    );
  });

  it('never accepts places it cannot hold, even when asked for more than six', () => {
    // Micros hold six places: a seventh would be read as a whole micro, a millionfold error.
    expect(() => parseMicros('0.1234567', 7)).toThrow(RangeError);
    expect(() => parseMicros('0.0000001', 9)).toThrow(RangeError);
    expect(parseMicros('0.123456', 9)).toBe(123_456n);
    expect(parseMicros('0.1234560', 9)).toBe(123_456n);
  });
});

describe('cents', () => {
  it('round-trips cents through their two-place string', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (cents) => parseCents(centsToDecimal(cents)) === cents));
    expect(centsToDecimal(5_372_111)).toBe('53721.11');
    expect(centsToDecimal(-465_097)).toBe('-4650.97');
    expect(centsToDecimal(7)).toBe('0.07');
    expect(centsToDecimal(-7n)).toBe('-0.07');
  });

  it('rounds micros to the cent half-up', () => {
    fc.assert(fc.property(bigMoney, (micros) => microsToCents(micros) === roundHalfUpReference(micros, 10_000n)));
  });

  it('refuses a third place in cents', () => {
    expect(() => parseCents('1.005')).toThrow(RangeError);
  });
});

describe('usageLineCents', () => {
  it('reproduces seed 000’s invoice lines, rounded once per line', () => {
    // MX termination: 890,104 min × $0.0160 = $14,241.664 → $14,241.66.
    expect(usageLineCents({ billedSeconds: 890_104 * 60, rate: '0.0160' })).toBe(1_424_166);
    // US termination: 4,281,042 min × $0.0100 = $42,810.42.
    expect(usageLineCents({ billedSeconds: 4_281_042 * 60, rate: '0.0100' })).toBe(4_281_042);
    expect(centsToDecimal(usageLineCents({ billedSeconds: 890_104 * 60, rate: '0.016000' }))).toBe('14241.66');
  });

  it('equals the exact amount rounded half-up once, for any seconds, rate, calls and fee', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.bigInt({ min: 0n, max: 999_999_999n }),
        fc.bigInt({ min: 0n, max: 10n ** 7n }),
        fc.bigInt({ min: 0n, max: 9_999_999n }),
        (seconds, rateMicros, calls, feeMicros) => {
          const rate = decimalReference(rateMicros, 6);
          const fee = decimalReference(feeMicros, 6);
          // Dollars = seconds × rate / 60 + calls × fee; in cents with micro inputs: (s·r + 60·c·f) / (60 · 10^4).
          const exact = roundHalfUpReference(seconds * rateMicros + 60n * calls * feeMicros, 600_000n);
          expect(BigInt(usageLineCents({ billedSeconds: seconds, rate, answeredCalls: calls, connectionFee: fee }))).toBe(exact);
        },
      ),
    );
  });

  it('is at most half a cent from the sum of the same calls priced one by one to the micro, plus their micro roundings', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7200 }), { minLength: 1, maxLength: 200 }), fc.bigInt({ min: 0n, max: 99_999n }), (calls, rateMicros) => {
        const rate = decimalReference(rateMicros, 6);
        const line = BigInt(usageLineCents({ billedSeconds: calls.reduce((sum, s) => sum + s, 0), rate }));
        const perCall = calls.reduce((sum, s) => sum + roundHalfUpReference(BigInt(s) * rateMicros, 60n), 0n);
        // Each call's micro rounding is at most ½ micro; the line's cent rounding at most ½ cent.
        const diffMicros = line * 10_000n - perCall;
        return (diffMicros < 0n ? -diffMicros : diffMicros) * 2n <= 10_000n + BigInt(calls.length);
      }),
    );
  });
});

describe('percentages and proration', () => {
  it('takes a percentage of cents half-up', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.bigInt({ min: 0n, max: 1_000_000n }), (base, percentTenThousandths) => {
        const percent = decimalReference(percentTenThousandths, 4);
        return BigInt(percentageCents(base, percent)) === roundHalfUpReference(BigInt(base) * percentTenThousandths, 1_000_000n);
      }),
    );
    // Seed 000: 8% of the $58,372.08 subtotal is $4,669.77, not the $4,650.97 the invoice shows.
    expect(percentageCents(5_837_208, '8')).toBe(466_977);
  });

  it('states the real percentage one amount is of another', () => {
    // Seed 000's "−8%" discount is 7.97% of its base.
    expect(percentOf(465_097, 5_837_208)).toBe('7.97');
    expect(percentOf(0, 0)).toBe('0.00');
    expect(percentOf(1, 3, 4)).toBe('33.3333');
    expect(percentOf(2, 3)).toBe('66.67');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 6 }), (part, base, places) => {
        expect(percentOf(part, base, places)).toBe(decimalReference(roundHalfUpReference(BigInt(part) * 100n * 10n ** BigInt(places), BigInt(base)), places));
      }),
    );
  });

  it('prorates an amount by days to the micro, half-up', () => {
    expect(prorateMicros('5', 15, 30)).toBe(2_500_000n);
    expect(prorateMicros('10', 1, 31)).toBe(322_581n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 28, max: 31 }), fc.nat(31), (micros, daysInPeriod, rawDays) => {
        const days = rawDays % (daysInPeriod + 1);
        const prorated = prorateMicros(decimalReference(micros, 6), days, daysInPeriod);
        expect(prorated).toBe(roundHalfUpReference(micros * BigInt(days), BigInt(daysInPeriod)));
        if (days === daysInPeriod) expect(prorated).toBe(micros);
        if (days === 0) expect(prorated).toBe(0n);
      }),
    );
  });
});
