/** The one money, count and date formatting: exact from decimal strings, dates in UTC and labelled so. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatDateTime, formatMoney, formatPriceScope, formatRate, formatTime, isNegativeAmount, isoDate, plainAmount } from '@/lib/format';

describe('formatMoney', () => {
  it('shows a stored amount to the cent, rounding half away from zero', () => {
    expect(formatMoney('1.2500')).toBe('$1.25');
    expect(formatMoney('10000.00')).toBe('$10,000.00');
    expect(formatMoney('0.0050')).toBe('$0.01');
    expect(formatMoney('0.0049')).toBe('$0.00');
    expect(formatMoney('-0.2500')).toBe('-$0.25');
    expect(formatMoney('0')).toBe('$0.00');
  });

  it('never shows a negative zero', () => {
    expect(formatMoney('-0.0049')).toBe('$0.00');
    expect(formatMoney('-0.0000')).toBe('$0.00');
  });

  it('is exact where a float is not', () => {
    // 1.005 is 1.00499999999999989… as a double, which rounds down.
    expect(formatMoney('1.005')).toBe('$1.01');
    expect(formatMoney('90071992547409.935')).toBe('$90,071,992,547,409.94');
  });

  it('agrees with integer arithmetic on every amount of four places', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (units) => {
        const negative = units < 0n;
        const absolute = negative ? -units : units;
        const amount = `${negative ? '-' : ''}${absolute / 10_000n}.${String(absolute % 10_000n).padStart(4, '0')}`;
        const cents = (absolute + 50n) / 100n;
        const grouped = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        const expected = `${negative && cents > 0n ? '-' : ''}$${grouped}.${String(cents % 100n).padStart(2, '0')}`;
        expect(formatMoney(amount)).toBe(expected);
      }),
    );
  });

  it('takes the currency', () => {
    expect(formatMoney('3.5', 'EUR')).toBe('€3.50');
    expect(formatMoney('1234.5', 'JPY')).toBe('¥1,235');
  });

  it('refuses what is not a decimal amount rather than guessing', () => {
    for (const bad of ['', 'abc', '1e3', '0x10', '1,000.00', '$1', 'NaN']) expect(() => formatMoney(bad), bad).toThrow(RangeError);
  });
});

describe('formatRate', () => {
  it('keeps the sub-cent places a price was set with, to six', () => {
    expect(formatRate('0.0075')).toBe('$0.0075');
    expect(formatRate('1.2500')).toBe('$1.25');
    expect(formatRate('2')).toBe('$2.00');
    expect(formatRate('-0.250000')).toBe('-$0.25');
    expect(formatRate('0.00012345')).toBe('$0.000123');
  });
});

describe('plainAmount and isNegativeAmount', () => {
  it('trims a stored amount for a form field', () => {
    expect(plainAmount('1.2500')).toBe('1.25');
    expect(plainAmount('0.0075')).toBe('0.0075');
    expect(plainAmount('3')).toBe('3.00');
    expect(plainAmount('-0.0000')).toBe('0.00');
    expect(isNegativeAmount('-0.0100')).toBe(true);
    expect(isNegativeAmount('-0.0000')).toBe(false);
  });
});

describe('formatCount and formatPriceScope', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('names a price row’s scope', () => {
    expect(formatPriceScope({ state: 'IL', npa: '312' })).toBe('NPA 312');
    expect(formatPriceScope({ state: 'IL', npa: null })).toBe('State IL');
    expect(formatPriceScope({ state: null, npa: null })).toBe('Default (everywhere)');
  });
});

describe('dates', () => {
  // 23:30 on Dec 31 in UTC is already Jan 1 east of it and still Dec 31 west of it: UTC decides.
  const instant = new Date('2026-12-31T23:30:09.500Z');

  it('shows the UTC day', () => {
    expect(formatDate(instant)).toBe('Dec 31, 2026');
    expect(formatDate(instant, 'long')).toBe('December 31, 2026');
    expect(formatDate(null)).toBe('—');
  });

  it('shows date and time in UTC, labelled', () => {
    expect(formatDateTime(instant)).toBe('2026-12-31 23:30 UTC');
    expect(formatDateTime(instant, { seconds: true })).toBe('2026-12-31 23:30:09 UTC');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatTime(new Date('2026-01-02T03:04:05Z'))).toBe('03:04 UTC');
  });

  it('gives the ISO day for file names, and agrees with toISOString', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(isoDate(date)).toBe(date.toISOString().slice(0, 10));
        expect(formatDateTime(date, { seconds: true })).toBe(`${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`);
      }),
    );
  });
});
