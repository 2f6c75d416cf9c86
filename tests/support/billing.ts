import type { Db } from '@/lib/db/client';
import { providerConnections, rateDeckAssignments, rateDeckDidTiers, rateDeckEntries, rateDeckVersions, rateDecks } from '@/lib/db/schema';
import { sealCredentials } from '@/lib/services/secret-box';

export interface TestRate {
  prefix: string;
  destination: string;
  rate: string;
  kind?: 'termination' | 'origination';
  connectionFee?: string;
  increment?: [number, number];
  minimumDuration?: number;
}

/** A rate deck with one version written straight to the tables (the decks service is not what these tests are about). */
export async function insertRateDeck(
  db: Db,
  {
    name,
    purpose = 'sell',
    connectionId,
    isDefault = false,
    effectiveFrom = new Date('2020-01-01T00:00:00Z'),
    rates,
    didTiers = [],
    assignTo = [],
  }: {
    name: string;
    purpose?: 'sell' | 'cost';
    connectionId?: string;
    isDefault?: boolean;
    effectiveFrom?: Date;
    rates: TestRate[];
    didTiers?: { tier: string; label: string; countries: string[]; monthly: string; oneTime?: string }[];
    assignTo?: string[];
  },
) {
  const [deck] = await db.insert(rateDecks).values({ name, purpose, connectionId: connectionId ?? null, isDefault }).returning();
  const version = await insertDeckVersion(db, { deckId: deck!.id, version: 1, effectiveFrom, rates, didTiers });
  for (const accountId of assignTo) await db.insert(rateDeckAssignments).values({ accountId, deckId: deck!.id });
  return { deck: deck!, version };
}

export async function insertDeckVersion(
  db: Db,
  { deckId, version, effectiveFrom, rates, didTiers = [] }: { deckId: string; version: number; effectiveFrom: Date; rates: TestRate[]; didTiers?: { tier: string; label: string; countries: string[]; monthly: string; oneTime?: string }[] },
) {
  const [row] = await db.insert(rateDeckVersions).values({ deckId, version, effectiveFrom, entryCount: rates.length }).returning();
  if (rates.length > 0) {
    await db.insert(rateDeckEntries).values(
      rates.map((rate) => ({
        versionId: row!.id,
        kind: rate.kind ?? 'termination',
        prefix: rate.prefix,
        destination: rate.destination,
        rate: rate.rate,
        connectionFee: rate.connectionFee ?? '0',
        firstIncrement: rate.increment?.[0] ?? 60,
        nextIncrement: rate.increment?.[1] ?? 60,
        minimumDuration: rate.minimumDuration ?? 0,
      })),
    );
  }
  if (didTiers.length > 0) await db.insert(rateDeckDidTiers).values(didTiers.map((tier) => ({ versionId: row!.id, tier: tier.tier, label: tier.label, countries: tier.countries, monthly: tier.monthly, oneTime: tier.oneTime ?? '0' })));
  return row!;
}

/** A disabled connection for rows that must name one (numbers, cost decks); it is never called. */
export async function insertIdleConnection(db: Db, name = 'Idle upstream') {
  const [connection] = await db.insert(providerConnections).values({ provider: 'voicetel', name, baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false }).returning();
  return connection!;
}
