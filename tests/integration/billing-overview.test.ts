/**
 * The Billing pages' data: the overview (balance in words, credit, usage to date by day from the
 * rollups, spend caps, latest invoices, payments, ledger, calls without a price and, for staff, why),
 * an invoice's page (lines with quantity × price and a discount's real percentage, the invoice a void
 * one was replaced by), the draft preview, and staff's invoices across accounts with their audited
 * actions. Money only for owner, admin and finance of the billing account: a finance user of a
 * sub-account sees that sub-account's usage only; technical, viewer and other tenants find nothing.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, invoices, users } from '@/lib/db/schema';
import { getBillingOverview, getInvoiceList, getInvoicePage, previewDraftInvoice } from '@/lib/services/billing-overview';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { generateDraftInvoice, issueInvoice } from '@/lib/services/invoices';
import { addDiscountForStaff, generateDraftForStaff, getStaffInvoice, issueForStaff, listStaffInvoices, voidForStaff } from '@/lib/services/staff-invoices';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

/** Mid-May 2026: April is over (and invoiced below), May is the month to date. */
const NOW = new Date('2026-05-20T12:00:00Z');
const US = '+14155551212';
const MEXICO_CITY = '+525555123456';
const JAPAN = '+81312345678';

describe('Billing overview and invoice pages', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let sequence = 0;
  let aprilId: string;

  const signInAs = async (email?: string) => {
    session.userId = email ? (await test.db.select().from(users).where(eq(users.email, email)))[0]!.id : undefined;
  };

  /** `count` answered calls of ten minutes from an account at `at` (a minute apart). */
  function calls(accountId: string, to: string, at: string, count: number): CdrInput[] {
    const start = new Date(at).getTime();
    return Array.from({ length: count }, (_, i) => ({
      source: 'billing-test',
      sourceId: `b-${sequence++}`,
      accountId,
      direction: 'outbound' as const,
      from: '+12125550100',
      to,
      inviteAt: new Date(start + i * 60_000),
      answerAt: new Date(start + i * 60_000 + 1000),
      endAt: new Date(start + i * 60_000 + 601_000),
      billsec: 600,
      sipCode: 200,
    }));
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.east.id, 'east.acme.example');
    // The demo's default deck prices Acme: US $0.0100 (6/6), Mexico City $0.0160 (60/60); Japan has no rate.
    const batch = [
      ...calls(tenants.east.id, US, '2026-04-03T10:00:00Z', 10),
      ...calls(tenants.west.id, MEXICO_CITY, '2026-04-08T10:00:00Z', 10),
      ...calls(tenants.west.id, JAPAN, '2026-04-09T10:00:00Z', 1),
      ...calls(tenants.east.id, US, '2026-05-02T10:00:00Z', 3),
      ...calls(tenants.east.id, US, '2026-05-19T10:00:00Z', 1),
      ...calls(tenants.west.id, MEXICO_CITY, '2026-05-10T10:00:00Z', 2),
      ...calls(tenants.west.id, JAPAN, '2026-05-11T10:00:00Z', 1),
      ...calls(tenants.globex.id, US, '2026-05-05T10:00:00Z', 5),
    ];
    const result = await ingestCdrBatch(test.db, batch.map((input, i) => ({ line: i + 1, input })));
    expect(result.rejected).toEqual([]);
  }, 60_000);

  it('shows the billing account’s owner its balance, credit, May so far by day, the calls without a price and its spend caps', async () => {
    const overview = await getBillingOverview(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { now: NOW });
    expect(overview.seesBillingAccount).toBe(true);
    // The demo's opening prepayment of $500 and a $250 credit limit; no invoice has posted anything yet.
    expect(overview.funds).toMatchObject({ balance: '500.0000', creditLimit: '250.00' });
    expect(overview.currency).toBe('USD');
    // East 4 calls × $0.10, West 2 × $0.16, and the Japan call without a price.
    expect(overview.usage).toMatchObject({ charge: '0.720000', calls: 7, unrated: 1, billedSeconds: 6 * 600 });
    expect(overview.usage.from.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(overview.usage.days).toHaveLength(20);
    expect(overview.usage.days[1]).toEqual({ day: '2026-05-02', charge: '0.300000', calls: 3 });
    expect(overview.usage.days[0]).toEqual({ day: '2026-05-01', charge: '0', calls: 0 });
    expect(overview.usage.days.at(-1)).toMatchObject({ day: '2026-05-20', calls: 0 });
    expect(overview.spendCaps.map((cap) => [cap.accountName, cap.cap])).toEqual([['Acme Telecom', '25000.00']]);
    expect(overview.spendCaps[0]!.usedPercent).toBe(0);
    expect(overview.payments?.map((payment) => payment.description)).toContain('Opening prepayment (demo)');
    expect(overview.ledger?.length).toBeGreaterThan(0);
    expect(overview.invoices).toEqual([]);
    // Customers see the count, not the carrier's reasons.
    expect(overview.unratedReasons).toBeUndefined();
    // Globex's calls are Globex's.
    const globex = await getBillingOverview(await accessAs(test.db, 'owner@globex.example', tenants.globex.id), { now: NOW });
    expect(globex.usage).toMatchObject({ calls: 5, unrated: 0 });
    expect(globex.payments).toEqual([]);
  });

  it('tells staff why calls have no price', async () => {
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    const overview = await getBillingOverview(staff, { now: NOW });
    expect(overview.unratedReasons).toEqual([{ reason: 'no_rate', direction: 'outbound', country: 'JP', calls: 1, example: JAPAN }]);
  });

  it('shows a finance user of a sub-account only that sub-account’s usage and cap, nothing of the master’s money', async () => {
    const overview = await getBillingOverview(await accessAs(test.db, 'finance@east.acme.example', tenants.east.id), { now: NOW });
    expect(overview.seesBillingAccount).toBe(false);
    expect(overview).toMatchObject({ funds: undefined, invoices: undefined, payments: undefined, ledger: undefined, prepay: undefined });
    expect(overview.usage).toMatchObject({ charge: '0.400000', calls: 4, unrated: 0 });
    expect(overview.spendCaps.map((cap) => cap.accountName)).toEqual(['Acme East']);
    await expect(getInvoiceList(await accessAs(test.db, 'finance@east.acme.example', tenants.east.id))).resolves.toMatchObject({ seesBillingAccount: false, invoices: [] });
    // An owner of the master looking at East reads the master's money.
    const fromMaster = await getBillingOverview(await accessAs(test.db, 'owner@acme.example', tenants.east.id), { now: NOW });
    expect(fromMaster.seesBillingAccount).toBe(true);
    expect(fromMaster.usage.charge).toBe('0.400000');
  });

  it.each(['tech@acme.example', 'viewer@acme.example', 'technical@east.acme.example'])('finds nothing for %s (no money)', async (email) => {
    const accountId = email.endsWith('east.acme.example') ? tenants.east.id : tenants.acme.id;
    await expect(getBillingOverview(await accessAs(test.db, email, accountId), { now: NOW })).rejects.toMatchObject({ code: 'not_found:billing' });
    await expect(getInvoiceList(await accessAs(test.db, email, accountId))).rejects.toMatchObject({ code: 'not_found:billing' });
  });

  it('previews a draft of this month or last month only, with what it leaves out', async () => {
    const finance = await accessAs(test.db, 'finance@acme.example', tenants.acme.id);
    await expect(previewDraftInvoice(finance, { month: '2026-03', now: NOW })).rejects.toMatchObject({ code: 'invalid:month', fieldErrors: { month: [expect.any(String)] } });
    await expect(previewDraftInvoice(finance, { month: '2026-13', now: NOW })).rejects.toMatchObject({ code: 'invalid:period' });
    const before = await getInvoiceList(finance, { now: NOW });
    expect(before.draftable.map((month) => [month.month, month.which])).toEqual([
      ['2026-05', 'current'],
      ['2026-04', 'previous'],
    ]);
    const { invoice, gaps } = await previewDraftInvoice(finance, { month: '2026-04', now: NOW });
    expect(gaps).toEqual({ unratedCalls: 1, unpricedNumbers: 0 });
    expect(invoice).toMatchObject({ status: 'draft', subtotalCents: 260 });
    aprilId = invoice.id;
    const after = await getInvoiceList(finance, { now: NOW });
    expect(after.draftable.find((month) => month.month === '2026-04')?.draft).toEqual({ id: invoice.id, number: invoice.number });
    // A sub-account's finance user cannot draft the master's invoice.
    await expect(previewDraftInvoice(await accessAs(test.db, 'finance@east.acme.example', tenants.east.id), { month: '2026-05', now: NOW })).rejects.toMatchObject({ code: 'not_found:invoice' });
  });

  it('lets staff discount and issue April, audited; its page shows quantity × price and the discount’s real percentage', async () => {
    const staffUser = await sessionUser(test.db, 'staff@carrier.example');
    const customer = await sessionUser(test.db, 'owner@acme.example');
    await expect(addDiscountForStaff(customer, { invoiceId: aprilId, amount: '0.20', description: 'Goodwill' })).rejects.toMatchObject({ code: 'forbidden:staff' });
    const discounted = await addDiscountForStaff(staffUser, { invoiceId: aprilId, amount: '0.20', description: 'Goodwill' });
    expect(discounted).toMatchObject({ subtotalCents: 260, discountCents: 20, totalDueCents: 240 });
    // April is over only on NOW's clock: issue as of then.
    await issueInvoice(test.db, { invoiceId: aprilId, now: new Date('2026-05-01T01:00:00Z'), actor: { staff: staffUser } });
    const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, aprilId), eq(auditEvents.accountId, tenants.acme.id)));
    expect(audit.map((event) => [event.action, event.actorEmail]).sort()).toEqual([
      ['invoice.discount_added', 'staff@carrier.example'],
      ['invoice.issued', 'staff@carrier.example'],
    ]);

    const page = await getInvoicePage(await accessAs(test.db, 'finance@acme.example', tenants.acme.id), aprilId);
    expect(page.accountName).toBe('Acme Telecom');
    expect(page.unratedCalls).toBe(1);
    expect(page.sections[0]?.name).toBe('Acme Telecom');
    expect(page.sections.map((section) => section.name).sort()).toEqual(['Acme East', 'Acme Telecom', 'Acme West']);
    const overview = await getBillingOverview(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { now: NOW });
    expect(overview.funds?.balance).toBe('497.6000');
    expect(overview.invoices?.map((invoice) => invoice.id)).toEqual([aprilId]);
    expect((await getInvoiceList(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), { now: NOW })).draftable.map((month) => month.month)).toEqual(['2026-05']);

    await signInAs('finance@acme.example');
    const { default: InvoicePage } = await import('@/app/(portal)/billing/invoices/[invoiceId]/page');
    const html = renderToStaticMarkup(await InvoicePage({ params: Promise.resolve({ invoiceId: aprilId }) }));
    expect(html).toContain(discounted.number);
    expect(html).toContain('100 min × $0.0100');
    expect(html).toContain('100 min × $0.0160');
    expect(html).toContain('7.69% of $2.60');
    expect(html).toContain('$2.40');
    expect(html).toContain(`href="/billing/invoices/${aprilId}/pdf"`);
    expect(html).toContain(`href="/billing/invoices/${aprilId}/calls"`);
    const usageLine = page.lines.find((line) => line.kind === 'termination')!;
    expect(html).toContain(`href="/billing/invoices/${aprilId}/lines/${usageLine.id}"`);
    expect(html).toContain('1 call of this period has no price on the deck');
  });

  it.each([
    ['owner@globex.example', 'globex'],
    ['tech@acme.example', 'acme'],
    ['viewer@acme.example', 'acme'],
    ['finance@east.acme.example', 'east'],
  ] as const)('answers not found to %s for the invoice', async (email, where) => {
    const accountId = where === 'globex' ? tenants.globex.id : where === 'east' ? tenants.east.id : tenants.acme.id;
    await expect(getInvoicePage(await accessAs(test.db, email, accountId), aprilId)).rejects.toMatchObject({ code: 'not_found:invoice' });
    await signInAs(email);
    session.accountCookie = accountId;
    const { default: InvoicePage } = await import('@/app/(portal)/billing/invoices/[invoiceId]/page');
    await expect(InvoicePage({ params: Promise.resolve({ invoiceId: aprilId }) })).rejects.toMatchObject({ digest: expect.stringMatching(/;404$/) });
    session.accountCookie = undefined;
  });

  it('renders the overview for the master’s finance, the sub-account’s finance, and not at all for technical roles', async () => {
    const { default: BillingPage } = await import('@/app/(portal)/billing/page');
    const [april] = await test.db.select().from(invoices).where(eq(invoices.id, aprilId));
    await signInAs('finance@acme.example');
    const html = renderToStaticMarkup(await BillingPage());
    expect(html).toContain('$497.60 in your favour');
    expect(html).toContain(april!.number);
    expect(html).toContain('Opening prepayment (demo)');
    expect(html).toContain('Spend caps');

    await signInAs('finance@east.acme.example');
    const east = renderToStaticMarkup(await BillingPage());
    expect(east).toContain('You read billing in Acme East only');
    expect(east).not.toContain(april!.number);
    expect(east).not.toContain('in your favour');
    expect(east).not.toContain('Opening prepayment');

    await signInAs('tech@acme.example');
    await expect(BillingPage()).rejects.toMatchObject({ digest: expect.stringMatching(/;404$/) });
  });

  it('lists every invoice for staff with filters, and drafts only for billing accounts and months that have begun', async () => {
    const staffUser = await sessionUser(test.db, 'staff@carrier.example');
    const { invoice: globexMay } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-05' });
    const all = await listStaffInvoices(staffUser, { filter: {}, page: 1 });
    expect(all.rows.map((row) => [row.number, row.accountName])).toEqual(expect.arrayContaining([[globexMay.number, 'Globex']]));
    expect(all.total).toBe(2);
    expect((await listStaffInvoices(staffUser, { filter: { status: 'issued' }, page: 1 })).rows.map((row) => row.id)).toEqual([aprilId]);
    expect((await listStaffInvoices(staffUser, { filter: { periodStart: new Date('2026-05-01T00:00:00Z') }, page: 1 })).rows.map((row) => row.id)).toEqual([globexMay.id]);
    expect((await listStaffInvoices(staffUser, { filter: { accountName: 'acme' }, page: 1 })).rows.map((row) => row.id)).toEqual([aprilId]);
    expect((await listStaffInvoices(staffUser, { filter: { accountName: '%' }, page: 1 })).total).toBe(0);
    await expect(listStaffInvoices(await sessionUser(test.db, 'owner@acme.example'), { filter: {}, page: 1 })).rejects.toMatchObject({ code: 'forbidden:staff' });

    await expect(generateDraftForStaff(staffUser, { accountId: tenants.east.id, month: '2026-05' })).rejects.toMatchObject({ code: 'not_found:account' });
    await expect(generateDraftForStaff(staffUser, { accountId: tenants.globex.id, month: '2999-01' })).rejects.toMatchObject({ code: 'invalid:month' });
    await expect(generateDraftForStaff(staffUser, { accountId: tenants.acme.id, month: '2026-04' })).rejects.toMatchObject({ code: 'conflict:invoice_issued' });
    const { invoice, gaps } = await generateDraftForStaff(staffUser, { accountId: tenants.globex.id, month: '2026-05' }, '198.51.100.7');
    expect(invoice.id).toBe(globexMay.id);
    expect(gaps.unratedCalls).toBe(0);
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, invoice.id), eq(auditEvents.action, 'invoice.draft_generated')));
    expect(audit).toMatchObject({ accountId: tenants.globex.id, actorEmail: 'staff@carrier.example', ip: '198.51.100.7' });
    // A month still running is not issued.
    const { invoice: running } = await generateDraftForStaff(staffUser, { accountId: tenants.globex.id, month: new Date().toISOString().slice(0, 7) });
    await expect(issueForStaff(staffUser, { invoiceId: running.id })).rejects.toMatchObject({ code: 'conflict:period_open' });
    expect((await getStaffInvoice(staffUser, running.id)).periodOpen).toBe(true);

    await signInAs('staff@carrier.example');
    const { default: StaffInvoicesPage } = await import('@/app/(portal)/operator/invoices/page');
    const html = renderToStaticMarkup(await StaffInvoicesPage({ searchParams: Promise.resolve({ account: 'Globex' }) }));
    expect(html).toContain(globexMay.number);
    expect(html).not.toContain(`/operator/invoices/${aprilId}`);
  });

  it('voids April with a reason: the void page links its replacement and the replacement the invoice it replaces', async () => {
    const staffUser = await sessionUser(test.db, 'staff@carrier.example');
    await expect(voidForStaff(staffUser, { invoiceId: aprilId, reason: ' ' })).rejects.toMatchObject({ code: 'invalid:void_reason' });
    const { voided, replacement } = await voidForStaff(staffUser, { invoiceId: aprilId, reason: 'Goodwill discount given twice' });
    expect(voided.status).toBe('void');
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const voidPage = await getInvoicePage(owner, aprilId);
    expect(voidPage.replacedBy).toEqual({ id: replacement!.id, number: replacement!.number, status: 'draft' });
    const replacementPage = await getInvoicePage(owner, replacement!.id);
    expect(replacementPage.replaces).toEqual({ id: aprilId, number: voided.number, status: 'void' });
    const staffView = await getStaffInvoice(staffUser, replacement!.id, NOW);
    expect(staffView).toMatchObject({ accountName: 'Acme Telecom', periodOpen: false });
    // The staff discount stays with the void invoice; the reissue is recomputed from the calls.
    expect(replacement).toMatchObject({ subtotalCents: 260, discountCents: 0 });
    await expect(getStaffInvoice(staffUser, 'not-an-id')).rejects.toMatchObject({ code: 'not_found:invoice' });

    await signInAs('owner@acme.example');
    const { default: InvoicePage } = await import('@/app/(portal)/billing/invoices/[invoiceId]/page');
    const html = renderToStaticMarkup(await InvoicePage({ params: Promise.resolve({ invoiceId: aprilId }) }));
    expect(html).toContain('Voided: Goodwill discount given twice');
    expect(html).toContain(`href="/billing/invoices/${replacement!.id}"`);

    await signInAs('staff@carrier.example');
    const { default: StaffInvoicePage } = await import('@/app/(portal)/operator/invoices/[invoiceId]/page');
    const staffHtml = renderToStaticMarkup(await StaffInvoicePage({ params: Promise.resolve({ invoiceId: replacement!.id }) }));
    expect(staffHtml).toContain('Recompute draft');
    expect(staffHtml).toContain('Add discount');
    expect(staffHtml).toContain(`Issue ${replacement!.number}`);
    expect(staffHtml).toContain(`href="/operator/invoices/${aprilId}"`);
    await expect(StaffInvoicePage({ params: Promise.resolve({ invoiceId: '00000000-0000-4000-8000-000000000000' }) })).rejects.toMatchObject({ digest: expect.stringMatching(/;404$/) });
    await signInAs('owner@acme.example');
    await expect(StaffInvoicePage({ params: Promise.resolve({ invoiceId: replacement!.id }) })).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
  });
});
