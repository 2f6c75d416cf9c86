import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_QUANTITY, numberSearchSchema, vanityToDigits } from '@/lib/validations/numbers';

const errorsOf = (input: Record<string, unknown>) => {
  const parsed = numberSearchSchema.safeParse(input);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
};

describe('number search input', () => {
  it('maps vanity letters to the keypad', () => {
    expect(vanityToDigits('*FLOWERS*')).toBe('*3569377*');
    expect(vanityToDigits('1-800-go-fedex')).toBe('18004633339');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9*]{1,20}$/), (pattern) => {
        const digits = vanityToDigits(pattern);
        expect(digits).toMatch(/^[0-9*]*$/);
        expect(digits.length).toBe(pattern.length);
      }),
    );
  });

  it('accepts well-formed filters and normalizes them', () => {
    expect(numberSearchSchema.parse({ kind: 'local', state: 'tx', npa: '214', pattern: '*cafe*', quantity: '5', consecutive: 'on' })).toEqual({
      kind: 'local',
      state: 'TX',
      npa: '214',
      pattern: '*2233*',
      quantity: 5,
      consecutive: true,
    });
    expect(numberSearchSchema.parse({ kind: 'tollfree', tollFreePrefix: '833', quantity: '' })).toMatchObject({ kind: 'tollfree', tollFreePrefix: '833', quantity: 10 });
  });

  it('says clearly what is wrong', () => {
    expect(errorsOf({ npa: '21' })).toEqual({ npa: 'An area code (NPA) is three digits, not starting with 0 or 1' });
    expect(errorsOf({ npa: '123' }).npa).toMatch(/three digits/);
    expect(errorsOf({ state: 'XX' })).toEqual({ state: 'Unknown state or province: use a two-letter code like TX or ON' });
    expect(errorsOf({ pattern: '*#FLOWERS' })).toEqual({ pattern: 'A pattern may use digits, letters (mapped to the keypad) and * only' });
    expect(errorsOf({ pattern: '***' })).toEqual({ pattern: 'A pattern needs at least one digit or letter' });
    expect(errorsOf({ quantity: String(MAX_SEARCH_QUANTITY + 1) })).toEqual({ quantity: `Ask for at most ${MAX_SEARCH_QUANTITY} numbers at a time` });
    expect(errorsOf({ kind: 'tollfree', state: 'TX' }).kind).toMatch(/Toll-free numbers have no state/);
    expect(errorsOf({ nxx: '555' }).nxx).toMatch(/Give the area code/);
  });

  it('never accepts a pattern with a character a phone cannot dial', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((text) => /[^0-9A-Za-z*\s().-]/.test(text)), (pattern) => {
        expect(numberSearchSchema.safeParse({ pattern }).success).toBe(false);
      }),
    );
  });
});
