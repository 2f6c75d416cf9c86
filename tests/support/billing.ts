import type { Db } from '@/lib/db/client';
import { phoneNumbers, providerConnections, rateDeckAssignments, rateDeckDidTiers, rateDeckEntries, rateDeckVersions, rateDecks } from '@/lib/db/schema';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
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

const DAY_SECONDS = 86_400;
let callSequence = 0;

/** Answered outbound calls whose billed minutes add up to `minutes` exactly (whole days, then the rest). */
export function callsTotalling({ accountId, minutes, to, day }: { accountId: string; minutes: number; to: string; day: string }): CdrInput[] {
  const calls: CdrInput[] = [];
  let left = minutes * 60;
  let start = new Date(`${day}T00:00:00Z`).getTime();
  while (left > 0) {
    const seconds = Math.min(left, DAY_SECONDS);
    calls.push({
      source: 'switch-test',
      sourceId: `c-${callSequence++}`,
      accountId,
      direction: 'outbound',
      from: '+12125550100',
      to,
      inviteAt: new Date(start),
      answerAt: new Date(start + 1000),
      endAt: new Date(start + 1000 + seconds * 1000),
      billsec: seconds,
      sipCode: 200,
    });
    left -= seconds;
    start += 60_000;
  }
  return calls;
}

/** Ingests through the real path in batches; every call must be accepted. */
export async function ingestAll(db: Db, calls: CdrInput[]): Promise<void> {
  for (let i = 0; i < calls.length; i += 2000) {
    const result = await ingestCdrBatch(db, calls.slice(i, i + 2000).map((input, j) => ({ line: i + j + 1, input })));
    if (result.rejected.length > 0 || result.accepted + result.duplicates !== Math.min(2000, calls.length - i)) throw new Error(`calls refused: ${JSON.stringify(result.rejected.slice(0, 3))}`);
  }
}

/**
 * Seed 000's April 2026 for a billing account: VICICarrier's deck (US $0.0100, MX $0.0160, DID tiers
 * A $5 and B $10), 240 US and 12 MX numbers held all month, and calls of 4,281,042 and 890,104 minutes.
 */
export async function seedInvoiceApril2026(db: Db, accountId: string): Promise<{ calls: number }> {
  await insertRateDeck(db, {
    name: 'VICICarrier 2026',
    rates: [
      { prefix: '1', destination: 'US', rate: '0.0100' },
      { prefix: '52', destination: 'MX', rate: '0.0160' },
    ],
    didTiers: [
      { tier: 'A', label: 'US/CA', countries: ['US', 'CA'], monthly: '5.0000' },
      { tier: 'B', label: 'MX/BR', countries: ['MX', 'BR'], monthly: '10.0000' },
    ],
    assignTo: [accountId],
  });
  const connection = await insertIdleConnection(db);
  const held = (e164: string) => ({ accountId, e164, kind: 'local' as const, npa: e164.slice(2, 5), connectionId: connection.id, monthly: '1.0000', activatedAt: new Date('2026-03-02T00:00:00Z') });
  await db.insert(phoneNumbers).values([
    ...Array.from({ length: 240 }, (_, i) => held(`+1312555${String(1000 + i).padStart(4, '0')}`)),
    ...Array.from({ length: 12 }, (_, i) => held(`+5255512${String(3400 + i).padStart(4, '0')}`)),
  ]);
  const calls = [...callsTotalling({ accountId, minutes: 4_281_042, to: '+14155551212', day: '2026-04-03' }), ...callsTotalling({ accountId, minutes: 890_104, to: '+525555123456', day: '2026-04-10' })];
  await ingestAll(db, calls);
  return { calls: calls.length };
}
