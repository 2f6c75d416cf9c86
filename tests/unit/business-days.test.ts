/**
 * Business days: US federal holidays as OPM publishes them (observed on the Friday before a
 * Saturday and the Monday after a Sunday, New Year's Day on the last day of the year before), and
 * adding business days by property: the result is a business day, at the same time of day, with
 * exactly that many business days stepped over; and the due time of a dispute in words.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, isUsFederalHoliday, usFederalHolidays } from '@/lib/billing/business-days';
import { DISPUTE_BUSINESS_DAYS, dueSentence, formatDueTime } from '@/lib/views/disputes';

const DAY_MS = 86_400_000;

describe('US federal holidays', () => {
  it('lists 2026 as OPM does (Independence Day on a Saturday is observed Friday 3 July)', () => {
    expect(usFederalHolidays(2026).map((holiday) => holiday.date)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(usFederalHolidays(2026).find((holiday) => holiday.date === '2026-07-03')).toMatchObject({ name: 'Independence Day (observed)', observed: true });
  });

  it('lists 2027, whose New Year’s Day 2028 (a Saturday) is observed on Friday 31 December 2027', () => {
    expect(usFederalHolidays(2027).map((holiday) => holiday.date)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-06-18',
      '2027-07-05',
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
      '2027-12-24',
      '2027-12-31',
    ]);
    // 2028 then has no New Year's Day of its own.
    expect(usFederalHolidays(2028).some((holiday) => holiday.date.endsWith('-01-01'))).toBe(false);
    expect(isUsFederalHoliday('2028-01-01')).toBe(false);
    expect(isUsFederalHoliday('2027-12-31')).toBe(true);
  });

  it('moves a Sunday holiday to the Monday (Christmas 2022 → 26 December)', () => {
    expect(isUsFederalHoliday('2022-12-26')).toBe(true);
    expect(isUsFederalHoliday('2022-12-25')).toBe(false);
    expect(isUsFederalHoliday('2021-12-31')).toBe(true);
  });

  it('finds 10 or 11 observed holidays every year, each on a weekday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2021, max: 2200 }), (year) => {
        const holidays = usFederalHolidays(year);
        expect(holidays.length).toBeGreaterThanOrEqual(10);
        expect(holidays.length).toBeLessThanOrEqual(12);
        for (const holiday of holidays) {
          const weekday = new Date(`${holiday.date}T00:00:00Z`).getUTCDay();
          expect(weekday, holiday.date).not.toBe(0);
          expect(weekday, holiday.date).not.toBe(6);
        }
      }),
    );
  });
});

describe('addBusinessDays', () => {
  it('keeps seed 000’s promise: raised Sunday 6 December 2026 at 17:00, decided by Tuesday 8 December 17:00', () => {
    expect(addBusinessDays(new Date('2026-12-06T17:00:00Z'), 2).toISOString()).toBe('2026-12-08T17:00:00.000Z');
  });

  it('skips the weekend: Friday + 2 is Tuesday, Thursday + 2 is Monday', () => {
    expect(addBusinessDays(new Date('2026-12-04T09:30:00Z'), 2).toISOString()).toBe('2026-12-08T09:30:00.000Z');
    expect(addBusinessDays(new Date('2026-12-03T09:30:00Z'), 2).toISOString()).toBe('2026-12-07T09:30:00.000Z');
  });

  it('skips holidays as observed: Wednesday 23 December 2026 + 2 steps over Christmas (Friday) to Monday 28', () => {
    expect(addBusinessDays(new Date('2026-12-23T12:00:00Z'), 2).toISOString()).toBe('2026-12-28T12:00:00.000Z');
    // Thanksgiving (Thursday 26 November 2026).
    expect(addBusinessDays(new Date('2026-11-25T08:00:00Z'), 1).toISOString()).toBe('2026-11-27T08:00:00.000Z');
    // Wednesday 30 December 2027 + 1: New Year's Day 2028 observed on Friday 31 December.
    expect(addBusinessDays(new Date('2027-12-30T08:00:00Z'), 1).toISOString()).toBe('2028-01-03T08:00:00.000Z');
  });

  it('takes other holidays, or none', () => {
    expect(addBusinessDays(new Date('2026-12-23T12:00:00Z'), 2, { holidays: [] }).toISOString()).toBe('2026-12-25T12:00:00.000Z');
    expect(addBusinessDays(new Date('2026-12-07T12:00:00Z'), 1, { holidays: new Set(['2026-12-08']) }).toISOString()).toBe('2026-12-09T12:00:00.000Z');
    expect(addBusinessDays(new Date('2026-12-07T12:00:00Z'), 1, { holidays: (day) => day === '2026-12-08' }).toISOString()).toBe('2026-12-09T12:00:00.000Z');
  });

  it('goes backwards for a negative count, and nowhere for zero', () => {
    expect(addBusinessDays(new Date('2026-12-08T17:00:00Z'), -2).toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(addBusinessDays(new Date('2026-12-06T17:00:00Z'), 0).toISOString()).toBe('2026-12-06T17:00:00.000Z');
    expect(() => addBusinessDays(new Date(), 1.5)).toThrow(RangeError);
  });

  const instants = fc.date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });

  it('lands on a business day at the same time of day, after exactly n business days', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 40 }), (start, days) => {
        const due = addBusinessDays(start, days);
        expect(isBusinessDay(due)).toBe(true);
        expect(due.getTime() % DAY_MS).toBe(start.getTime() % DAY_MS);
        let counted = 0;
        for (let at = start.getTime() + DAY_MS; at <= due.getTime(); at += DAY_MS) if (isBusinessDay(new Date(at))) counted++;
        expect(counted).toBe(days);
        // At most n business days plus every weekend and holiday between: never more than twice as long and a week.
        expect(due.getTime() - start.getTime()).toBeLessThanOrEqual((days * 2 + 7) * DAY_MS);
      }),
    );
  });

  it('grows with n, and n forward then n back returns to a business day at or before the start', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (start, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(addBusinessDays(start, low).getTime()).toBeLessThanOrEqual(addBusinessDays(start, high).getTime());
        const there = addBusinessDays(start, high + 1);
        const back = addBusinessDays(there, -(high + 1));
        expect(back.getTime()).toBeLessThanOrEqual(start.getTime());
        expect(isBusinessDay(back)).toBe(true);
        if (isBusinessDay(start)) expect(back.getTime()).toBe(start.getTime());
      }),
    );
  });
});

describe('the due time in words', () => {
  it('reads as seed 000’s promise: “decided by Tue 8 Dec 17:00 UTC (2 business days)”', () => {
    const now = new Date('2026-12-06T17:00:00Z');
    expect(dueSentence(addBusinessDays(now, DISPUTE_BUSINESS_DAYS), now)).toBe('decided by Tue 8 Dec 17:00 UTC (2 business days)');
    // Another year is named.
    expect(formatDueTime(new Date('2027-01-04T09:05:00Z'), now)).toBe('Mon 4 Jan 2027 09:05 UTC');
  });
});
