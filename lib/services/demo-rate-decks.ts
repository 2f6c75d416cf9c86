import 'server-only';

/**
 * The demo's rate decks: the default sell deck "Standard 2026" priced for the destinations the demo
 * calls go to (lib/services/demo-cdrs.ts: US, CA, MX, GB, BR, plus FR and DE), with seed 000's US
 * $0.0100 and MX $0.0160 and its DID tiers (A: US/CA $5, B: MX/BR $10 a month), and a cost deck a
 * little below it for each provider connection the seed made (the sandboxes). Idempotent: a deck that exists is left as it is, so
 * it runs on every start (before the demo calls are seeded, so they are rated).
 */
import { and, asc, eq, exists, sql } from 'drizzle-orm';
import { divideRoundHalfUp, formatMicros, parseMicros } from '@/lib/billing/money';
import type { DeckEntryInput, DidTierInput } from '@/lib/billing/deck-csv';
import type { Db } from '@/lib/db/client';
import { getCostDeckByConnection, getDefaultRateDeck, getRateDeckByName, insertDeckEntries, insertDeckVersion, insertDidTiers, insertRateDeck } from '@/lib/db/queries/rate-decks';
import { auditEvents, providerConnections } from '@/lib/db/schema';

export const DEMO_SELL_DECK = 'Standard 2026';
/** Before the demo's oldest calls (90 days back) wherever the demo is started this year or later. */
export const DEMO_DECK_EFFECTIVE_FROM = new Date('2026-01-01T00:00:00Z');

type Row = [prefix: string, destination: string, rate: string, increment: string, minimum?: number, fee?: string];

/** Termination: whole countries and the longer prefixes that cost more (mobiles) or less (capitals). */
const TERMINATION: Row[] = [
  ['1', 'United States', '0.0100', '6/6'],
  ['1416', 'Canada - Toronto', '0.0110', '6/6'],
  ['1514', 'Canada - Montreal', '0.0110', '6/6'],
  ['1604', 'Canada - Vancouver', '0.0110', '6/6'],
  ['1403', 'Canada - Calgary', '0.0110', '6/6'],
  ['1800', 'United States - Toll-free', '0.0000', '6/6'],
  ['1888', 'United States - Toll-free', '0.0000', '6/6'],
  ['1877', 'United States - Toll-free', '0.0000', '6/6'],
  ['1866', 'United States - Toll-free', '0.0000', '6/6'],
  ['1855', 'United States - Toll-free', '0.0000', '6/6'],
  ['1844', 'United States - Toll-free', '0.0000', '6/6'],
  ['1833', 'United States - Toll-free', '0.0000', '6/6'],
  ['52', 'Mexico', '0.0160', '60/60'],
  ['5255', 'Mexico - Mexico City', '0.0160', '60/60'],
  ['521', 'Mexico - Mobile', '0.0350', '60/60'],
  ['44', 'United Kingdom', '0.0120', '1/1'],
  ['4420', 'United Kingdom - London', '0.0110', '1/1'],
  ['447', 'United Kingdom - Mobile', '0.0300', '1/1'],
  ['33', 'France', '0.0130', '1/1'],
  ['336', 'France - Mobile', '0.0350', '1/1'],
  ['337', 'France - Mobile', '0.0350', '1/1'],
  ['49', 'Germany', '0.0140', '1/1'],
  ['4915', 'Germany - Mobile', '0.0450', '1/1'],
  ['4916', 'Germany - Mobile', '0.0450', '1/1'],
  ['4917', 'Germany - Mobile', '0.0450', '1/1'],
  ['55', 'Brazil', '0.0350', '60/60', 30],
  ['5511', 'Brazil - Sao Paulo', '0.0300', '60/60', 30],
  ['55119', 'Brazil - Sao Paulo Mobile', '0.0700', '60/60', 30],
];

/** Origination: calls to the customer's numbers (local DIDs, and toll-free ones, which cost more). */
const ORIGINATION: Row[] = [
  ['1', 'United States and Canada - DID', '0.0040', '6/6'],
  ['1800', 'Toll-free - 800', '0.0180', '6/6'],
  ['1888', 'Toll-free - 888', '0.0180', '6/6'],
  ['1877', 'Toll-free - 877', '0.0180', '6/6'],
  ['1866', 'Toll-free - 866', '0.0180', '6/6'],
  ['1855', 'Toll-free - 855', '0.0180', '6/6'],
  ['1844', 'Toll-free - 844', '0.0180', '6/6'],
  ['1833', 'Toll-free - 833', '0.0180', '6/6'],
];

