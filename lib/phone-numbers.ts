/**
 * Every phone number the portal parses or shows goes through here, on libphonenumber-js. The `min`
 * metadata (parse, validity, region, formatting) keeps client bundles small; number types need the
 * large metadata and live in `phone-number-type.ts`.
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';

export type RegionCode = CountryCode;

export interface ParseOptions {
  /** The region a number without a country code belongs to; the portal sells North American numbers. */
  defaultRegion?: RegionCode;
}

export interface ParsedPhoneNumber {
  /** `+13125550100`. */
  e164: string;
  /** Where the number is (`US`, `CA`, `GB`, `MX`…); absent for non-geographic codes. */
  region?: RegionCode;
  /** Without the plus: `1`, `44`, `52`. */
  callingCode: string;
  /** The digits after the country code. */
  nationalNumber: string;
  /** In the North American Numbering Plan (+1: the US, Canada and the Caribbean). */
  nanp: boolean;
}

const MAX_INPUT_LENGTH = 64;
/** Digits and the usual separators only: libphonenumber would otherwise pick a number out of any text. */
const PHONE_TEXT = /^\+?[\d\s().-]+$/;

function attempt(text: string, defaultRegion: RegionCode): PhoneNumber | undefined {
  const number = parsePhoneNumberFromString(text, defaultRegion);
  // A DID has no extension: "+1 312 555 0100 ext 5" is not one number.
  return number && !number.ext && number.isValid() ? number : undefined;
}

function parseValid(input: string, { defaultRegion = 'US' }: ParseOptions = {}): PhoneNumber | undefined {
  const text = input.trim();
  if (text.length > MAX_INPUT_LENGTH || !PHONE_TEXT.test(text)) return undefined;
  const number = attempt(text, defaultRegion);
  if (number) return number;
  const digits = text.replace(/[\s().-]/g, '');
  // Mexico dropped the mobile "1" after +52 in 2019; numbers written the old way still arrive.
  if (digits.startsWith('+521') && digits.length === 14) return attempt(`+52${digits.slice(4)}`, defaultRegion);
  // Upstreams send international numbers as digits without the plus ("442079460958").
  if (!digits.startsWith('+') && digits.length > 10) return attempt(`+${digits}`, defaultRegion);
  return undefined;
}

/** A valid phone number, as a person typed it or an upstream sent it; undefined for anything else. */
export function parsePhoneNumber(input: string, options?: ParseOptions): ParsedPhoneNumber | undefined {
  const number = parseValid(input, options);
  if (!number) return undefined;
  return { e164: number.number, region: number.country, callingCode: number.countryCallingCode, nationalNumber: number.nationalNumber, nanp: number.countryCallingCode === '1' };
}

/** `(312) 555-0100`, `1 312 555 0100`, `15162065575`, `+44 20 7946 0958` → E.164; undefined if not a valid number. */
export function toE164(input: string, options?: ParseOptions): string | undefined {
  return parseValid(input, options)?.number;
}

export function isValidPhoneNumber(input: string, options?: ParseOptions): boolean {
  return parseValid(input, options) !== undefined;
}

/** A valid North American number (+1); the country code says nothing about which NANP country. */
export function isNanpNumber(input: string, options?: ParseOptions): boolean {
  return parsePhoneNumber(input, options)?.nanp ?? false;
}

/** The ten digits (NPA-NXX-XXXX) of a North American number, the form most upstream APIs want. */
export function toNanpTenDigits(input: string, options?: ParseOptions): string | undefined {
  const number = parsePhoneNumber(input, options);
  return number?.nanp ? number.nationalNumber : undefined;
}

/**
 * For people: North American numbers in their national form, `(312) 555-0100`; others in the
 * international form, `+44 20 7946 0958`. Anything that is not a valid number is shown as stored.
 */
export function formatPhoneNumber(e164: string): string {
  const number = e164.startsWith('+') ? parseValid(e164) : undefined;
  if (!number) return e164;
  return number.countryCallingCode === '1' ? number.formatNational() : number.formatInternational();
}

/** E.164 by shape only: a plus, no leading zero, 7 to 15 digits. */
const E164_SHAPE = /^\+[1-9]\d{6,14}$/;

export interface CallParty {
  e164: string;
  /** Where the number is (`ZZ` when its country cannot be told, as for a number not in service). */
  region: string;
  callingCode: string;
  nationalNumber: string;
}

// Region and calling code by the first six digits: CDRs repeat prefixes millions of times, and a
// full parse costs ~13 µs (the NANP area code, or the first digits elsewhere, decide the country).
const callPartyPrefixes = new Map<string, { region: string; callingCode: string }>();
const CALL_PARTY_PREFIX_CACHE = 100_000;

/**
 * A party of a call record: E.164 in shape, not necessarily a number in service (a call to an
 * unallocated number is still a call); national or unpunctuated forms go through the full parse.
 */
export function toCallParty(input: string): CallParty | undefined {
  let e164 = input.trim();
  if (!E164_SHAPE.test(e164)) {
    const parsed = parseValid(e164);
    if (!parsed) return undefined;
    e164 = parsed.number;
  }
  const key = e164.slice(0, 7);
  let prefix = callPartyPrefixes.get(key);
  if (!prefix) {
    const parsed = parsePhoneNumberFromString(e164);
    if (!parsed) return undefined;
    prefix = { region: parsed.country ?? 'ZZ', callingCode: parsed.countryCallingCode };
    // Only a number valid enough to name its country speaks for the prefix.
    if (parsed.country && callPartyPrefixes.size < CALL_PARTY_PREFIX_CACHE) callPartyPrefixes.set(key, prefix);
  }
  return { e164, region: prefix.region, callingCode: prefix.callingCode, nationalNumber: e164.slice(1 + prefix.callingCode.length) };
}
