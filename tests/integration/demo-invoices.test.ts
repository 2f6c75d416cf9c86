/**
 * The demo's invoices after its calls (the browser suite's server seeds 35 days): each month that is
 * over is issued for Acme Telecom with its usage lines; the older is paid by a demo wire that the
 * next invoice shows; the latest stays issued and unpaid; a second run changes nothing.
 */
import { eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountLedger, invoiceLines, invoices, providerConnections } from '@/lib/db/schema';
import { getInvoicePage } from '@/lib/services/billing-overview';
import { seedDemoCdrs } from '@/lib/services/demo-cdrs';
import { seedDemoInvoices, type DemoInvoiceResult } from '@/lib/services/demo-invoices';
import { settleInvoices } from '@/lib/services/invoices';
import { sealCredentials } from '@/lib/services/secret-box';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

describe('demo invoices', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  // As scripts/e2e-server.ts: 35 days of calls up to now, here early in December: October's last days and November.
  const now = new Date('2026-12-03T10:00:00Z');
  let first: DemoInvoiceResult;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    for (const provider of ['carrierx', 'vitcom', 'voicemeup', 'voicetel'] as const) {
      await test.db.insert(providerConnections).values({ provider, name: `${provider} demo`, baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ key: 'k' }), enabled: false });
    }
    await seedDemoCdrs(test.db, { now, days: 35 });
    first = await seedDemoInvoices(test.db, now);
  }, 300_000);

  it('issues October and November for Acme Telecom: October paid by a demo wire, November issued and unpaid', async () => {
    expect(first.invoices.map((invoice) => [invoice.periodStart.toISOString().slice(0, 7), invoice.status])).toEqual([
      ['2026-10', 'paid'],
      ['2026-11', 'issued'],
    ]);
    expect(first).toMatchObject({ issued: 2, paid: 1 });
    const [october, november] = await Promise.all(first.invoices.map(async (invoice) => (await test.db.select().from(invoices).where(eq(invoices.id, invoice.id)))[0]!));
    expect(october!.billingAccountId).toBe(tenants.acme.id);
    expect(october!.issuedAt?.toISOString()).toBe('2026-11-01T01:00:00.000Z');
    const [wire] = await test.db.select().from(accountLedger).where(eq(accountLedger.reference, `DEMO-WIRE-${october!.number}`));
    expect(wire).toMatchObject({ kind: 'payment', billingAccountId: tenants.acme.id });
    expect(Math.round(Number(wire!.amount) * 100)).toBe(october!.totalDueCents);
    expect(wire!.createdAt.toISOString()).toBe('2026-11-11T01:00:00.000Z');
    expect(october!.paidAt?.toISOString()).toBe('2026-11-11T01:00:00.000Z');
    // November carries October's total as the previous balance and the wire as its payment.
    expect(november).toMatchObject({ status: 'issued', previousBalanceCents: october!.totalDueCents, paymentsCents: october!.totalDueCents, paidAt: null });
    expect(november!.totalDueCents).toBe(november!.chargesCents);
    expect(november!.subtotalCents).toBeGreaterThan(october!.subtotalCents);
  });

  it('gives the latest invoice usage lines with their calls, visible to the billing account’s finance', async () => {
    const november = first.invoices.at(-1)!;
    const lines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, november.id));
    const usage = lines.filter((line) => line.kind === 'termination' || line.kind === 'origination');
    expect(usage.length).toBeGreaterThan(3);
    expect(usage.every((line) => (line.calls ?? 0) > 0 && line.rateVersionId !== null && line.destination !== null)).toBe(true);
    const page = await getInvoicePage(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), november.id);
    expect(page.sections.map((section) => section.name).sort()).toEqual(['Acme East', 'Acme Telecom', 'Acme West']);
    expect(page.unratedCalls).toBe(0);
  });

  it('changes nothing when run again', async () => {
    const ledgerBefore = await test.db.select().from(accountLedger).where(eq(accountLedger.billingAccountId, tenants.acme.id));
    const invoicesBefore = await test.db.select().from(invoices);
    const again = await seedDemoInvoices(test.db, now);
    expect(again).toMatchObject({ issued: 0, paid: 0 });
    expect(again.invoices).toEqual(first.invoices);
    expect(await test.db.select().from(accountLedger).where(eq(accountLedger.billingAccountId, tenants.acme.id))).toEqual(ledgerBefore);
    expect(await test.db.select().from(invoices)).toEqual(invoicesBefore);
    expect(await test.db.select().from(accountLedger).where(like(accountLedger.reference, 'DEMO-WIRE-%'))).toHaveLength(1);
    // Settlement (run by every payment, adjustment and reversal) agrees with the demo: October stays paid, November open.
    expect(await settleInvoices(test.db, { billingAccountId: tenants.acme.id, now })).toEqual({ paid: [], reopened: [] });
  });
});
