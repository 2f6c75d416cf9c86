/**
 * `npm start`'s demo tree holds numbers: those the sandboxes hold, read through the adapters, spread
 * over Acme Telecom and its sub-accounts, priced as a purchase would be, imported once, and every
 * one found at its carrier by the number refresh.
 */
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { phoneNumbers } from '@/lib/db/schema';
import { importDemoNumbers } from '@/lib/services/demo-numbers';
import { refreshOwnedNumbers } from '@/lib/services/number-refresh';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

describe('the demo’s phone numbers', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();

  it('imports what the sandboxes hold into the demo tree once, priced, and the refresh finds each at its carrier', async () => {
    const tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    const { imported } = await importDemoNumbers(test.db);
    expect(imported).toBeGreaterThan(20);
    const rows = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.status, 'active'));
    expect(rows).toHaveLength(imported);
    const tree = [tenants.acme.id, tenants.east.id, tenants.west.id];
    for (const accountId of tree) expect(rows.filter((row) => row.accountId === accountId).length, accountId).toBeGreaterThan(5);
    expect(rows.some((row) => row.accountId === tenants.globex.id)).toBe(false);
    expect(new Set(rows.map((row) => row.connectionId)).size).toBe(4);
    // The demo's default deck prices US and Canadian numbers by its Tier A: $5 a month, as invoices bill them.
    expect(rows.filter((row) => row.monthly !== '5.0000').map((row) => row.e164)).toEqual([]);
    expect(rows.every((row) => row.activatedAt.getTime() < Date.now() - 19 * 24 * 3600_000)).toBe(true);

    expect(await importDemoNumbers(test.db)).toEqual({ imported: 0 });
    const outcomes = await refreshOwnedNumbers();
    for (const outcome of outcomes) expect(outcome, outcome.provider).toMatchObject({ flagged: 0 });
    expect(await test.db.$count(phoneNumbers, inArray(phoneNumbers.status, ['missing_upstream']))).toBe(0);
  });
});
