/**
 * Exact money arithmetic (DESIGN §6): amounts are BigInt millionths ("micros") or cents, decimal
 * strings at the edges, never binary floats. One half-up rounding (away from zero) per invoice line.
 */

export const MICROS_PER_CENT = 10_000n;
const MICROS_PER_UNIT = 1_000_000n;

/** A decimal string with at most `maxPlaces` places (never more than six: micros hold no more) → integer micros. Throws on anything else. */
export function parseMicros(decimal: string, maxPlaces = 6): bigint {
  const match = /^\s*([-+])?(\d+)(?:\.(\d*))?\s*$/.exec(decimal);
  if (!match || (match[3] !== undefined && match[3].replace(/0+$/, '').length > Math.min(maxPlaces, 6))) throw new RangeError(`not a decimal amount with at most ${maxPlaces} places: ${decimal}`);
  const fraction = (match[3] ?? '').replace(/0+$/, '').padEnd(6, '0');
  const micros = BigInt(match[2]!) * MICROS_PER_UNIT + BigInt(fraction);
  return match[1] === '-' ? -micros : micros;
}

/** Micros → a decimal string with `places` places (exact when places is 6; else rounded half-up). */
export function formatMicros(micros: bigint, places = 6): string {
  const scaled = places >= 6 ? micros * 10n ** BigInt(places - 6) : divideRoundHalfUp(micros, 10n ** BigInt(6 - places));
  return formatScaled(scaled, places);
}

/** numerator / denominator rounded half-up (halves away from zero). */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

export function microsToCents(micros: bigint): bigint {
  return divideRoundHalfUp(micros, MICROS_PER_CENT);
}

/** A decimal string of at most two places → cents. */
export function parseCents(decimal: string): number {
  return Number(parseMicros(decimal, 2) / MICROS_PER_CENT);
}

/** Cents → "53721.11" (no grouping, no currency: for CSV and JSON). */
export function centsToDecimal(cents: number | bigint): string {
  return formatScaled(BigInt(cents), 2);
}

/**
 * One usage line, rounded once: `billedSeconds` at `rate` a minute plus `answeredCalls` connection
 * fees (seed 000: 890,104 min × $0.0160 = $14,241.664 → $14,241.66).
 */
export function usageLineCents({ billedSeconds, rate, answeredCalls = 0, connectionFee = '0' }: { billedSeconds: number | bigint; rate: string; answeredCalls?: number | bigint; connectionFee?: string }): number {
  const secondsMicros = BigInt(billedSeconds) * parseMicros(rate) + 60n * BigInt(answeredCalls) * parseMicros(connectionFee);
  return Number(divideRoundHalfUp(secondsMicros, 60n * MICROS_PER_CENT));
}

/** `percent` (a decimal string) of `baseCents`, rounded half-up to the cent. */
export function percentageCents(baseCents: number, percent: string): number {
  return Number(divideRoundHalfUp(BigInt(baseCents) * parseMicros(percent, 4), 100n * MICROS_PER_UNIT));
}

/** The real percentage `partCents` is of `baseCents`, to `places` places ("7.97"). */
export function percentOf(partCents: number, baseCents: number, places = 2): string {
  if (baseCents === 0) return formatScaled(0n, places);
  return formatScaled(divideRoundHalfUp(BigInt(partCents) * 100n * 10n ** BigInt(places), BigInt(baseCents)), places);
}

/** `amount` (decimal) for `days` of a `daysInPeriod`-day month, in micros, rounded half-up to the micro. */
export function prorateMicros(amount: string, days: number, daysInPeriod: number): bigint {
  return divideRoundHalfUp(parseMicros(amount) * BigInt(days), BigInt(daysInPeriod));
}

function formatScaled(value: bigint, places: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, '0');
  const whole = places > 0 ? digits.slice(0, -places) : digits;
  const fraction = places > 0 ? `.${digits.slice(-places)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
