/**
 * The prepay tier and what holds it: a reversed prepayment (a bounced wire) that began the tier ends
 * it, audited and notified, unless another prepayment of $10,000 or more since it began still stands
 * (the tier then runs from that one) and the prepaid credit is not used up. Its discount is of the
 * usage and DIDs from the tier's start only: calls earlier in the month pay full price.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { accountEvents, accountLedger, accounts, auditEvents, billingProfiles, invoiceLines, phoneNumbers } from '@/lib/db/schema';
import { generateDraftInvoice } from '@/lib/services/invoices';
import { recordPayment, reverseLedgerEntry } from '@/lib/services/ledger';
import { recordPaymentSchema } from '@/lib/validations/ledger';
import { insertIdleConnection } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { ingestMonthCalls } from '../support/disputes';
import { seedTwoTenants } from '../support/fixtures';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

describe('Prepay tier: reversals and the day it began', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  }, 120_000);

  const today = () => new Date().toISOString().slice(0, 10);
  const prepayment = (accountId: string, amount: string, reference: string) =>
    recordPaymentSchema.parse({ accountId, requestKey: crypto.randomUUID(), type: 'prepayment', amount, receivedOn: today(), reference, note: '' });
  const newCustomer = async (name: string) => {
    const id = crypto.randomUUID();
    await test.db.insert(accounts).values({ id, name, billingAccountId: id, path: `/${id}/`, depth: 0 });
    return id;
  };
  const profileOf = async (accountId: string) => (await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, accountId)))[0];
  const discountLine = async (invoiceId: string) => (await test.db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoiceId), eq(invoiceLines.kind, 'discount'))))[0];

  it('ends the tier when the prepayment that began it is reversed, audited and the customer told; a new prepayment starts it again', async () => {
    const id = await newCustomer('Bounce Telecom');
    const paid = await recordPayment(tenants.staff, prepayment(id, '10000', 'WIRE-BOUNCE-1'));
    expect(paid.prepay).toBe('started');

    const reversed = await reverseLedgerEntry(tenants.staff, { accountId: id, entryId: paid.entryId, reason: 'Wire returned by the bank' });
    expect(reversed.prepay).toBe('ended');
    expect(await profileOf(id)).toMatchObject({ prepayDiscountPercent: '0.0000', prepaySince: null });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.prepay_tier.end'), eq(auditEvents.accountId, id)));
    expect(audit).toMatchObject({ before: { prepayDiscountPercent: '8.0000' }, after: { prepayDiscountPercent: '0', reversedPrepaymentEntryId: paid.entryId } });
    expect(await test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, id), eq(accountEvents.type, 'billing.prepay_ended')))).toHaveLength(1);

    // A prepayment of $10,000 or more puts it back on the tier, from that day.
    const again = await recordPayment(tenants.staff, prepayment(id, '10000', 'WIRE-BOUNCE-2'));
    expect(again.prepay).toBe('started');
  });

  it('keeps the tier while a later prepayment of $10,000 or more stands, from that one; ends it once the prepaid credit is used up', async () => {
    const id = await newCustomer('Two Wires Telecom');
    const first = await recordPayment(tenants.staff, prepayment(id, '10000', 'WIRE-TWO-1'));
    const began = (await profileOf(id))!.prepaySince!;
    const second = await recordPayment(tenants.staff, prepayment(id, '12000', 'WIRE-TWO-2'));
    expect(second.prepay).toBe('already');
    const [secondEntry] = await test.db.select().from(accountLedger).where(eq(accountLedger.id, second.entryId));

    // The wire that began the tier bounces: the other holds it, from the day it came.
    expect((await reverseLedgerEntry(tenants.staff, { accountId: id, entryId: first.entryId, reason: 'Wire returned' })).prepay).toBe('moved');
    const moved = (await profileOf(id))!;
    expect(moved.prepayDiscountPercent).toBe('8.0000');
    expect(moved.prepaySince!.getTime()).toBe(secondEntry!.createdAt.getTime());
    expect(moved.prepaySince!.getTime()).toBeGreaterThanOrEqual(began.getTime());

    // Charges beyond the credit left use it up: a prepayment reversed now ends the tier, though another still stands.
    const third = await recordPayment(tenants.staff, prepayment(id, '10000', 'WIRE-TWO-3'));
    expect(third.prepay).toBe('already');
    await test.db.insert(accountLedger).values({ billingAccountId: id, accountId: id, kind: 'charge', amount: '-15000.0000', description: 'Number +12125550100: setup and first month' });
    expect((await reverseLedgerEntry(tenants.staff, { accountId: id, entryId: third.entryId, reason: 'Wire returned' })).prepay).toBe('ended');
    expect((await profileOf(id))!.prepayDiscountPercent).toBe('0.0000');
  });

  it('discounts only the usage and the DID days from the day the tier began', async () => {
    const id = await newCustomer('Mid-month Telecom');
    const connection = await insertIdleConnection(test.db, 'Prepay upstream');
    // Held all October at tier A ($5.00 a month).
    await test.db.insert(phoneNumbers).values({ accountId: id, e164: '+13125557101', kind: 'local', npa: '312', connectionId: connection.id, monthly: '1.0000', activatedAt: new Date('2026-09-20T00:00:00Z') });
    // 100 minutes on 3 October ($1.00), 200 minutes on 20 October ($2.00), at $0.01 a minute.
    await ingestMonthCalls(test.db, '2026-10', [
      { accountId: id, to: '+14155550101', billsec: 6000, day: 3 },
      { accountId: id, to: '+14155550102', billsec: 12_000, day: 20 },
    ]);
    await test.db.insert(billingProfiles).values({ accountId: id, prepayDiscountPercent: '8', prepaySince: new Date('2026-10-15T00:00:00Z') });

    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-10' });
    const lines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
    expect(lines.filter((line) => line.kind !== 'discount').map((line) => [line.kind, line.amountCents])).toEqual([
      ['termination', 300],
      ['did', 500],
    ]);
    // $2.00 of calls and 17 of October's 31 days of the number ($2.74): 8% of $4.74.
    expect(await discountLine(invoice.id)).toMatchObject({ description: 'Prepay tier discount', baseCents: 474, amountCents: -38, detail: '8.02% of 4.74 (usage and DIDs from October 15, 2026, when the prepay tier began)' });
    expect(invoice).toMatchObject({ subtotalCents: 800, discountCents: 38 });

    // A tier that began before the month discounts all of it.
    await test.db.update(billingProfiles).set({ prepaySince: new Date('2026-09-01T00:00:00Z') }).where(eq(billingProfiles.accountId, id));
    const { invoice: whole } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-10' });
    expect(await discountLine(whole.id)).toMatchObject({ baseCents: 800, amountCents: -64, detail: '8.00% of 8.00 (usage and DIDs)' });
  });
});
