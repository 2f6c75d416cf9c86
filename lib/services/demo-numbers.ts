import 'server-only';

/**
 * The demo tree's phone numbers. On a first `npm start`, once the sandboxes answer, the numbers each
 * upstream already holds for the carrier become Acme Telecom's and its sub-accounts' in turn, as a
 * carrier moving its customers onto the portal imports them: read over HTTP through the adapters, so
 * the number refresh finds every one at its carrier. Priced as a purchase would be (the account's DID
 * tier, else the price list), held for a few weeks to a year, on the carrier's default route, no E911
 * yet: what a new customer's inventory looks like.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { getNumberPrices } from '@/lib/db/queries/prices';
import { insertLiveNumberIfFree } from '@/lib/db/queries/numbers';
import { accounts, phoneNumbers } from '@/lib/db/schema';
import { log } from '@/lib/log';
import { requireCapability, type NumbersCapability, type OwnedNumber } from '@/lib/providers/types';
import { findPrice, getAccountDidTiers, numberPrice } from './pricing';
import { getEnabledAdapters } from './providers';

const DEMO_TREE = ['Acme Telecom', 'Acme East', 'Acme West'];
const DAY_MS = 24 * 3600 * 1000;

async function ownedAtCarrier(numbers: NumbersCapability): Promise<OwnedNumber[]> {
  const owned: OwnedNumber[] = [];
  let cursor: string | undefined;
  do {
    const page = await numbers.list({ cursor, limit: 1000 });
    owned.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return owned;
}

/** Once: nothing happens when the demo tree already has (or had) a number, or is not there. */
export async function importDemoNumbers(db: Db, { now = new Date() }: { now?: Date } = {}): Promise<{ imported: number }> {
  const tree = await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.name, DEMO_TREE));
  const ordered = DEMO_TREE.map((name) => tree.find((account) => account.name === name)).filter((account) => account !== undefined);
  if (ordered.length === 0) return { imported: 0 };
  if ((await db.$count(phoneNumbers, inArray(phoneNumbers.accountId, ordered.map((account) => account.id)))) > 0) return { imported: 0 };
  const prices = await getNumberPrices(db);
  const tiers = new Map(await Promise.all(ordered.map(async (account) => [account.id, await getAccountDidTiers(db, { accountId: account.id, at: now })] as const)));
  let imported = 0;
  for (const { connection, adapter } of await getEnabledAdapters('numbers')) {
    let owned: OwnedNumber[];
    try {
      owned = await ownedAtCarrier(requireCapability(adapter, 'numbers'));
    } catch (error) {
      log.warn('demo.numbers_not_imported', { connectionId: connection.id, provider: connection.provider, error });
      continue;
    }
    for (const number of owned.filter((candidate) => candidate.status === 'active')) {
      const account = ordered[imported % ordered.length]!;
      const npa = number.e164.slice(2, 5);
      const price = numberPrice(findPrice(prices, { kind: number.kind, state: number.state, npa }), tiers.get(account.id) ?? [], number.e164);
      const inserted = await insertLiveNumberIfFree(db, {
        accountId: account.id,
        e164: number.e164,
        kind: number.kind,
        state: number.state ?? null,
        npa,
        rateCenter: number.rateCenter ?? null,
        connectionId: connection.id,
        monthly: price?.monthly ?? '0',
        activatedAt: new Date(now.getTime() - (20 + ((imported * 37) % 380)) * DAY_MS),
        lastSeenUpstreamAt: now,
      });
      if (inserted) imported++;
    }
  }
  return { imported };
}
