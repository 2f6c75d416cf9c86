import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { rowsOf } from '@/lib/db/rows';
import { invoices, providerConnections, rateDeckAssignments, rateDeckEntries, rateDecks, rateDeckVersions } from '@/lib/db/schema';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { rerateCalls } from '@/lib/services/rerating';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** When set, issues an invoice right after re-rating has read how far its account is invoiced: the month-end close landing mid-run. */
const race = vi.hoisted(() => ({ issue: undefined as undefined | (() => Promise<void>) }));
vi.mock('@/lib/db/queries/rerating', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/db/queries/rerating')>();
  return {
    ...original,
    getInvoicedUntilByBillingAccounts: async (...args: Parameters<typeof original.getInvoicedUntilByBillingAccounts>) => {
      const answer = await original.getInvoicedUntilByBillingAccounts(...args);
      const issue = race.issue;
      race.issue = undefined;
      await issue?.();
      return answer;
    },
  };
});

describe('re-rating while an invoice is issued', () => {
  const test = useTestDatabase();
  const now = Date.now();
  const callAt = new Date(now - 2 * DAY);
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let deckId: string;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await test.db.delete(rateDeckAssignments);
    await test.db.update(rateDecks).set({ isDefault: false });
    const [connection] = await test.db.insert(providerConnections).values({ provider: 'voicetel', name: 'Race upstream', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: 'unused' }).returning();
    const [deck] = await test.db.insert(rateDecks).values({ purpose: 'sell', name: 'Race deck' }).returning();
    deckId = deck!.id;
    const [v1] = await test.db.insert(rateDeckVersions).values({ deckId, version: 1, effectiveFrom: new Date(now - 90 * DAY), entryCount: 1 }).returning();
    await test.db.insert(rateDeckEntries).values({ versionId: v1!.id, kind: 'termination', prefix: '1', destination: 'United States', rate: '0.0100' });
    await test.db.insert(rateDeckAssignments).values({ accountId: tenants.acme.id, deckId });
    const input = { source: 'race-test', sourceId: 'race-1', accountId: tenants.acme.id, direction: 'outbound' as const, from: '+13125550100', to: '+14155550100', inviteAt: callAt, answerAt: new Date(callAt.getTime() + 2000), endAt: new Date(callAt.getTime() + 62_000), sipCode: 200, billsec: 60, connectionId: connection!.id };
    expect(await ingestCdrBatch(test.db, [{ line: 1, input }])).toMatchObject({ accepted: 1 });
  });

  it('keeps the charges of calls an invoice issued mid-run covers', async () => {
    const [v2] = await test.db.insert(rateDeckVersions).values({ deckId, version: 2, effectiveFrom: new Date(now - 60 * DAY), entryCount: 1 }).returning();
    await test.db.insert(rateDeckEntries).values({ versionId: v2!.id, kind: 'termination', prefix: '1', destination: 'United States', rate: '0.0200' });
    race.issue = async () => {
      const [invoice] = await test.db
        .insert(invoices)
        .values({ billingAccountId: tenants.acme.id, number: 'INV-2026-01-0ACE1', currency: 'USD', periodStart: new Date(now - 30 * DAY), periodEnd: new Date(now - DAY) })
        .returning();
      await test.db.update(invoices).set({ status: 'issued', issuedAt: new Date() }).where(eq(invoices.id, invoice!.id));
    };
    await rerateCalls(test.db, { deckId, from: new Date(now - 60 * DAY) });
    expect(race.issue).toBeUndefined();
    const [call] = rowsOf<{ charge: string }>(await test.db.execute(sql`SELECT charge::text AS charge FROM cdrs WHERE source = 'race-test'`));
    expect(call!.charge).toBe('0.010000');
  });
});
