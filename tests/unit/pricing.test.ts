import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPrice, fromUnits, sumAmounts, toUnits } from '@/lib/services/pricing';

const prices = [
  { kind: 'local' as const, state: null, npa: null, monthly: '1.2500', setup: '0.5000' },
  { kind: 'local' as const, state: 'NY', npa: null, monthly: '1.5000', setup: '0.7500' },
  { kind: 'local' as const, state: null, npa: '212', monthly: '3.0000', setup: '2.0000' },
  { kind: 'tollfree' as const, state: null, npa: null, monthly: '2.0000', setup: '1.0000' },
];

describe('pricing', () => {
  it('picks the most specific price: NPA, then state, then the type default', () => {
    expect(findPrice(prices, { kind: 'local', state: 'NY', npa: '212' })).toEqual({ monthly: '3.0000', setup: '2.0000' });
    expect(findPrice(prices, { kind: 'local', state: 'NY', npa: '518' })).toEqual({ monthly: '1.5000', setup: '0.7500' });
    expect(findPrice(prices, { kind: 'local', state: 'TX', npa: '214' })).toEqual({ monthly: '1.2500', setup: '0.5000' });
    expect(findPrice(prices, { kind: 'tollfree', npa: '833' })).toEqual({ monthly: '2.0000', setup: '1.0000' });
    expect(findPrice(prices.slice(0, 3), { kind: 'tollfree', npa: '833' })).toBeUndefined();
  });

  it('adds money exactly', () => {
    expect(sumAmounts(['0.1', '0.2'])).toBe('0.3000');
    expect(sumAmounts(['1.2500', '0.5000', '-0.7500'])).toBe('1.0000');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 50 }), (units) => {
        expect(toUnits(sumAmounts(units.map((unit) => fromUnits(unit, 4))))).toBe(units.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
