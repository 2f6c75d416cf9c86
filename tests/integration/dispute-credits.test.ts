/**
 * What disputes of one invoice line credit, taken together: each call's charge is a fraction of a
 * cent, so crediting each dispute rounded on its own would credit more than the line charged. The
 * credits are worked out on the line as a whole and never exceed its amount. And a line's call pages
 * read a position of the URL only when it is a time PostgreSQL can store.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { accountLedger, disputes, invoices } from '@/lib/db/schema';
import { autoAcceptOverdueDisputes, createDispute, decideDispute, getDisputeFor, getLineCallsFor } from '@/lib/services/disputes';
import { useTestDatabase } from '../support/db';
import { lineNamed, seedIssuedUsageInvoice } from '../support/disputes';
import { accessAs, seedRoleUsers, seedTwoTenants, sessionUser } from '../support/fixtures';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const REASON = 'These calls never connected to anyone.';
/** Tuesday 10 November 2026. */
const RAISED = new Date('2026-11-10T09:00:00Z');
const LONG_AFTER = new Date('2026-12-01T09:00:00Z');

describe('Dispute credits on one line', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let invoiceId: string;
  let lineId: string;
  let calls: string[];
  const finance = () => accessAs(test.db, 'finance@globex.example', tenants.globex.id);
  const disputeOf = async (callId: string) => createDispute(await finance(), { invoiceId, lineId, callIds: [callId], reason: REASON }, { now: RAISED });
  const creditedOnLine = async () => {
    const rows = await test.db.select({ amount: accountLedger.amount }).from(accountLedger).innerJoin(disputes, eq(disputes.id, accountLedger.disputeId)).where(eq(disputes.invoiceLineId, lineId));
    return rows.reduce((sum, row) => sum + Math.round(Number(row.amount) * 100), 0);
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    // Ten 30-second calls at the demo deck's $0.0100 a minute in 6-second steps: $0.005 each, $0.05 on the line.
    const seeded = await seedIssuedUsageInvoice(test.db, {
      billingAccountId: tenants.globex.id,
      month: '2026-10',
      calls: Array.from({ length: 10 }, (_, i) => ({ accountId: tenants.globex.id, to: `+1415555${String(2000 + i)}`, billsec: 30 })),
    });
    invoiceId = seeded.invoice.id;
    calls = seeded.callIds;
    const line = lineNamed(seeded.lines, 'United States termination');
    expect(line).toMatchObject({ calls: 10, amountCents: 5 });
    lineId = line.id;
  }, 120_000);

  it('credits the line’s calls summed and rounded once, never more than the line charged', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    const opened = [];
    for (const callId of calls.slice(0, 8)) opened.push(await disputeOf(callId));
    // Each one alone is half a cent, rounded up to a cent.
    expect(opened.every((dispute) => dispute.disputedCents === 1)).toBe(true);
    const first = await decideDispute(staff, { disputeId: opened[0]!.id, decision: 'accept' }, { now: RAISED });
    expect(first.creditedCents).toBe(1);
    // The job accepts the other seven: eight calls of $0.005 are $0.04 in all, not $0.08.
    const { accepted } = await autoAcceptOverdueDisputes({ now: LONG_AFTER });
    expect(accepted).toHaveLength(7);
    expect(await creditedOnLine()).toBe(4);

    // What is left of the line is all a partial credit may give, and an acceptance gives no more.
    const ninth = await disputeOf(calls[8]!);
    expect((await decideDispute(staff, { disputeId: ninth.id, decision: 'partial', creditAmount: '0.01', note: 'Half a cent, rounded.' }, { now: RAISED })).creditedCents).toBe(1);
    const tenth = await disputeOf(calls[9]!);
    await expect(decideDispute(staff, { disputeId: tenth.id, decision: 'partial', creditAmount: '0.01', note: 'Half a cent, rounded.' }, { now: RAISED })).rejects.toMatchObject({
      code: 'invalid:credit_amount',
      fieldErrors: { creditAmount: ['At most 0.00 (what the line has left)'] },
    });
    // The job accepts it, and says it credits nothing more rather than “in full”.
    expect((await autoAcceptOverdueDisputes({ now: LONG_AFTER })).accepted).toEqual([tenth.id]);
    const nothingLeft = await getDisputeFor(await finance(), tenth.id);
    expect(nothingLeft).toMatchObject({ status: 'accepted', creditedCents: 0, creditNote: null, automatic: true, decidedBy: 'automatically (not decided in time)' });
    expect(nothingLeft.decisionNote).toBe('Not decided within 2 business days, so accepted; nothing further to credit: this line’s calls are already credited in full.');
    // Of the seven, those whose half cent rounded to nothing new say so too; the others were credited in full.
    const bySeven = await Promise.all(opened.slice(1).map(async (dispute) => getDisputeFor(await finance(), dispute.id)));
    expect(bySeven.filter((dispute) => dispute.creditedCents === 0).map((dispute) => dispute.decisionNote)).toEqual(Array(4).fill(nothingLeft.decisionNote));
    expect(bySeven.filter((dispute) => dispute.creditedCents! > 0).map((dispute) => dispute.decisionNote)).toEqual(Array(3).fill('Not decided within 2 business days, so accepted in full, as promised.'));
    expect(await creditedOnLine()).toBe(5);
    expect(await test.db.$count(accountLedger, eq(accountLedger.kind, 'credit_note'))).toBe(5);
    // The credits cover the whole invoice: it is paid.
    expect((await test.db.select().from(invoices).where(eq(invoices.id, invoiceId)))[0]).toMatchObject({ totalDueCents: 5, status: 'paid' });
  });

  it('reads a page position past the year 9999 as the first page, not a database error', async () => {
    const access = await finance();
    const first = await getLineCallsFor(access, { invoiceId, lineId, limit: 4 });
    expect(first.calls.map((call) => call.id)).toEqual(calls.slice(0, 4));
    for (const position of ['300000000000000.1', '253402300800000.1', '999999999999999.999999999999999999']) {
      expect((await getLineCallsFor(access, { invoiceId, lineId, limit: 4, after: position })).calls.map((call) => call.id), position).toEqual(calls.slice(0, 4));
      expect((await getLineCallsFor(access, { invoiceId, lineId, limit: 4, before: position })).calls.map((call) => call.id), position).toEqual(calls.slice(0, 4));
    }
    // The last millisecond of 9999 is a time: nothing comes after it.
    expect((await getLineCallsFor(access, { invoiceId, lineId, limit: 4, after: '253402300799999.1' })).calls).toEqual([]);
  });
});
