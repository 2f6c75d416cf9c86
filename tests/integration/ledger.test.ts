/**
 * Issue 15.4, the ledger: entries never change (the database refuses), staff record payments,
 * prepayments and adjustments (never card data), any entry is reversed once, a prepayment of
 * $10,000 or more puts the account on the 8% prepay tier and the monthly check ends it once the
 * credit is used up; customers never record anything and never reach another tenant's entries.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { accountEvents, accountLedger, accounts, auditEvents, billingProfiles, invoices, users } from '@/lib/db/schema';
import { getSubtreeSpendSince } from '@/lib/db/queries/accounts';
import { getBalanceByBillingAccount } from '@/lib/db/queries/number-orders';
import { monthStart } from '@/lib/services/account-funds';
import { addDraftDiscount, generateDraftInvoice, invoicePeriod, issueInvoice, previousMonth, voidInvoice } from '@/lib/services/invoices';
import { getStaffLedger, listLedgerEntries, reconcilePrepayTiers, recordAdjustment, recordPayment, reverseLedgerEntry } from '@/lib/services/ledger';
import { CARD_NUMBER_MESSAGE, containsCardNumber, recordAdjustmentSchema, recordPaymentSchema, reverseEntrySchema } from '@/lib/validations/ledger';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const today = () => new Date().toISOString().slice(0, 10);
const plus = (amount: string, more: string) => formatMicros(parseMicros(amount) + parseMicros(more), 4);
/** The database's words for refusing a statement (Drizzle wraps the driver's error as its cause). */
async function refusal(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const messages: string[] = [];
    for (let current: unknown = error; current instanceof Error; current = current.cause) messages.push(current.message);
    return messages.join(' | ');
  }
  return 'not refused';
}
const formOf = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};

