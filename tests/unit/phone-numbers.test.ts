import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTollFreeNumber, phoneNumberType } from '@/lib/phone-number-type';
import { formatPhoneNumber, isNanpNumber, isValidPhoneNumber, parsePhoneNumber, toE164, toNanpTenDigits } from '@/lib/phone-numbers';

describe('parsing and normalising to E.164', () => {
  it('reads US numbers however they are written', () => {
    for (const typed of ['+13125550100', '(312) 555-0100', '312-555-0100', '312.555.0100', '1 312 555 0100', '13125550100', '+1 (312) 555-0100']) {
      expect(toE164(typed), typed).toBe('+13125550100');
    }
    expect(parsePhoneNumber('(312) 555-0100')).toEqual({ e164: '+13125550100', region: 'US', callingCode: '1', nationalNumber: '3125550100', nanp: true });
  });

  it('knows a Canadian number is North American but not in the US', () => {
    expect(parsePhoneNumber('416 555 0123')).toMatchObject({ e164: '+14165550123', region: 'CA', nanp: true });
    expect(toNanpTenDigits('+1 613 555 0123')).toBe('6135550123');
  });

  it('reads toll-free numbers and tells them apart', () => {
    expect(toE164('1-800-555-0100')).toBe('+18005550100');
    expect(isTollFreeNumber('+18885551234')).toBe(true);
    expect(isTollFreeNumber('+13125550100')).toBe(false);
    expect(phoneNumberType('+13125550100')).toBe('fixed_line_or_mobile');
  });

  it('reads UK numbers from E.164, the NANP international prefix and plus-less upstream digits', () => {
    for (const typed of ['+44 20 7946 0958', '011 44 20 7946 0958', '442079460958']) expect(toE164(typed), typed).toBe('+442079460958');
    expect(parsePhoneNumber('+442079460958')).toMatchObject({ region: 'GB', callingCode: '44', nanp: false });
    expect(phoneNumberType('+447911123456')).toBe('mobile');
    expect(toNanpTenDigits('+442079460958')).toBeUndefined();
  });

  it('reads Mexican numbers, including mobiles written with the pre-2019 "1"', () => {
    expect(toE164('+52 55 1234 5678')).toBe('+525512345678');
    expect(toE164('+52 1 55 1234 5678')).toBe('+525512345678');
    expect(parsePhoneNumber('+525512345678')).toMatchObject({ region: 'MX', nanp: false });
  });

  it('turns away what is not a valid number', () => {
    for (const bad of ['', '   ', 'abc', '12345', '(114) 555-0100', '311 555 0100', '+999123', '+1 312 555 0100 ext 5', '+52 1234', '3'.repeat(65), '+13125550100; drop table', '💥', '+1 312 555 0100 x5', '++13125550100']) {
      expect(toE164(bad), bad).toBeUndefined();
      expect(isValidPhoneNumber(bad), bad).toBe(false);
      expect(isNanpNumber(bad), bad).toBe(false);
    }
    expect(phoneNumberType('12345')).toBeUndefined();
  });
});

describe('display', () => {
  it('shows North American numbers in their national form and others internationally', () => {
    expect(formatPhoneNumber('+13125550100')).toBe('(312) 555-0100');
    expect(formatPhoneNumber('+14165550123')).toBe('(416) 555-0123');
    expect(formatPhoneNumber('+18005550100')).toBe('(800) 555-0100');
    expect(formatPhoneNumber('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhoneNumber('+525512345678')).toBe('+52 55 1234 5678');
  });

  it('shows what is not a valid E.164 number as stored', () => {
    for (const stored of ['', 'unknown', '3125550100', '+1114', '+999123']) expect(formatPhoneNumber(stored)).toBe(stored);
  });
});

describe('properties', () => {
  const npa = fc.integer({ min: 200, max: 999 });
  const line = fc.integer({ min: 0, max: 9_999_999 }).map((value) => String(value).padStart(7, '0'));

  it('an E.164 answer is canonical: parsing it again gives it back, and it formats and re-parses to itself', () => {
    fc.assert(
      fc.property(npa, line, (area, rest) => {
        const e164 = toE164(`${area}${rest}`);
        if (!e164) return;
        expect(e164).toMatch(/^\+1\d{10}$/);
        expect(toE164(e164)).toBe(e164);
        expect(toE164(formatPhoneNumber(e164))).toBe(e164);
        expect(toNanpTenDigits(e164)).toBe(`${area}${rest}`);
      }),
    );
  });

  it('never throws, and whatever it accepts is E.164', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const e164 = toE164(input);
        if (e164 !== undefined) expect(e164).toMatch(/^\+[1-9]\d{6,14}$/);
        expect(typeof formatPhoneNumber(input)).toBe('string');
      }),
    );
  });
});
