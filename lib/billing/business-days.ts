/**
 * Business days: Monday to Friday, less US federal holidays (5 U.S.C. 6103) on the day they are
 * observed — one on a Saturday is observed the Friday before, one on a Sunday the Monday after (so
 * New Year's Day 2022, a Saturday, was observed on Friday 31 December 2021). Days are UTC calendar
 * days, like every date the portal shows. Pure: disputes (seed 000's "credited within 2 business
 * days") and port-ins share it.
 */

/** A UTC calendar day, `YYYY-MM-DD`. */
export type IsoDay = string;

/** Says whether a day is a holiday; or the holidays themselves as days. */
export type HolidayCalendar = ((day: IsoDay) => boolean) | ReadonlySet<IsoDay> | readonly IsoDay[];

export interface BusinessDayOptions {
  /** Default: US federal holidays as observed. An empty list counts weekends only. */
  holidays?: HolidayCalendar;
}

export interface Holiday {
  date: IsoDay;
  name: string;
  /** The holiday falls on a weekend and this is the weekday it is observed on. */
  observed: boolean;
}

const DAY_MS = 86_400_000;

const pad = (value: number) => String(value).padStart(2, '0');

function isoDay(year: number, monthIndex: number, day: number): IsoDay {
  const date = new Date(Date.UTC(year, monthIndex, day));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The `nth` (1-based) given weekday (0 = Sunday) of a month; `nth` −1 is the last. */
function nthWeekday(year: number, monthIndex: number, weekday: number, nth: number): IsoDay {
  if (nth > 0) {
    const firstWeekday = new Date(Date.UTC(year, monthIndex, 1)).getUTCDay();
    return isoDay(year, monthIndex, 1 + ((weekday - firstWeekday + 7) % 7) + (nth - 1) * 7);
  }
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return isoDay(year, monthIndex, lastDay.getUTCDate() - ((lastDay.getUTCDay() - weekday + 7) % 7));
}

/** A fixed-date holiday moved off a weekend. */
function observedFixed(year: number, monthIndex: number, day: number, name: string): Holiday {
  const weekday = new Date(Date.UTC(year, monthIndex, day)).getUTCDay();
  if (weekday === 6) return { date: isoDay(year, monthIndex, day - 1), name: `${name} (observed)`, observed: true };
  if (weekday === 0) return { date: isoDay(year, monthIndex, day + 1), name: `${name} (observed)`, observed: true };
  return { date: isoDay(year, monthIndex, day), name, observed: false };
}

const holidaysByYear = new Map<number, Holiday[]>();

/**
 * The federal holidays observed in `year`, by date. New Year's Day of the next year is among them
 * when it falls on a Saturday (observed on 31 December); this year's is not, then.
 */
export function usFederalHolidays(year: number): Holiday[] {
  const cached = holidaysByYear.get(year);
  if (cached) return cached;
  const candidates: Holiday[] = [
    observedFixed(year, 0, 1, 'New Year’s Day'),
    ...(year >= 1986 ? [{ date: nthWeekday(year, 0, 1, 3), name: 'Birthday of Martin Luther King, Jr.', observed: false }] : []),
    { date: nthWeekday(year, 1, 1, 3), name: 'Washington’s Birthday', observed: false },
    { date: nthWeekday(year, 4, 1, -1), name: 'Memorial Day', observed: false },
    ...(year >= 2021 ? [observedFixed(year, 5, 19, 'Juneteenth National Independence Day')] : []),
    observedFixed(year, 6, 4, 'Independence Day'),
    { date: nthWeekday(year, 8, 1, 1), name: 'Labor Day', observed: false },
    { date: nthWeekday(year, 9, 1, 2), name: 'Columbus Day', observed: false },
    observedFixed(year, 10, 11, 'Veterans Day'),
    { date: nthWeekday(year, 10, 4, 4), name: 'Thanksgiving Day', observed: false },
    observedFixed(year, 11, 25, 'Christmas Day'),
    observedFixed(year + 1, 0, 1, 'New Year’s Day'),
  ];
  const prefix = `${year}-`;
  const holidays = candidates.filter((holiday) => holiday.date.startsWith(prefix)).sort((a, b) => a.date.localeCompare(b.date));
  holidaysByYear.set(year, holidays);
  return holidays;
}

export function isUsFederalHoliday(day: IsoDay): boolean {
  return usFederalHolidays(Number(day.slice(0, 4))).some((holiday) => holiday.date === day);
}

function holidayTest(holidays: HolidayCalendar | undefined): (day: IsoDay) => boolean {
  if (holidays === undefined) return isUsFederalHoliday;
  if (typeof holidays === 'function') return holidays;
  const set = holidays instanceof Set ? holidays : new Set(holidays as readonly IsoDay[]);
  return (day) => set.has(day);
}

function dayOf(date: Date): IsoDay {
  return isoDay(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** A weekday (UTC) that is not a holiday. */
export function isBusinessDay(date: Date, options: BusinessDayOptions = {}): boolean {
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidayTest(options.holidays)(dayOf(date));
}

/**
 * `date` moved by `days` business days (backwards when negative), at the same time of day: each
 * day stepped over counts only if it is a business day. From a weekend or a holiday the first
 * business day after it is the first to count (Saturday + 2 → Tuesday, same time).
 */
export function addBusinessDays(date: Date, days: number, options: BusinessDayOptions = {}): Date {
  if (!Number.isInteger(days)) throw new RangeError(`a whole number of business days, not ${days}`);
  const isHoliday = holidayTest(options.holidays);
  const step = days < 0 ? -1 : 1;
  let at = date.getTime();
  for (let counted = 0; counted < Math.abs(days); ) {
    at += step * DAY_MS;
    const day = new Date(at);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !isHoliday(dayOf(day))) counted++;
  }
  return new Date(at);
}
