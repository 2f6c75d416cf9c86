import 'server-only';

/**
 * Sell prices for numbers: the most specific row of the price list wins (NPA, then state, then the
 * number type's default). Amounts stay decimal strings; arithmetic is done in ten-thousandths.
 */
import type { NumberPrice } from '@/lib/db/schema';
import type { NumberKind } from '@/lib/providers/types';

export interface Price {
  monthly: string;
  setup: string;
}

export function findPrice(prices: readonly Pick<NumberPrice, 'kind' | 'state' | 'npa' | 'monthly' | 'setup'>[], number: { kind: NumberKind; state?: string | null; npa: string }): Price | undefined {
  const candidates = prices.filter(
    (price) => price.kind === number.kind && (price.npa === null || price.npa === number.npa) && (price.state === null || price.state === number.state),
  );
  const specificity = (price: (typeof candidates)[number]) => (price.npa ? 2 : 0) + (price.state ? 1 : 0);
  const best = candidates.sort((a, b) => specificity(b) - specificity(a))[0];
  return best ? { monthly: best.monthly, setup: best.setup } : undefined;
}

const SCALE = 10_000;

/** Decimal string → integer ten-thousandths, exactly (no float). */
export function toUnits(amount: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,4}))?\d*$/.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const units = Number(match[2]) * SCALE + Number((match[3] ?? '').padEnd(4, '0'));
  return match[1] ? -units : units;
}

export function fromUnits(units: number, places = 2): string {
  const sign = units < 0 ? '-' : '';
  const absolute = Math.abs(units);
  const whole = Math.floor(absolute / SCALE);
  const fraction = String(absolute % SCALE).padStart(4, '0').slice(0, places);
  return places > 0 ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

export function sumAmounts(amounts: readonly string[]): string {
  return fromUnits(amounts.reduce((total, amount) => total + toUnits(amount), 0), 4);
}

/** Kept here for the services' messages; the one money formatter lives in lib/format. */
export { formatMoney } from '@/lib/format';
