import 'server-only';

/**
 * Sell prices for numbers: the most specific row of the price list wins (NPA, then state, then the
 * number type's default). Amounts stay decimal strings; arithmetic is done in ten-thousandths.
 */
import type { Db, Tx } from '@/lib/db/client';
import { getDeckVersionInForce, getDidTiersByVersion, getSellDeckResolutions } from '@/lib/db/queries/rate-decks';
import type { NumberPrice } from '@/lib/db/schema';
import { toCallParty } from '@/lib/phone-numbers';
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

export interface DidTierPrice {
  countries: string[];
  monthly: string;
  oneTime: string;
}

/** The DID tiers the account's invoices bill its numbers by: those of its sell deck's version in force at `at`. */
export async function getAccountDidTiers(db: Db | Tx, { accountId, at = new Date() }: { accountId: string; at?: Date }): Promise<DidTierPrice[]> {
  const deckId = (await getSellDeckResolutions(db, { accountIds: [accountId] })).get(accountId)?.deckId;
  if (!deckId) return [];
  const version = await getDeckVersionInForce(db, { deckId, at });
  return version ? getDidTiersByVersion(db, { versionId: version.id }) : [];
}

/**
 * What a number costs the account: where its sell deck prices the number's country by a DID tier,
 * the tier's monthly price (the one its invoices bill every month after the first) and one-time price;
 * elsewhere the price list's.
 */
export function numberPrice(listPrice: Price | undefined, tiers: readonly DidTierPrice[], e164: string): Price | undefined {
  const region = toCallParty(e164)?.region;
  const tier = region ? tiers.find((candidate) => candidate.countries.includes(region)) : undefined;
  return tier ? { monthly: tier.monthly, setup: tier.oneTime } : listPrice;
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
