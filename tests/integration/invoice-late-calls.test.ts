/**
 * What an invoice bills besides its own month's calls: calls of a month already invoiced that
 * reached the store after its invoice was issued (CDR pulls lag the period close) are billed once,
 * on the invoice of the month they arrived in, on a line of their own whose calls can be disputed,
 * and count in the unbilled usage until then (the calls CSVs list each call on the invoice that bills
 * it, and the late line's own CSV its calls); and a number that came by port-in pays from the day it
 * went live, where a number bought through an order paid its first month at purchase.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cdrs, invoiceLines, numberOrderLines, numberOrders, phoneNumbers, type InvoiceLine } from '@/lib/db/schema';
import { getUnbilledUsageByBillingAccount } from '@/lib/db/queries/spend-limits';
import { createDispute, getLineCallsFor } from '@/lib/services/disputes';
import { getRatedCallsCsv } from '@/lib/services/invoice-documents';
import { generateDraftInvoice, issueInvoice, voidInvoice } from '@/lib/services/invoices';
import { transitionPortAsStaff } from '@/lib/services/staff-port-ins';
import { monthBefore, monthOf } from '@/lib/validations/invoices';
import { insertIdleConnection } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { ingestMonthCalls } from '../support/disputes';
import { accessAs, seedRoleUsers, seedTwoTenants, sessionUser } from '../support/fixtures';
import { seedReadyPort } from '../support/port-fixtures';
import { useTempDocumentStorage } from '../support/port-ins';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const LATE_LINE = 'Calls from earlier periods received late · termination';

describe('Invoices: late calls and first months', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const linesOf = (invoiceId: string) => test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId));
  const lateLines = (lines: InvoiceLine[]) => lines.filter((line) => line.description === LATE_LINE);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    useTempDocumentStorage();
  }, 120_000);

  it('charges a number ported in mid-month from the day it went live; one bought through an order paid its first month at purchase', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    // seedReadyPort's winning carrier: a VoiceTel connection that is never called.
    const connection = await insertIdleConnection(test.db, 'Late calls upstream');
    // Held all of June at the demo deck's tier A ($5.00 a month).
    await test.db.insert(phoneNumbers).values({ accountId: tenants.globex.id, e164: '+13125557001', kind: 'local', npa: '312', connectionId: connection.id, monthly: '1.0000', activatedAt: new Date('2026-05-20T00:00:00Z') });
    // Bought on 10 June: "setup and first month" was charged with the order.
    const [order] = await test.db.insert(numberOrders).values({ accountId: tenants.globex.id, idempotencyKey: 'late-calls-order-0001', totalMonthly: '1.0000', totalSetup: '0', status: 'completed' }).returning();
    const [orderLine] = await test.db.insert(numberOrderLines).values({ orderId: order!.id, e164: '+13125557002', kind: 'local', connectionId: connection.id, monthly: '1.0000', setup: '0', status: 'active' }).returning();
    await test.db.insert(phoneNumbers).values({ accountId: tenants.globex.id, e164: '+13125557002', kind: 'local', npa: '312', connectionId: connection.id, monthly: '1.0000', orderLineId: orderLine!.id, activatedAt: new Date('2026-06-10T00:00:00Z') });
    // Ported in: completed by staff on 16 June at 10:00, live from then, charged nothing so far.
    const port = await seedReadyPort(test.db, { accountId: tenants.globex.id, status: 'foc_scheduled', numbers: 1, label: 'Mid-June port' });
    await transitionPortAsStaff(staff, port.portInId, { to: 'completed' }, { now: new Date('2026-06-16T10:00:00Z') });
    const [ported] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.portInId, port.portInId));
    expect(ported!.activatedAt.toISOString()).toBe('2026-06-16T10:00:00.000Z');

    const { invoice: draft } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-06' });
    const june = await issueInvoice(test.db, { invoiceId: draft.id, now: new Date('2026-07-01T00:15:00Z') });
    const dids = (await linesOf(june.id)).filter((line) => line.kind === 'did');
    // The whole month of the May number ($5.00) and 15 days (16–30 June) of the ported one ($2.50); the ordered one is not charged again.
    expect(dids).toHaveLength(1);
    expect(dids[0]).toMatchObject({ description: 'DIDs · 2 × 5.00', amountCents: 750, detail: 'Tier A · Tier A · prorated: 45 number-days of 30' });
    expect(june.subtotalCents).toBe(750);
  });

  it('bills a call that arrived after its month was issued on the invoice of the month it arrived in, once; disputable there; in the unbilled usage until then', async () => {
    const billingAccountId = tenants.globex.id;
    const thisMonth = monthOf(new Date());
    const lastMonth = monthBefore(thisMonth);
    const [onTimeId] = await ingestMonthCalls(test.db, lastMonth, [{ accountId: tenants.globex.id, to: '+14155550101', billsec: 60 }]);
    const { invoice: lastDraft } = await generateDraftInvoice(test.db, { billingAccountId, month: lastMonth });
    const issued = await issueInvoice(test.db, { invoiceId: lastDraft.id });
    const issuedUsage = (await linesOf(issued.id)).filter((line) => line.kind === 'termination');
    expect(issuedUsage.map((line) => [line.description, line.calls, line.amountCents])).toEqual([['United States termination', 1, 1]]);
    expect((await getUnbilledUsageByBillingAccount(test.db, { billingAccountId })).usage).toBe('0.0000');

    // The month's tail comes in after the close: 90 seconds at $0.0100 a minute, $0.015.
    const [lateId] = await ingestMonthCalls(test.db, lastMonth, [{ accountId: tenants.globexBranch.id, to: '+14155550102', billsec: 90, day: 28 }]);
    const [stored] = await test.db.select({ ingestedAt: cdrs.ingestedAt }).from(cdrs).where(and(eq(cdrs.accountId, tenants.globexBranch.id), eq(cdrs.id, Number(lateId))));
    const arrivedIn = monthOf(stored!.ingestedAt);
    expect((await getUnbilledUsageByBillingAccount(test.db, { billingAccountId })).usage).toBe('0.0150');

    const { invoice: first } = await generateDraftInvoice(test.db, { billingAccountId, month: arrivedIn });
    const { invoice: again } = await generateDraftInvoice(test.db, { billingAccountId, month: arrivedIn });
    expect(again.id).toBe(first.id);
    const late = lateLines(await linesOf(again.id));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ accountId: tenants.globexBranch.id, kind: 'termination', direction: 'outbound', calls: 1, billedSeconds: 90, amountCents: 2, rateVersionId: null });
    expect(late[0]!.detail).toMatch(/^1 call made before \w+ \d{4}, received after its month’s invoice was issued$/);
    // Besides the three numbers held all month ($15.00).
    expect(again.subtotalCents).toBe(1500 + 2);
    // The issued month never changes, and its lines never take the late call.
    expect((await linesOf(issued.id)).filter((line) => line.kind === 'termination').map((line) => line.calls)).toEqual([1]);

    const owner = await accessAs(test.db, 'owner@globex.example', billingAccountId);
    const csvCallIds = async (invoiceId: string, lineId?: string) => {
      const { body } = await getRatedCallsCsv({ access: owner }, invoiceId, { lineId });
      return (await new Response(body).text()).trimEnd().split('\r\n').slice(1).map((row) => row.split(',')[0]);
    };
    expect(await csvCallIds(again.id, late[0]!.id)).toEqual([lateId]);
    expect(await csvCallIds(again.id)).toEqual([lateId]);
    expect(await csvCallIds(issued.id)).toEqual([onTimeId]);
    const onDraft = await getLineCallsFor(owner, { invoiceId: again.id, lineId: late[0]!.id });
    expect(onDraft.calls.map((call) => [call.id, call.charge])).toEqual([[lateId, '0.015000']]);

    // Issued once its month is over: the call is billed there, and in no balance twice.
    const [nextYear, nextMonth] = arrivedIn.split('-').map(Number) as [number, number];
    const afterItsMonth = new Date(Date.UTC(nextYear, nextMonth, 1, 0, 15));
    const arrivedInvoice = await issueInvoice(test.db, { invoiceId: again.id, now: afterItsMonth });
    expect(arrivedInvoice.subtotalCents).toBe(1500 + 2);
    expect((await getUnbilledUsageByBillingAccount(test.db, { billingAccountId })).usage).toBe('0.0000');
    const issuedLine = lateLines(await linesOf(arrivedInvoice.id))[0]!;
    const page = await getLineCallsFor(owner, { invoiceId: arrivedInvoice.id, lineId: issuedLine.id });
    expect(page.calls.map((call) => [call.id, call.disputable])).toEqual([[lateId, true]]);
    expect(await csvCallIds(arrivedInvoice.id, issuedLine.id)).toEqual([lateId]);
    expect(await csvCallIds(arrivedInvoice.id)).toEqual([lateId]);
    const dispute = await createDispute(owner, { invoiceId: arrivedInvoice.id, lineId: issuedLine.id, callIds: [lateId!], reason: 'This call was never made from our switch.' });
    expect(dispute.disputedCents).toBe(2);

    // Voiding and reissuing the month the call was made in leaves it where it is billed.
    const { replacement } = await voidInvoice(test.db, { invoiceId: issued.id, reason: 'Reissued to check the late call stays put' });
    const reissuedUsage = (await linesOf(replacement!.id)).filter((line) => line.kind === 'termination');
    expect(reissuedUsage.map((line) => [line.description, line.calls, line.amountCents])).toEqual([['United States termination', 1, 1]]);
    expect(await csvCallIds(replacement!.id)).toEqual([onTimeId]);
    expect(await csvCallIds(replacement!.id, reissuedUsage[0]!.id)).toEqual([onTimeId]);
    // Nor is it on the month after the one it arrived in.
    const following = `${afterItsMonth.toISOString().slice(0, 7)}`;
    const { invoice: later } = await generateDraftInvoice(test.db, { billingAccountId, month: following });
    expect(lateLines(await linesOf(later.id))).toEqual([]);
    expect(await csvCallIds(later.id)).toEqual([]);
  });
});
