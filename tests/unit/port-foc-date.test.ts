/**
 * The requested FOC date of a port-in: the earliest day is N business days after today (today does
 * not count), never a weekend or a US federal holiday as observed; a requested day is refused with a
 * sentence that names the weekday or the holiday and gives the earliest possible day. Around the
 * holidays of 2026 and 2027, across the year boundary, by property, and whatever the local time zone.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isBusinessDay } from '@/lib/billing/business-days';
import { DEFAULT_MIN_FOC_BUSINESS_DAYS, checkRequestedFocDate, earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';

const at = (iso: string) => new Date(iso);

describe('minFocBusinessDays', () => {
  it('gives wireless 1, local 3 and toll-free 5 business days', () => {
    expect(DEFAULT_MIN_FOC_BUSINESS_DAYS).toBe(3);
    expect(minFocBusinessDays('local', false)).toBe(3);
    expect(minFocBusinessDays('local', true)).toBe(1);
    expect(minFocBusinessDays('toll_free', false)).toBe(5);
    expect(minFocBusinessDays('toll_free', true)).toBe(5);
  });
});

describe('earliestFocDate', () => {
  it('counts from tomorrow: Monday 7 December 2026 + 3 is Thursday 10 December, at any time of the day', () => {
    expect(earliestFocDate(at('2026-12-07T00:00:00Z'), 3)).toBe('2026-12-10');
    expect(earliestFocDate(at('2026-12-07T23:59:59.999Z'), 3)).toBe('2026-12-10');
    expect(earliestFocDate(at('2026-12-08T00:00:00Z'), 3)).toBe('2026-12-11');
  });

  it('steps over the weekend: Friday + 3 and Saturday + 3 are both the Wednesday', () => {
    expect(earliestFocDate(at('2026-12-04T12:00:00Z'), 3)).toBe('2026-12-09');
    expect(earliestFocDate(at('2026-12-05T12:00:00Z'), 3)).toBe('2026-12-09');
    expect(earliestFocDate(at('2026-12-06T12:00:00Z'), 3)).toBe('2026-12-09');
  });

  it('steps over Thanksgiving (Thursday 26 November 2026)', () => {
    expect(earliestFocDate(at('2026-11-24T15:00:00Z'), 3)).toBe('2026-11-30');
    expect(earliestFocDate(at('2026-11-25T15:00:00Z'), 1)).toBe('2026-11-27');
  });

  it('steps over Christmas on Friday 25 December 2026 and the weekend after it', () => {
    expect(earliestFocDate(at('2026-12-21T09:00:00Z'), 3)).toBe('2026-12-24');
    expect(earliestFocDate(at('2026-12-22T09:00:00Z'), 3)).toBe('2026-12-28');
    expect(earliestFocDate(at('2026-12-24T09:00:00Z'), 1)).toBe('2026-12-28');
  });

  it('crosses into 2027 over New Year’s Day on Friday 1 January', () => {
    expect(earliestFocDate(at('2026-12-29T10:00:00Z'), 3)).toBe('2027-01-04');
    expect(earliestFocDate(at('2026-12-31T10:00:00Z'), 1)).toBe('2027-01-04');
    expect(earliestFocDate(at('2026-12-28T10:00:00Z'), 5)).toBe('2027-01-05');
  });

  it('crosses into 2028 over New Year’s Day 2028 (a Saturday) observed on Friday 31 December 2027', () => {
    expect(earliestFocDate(at('2027-12-30T10:00:00Z'), 1)).toBe('2028-01-03');
    expect(earliestFocDate(at('2027-12-29T10:00:00Z'), 3)).toBe('2028-01-04');
  });

  it('steps over Independence Day 2026 (Saturday 4 July) observed on Friday 3 July', () => {
    expect(earliestFocDate(at('2026-06-30T10:00:00Z'), 3)).toBe('2026-07-06');
    expect(earliestFocDate(at('2026-07-02T10:00:00Z'), 1)).toBe('2026-07-06');
  });

  it('steps over Juneteenth (Friday 19 June 2026; Saturday 19 June 2027 observed Friday 18 June)', () => {
    expect(earliestFocDate(at('2026-06-17T10:00:00Z'), 1)).toBe('2026-06-18');
    expect(earliestFocDate(at('2026-06-17T10:00:00Z'), 2)).toBe('2026-06-22');
    expect(earliestFocDate(at('2027-06-17T10:00:00Z'), 1)).toBe('2027-06-21');
  });

  it('steps over a weekend and then Martin Luther King Jr. Day (Monday 18 January 2027)', () => {
    expect(earliestFocDate(at('2027-01-15T16:00:00Z'), 1)).toBe('2027-01-19');
    expect(earliestFocDate(at('2027-01-16T16:00:00Z'), 1)).toBe('2027-01-19');
    expect(earliestFocDate(at('2027-01-15T16:00:00Z'), 3)).toBe('2027-01-21');
  });

  it('with 0 days is today when today is a business day, else the next one', () => {
    expect(earliestFocDate(at('2026-12-07T15:00:00Z'), 0)).toBe('2026-12-07');
    expect(earliestFocDate(at('2026-12-05T15:00:00Z'), 0)).toBe('2026-12-07');
    expect(earliestFocDate(at('2026-12-25T15:00:00Z'), 0)).toBe('2026-12-28');
  });

  it('refuses a negative or fractional number of days and an invalid date', () => {
    expect(() => earliestFocDate(at('2026-12-07T15:00:00Z'), -1)).toThrow(RangeError);
    expect(() => earliestFocDate(at('2026-12-07T15:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => earliestFocDate(new Date(Number.NaN), 3)).toThrow(RangeError);
  });

  it('is a business day with exactly N business days after today up to and including it (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 1, max: 15 }), (now, days) => {
        const earliest = earliestFocDate(now, days);
        const earliestDate = new Date(`${earliest}T00:00:00Z`);
        expect(isBusinessDay(earliestDate)).toBe(true);
        let counted = 0;
        const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
        for (let day = today + 86_400_000; day <= earliestDate.getTime(); day += 86_400_000) if (isBusinessDay(new Date(day))) counted++;
        expect(counted).toBe(days);
        expect(checkRequestedFocDate(earliest, now, days)).toEqual({ ok: true });
      }),
    );
  });
});

describe('the local time zone', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('changes nothing, on the days US clocks change (8 March and 1 November 2026)', () => {
    const cases = [
      ['2026-03-06T23:30:00Z', '2026-03-11'],
      ['2026-03-07T04:30:00Z', '2026-03-11'],
      ['2026-03-08T07:30:00Z', '2026-03-11'],
      ['2026-10-30T23:30:00Z', '2026-11-04'],
      ['2026-11-01T06:30:00Z', '2026-11-04'],
    ] as const;
    for (const timeZone of ['UTC', 'America/New_York', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
      process.env.TZ = timeZone;
      for (const [now, earliest] of cases) expect(earliestFocDate(at(now), 3), `${now} in ${timeZone}`).toBe(earliest);
      expect(checkRequestedFocDate('2026-03-09', at('2026-03-06T23:30:00Z'), 3)).toMatchObject({ ok: false, earliest: '2026-03-11' });
    }
  });
});

describe('checkRequestedFocDate', () => {
  const monday = at('2026-12-07T15:00:00Z');

  it('accepts the earliest day and any business day after it', () => {
    expect(checkRequestedFocDate('2026-12-10', monday, 3)).toEqual({ ok: true });
    expect(checkRequestedFocDate('2026-12-14', monday, 3)).toEqual({ ok: true });
    expect(checkRequestedFocDate(' 2027-03-01 ', monday, 3)).toEqual({ ok: true });
  });

  it('refuses a day too soon, with the earliest', () => {
    expect(checkRequestedFocDate('2026-12-09', monday, 3)).toEqual({
      ok: false,
      message: '2026-12-09 is too soon: the FOC date must be on or after 2026-12-10 (3 business days ahead)',
      earliest: '2026-12-10',
    });
    expect(checkRequestedFocDate('2026-12-07', monday, 1)).toEqual({
      ok: false,
      message: '2026-12-07 is too soon: the FOC date must be on or after 2026-12-08 (1 business day ahead)',
      earliest: '2026-12-08',
    });
  });

  it('refuses a day in the past', () => {
    expect(checkRequestedFocDate('2026-12-04', monday, 3)).toEqual({
      ok: false,
      message: '2026-12-04 is in the past: the FOC date must be on or after 2026-12-10 (3 business days ahead)',
      earliest: '2026-12-10',
    });
  });

  it('refuses a weekend by its weekday', () => {
    expect(checkRequestedFocDate('2026-12-26', monday, 3)).toMatchObject({
      ok: false,
      message: '2026-12-26 is a Saturday: the FOC date must be a business day on or after 2026-12-10 (3 business days ahead)',
    });
    expect(checkRequestedFocDate('2026-12-13', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2026-12-13 is a Sunday: /) });
    expect(checkRequestedFocDate('2026-07-04', at('2026-06-22T10:00:00Z'), 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2026-07-04 is a Saturday: /) });
  });

  it('refuses a federal holiday by its name, observed ones included', () => {
    expect(checkRequestedFocDate('2026-12-25', monday, 3)).toEqual({
      ok: false,
      message: '2026-12-25 is Christmas Day, a US federal holiday: the FOC date must be a business day on or after 2026-12-10 (3 business days ahead)',
      earliest: '2026-12-10',
    });
    const november = at('2026-11-16T10:00:00Z');
    expect(checkRequestedFocDate('2026-11-26', november, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2026-11-26 is Thanksgiving Day, a US federal holiday: /) });
    expect(checkRequestedFocDate('2026-11-27', november, 3)).toEqual({ ok: true });
    expect(checkRequestedFocDate('2027-01-01', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2027-01-01 is New Year’s Day, a US federal holiday: /) });
    expect(checkRequestedFocDate('2026-07-03', at('2026-06-22T10:00:00Z'), 3)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^2026-07-03 is Independence Day \(observed\), a US federal holiday: /),
    });
    expect(checkRequestedFocDate('2027-06-18', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2027-06-18 is Juneteenth National Independence Day \(observed\), a US federal holiday: /) });
    expect(checkRequestedFocDate('2027-01-18', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2027-01-18 is Birthday of Martin Luther King, Jr\., a US federal holiday: /) });
    expect(checkRequestedFocDate('2027-12-31', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2027-12-31 is New Year’s Day \(observed\), a US federal holiday: /) });
  });

  it('refuses what is not a day on the calendar, saying which', () => {
    expect(checkRequestedFocDate('2026-02-30', monday, 3)).toMatchObject({ ok: false, message: '2026-02-30 is not a date on the calendar: pick a day on or after 2026-12-10 (3 business days ahead)' });
    expect(checkRequestedFocDate('2026-13-01', monday, 3)).toMatchObject({ ok: false, message: expect.stringMatching(/^2026-13-01 is not a date on the calendar/) });
    for (const malformed of ['', '12/10/2026', '2026-12-1', '2026-12-10T00:00:00Z', 'tomorrow', '20261210']) {
      expect(checkRequestedFocDate(malformed, monday, 3), malformed).toEqual({ ok: false, message: 'Enter the FOC date as YYYY-MM-DD, like 2026-12-10', earliest: '2026-12-10' });
    }
  });

  it('never accepts a weekend, a holiday, or a day before the earliest (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2060-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -30, max: 400 }),
        fc.integer({ min: 0, max: 10 }),
        (now, offset, days) => {
          const requested = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)).toISOString().slice(0, 10);
          const check = checkRequestedFocDate(requested, now, days);
          const earliest = earliestFocDate(now, days);
          const acceptable = isBusinessDay(new Date(`${requested}T00:00:00Z`)) && requested >= earliest;
          expect(check.ok).toBe(acceptable);
          if (!check.ok) expect(check.earliest).toBe(earliest);
        },
      ),
    );
  });
});