export const DEMO_DID_TIERS: DidTierInput[] = [
  { tier: 'A', label: 'Tier A', countries: ['US', 'CA'], monthly: '5.0000', oneTime: '0.0000' },
  { tier: 'B', label: 'Tier B', countries: ['MX', 'BR'], monthly: '10.0000', oneTime: '0.0000' },
];

function entriesOf(rows: Row[], kind: DeckEntryInput['kind'], scale: (rate: bigint) => bigint = (rate) => rate): DeckEntryInput[] {
  return rows.map(([prefix, destination, rate, increment, minimum = 0, fee = '0']) => {
    const [first, next] = increment.split('/').map(Number) as [number, number];
    return { kind, prefix, destination, rate: formatMicros(scale(parseMicros(rate))), connectionFee: formatMicros(parseMicros(fee)), firstIncrement: first, nextIncrement: next, minimumDuration: minimum };
  });
}

export function demoSellEntries(): DeckEntryInput[] {
  return [...entriesOf(TERMINATION, 'termination'), ...entriesOf(ORIGINATION, 'origination')];
}

/** Each upstream charges a little less than the sell price (70–85 %, by connection), to the micro, half-up. */
function demoCostEntries(connectionIndex: number): DeckEntryInput[] {
  const percent = BigInt([80, 72, 85, 76][connectionIndex % 4]!);
  const scale = (rate: bigint) => divideRoundHalfUp(rate * percent, 100n);
  return [...entriesOf(TERMINATION, 'termination', scale), ...entriesOf(ORIGINATION, 'origination', scale)];
}

async function seedDeck(db: Db, deck: { name: string; purpose: 'sell' | 'cost'; connectionId?: string; isDefault?: boolean; entries: DeckEntryInput[]; didTiers?: DidTierInput[] }) {
  await db.transaction(async (tx) => {
    const created = await insertRateDeck(tx, { name: deck.name, purpose: deck.purpose, currency: 'USD', connectionId: deck.connectionId ?? null, isDefault: deck.isDefault ?? false });
    // Another start got there first, or staff already made a deck of that name or for that connection.
    if (!created) return;
    const version = await insertDeckVersion(tx, { deckId: created.id, version: 1, effectiveFrom: DEMO_DECK_EFFECTIVE_FROM, note: 'Demo deck', entryCount: deck.entries.length });
    await insertDeckEntries(tx, { versionId: version.id, entries: deck.entries });
    await insertDidTiers(tx, { versionId: version.id, tiers: deck.didTiers ?? [] });
    await tx.insert(auditEvents).values({ accountId: null, action: 'rate_deck.create', targetType: 'rate_deck', targetId: created.id, actorEmail: 'seed', after: { name: created.name, purpose: created.purpose, currency: created.currency, rates: deck.entries.length } });
  });
}

export async function seedDemoRateDecks(db: Db): Promise<void> {
  if (!(await getRateDeckByName(db, { name: DEMO_SELL_DECK }))) {
    // The default only when there is none yet: a carrier's own default is never replaced by the demo's.
    const isDefault = !(await getDefaultRateDeck(db));
    await seedDeck(db, { name: DEMO_SELL_DECK, purpose: 'sell', isDefault, entries: demoSellEntries(), didTiers: DEMO_DID_TIERS });
  }
  // The demo's own connections only (the ones the seed connected): a connection staff add later gets its real costs from staff.
  const connections = await db
    .select({ id: providerConnections.id, name: providerConnections.name })
    .from(providerConnections)
    .where(exists(db.select({ one: sql`1` }).from(auditEvents).where(and(eq(auditEvents.action, 'provider.connect'), eq(auditEvents.actorEmail, 'seed'), eq(auditEvents.targetId, sql`${providerConnections.id}::text`)))))
    .orderBy(asc(providerConnections.provider), asc(providerConnections.id));
  for (const [index, connection] of connections.entries()) {
    if (await getCostDeckByConnection(db, { connectionId: connection.id })) continue;
    await seedDeck(db, { name: `${connection.name} cost`, purpose: 'cost', connectionId: connection.id, entries: demoCostEntries(index) });
  }
}
