/**
 * The price a customer sees when buying a number is the one its invoices bill: where the account's
 * sell deck prices the number's country by a DID tier, the tier's; elsewhere the price list's.
 */
import { describe, expect, it } from 'vitest';
import { searchAvailableNumbers } from '@/lib/services/number-search';
import { numberPrice } from '@/lib/services/pricing';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { insertRateDeck } from '../support/billing';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useTestDatabase } from '../support/db';
import { useSandboxes } from '../support/sandboxes';

describe('number prices follow the account’s DID tiers', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();

  it('prices a search by the tier that will bill it, and by the price list where no tier applies', async () => {
    const tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    const search = async (accountId: string) =>
      (await searchAvailableNumbers(await accessAs(test.db, 'tech@acme.example', accountId), numberSearchSchema.parse({ quantity: '10', npa: '212' }), { fresh: true })).results;

    // The demo's default deck: Tier A (US and Canada) at $5 a month, nothing one-time.
    const byDefault = await search(tenants.acme.id);
    expect(byDefault.length).toBeGreaterThan(0);
    for (const result of byDefault) expect([result.monthly, result.setup]).toEqual(['5.0000', '0.0000']);

    // A deck of the sub-account's own, with its own tier.
    await insertRateDeck(test.db, { name: 'East contract', rates: [{ prefix: '1', destination: 'US', rate: '0.0090' }], didTiers: [{ tier: 'A', label: 'North America', countries: ['US', 'CA'], monthly: '2.5000', oneTime: '1.0000' }], assignTo: [tenants.east.id] });
    for (const result of await search(tenants.east.id)) expect([result.monthly, result.setup]).toEqual(['2.5000', '1.0000']);

    // A deck without DID tiers: the price list's most specific row (NPA 212: $3 a month, $2 setup).
    await insertRateDeck(test.db, { name: 'West calls only', rates: [{ prefix: '1', destination: 'US', rate: '0.0090' }], assignTo: [tenants.west.id] });
    for (const result of await search(tenants.west.id)) expect([result.monthly, result.setup]).toEqual(['3.0000', '2.0000']);
  });

  it('keeps the list price for a country no tier names', () => {
    const tiers = [{ countries: ['US', 'CA'], monthly: '5.0000', oneTime: '0.0000' }];
    expect(numberPrice({ monthly: '1.2500', setup: '0.5000' }, tiers, '+442079460000')).toEqual({ monthly: '1.2500', setup: '0.5000' });
    expect(numberPrice({ monthly: '1.2500', setup: '0.5000' }, tiers, '+14165550100')).toEqual({ monthly: '5.0000', setup: '0.0000' });
    expect(numberPrice(undefined, [], '+14165550100')).toBeUndefined();
  });
});
