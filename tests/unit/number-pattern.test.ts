import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPatternMatch, highlightParts, matchesPattern, vanityToDigits } from '@/lib/number-pattern';
import { intoBlocks } from '@/lib/services/number-search';

const marked = (display: string, national: string, pattern: string) =>
  highlightParts(display, findPatternMatch(national, pattern) ?? [])
    .filter((part) => part.matched)
    .map((part) => part.text);

describe('search patterns and their highlight', () => {
  it('finds a vanity word anywhere and says which digits spell it', () => {
    expect(findPatternMatch('3123569377', '*FLOWERS*')).toEqual([{ start: 3, end: 10, letters: 'FLOWERS' }]);
    expect(findPatternMatch('3123569377', 'flowers')).toEqual([{ start: 3, end: 10, letters: 'FLOWERS' }]);
    expect(findPatternMatch('3123569377', '*FLOWERS')).toEqual([{ start: 3, end: 10, letters: 'FLOWERS' }]);
    expect(findPatternMatch('3125550100', '*FLOWERS*')).toBeNull();
    // With `*` the pattern is the whole number: FLOWERS* needs the number to start with it.
    expect(findPatternMatch('3123569377', 'FLOWERS*')).toBeNull();
  });

  it('marks each literal run of a pattern, digits without letters', () => {
    expect(findPatternMatch('3123569377', '312*FLOWERS')).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 10, letters: 'FLOWERS' },
    ]);
    expect(findPatternMatch('8003569377', '1-800-FLOWERS')).toEqual([{ start: 0, end: 10, letters: 'FLOWERS' }]);
    // A whole-number pattern may name the country code; the leading 1 is not a national digit.
    expect(findPatternMatch('3125550100', '1312*')).toEqual([{ start: 0, end: 3 }]);
  });

  it('highlights the matched digits in the displayed number, separators inside a run included', () => {
    expect(marked('(312) 356-9377', '3123569377', '*FLOWERS*')).toEqual(['356-9377']);
    expect(marked('+1 312-356-9377', '3123569377', '*FLOWERS*')).toEqual(['356-9377']);
    expect(marked('(312) 356-9377', '3123569377', '312*')).toEqual(['312']);
    expect(marked('(312) 356-9377', '3123569377', '*69*')).toEqual(['6-9']);
    expect(highlightParts('(312) 356-9377', []).map((part) => part.text).join('')).toBe('(312) 356-9377');
  });

  it('agrees with the match: whatever matches has a highlight that spells the pattern’s digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{9}$/), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 7 }), (national, from, length) => {
        const piece = national.slice(from, from + length);
        if (!piece) return;
        const pattern = `*${piece}*`;
        expect(matchesPattern(national, pattern)).toBe(true);
        const match = findPatternMatch(national, pattern)!;
        expect(match).toHaveLength(1);
        expect(national.slice(match[0]!.start, match[0]!.end)).toBe(vanityToDigits(piece));
      }),
    );
  });
});

describe('consecutive blocks', () => {
  const row = (e164: string, connectionId = 'a') => ({ e164, connectionId });

  it('keeps whole blocks of the size asked for, from one upstream, and drops the rest', () => {
    const numbers = [
      ...['+13125550100', '+13125550101', '+13125550102', '+13125550103', '+13125550104', '+13125550105'].map((e164) => row(e164)),
      row('+13125550200'),
      ...['+13125550300', '+13125550301', '+13125550302'].map((e164) => row(e164, 'a')),
      ...['+13125550303', '+13125550304'].map((e164) => row(e164, 'b')),
    ];
    const blocks = intoBlocks(numbers, 5);
    expect(blocks.map((number) => [number.e164, number.block])).toEqual(
      ['+13125550100', '+13125550101', '+13125550102', '+13125550103', '+13125550104'].map((e164) => [e164, '+13125550100']),
    );
    expect(intoBlocks(numbers, 2).map((number) => number.block)).toEqual([
      '+13125550100', '+13125550100', '+13125550102', '+13125550102', '+13125550104', '+13125550104',
      '+13125550300', '+13125550300', '+13125550303', '+13125550303',
    ]);
  });

  it('runs across an exchange boundary are still consecutive numbers', () => {
    expect(intoBlocks([row('+13125559999'), row('+13125560000')], 2).map((number) => number.block)).toEqual(['+13125559999', '+13125559999']);
  });
});