describe('the ledger', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  const payment = (accountId: string, fields: Partial<Record<'type' | 'amount' | 'receivedOn' | 'reference' | 'note' | 'requestKey' | 'recordAgain', string>> = {}) =>
    recordPaymentSchema.parse({ accountId, requestKey: crypto.randomUUID(), type: 'payment', amount: '100.00', receivedOn: today(), reference: '', note: '', ...fields });
  const adjustment = (accountId: string, fields: Partial<Record<'amount' | 'reason' | 'reference' | 'requestKey', string>> = {}) =>
    recordAdjustmentSchema.parse({ accountId, requestKey: crypto.randomUUID(), amount: '10.00', reason: 'Goodwill credit', reference: '', ...fields });
  const balanceOf = async (billingAccountId: string) => (await getBalanceByBillingAccount(test.db, { billingAccountId })).balance;
  const entriesOf = (billingAccountId: string) => test.db.select().from(accountLedger).where(eq(accountLedger.billingAccountId, billingAccountId));
  const signInAs = async (email: string) => {
    session.userId = (await test.db.select().from(users).where(eq(users.email, email)))[0]!.id;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
  });

  it('refuses to change or delete an entry in the database itself: corrections are reversals', async () => {
    const { entryId } = await recordPayment(tenants.staff, payment(tenants.globex.id, { amount: '50.00', reference: 'WIRE-IMMUTABLE' }));
    expect(await refusal(test.db.update(accountLedger).set({ amount: '5000.0000' }).where(eq(accountLedger.id, entryId)))).toContain('ledger entries are immutable: post a reversal');
    expect(await refusal(test.db.update(accountLedger).set({ description: 'edited' }).where(eq(accountLedger.id, entryId)))).toContain('ledger entries are immutable');
    expect(await refusal(test.db.delete(accountLedger).where(eq(accountLedger.id, entryId)))).toContain('ledger entries are immutable');
    const [entry] = await test.db.select().from(accountLedger).where(eq(accountLedger.id, entryId));
    expect(entry).toMatchObject({ kind: 'payment', amount: '50.0000', reference: 'WIRE-IMMUTABLE' });
  });

  it('records a payment on the billing account, in its audit log as done by carrier staff', async () => {
    const before = await balanceOf(tenants.acme.id);
    const { entryId } = await recordPayment(tenants.staff, payment(tenants.acme.id, { amount: '1,250.50', reference: 'Wire FT24-00831', note: 'December invoice' }), '10.0.0.7');
    const [entry] = await test.db.select().from(accountLedger).where(eq(accountLedger.id, entryId));
    expect(entry).toMatchObject({ billingAccountId: tenants.acme.id, accountId: tenants.acme.id, kind: 'payment', amount: '1250.5000', reference: 'Wire FT24-00831', createdByUserId: tenants.staff.id });
    expect(entry!.description).toMatch(/^Payment received \w+ \d+, \d{4} – December invoice$/);
    expect(await balanceOf(tenants.acme.id)).toBe(plus(before, '1250.50'));
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, entryId), eq(auditEvents.action, 'billing.payment.record')));
    expect(audit).toMatchObject({ accountId: tenants.acme.id, actorEmail: 'staff@carrier.example', actingAsAccountId: tenants.acme.id, ip: '10.0.0.7' });

    // An adjustment in either direction, with its reason.
    await recordAdjustment(tenants.staff, adjustment(tenants.acme.id, { amount: '-0.50', reason: 'Rounding on the wire' }));
    expect(await balanceOf(tenants.acme.id)).toBe(plus(before, '1250.00'));
    // A sub-account's money is on its billing account's ledger.
    await expect(recordPayment(tenants.staff, payment(tenants.east.id))).rejects.toMatchObject({ code: 'invalid:billing_account' });
  });

  it('refuses anything that reads as a payment card number, and writes nothing', async () => {
    for (const text of ['4111 1111 1111 1111', '4111-1111-1111-1111', 'paid by 4242424242424242 exp 12/29', '5555 5555 5555 4444 789', '378282246310005']) {
      expect(containsCardNumber(text), text).toBe(true);
      const refused = recordPaymentSchema.safeParse({ accountId: tenants.acme.id, type: 'payment', amount: '10', receivedOn: today(), reference: text, note: '' });
      expect(refused.success, text).toBe(false);
      expect(refused.error?.issues.map((issue) => issue.message)).toContain(CARD_NUMBER_MESSAGE);
    }
    // Wire references are not card numbers: a failed Luhn check, too few digits, one long run.
    for (const text of ['4111 1111 1111 1112', 'FT24-00831', '123456789012', 'ACH 20261206000000012345678']) expect(containsCardNumber(text), text).toBe(false);
    expect(recordPaymentSchema.safeParse({ accountId: tenants.acme.id, type: 'payment', amount: '10', receivedOn: today(), reference: '', note: 'card 4000056655665556' }).success).toBe(false);
    expect(recordAdjustmentSchema.safeParse({ accountId: tenants.acme.id, requestKey: crypto.randomUUID(), amount: '10', reason: 'Refund to 6011111111111117', reference: '' }).success).toBe(false);
    expect(reverseEntrySchema.safeParse({ accountId: tenants.acme.id, entryId: crypto.randomUUID(), reason: 'charged to 4111111111111111' }).success).toBe(false);

    // Through the staff form: a field message, and not a row written.
    const { recordPaymentAction } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');
    await signInAs('staff@carrier.example');
    const before = await entriesOf(tenants.acme.id);
    const state = await recordPaymentAction({ status: 'idle' }, formOf({ accountId: tenants.acme.id, requestKey: crypto.randomUUID(), type: 'payment', amount: '99.00', receivedOn: today(), reference: '4111 1111 1111 1111', note: '' }));
    expect(state).toMatchObject({ status: 'error', code: 'invalid:form', fieldErrors: { reference: [CARD_NUMBER_MESSAGE] } });
    expect(await entriesOf(tenants.acme.id)).toEqual(before);
  });

  it('lets only operator staff record payments, adjustments and reversals', async () => {
    const [entry] = await entriesOf(tenants.acme.id);
    for (const email of ['owner@acme.example', 'admin@acme.example', 'finance@acme.example', 'tech@acme.example', 'viewer@acme.example']) {
      const user = await sessionUser(test.db, email);
      await expect(recordPayment(user, payment(tenants.acme.id)), email).rejects.toMatchObject({ code: 'forbidden:staff' });
      await expect(recordAdjustment(user, adjustment(tenants.acme.id, { amount: '500', reason: 'Self-service credit' })), email).rejects.toMatchObject({ code: 'forbidden:staff' });
      await expect(reverseLedgerEntry(user, { accountId: tenants.acme.id, entryId: entry!.id, reason: 'Mine' }), email).rejects.toMatchObject({ code: 'forbidden:staff' });
    }
    const before = await entriesOf(tenants.acme.id);
    const { recordPaymentAction, recordAdjustmentAction } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');
    await signInAs('owner@acme.example');
    expect(await recordPaymentAction({ status: 'idle' }, formOf({ accountId: tenants.acme.id, requestKey: crypto.randomUUID(), type: 'prepayment', amount: '20000', receivedOn: today(), reference: 'X', note: '' }))).toMatchObject({ status: 'error', code: 'forbidden:staff' });
    expect(await recordAdjustmentAction({ status: 'idle' }, formOf({ accountId: tenants.acme.id, amount: '20000', reason: 'Free money', reference: '' }))).toMatchObject({ status: 'error', code: 'forbidden:staff' });
    expect(await entriesOf(tenants.acme.id)).toEqual(before);
    expect(await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.acme.id))).toEqual([]);
  });

  it('reverses an entry once: the balance and the month’s spend are as if it never happened', async () => {
    const since = monthStart(new Date());
    const spendOf = async () => (await getSubtreeSpendSince(test.db, { billingAccountId: tenants.globex.id, accountIds: [tenants.globex.id], since })).get(tenants.globex.id)!.charged;
    const [charge] = await test.db
      .insert(accountLedger)
      .values({ billingAccountId: tenants.globex.id, accountId: tenants.globexBranch.id, kind: 'charge', amount: '-40.0000', description: 'Number +12125550100: setup and first month' })
      .returning();
    const balanceBefore = await balanceOf(tenants.globex.id);
    expect(await spendOf()).toBe('40.0000');

    const { entryId } = await reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId: charge!.id, reason: 'Number never worked' });
    const [reversal] = await test.db.select().from(accountLedger).where(eq(accountLedger.id, entryId));
    expect(reversal).toMatchObject({ kind: 'reversal', amount: '40.0000', reversesId: charge!.id, accountId: tenants.globexBranch.id, billingAccountId: tenants.globex.id });
    expect(reversal!.description).toBe('Reversal of “Number +12125550100: setup and first month”: Number never worked');
    expect(await balanceOf(tenants.globex.id)).toBe(plus(balanceBefore, '40'));
    expect(await spendOf()).toBe('0');

    // Once only: a second reversal is refused, two at once leave one, and the database holds it too.
    await expect(reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId: charge!.id, reason: 'Again' })).rejects.toMatchObject({ code: 'conflict:ledger_reversed' });
    expect(
      await refusal(test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'reversal', amount: '40.0000', description: 'Sneaky second reversal', reversesId: charge!.id })),
    ).toContain('account_ledger_reverses_key');
    const { entryId: paymentId } = await recordPayment(tenants.staff, payment(tenants.globex.id, { amount: '75.00', reference: 'DUPLICATE-WIRE' }));
    const raced = await Promise.allSettled([1, 2, 3].map((n) => reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId: paymentId, reason: `Recorded twice (${n})` })));
    expect(raced.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of raced.filter((item) => item.status === 'rejected')) expect(outcome).toMatchObject({ reason: { code: 'conflict:ledger_reversed' } });
    expect(await test.db.select().from(accountLedger).where(eq(accountLedger.reversesId, paymentId))).toHaveLength(1);

    // A reversal is not reversed, and an invoice is voided rather than reversed.
    await expect(reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId, reason: 'Undo the undo' })).rejects.toMatchObject({ code: 'conflict:ledger_reversal' });
    const [invoiceEntry] = await test.db
      .insert(accountLedger)
      .values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'invoice', amount: '-12.0000', description: 'Invoice INV-2026-11-0A1B2' })
      .returning();
    await expect(reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId: invoiceEntry!.id, reason: 'Wrong' })).rejects.toMatchObject({ code: 'conflict:ledger_invoice' });
    const audits = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.entry.reverse'), eq(auditEvents.accountId, tenants.globex.id)));
    expect(audits).toHaveLength(2);
  });

  it('puts a prepayment of $10,000 or more on the 8% prepay tier; a smaller one, or a plain payment, does not', async () => {
    const profileOf = async (accountId: string) => (await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, accountId)))[0];
    expect(await recordPayment(tenants.staff, payment(tenants.globex.id, { type: 'prepayment', amount: '9999.99', reference: 'WIRE-SMALL' }))).toMatchObject({ prepay: 'below_minimum' });
    expect(await recordPayment(tenants.staff, payment(tenants.globex.id, { type: 'payment', amount: '25000.00', reference: 'WIRE-PLAIN' }))).not.toHaveProperty('prepay');
    expect(await profileOf(tenants.globex.id)).toBeUndefined();

    const { entryId, prepay } = await recordPayment(tenants.staff, payment(tenants.acme.id, { type: 'prepayment', amount: '10000', reference: 'WIRE-PREPAY-1' }));
    expect(prepay).toBe('started');
    const [entry] = await test.db.select().from(accountLedger).where(eq(accountLedger.id, entryId));
    expect(entry).toMatchObject({ kind: 'credit', amount: '10000.0000' });
    const profile = await profileOf(tenants.acme.id);
    expect(profile).toMatchObject({ currency: 'USD', prepayDiscountPercent: '8.0000' });
    expect(profile!.prepaySince).toBeInstanceOf(Date);
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.prepay_tier.start'), eq(auditEvents.accountId, tenants.acme.id)));
    expect(audit?.after).toMatchObject({ prepayDiscountPercent: '8.0000', prepaymentEntryId: entryId });

    // Another prepayment keeps the day the tier started.
    expect(await recordPayment(tenants.staff, payment(tenants.acme.id, { type: 'prepayment', amount: '15000', reference: 'WIRE-PREPAY-2' }))).toMatchObject({ prepay: 'already' });
    expect((await profileOf(tenants.acme.id))!.prepaySince).toEqual(profile!.prepaySince);
    const staffView = await getStaffLedger(tenants.staff, { accountId: tenants.acme.id, page: 1 });
    expect(staffView.profile).toMatchObject({ prepayDiscountPercent: '8' });
  });

  it('keeps the tier while prepaid credit is left and ends it, audited and notified, once it is used up', async () => {
    await recordPayment(tenants.staff, payment(tenants.globex.id, { type: 'prepayment', amount: '10000', reference: 'WIRE-GLOBEX-PREPAY' }));
    // Globex spends more than all it paid; Acme keeps a positive balance.
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'invoice', amount: '-60000.0000', description: 'Invoice INV-2026-11-0C3D4' });
    const result = await reconcilePrepayTiers({ now: new Date() });
    expect(result.ended).toEqual([tenants.globex.id]);
    expect((await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.globex.id)))[0]).toMatchObject({ prepayDiscountPercent: '0.0000', prepaySince: null });
    expect((await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.acme.id)))[0]).toMatchObject({ prepayDiscountPercent: '8.0000' });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.prepay_tier.end'), eq(auditEvents.accountId, tenants.globex.id)));
    expect(audit).toMatchObject({ actorEmail: 'system', before: { prepayDiscountPercent: '8.0000' } });
    const [event] = await test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, tenants.globex.id), eq(accountEvents.type, 'billing.prepay_ended')));
    expect(event?.data).toMatchObject({ discountPercent: '8' });
    // Run again: nothing more ends, nothing is sent twice.
    expect((await reconcilePrepayTiers({ now: new Date() })).ended).toEqual([]);
    expect(await test.db.select().from(accountEvents).where(eq(accountEvents.type, 'billing.prepay_ended'))).toHaveLength(1);
    expect(await test.db.select().from(invoices)).toEqual([]);
  });

  it('shows staff the billing account’s funds, prepay tier and ledger rows on its page, and a sub-account’s billing account', async () => {
    const { default: Page } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/page');
    await signInAs('staff@carrier.example');
    const page = textOf(await Page({ params: Promise.resolve({ accountId: tenants.acme.id }), searchParams: Promise.resolve({}) }));
    for (const text of ['Acme Telecom: ledger and limits', 'Available', 'off usage', 'Acme East 10000.00', 'credit_limit', 'Wire FT24-00831', 'Prepayment', '+$10,000.00', 'Record a payment']) expect(page).toContain(text);
    const east = textOf(await Page({ params: Promise.resolve({ accountId: tenants.east.id }), searchParams: Promise.resolve({ page: '0x10' }) }));
    expect(east).toContain('A sub-account has no ledger of its own');
    expect(east).toContain(`/operator/accounts/${tenants.acme.id}/billing`);
    expect(east).not.toContain('Record a payment');
    await signInAs('owner@acme.example');
    await expect(Page({ params: Promise.resolve({ accountId: tenants.acme.id }), searchParams: Promise.resolve({}) })).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
  });

  it('shows the ledger with a running balance to billing readers of the billing account only, never another tenant’s', async () => {
    const owner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const ledger = await listLedgerEntries(owner, { page: 1 });
    expect(ledger.rows.length).toBeGreaterThan(0);
    expect(ledger.rows.every((row) => row.accountId === tenants.globex.id || row.accountId === tenants.globexBranch.id)).toBe(true);
    const acmeIds = new Set((await entriesOf(tenants.acme.id)).map((row) => row.id));
    expect(ledger.rows.filter((row) => acmeIds.has(row.id))).toEqual([]);
    // Newest first; the first row's running balance is the balance.
    expect(ledger.rows[0]!.runningBalance).toBe(await balanceOf(tenants.globex.id));
    expect(ledger.total).toBe((await entriesOf(tenants.globex.id)).length);
    const reversed = ledger.rows.find((row) => row.kind === 'charge');
    expect(reversed).toMatchObject({ reversible: false });
    expect(reversed!.reversedById).not.toBeNull();

    expect((await listLedgerEntries(await accessAs(test.db, 'finance@globex.example', tenants.globex.id), { page: 1 })).total).toBe(ledger.total);
    await expect(listLedgerEntries(await accessAs(test.db, 'technical@globex.example', tenants.globex.id), { page: 1 })).rejects.toMatchObject({ code: 'forbidden:role' });
    await expect(listLedgerEntries(await accessAs(test.db, 'viewer@globex.example', tenants.globex.id), { page: 1 })).rejects.toMatchObject({ code: 'forbidden:role' });
    // Another tenant's entry, named with one's own account, is simply not there.
    const [acmeEntry] = await entriesOf(tenants.acme.id);
    await expect(reverseLedgerEntry(tenants.staff, { accountId: tenants.globex.id, entryId: acmeEntry!.id, reason: 'Cross-tenant' })).rejects.toMatchObject({ code: 'not_found:ledger_entry' });
    await expect(getStaffLedger(tenants.staff, { accountId: crypto.randomUUID(), page: 1 })).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(getStaffLedger(tenants.staff, { accountId: 'not-a-uuid\u0000', page: 1 })).rejects.toMatchObject({ code: 'not_found:account' });
  });
  it('sets the invoice currency, tax and terms for staff only; the next draft carries the tax; a currency no deck prices in is refused', async () => {
    const { updateBillingProfileAction } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');
    await signInAs('owner@globex.example');
    expect(await updateBillingProfileAction({ status: 'idle' }, formOf({ accountId: tenants.globex.id, currency: 'USD', taxName: 'Sales tax', taxRatePercent: '5', paymentTermsDays: '30' }))).toMatchObject({ status: 'error', code: 'forbidden:staff' });
    await signInAs('staff@carrier.example');
    const untouched = await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.globex.id));
    const bad = await updateBillingProfileAction({ status: 'idle' }, formOf({ accountId: tenants.globex.id, currency: 'dollars', taxName: '', taxRatePercent: '7.123456', paymentTermsDays: '365' }));
    expect(bad).toMatchObject({ status: 'error' });
    expect(Object.keys((bad as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {}).sort()).toEqual(['currency', 'paymentTermsDays', 'taxName', 'taxRatePercent']);
    expect(await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.globex.id))).toEqual(untouched);

    const saved = await updateBillingProfileAction({ status: 'idle' }, formOf({ accountId: tenants.globex.id, currency: 'usd', taxName: 'Sales tax', taxRatePercent: '7.25', paymentTermsDays: '30' }));
    expect(saved).toMatchObject({ status: 'success' });
    const [profile] = await test.db.select().from(billingProfiles).where(eq(billingProfiles.accountId, tenants.globex.id));
    expect(profile).toMatchObject({ currency: 'USD', taxName: 'Sales tax', taxRatePercent: '7.2500', paymentTermsDays: 30 });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.accountId, tenants.globex.id), eq(auditEvents.action, 'billing.profile.update')));
    expect(audit).toMatchObject({ actorEmail: 'staff@carrier.example', actingAsAccountId: tenants.globex.id, after: { currency: 'USD', taxRatePercent: '7.25', paymentTermsDays: 30 } });

    // A deck in USD prices Globex's calls: its invoices cannot turn to euros under it.
    const { insertRateDeck } = await import('../support/billing');
    await insertRateDeck(test.db, { name: 'Globex USD', rates: [{ prefix: '1', destination: 'US', rate: '0.0100' }], assignTo: [tenants.globex.id] });
    const euros = await updateBillingProfileAction({ status: 'idle' }, formOf({ accountId: tenants.globex.id, currency: 'EUR', taxName: 'VAT', taxRatePercent: '19', paymentTermsDays: '30' }));
    expect(euros).toMatchObject({ status: 'error', fieldErrors: { currency: [expect.stringContaining('USD')] } });

    // The tax shows on the next draft.
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'charge', amount: '-100.0000', description: 'Test: one-time charge', createdAt: new Date('2026-03-10T00:00:00Z') });
    const { generateDraftInvoice } = await import('@/lib/services/invoices');
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-03' });
    expect(invoice).toMatchObject({ subtotalCents: 10_000, taxCents: 725, taxName: 'Sales tax', taxRatePercent: '7.2500' });
    await test.db.delete(invoices).where(eq(invoices.id, invoice.id));

    // A sub-account is invoiced through its billing account: it has no settings of its own.
    expect(await updateBillingProfileAction({ status: 'idle' }, formOf({ accountId: tenants.globexBranch.id, currency: 'USD', taxName: 'Tax', taxRatePercent: '0', paymentTermsDays: '15' }))).toMatchObject({ status: 'error', code: 'invalid:billing_account' });
  });

  it('records a form’s payment once, refuses a second payment with the same reference, and marks the invoices it covers paid', async () => {
    // An issued invoice of $300 for a period that has just ended: what came in before counts on it already.
    const periodEnd = new Date();
    await test.db
      .insert(accountLedger)
      .values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'invoice', amount: '-300.0000', description: 'Invoice INV-2026-10-BEEF1', createdAt: new Date(periodEnd.getTime() - 1) });
    const [invoice] = await test.db
      .insert(invoices)
      .values({ billingAccountId: tenants.globex.id, number: 'INV-2026-10-BEEF1', currency: 'USD', status: 'issued', issuedAt: periodEnd, periodStart: new Date(periodEnd.getTime() - 30 * 86_400_000), periodEnd, totalDueCents: 30_000 })
      .returning();

    // One form submitted three times at once (a double click, a retry): one entry.
    const form = payment(tenants.globex.id, { amount: '200.00', reference: 'WIRE-ONCE-1' });
    const outcomes = await Promise.all([1, 2, 3].map(() => recordPayment(tenants.staff, form)));
    expect(new Set(outcomes.map((outcome) => outcome.entryId)).size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.alreadyRecorded)).toHaveLength(2);
    expect((await entriesOf(tenants.globex.id)).filter((entry) => entry.reference === 'WIRE-ONCE-1')).toHaveLength(1);
    expect((await test.db.select().from(invoices).where(eq(invoices.id, invoice!.id)))[0]!.status).toBe('issued');

    // The same wire entered again from another tab: refused beside the reference, nothing written.
    await expect(recordPayment(tenants.staff, payment(tenants.globex.id, { amount: '200.00', reference: 'wire-once-1' }))).rejects.toMatchObject({ code: 'conflict:payment_recorded', fieldErrors: { reference: [expect.any(String)] } });

    // The rest arrives: the balance covers the invoice, which is now paid, and the audit says so.
    const rest = await recordPayment(tenants.staff, payment(tenants.globex.id, { amount: '100.00', reference: 'WIRE-ONCE-2' }));
    expect(rest.settledInvoices).toEqual(['INV-2026-10-BEEF1']);
    const [paid] = await test.db.select().from(invoices).where(eq(invoices.id, invoice!.id));
    expect(paid).toMatchObject({ status: 'paid', paidAt: expect.any(Date) });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.payment.record'), eq(auditEvents.targetId, rest.entryId)));
    expect(audit!.after).toMatchObject({ settledInvoices: ['INV-2026-10-BEEF1'] });
  });

  /** A new customer billed last month for one-time `charges` (ledger amounts), its invoice issued; `prepaid`: a prepayment made the month before. */
  async function invoicedLastMonth(name: string, charges: string[], { prepaid }: { prepaid?: string } = {}) {
    const id = crypto.randomUUID();
    const [account] = await test.db.insert(accounts).values({ id, name, billingAccountId: id, path: `/${id}/`, depth: 0 }).returning();
    const month = previousMonth(new Date());
    const tenth = new Date(invoicePeriod(month).periodStart.getTime() + 9 * 86_400_000);
    if (prepaid) {
      const monthBefore = new Date(invoicePeriod(month).periodStart.getTime() - 20 * 86_400_000);
      await test.db.insert(accountLedger).values({ billingAccountId: id, accountId: id, kind: 'credit', amount: prepaid, description: 'Prepayment received', createdAt: monthBefore });
    }
    for (const [i, amount] of charges.entries()) {
      await test.db.insert(accountLedger).values({ billingAccountId: id, accountId: id, kind: 'charge', amount, description: `Number +1212555010${i}: setup and first month`, createdAt: tenth });
    }
    const { invoice: draft } = await generateDraftInvoice(test.db, { billingAccountId: id, month });
    return { account: account!, invoice: await issueInvoice(test.db, { invoiceId: draft.id }) };
  }
  const invoiceNow = async (invoiceId: string) => (await test.db.select().from(invoices).where(eq(invoices.id, invoiceId)))[0]!;

  it('marks an invoice paid when its total due is paid, though a charge was priced below the cent and an order of this month is not invoiced yet', async () => {
    // $0.4949 a month: the invoice line says 49¢, the ledger keeps −0.4949.
    const subCent = await invoicedLastMonth('Sub-cent Telecom', ['-0.4949']);
    expect(subCent.invoice).toMatchObject({ status: 'issued', totalDueCents: 49 });
    const { settledInvoices } = await recordPayment(tenants.staff, payment(subCent.account.id, { amount: '0.49', reference: 'WIRE-SUBCENT' }));
    expect(settledInvoices).toEqual([subCent.invoice.number]);
    expect(await balanceOf(subCent.account.id)).toBe('-0.0049');
    expect(await invoiceNow(subCent.invoice.id)).toMatchObject({ status: 'paid', paidAt: expect.any(Date) });

    // Last month's $120 invoice paid in full while a $40 number bought this month sits on the balance.
    const busy = await invoicedLastMonth('Busy Telecom', ['-100.0000', '-20.0000']);
    expect(busy.invoice.totalDueCents).toBe(12_000);
    await test.db.insert(accountLedger).values({ billingAccountId: busy.account.id, accountId: busy.account.id, kind: 'charge', amount: '-40.0000', description: 'Number +12125550199: setup and first month' });
    expect((await recordPayment(tenants.staff, payment(busy.account.id, { amount: '119.99', reference: 'WIRE-BUSY-1' }))).settledInvoices).toEqual([]);
    expect((await recordPayment(tenants.staff, payment(busy.account.id, { amount: '0.01', reference: 'WIRE-BUSY-2' }))).settledInvoices).toEqual([busy.invoice.number]);
    expect(await balanceOf(busy.account.id)).toBe('-40.0000');
    expect((await invoiceNow(busy.invoice.id)).status).toBe('paid');
  });

  it('leaves an invoice unpaid again when the payment that paid it is reversed (a bounced wire), and paid once money covers it again', async () => {
    const { account, invoice } = await invoicedLastMonth('Bounced Telecom', ['-250.0000']);
    const wire = await recordPayment(tenants.staff, payment(account.id, { amount: '250.00', reference: 'WIRE-BOUNCES' }));
    expect(wire.settledInvoices).toEqual([invoice.number]);
    expect((await invoiceNow(invoice.id)).status).toBe('paid');

    const reversed = await reverseLedgerEntry(tenants.staff, { accountId: account.id, entryId: wire.entryId, reason: 'Wire returned by the bank' });
    expect(reversed.reopenedInvoices).toEqual([invoice.number]);
    expect(await invoiceNow(invoice.id)).toMatchObject({ status: 'issued', paidAt: null });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'billing.entry.reverse'), eq(auditEvents.targetId, wire.entryId)));
    expect(audit!.after).toMatchObject({ reopenedInvoices: [invoice.number] });

    // A credit in the customer's favour counts as money in: it settles the invoice again.
    const credit = await recordAdjustment(tenants.staff, adjustment(account.id, { amount: '250.00', reason: 'Written off: disputed services' }));
    expect(credit.settledInvoices).toEqual([invoice.number]);
    expect((await invoiceNow(invoice.id)).status).toBe('paid');
  });

  it('pays an invoice with nothing due at issue: a month with nothing billed, and one a credit balance covers', async () => {
    const quiet = await invoicedLastMonth('Quiet Telecom', []);
    expect(quiet.invoice).toMatchObject({ status: 'paid', totalDueCents: 0, paidAt: expect.any(Date) });
    // $50 prepaid before the month, $30 billed in it: $20 in the customer's favour, nothing to pay.
    const prepaid = await invoicedLastMonth('Prepaid Telecom', ['-30.0000'], { prepaid: '50.0000' });
    expect(prepaid.invoice).toMatchObject({ status: 'paid', totalDueCents: -2000, paidAt: expect.any(Date) });
    expect(await invoiceNow(prepaid.invoice.id)).toMatchObject({ status: 'paid' });
  });

  it('pays a reissued invoice at issue when what came in since its month ended covers the corrected total', async () => {
    // Issued without the customer's $20 negotiated discount; the customer pays the $100 really owed.
    const { account, invoice } = await invoicedLastMonth('Reissued Telecom', ['-120.0000']);
    expect(invoice).toMatchObject({ status: 'issued', totalDueCents: 12_000 });
    expect((await recordPayment(tenants.staff, payment(account.id, { amount: '100.00', reference: 'WIRE-REISSUED' }))).settledInvoices).toEqual([]);
    const { voided, replacement } = await voidInvoice(test.db, { invoiceId: invoice.id, reason: 'Negotiated discount left out' });
    expect(voided.status).toBe('void');
    await addDraftDiscount(test.db, { invoiceId: replacement!.id, description: 'Negotiated discount', amount: '20.00' });
    const reissued = await issueInvoice(test.db, { invoiceId: replacement!.id });
    expect(reissued).toMatchObject({ status: 'paid', totalDueCents: 10_000, paidAt: expect.any(Date) });
  });

  it('records a form’s adjustment once: the same request key again answers the first entry', async () => {
    const { recordAdjustmentAction } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');
    await signInAs('staff@carrier.example');
    const requestKey = crypto.randomUUID();
    const form = () => formOf({ accountId: tenants.acme.id, requestKey, amount: '-12.34', reason: 'Porting fee agreed by phone', reference: '' });
    const before = (await entriesOf(tenants.acme.id)).length;
    const [first, second] = await Promise.all([recordAdjustmentAction({ status: 'idle' }, form()), recordAdjustmentAction({ status: 'idle' }, form())]);
    expect([first, second].map((state) => (state as { message?: string }).message).sort()).toEqual(['Adjustment of -$12.34 recorded.', 'This form’s adjustment was already recorded; nothing was added.']);
    expect(await entriesOf(tenants.acme.id)).toHaveLength(before + 1);
    const [entry] = (await entriesOf(tenants.acme.id)).filter((row) => row.requestKey === requestKey);
    expect(entry).toMatchObject({ kind: 'adjustment', amount: '-12.3400' });
    const again = await recordAdjustment(tenants.staff, adjustment(tenants.acme.id, { requestKey, amount: '-12.34', reason: 'Porting fee agreed by phone' }));
    expect(again).toMatchObject({ entryId: entry!.id, alreadyRecorded: true });
    // A form without its key (an old page) is refused, and records nothing.
    expect(await recordAdjustmentAction({ status: 'idle' }, formOf({ accountId: tenants.acme.id, amount: '5', reason: 'Old page', reference: '' }))).toMatchObject({ status: 'error', fieldErrors: { requestKey: [expect.stringContaining('reload the page')] } });
    expect(await entriesOf(tenants.acme.id)).toHaveLength(before + 1);
  });

  it('asks before recording a payment without a reference of an amount just recorded, and records it when confirmed', async () => {
    const before = (await entriesOf(tenants.acme.id)).length;
    // Two staff in two tabs, the same wire without a reference: one entry, and the other told whose it is.
    const raced = await Promise.allSettled([1, 2].map(() => recordPayment(tenants.staff, payment(tenants.acme.id, { amount: '321.09' }))));
    expect(raced.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [refused] = raced.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toMatchObject({ reason: { code: 'conflict:payment_maybe_recorded', fieldErrors: { recordAgain: [expect.stringContaining('$321.09')] } } });
    expect((refused as PromiseRejectedResult).reason.message).toMatch(/^A payment of \$321\.09 was recorded less than a minute ago by staff@carrier\.example\. If this is a second payment, tick “Record it again”/);
    expect(await entriesOf(tenants.acme.id)).toHaveLength(before + 1);

    // Through the form: the refusal beside the box, then the box ticked records the second payment.
    const { recordPaymentAction } = await import('@/app/(portal)/operator/accounts/[accountId]/billing/actions');
    await signInAs('staff@carrier.example');
    const fields = { accountId: tenants.acme.id, requestKey: crypto.randomUUID(), type: 'payment', amount: '321.09', receivedOn: today(), reference: '', note: '' };
    expect(await recordPaymentAction({ status: 'idle' }, formOf(fields))).toMatchObject({ status: 'error', code: 'conflict:payment_maybe_recorded', fieldErrors: { recordAgain: [expect.any(String)] } });
    expect(await recordPaymentAction({ status: 'idle' }, formOf({ ...fields, recordAgain: 'on' }))).toMatchObject({ status: 'success', message: 'Payment of $321.09 recorded.' });
    expect((await entriesOf(tenants.acme.id)).filter((entry) => entry.amount === '321.0900')).toHaveLength(2);

    // Two at once, both confirmed: two payments. Another amount, or a payment with a reference, is not asked about.
    const confirmed = await Promise.all([1, 2].map(() => recordPayment(tenants.staff, payment(tenants.acme.id, { amount: '321.09', recordAgain: 'on' }))));
    expect(new Set(confirmed.map((outcome) => outcome.entryId)).size).toBe(2);
    await recordPayment(tenants.staff, payment(tenants.acme.id, { amount: '321.10' }));
    await recordPayment(tenants.staff, payment(tenants.acme.id, { amount: '321.09', reference: 'CHQ-4471' }));
    expect((await entriesOf(tenants.acme.id)).filter((entry) => entry.amount === '321.0900')).toHaveLength(5);
  });
});
