/**
 * What kind of line a number is. Types need libphonenumber-js's full metadata (about twice the
 * size of the `min` set in `phone-numbers.ts`), so this stays out of client components.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { toE164, type ParseOptions } from './phone-numbers';

export type PhoneNumberType = 'toll_free' | 'mobile' | 'fixed_line' | 'fixed_line_or_mobile' | 'premium_rate' | 'voip' | 'other';

const TYPES: Record<string, PhoneNumberType> = {
  TOLL_FREE: 'toll_free',
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  // NANP numbers do not say whether they are mobile.
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  PREMIUM_RATE: 'premium_rate',
  VOIP: 'voip',
};

/** The type of a valid number; undefined when it is not one. */
export function phoneNumberType(input: string, options?: ParseOptions): PhoneNumberType | undefined {
  const e164 = toE164(input, options);
  if (!e164) return undefined;
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type ? (TYPES[type] ?? 'other') : 'other';
}

export function isTollFreeNumber(input: string, options?: ParseOptions): boolean {
  return phoneNumberType(input, options) === 'toll_free';
}
