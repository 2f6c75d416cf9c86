/**
 * Invoices: seed 000's INV-2026-04-0824F reproduced from rated calls and numbers held (the discount
 * shown with its real percentage, 7.97%); issue posts once and freezes the invoice in the database;
 * void reverses the posting and reissues; the next month carries the balance, payments and credit
 * notes; prepay and tax; period close; only the billing account's money roles ever see it.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountLedger, billingProfiles, invoiceLines, invoices } from '@/lib/db/schema';
import { addDraftDiscount, closeInvoicePeriod, generateDraftInvoice, getInvoiceFor, issueInvoice, listInvoicesFor, settlePaidInvoices, voidInvoice } from '@/lib/services/invoices';
import { seedInvoiceApril2026 } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants } from '../support/fixtures';

describe('Invoices', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    await seedInvoiceApril2026(test.db, tenants.globex.id);
  }, 120_000);

  it('reproduces seed 000’s INV-2026-04-0824F: the lines, the discount at its real 7.97% of $58,372.08, $53,721.11 due', async () => {
    const { invoice: draft, gaps } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-04' });
    expect(gaps).toEqual({ unratedCalls: 0, unpricedNumbers: 0 });
    const invoice = await addDraftDiscount(test.db, { invoiceId: draft.id, description: 'Volume discount', amount: '4650.97' });
    const lines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
    const byDescription = Object.fromEntries(lines.map((line) => [line.description, line]));
    expect(byDescription['US termination']).toMatchObject({ quantity: '4281042.0000', rate: '0.010000', amountCents: 4_281_042 });
    expect(byDescription['MX termination']).toMatchObject({ quantity: '890104.0000', rate: '0.016000', amountCents: 1_424_166 });
    expect(byDescription['DIDs · 240 × 5.00']).toMatchObject({ amountCents: 120_000, detail: 'Tier A · US/CA' });
    expect(byDescription['DIDs · 12 × 10.00']).toMatchObject({ amountCents: 12_000, detail: 'Tier B · MX/BR' });
    expect(byDescription['Volume discount']).toMatchObject({ amountCents: -465_097, baseCents: 5_837_208, percent: '7.9678' });
    expect(invoice).toMatchObject({ subtotalCents: 5_837_208, discountCents: 465_097, taxCents: 0, chargesCents: 5_372_111, previousBalanceCents: 0, paymentsCents: 0, totalDueCents: 5_372_111, status: 'draft' });
    expect(invoice.number).toMatch(/^INV-2026-04-[0-9A-F]{5}$/);
  });

  it('issues once: the charges posted to the ledger at the end of the period, the invoice frozen in the database', async () => {
    const [draft] = await test.db.select().from(invoices).where(eq(invoices.billingAccountId, tenants.globex.id));
    const issued = await issueInvoice(test.db, { invoiceId: draft!.id, now: new Date('2026-05-01T00:10:00Z') });
    expect(issued).toMatchObject({ status: 'issued', totalDueCents: 5_372_111 });
    expect(issued.dueAt?.toISOString()).toBe('2026-05-16T00:10:00.000Z');
    const [posting] = await test.db.select().from(accountLedger).where(eq(accountLedger.invoiceId, issued.id));
    expect(posting).toMatchObject({ kind: 'invoice', amount: '-53721.1100' });
    expect(posting!.createdAt.toISOString()).toBe('2026-04-30T23:59:59.999Z');

    await expect(issueInvoice(test.db, { invoiceId: issued.id, now: new Date('2026-05-02T00:00:00Z') })).rejects.toMatchObject({ code: 'conflict:invoice_not_draft' });
    await expect(generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-04' })).rejects.toMatchObject({ code: 'conflict:invoice_issued' });
    await expect(test.db.update(invoices).set({ totalDueCents: 1 }).where(eq(invoices.id, issued.id))).rejects.toThrow();
    await expect(test.db.update(invoiceLines).set({ amountCents: 1 }).where(eq(invoiceLines.invoiceId, issued.id))).rejects.toThrow();
    await expect(test.db.delete(invoiceLines).where(eq(invoiceLines.invoiceId, issued.id))).rejects.toThrow();
    await expect(test.db.delete(invoices).where(eq(invoices.id, issued.id))).rejects.toThrow();
    await expect(test.db.update(accountLedger).set({ amount: '0' }).where(eq(accountLedger.id, posting!.id))).rejects.toThrow();
    const [after] = await test.db.select().from(invoices).where(eq(invoices.id, issued.id));
    expect(after!.totalDueCents).toBe(5_372_111);
  });

  it('does not issue a month that is not over', async () => {
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-12' });
    await expect(issueInvoice(test.db, { invoiceId: invoice.id, now: new Date('2026-12-15T00:00:00Z') })).rejects.toMatchObject({ code: 'conflict:period_open' });
    await test.db.delete(invoices).where(eq(invoices.id, invoice.id));
  });

  it('voids with a reason: the posting reversed, a new draft for the same month replaces it', async () => {
    const [issued] = await test.db.select().from(invoices).where(and(eq(invoices.billingAccountId, tenants.globex.id), eq(invoices.status, 'issued')));
    await expect(voidInvoice(test.db, { invoiceId: issued!.id, reason: ' ' })).rejects.toMatchObject({ code: 'invalid:void_reason' });
    const { voided, replacement } = await voidInvoice(test.db, { invoiceId: issued!.id, reason: 'Discount applied twice by mistake' });
    expect(voided).toMatchObject({ status: 'void', voidReason: 'Discount applied twice by mistake', totalDueCents: 5_372_111 });
    const reversal = await test.db.select().from(accountLedger).where(and(eq(accountLedger.invoiceId, issued!.id), eq(accountLedger.kind, 'reversal')));
    expect(reversal).toHaveLength(1);
    expect(reversal[0]!.amount).toBe('53721.1100');
    expect(replacement).toMatchObject({ status: 'draft', replacesInvoiceId: issued!.id, totalDueCents: 5_837_208 });
    expect(replacement!.number).not.toBe(issued!.number);
    // The void stays as it was, number and all.
    await expect(test.db.update(invoices).set({ status: 'issued' }).where(eq(invoices.id, issued!.id))).rejects.toThrow();
    const reissued = await issueInvoice(test.db, { invoiceId: replacement!.id, now: new Date('2026-05-03T00:00:00Z') });
    expect(reissued.totalDueCents).toBe(5_837_208);
  });

  it('carries the balance into the next month with its payments and credit notes, and marks invoices paid once covered', async () => {
    await test.db.insert(accountLedger).values([
      { billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '50000.0000', description: 'Wire', reference: 'W-1', createdAt: new Date('2026-05-10T00:00:00Z') },
      { billingAccountId: tenants.globex.id, accountId: tenants.globexBranch.id, kind: 'credit_note', amount: '12.3400', description: 'Dispute accepted: failed calls billed', createdAt: new Date('2026-05-12T00:00:00Z') },
    ]);
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-05' });
    // April's reissued $58,372.08 owed; $50,000 paid; May: 252 DIDs ($1,320.00), less a $12.34 credit note.
    expect(invoice).toMatchObject({ previousBalanceCents: 5_837_208, paymentsCents: 5_000_000, subtotalCents: 132_000, creditCents: 1234, chargesCents: 130_766 });
    expect(invoice.totalDueCents).toBe(5_837_208 - 5_000_000 + 130_766);
    const lines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
    expect(lines.find((line) => line.kind === 'credit_note')).toMatchObject({ accountId: tenants.globexBranch.id, amountCents: -1234 });
    expect(await settlePaidInvoices(test.db, { billingAccountId: tenants.globex.id })).toEqual([]);
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '8372.0800', description: 'Wire', reference: 'W-2' });
    expect(await settlePaidInvoices(test.db, { billingAccountId: tenants.globex.id })).toHaveLength(1);
  });

  it('applies the prepay tier’s discount to usage and DIDs, and the account’s tax on what is left', async () => {
    await test.db.insert(billingProfiles).values({ accountId: tenants.globex.id, prepayDiscountPercent: '8', taxRatePercent: '7.25', taxName: 'Sales tax' });
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-05' });
    const lines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
    expect(lines.find((line) => line.kind === 'discount')).toMatchObject({ description: 'Prepay tier discount', amountCents: -10_560, baseCents: 132_000, percent: '8.0000' });
    expect(lines.find((line) => line.kind === 'tax')).toMatchObject({ description: 'Sales tax', baseCents: 121_440, amountCents: 8804 });
    expect(invoice).toMatchObject({ discountCents: 10_560, taxCents: 8804, chargesCents: 132_000 - 10_560 + 8804 - 1234 });
    await test.db.delete(billingProfiles).where(eq(billingProfiles.accountId, tenants.globex.id));
  });

  it('closes a period: last month issued for every billing account with something to bill, once', async () => {
    const first = await closeInvoicePeriod(new Date('2026-06-01T00:15:00Z'));
    const issuedNumbers = first.issued.filter((number) => number.startsWith('INV-2026-05-'));
    expect(issuedNumbers).toHaveLength(1);
    const again = await closeInvoicePeriod(new Date('2026-06-01T00:20:00Z'));
    expect(again.issued).toEqual([]);
  });

  it('shows invoices to the billing account’s money roles only; another tenant finds nothing', async () => {
    const finance = await accessAs(test.db, 'finance@globex.example', tenants.globex.id);
    const list = await listInvoicesFor(finance);
    expect(list.map((invoice) => invoice.status)).toEqual(expect.arrayContaining(['void', 'paid', 'issued']));
    const one = await getInvoiceFor(finance, list[0]!.id);
    expect(one.sections.map((section) => section.name)).toContain('Globex');
    for (const role of ['technical', 'viewer'] as const) {
      const access = await accessAs(test.db, `${role}@globex.example`, tenants.globex.id);
      await expect(listInvoicesFor(access)).rejects.toMatchObject({ code: 'not_found:invoice' });
      await expect(getInvoiceFor(access, list[0]!.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    }
    const acmeOwner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    expect((await listInvoicesFor(acmeOwner)).some((invoice) => invoice.billingAccountId === tenants.globex.id)).toBe(false);
    await expect(getInvoiceFor(acmeOwner, list[0]!.id)).rejects.toMatchObject({ code: 'not_found:invoice' });
    // Ids of the right length that are not UUIDs are "not found" too, never a database error.
    for (const id of ['f'.repeat(36), '-'.repeat(36), 'g'.repeat(36)]) await expect(getInvoiceFor(finance, id)).rejects.toMatchObject({ code: 'not_found:invoice' });
  });
});
