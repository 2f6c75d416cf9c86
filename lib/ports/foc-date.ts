/**
 * The requested FOC (firm order commitment) date of a port-in: the day the numbers move. Days are
 * UTC calendar days, like every date the portal shows. Convention: today does not count, whatever
 * the time of day; the earliest FOC date is the day N business days after today (Friday with 3 →
 * Wednesday; Saturday or Sunday with 3 → Wednesday too), so it is never a weekend or a US federal
 * holiday as observed. Pure: the wizard, the readiness check and the API share it.
 */
import { addBusinessDays, isBusinessDay, usFederalHolidays, type IsoDay } from '@/lib/billing/business-days';
import type { PortNumberKind } from '@/lib/ports/types';

export type { IsoDay } from '@/lib/billing/business-days';

/** A local (wireline) port: what most losing carriers ask for. */
export const DEFAULT_MIN_FOC_BUSINESS_DAYS = 3;

/**
 * Typical US practice, not a rule of any one carrier: a simple wireless port completes within one
 * business day (FCC 09-41); wireline local ports are usually given 3 business days; a toll-free
 * number moves by a RespOrg change in the Somos registry, which carriers quote at about 5.
 */
export function minFocBusinessDays(kind: PortNumberKind, wireless: boolean): number {
  if (kind === 'toll_free') return 5;
  return wireless ? 1 : DEFAULT_MIN_FOC_BUSINESS_DAYS;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (value: number) => String(value).padStart(2, '0');
const isoDayOf = (date: Date): IsoDay => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
const startOfUtcDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** The first business day at least `minBusinessDays` business days after today (the UTC day of `now`). */
export function earliestFocDate(now: Date, minBusinessDays: number): IsoDay {
  if (!Number.isInteger(minBusinessDays) || minBusinessDays < 0) throw new RangeError(`a whole, non-negative number of business days, not ${minBusinessDays}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date');
  let day = addBusinessDays(startOfUtcDay(now), minBusinessDays);
  // Only with 0 can the day reached still be a weekend or a holiday (today itself).
  while (!isBusinessDay(day)) day = addBusinessDays(day, 1);
  return isoDayOf(day);
}

/** The day as a UTC midnight, or undefined when it is not `YYYY-MM-DD` or not on the calendar (2026-02-30). */
function parseIsoDay(day: string): Date | undefined {
  const match = ISO_DAY.exec(day);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return isoDayOf(date) === day ? date : undefined;
}

const businessDaysAhead = (count: number) => `${count} business day${count === 1 ? '' : 's'} ahead`;

export type FocDateCheck = { ok: true } | { ok: false; message: string; earliest: IsoDay };

/** Whether a customer may ask for `day` as the FOC date; when not, a sentence that says why and the earliest day they may ask for. */
export function checkRequestedFocDate(day: string, now: Date, minBusinessDays: number): FocDateCheck {
  const earliest = earliestFocDate(now, minBusinessDays);
  const onOrAfter = `on or after ${earliest} (${businessDaysAhead(minBusinessDays)})`;
  const refuse = (message: string): FocDateCheck => ({ ok: false, message, earliest });

  const text = day.trim();
  const date = parseIsoDay(text);
  if (!date) {
    return refuse(ISO_DAY.test(text) ? `${text} is not a date on the calendar: pick a day ${onOrAfter}` : `Enter the FOC date as YYYY-MM-DD, like ${earliest}`);
  }
  if (text < isoDayOf(now)) return refuse(`${text} is in the past: the FOC date must be ${onOrAfter}`);
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return refuse(`${text} is a ${WEEKDAY_NAMES[weekday]}: the FOC date must be a business day ${onOrAfter}`);
  const holiday = usFederalHolidays(date.getUTCFullYear()).find((candidate) => candidate.date === text);
  if (holiday) return refuse(`${text} is ${holiday.name}, a US federal holiday: the FOC date must be a business day ${onOrAfter}`);
  if (text < earliest) return refuse(`${text} is too soon: the FOC date must be ${onOrAfter}`);
  return { ok: true };
}
