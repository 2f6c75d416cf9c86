/**
 * Disputes that end in credit (issue 15.8): calls of a usage line of an issued invoice, checked on
 * the server against the line; the disputed amount rounded once; two business days to decide;
 * staff accept, credit part or reject, once; a credit is one credit_note ledger entry that the next
 * invoice shows as a line; an open dispute past its due time is accepted by the job; events,
 * notifications and audit; only the billing account's money roles, and another tenant finds nothing.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createDispute as createDisputeEndpoint, getDispute as getDisputeEndpoint } from '@/lib/api/contracts/disputes';
import { JOBS } from '@/lib/jobs';
import { accountEvents, accountLedger, auditEvents, cdrs, disputes, invoiceLines, invoices, notifications, users } from '@/lib/db/schema';
import { dispatchAccountEvents } from '@/lib/services/account-events';
import { autoAcceptOverdueDisputes, createDispute, decideDispute, getDisputeFor, getDisputeForStaff, getLineCallsFor, listDisputeQueueFor, listDisputesFor, openCreditNoteInvoiceFor } from '@/lib/services/disputes';
import { generateDraftInvoice } from '@/lib/services/invoices';
import { callApi, createTestApiKey } from '../support/api';
import { liftRateLimits } from '../support/api-operations';
import { useTestDatabase } from '../support/db';
import { ingestMonthCalls, lineNamed, seedIssuedUsageInvoice } from '../support/disputes';
import { accessAs, seedRoleUsers, seedTwoTenants, sessionUser } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

liftRateLimits();

const REASON = 'These calls failed after a few seconds but were billed.';
/** Tuesday 10 November 2026, the day before Veterans Day. */
const RAISED = new Date('2026-11-10T09:00:00Z');

describe('Disputes', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let invoice: Awaited<ReturnType<typeof seedIssuedUsageInvoice>>['invoice'];
  let usLine: { id: string };
  let mxLine: { id: string };
  let calls: string[];
  let globexCall: string;
  /** A call of October stored after October's invoice was issued. */
  let lateCall: string;
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  const finance = () => accessAs(test.db, 'finance@acme.example', tenants.acme.id);
  const input = (callIds: string[], reason = REASON, lineId = usLine.id) => ({ invoiceId: invoice.id, lineId, callIds, reason });

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.east.id, 'east.acme.example');
    staff = await sessionUser(test.db, 'staff@carrier.example');
    // The demo's default deck prices Acme: US $0.0100 a minute in 6-second increments, Mexico $0.0160 by the minute.
    const seeded = await seedIssuedUsageInvoice(test.db, {
      billingAccountId: tenants.acme.id,
      month: '2026-10',
      calls: [
        { accountId: tenants.east.id, to: '+14155550101', billsec: 30 },
        { accountId: tenants.east.id, to: '+14155550102', billsec: 30 },
        { accountId: tenants.east.id, to: '+14155550103', billsec: 30 },
        { accountId: tenants.east.id, to: '+14155550104', billsec: 61 },
        { accountId: tenants.east.id, to: '+14155550105', billsec: 125 },
        { accountId: tenants.east.id, to: '+14155550106', billsec: 600 },
        { accountId: tenants.east.id, to: '+14155550107', billsec: 0 },
        { accountId: tenants.east.id, to: '+14155550108', billsec: 90 },
        { accountId: tenants.east.id, to: '+14155550109', billsec: 90 },
        { accountId: tenants.east.id, to: '+523312345678', billsec: 120 },
      ],
    });
    invoice = seeded.invoice;
    calls = seeded.callIds;
    usLine = lineNamed(seeded.lines, 'United States termination');
    mxLine = lineNamed(seeded.lines, 'Mexico termination');
    globexCall = (await ingestMonthCalls(test.db, '2026-10', [{ accountId: tenants.globex.id, to: '+14155550199', billsec: 60 }]))[0]!;
  }, 120_000);

  it('refuses the calls of a draft invoice', async () => {
    const [novemberCall] = await ingestMonthCalls(test.db, '2026-11', [{ accountId: tenants.east.id, to: '+14155550120', billsec: 60 }]);
    const { invoice: draft } = await generateDraftInvoice(test.db, { billingAccountId: tenants.acme.id, month: '2026-11' });
    const [draftLine] = await test.db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, draft.id), eq(invoiceLines.kind, 'termination')));
    await expect(createDispute(await finance(), { invoiceId: draft.id, lineId: draftLine!.id, callIds: [novemberCall!], reason: REASON })).rejects.toMatchObject({ code: 'conflict:invoice_draft' });
    expect(invoice.status).toBe('issued');
  });

  it('opens a dispute of calls of the line: their charges summed and rounded half-up once, due two business days on (skipping Veterans Day)', async () => {
    // Three 30-second calls at $0.0100 a minute: $0.005 each, $0.015 together → $0.02 (not 3 × $0.01).
    const dispute = await createDispute(await finance(), input(calls.slice(0, 3)), { now: RAISED });
    expect(dispute).toMatchObject({ status: 'open', disputedCents: 2, creditedCents: null, callCount: 3, raisedBy: 'finance@acme.example', reason: REASON });
    expect(dispute.account).toEqual({ id: tenants.east.id, name: 'Acme East' });
    expect(dispute.invoice.number).toBe(invoice.number);
    // Tuesday 09:00 + 2 business days, Wednesday 11 November a federal holiday: Friday 13 November 09:00.
    expect(dispute.dueAt.toISOString()).toBe('2026-11-13T09:00:00.000Z');
    expect(dispute.calls.map((call) => call.charge)).toEqual(['0.005000', '0.005000', '0.005000']);
    expect(dispute.reference).toMatch(/^DSP-[0-9A-F]{8}$/);

    const [event] = await test.db.select().from(accountEvents).where(and(eq(accountEvents.type, 'dispute.opened'), eq(accountEvents.accountId, tenants.acme.id)));
    expect(event!.data).toEqual({ disputeId: dispute.id, invoiceId: invoice.id, invoiceNumber: invoice.number, line: 'United States termination', calls: 3, dueAt: '2026-11-13T09:00:00.000Z' });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'dispute.open'), eq(auditEvents.targetId, dispute.id)));
    expect(audit).toMatchObject({ accountId: tenants.acme.id, actorEmail: 'finance@acme.example', after: expect.objectContaining({ disputed: '0.02', calls: 3 }) });
  });

  it('tells the billing account’s money roles, and only them, that it was received', async () => {
    await dispatchAccountEvents(test.db);
    const received = await test.db.select({ email: users.email, title: notifications.title, link: notifications.link, body: notifications.body }).from(notifications).innerJoin(users, eq(users.id, notifications.userId)).where(eq(notifications.type, 'dispute.opened'));
    expect(received.map((row) => row.email).sort()).toEqual(['admin@acme.example', 'finance@acme.example', 'owner@acme.example']);
    expect(received[0]!.title).toMatch(/^Dispute DSP-[0-9A-F]{8} received$/);
    expect(received[0]!.body).toContain('decided by Fri 13 Nov 09:00 UTC (2 business days)');
    expect(received[0]!.link).toMatch(/^\/billing\/disputes\/[0-9a-f-]{36}$/);
  });

  it('never takes the calls on trust: another line’s, another tenant’s, a late one, an uncharged one, one already disputed', async () => {
    const access = await finance();
    await expect(createDispute(access, input([calls[9]!]))).rejects.toMatchObject({ code: 'invalid:calls', fieldErrors: { callIds: [expect.any(String)] } });
    await expect(createDispute(access, input([calls[3]!, globexCall]))).rejects.toMatchObject({ code: 'invalid:calls', message: expect.stringContaining('1 of the 2 calls is not on') });
    const [late] = await ingestMonthCalls(test.db, '2026-10', [{ accountId: tenants.east.id, to: '+14155550110', billsec: 45, day: 20 }]);
    lateCall = late!;
    await expect(createDispute(access, input([late!]))).rejects.toMatchObject({ code: 'invalid:calls' });
    await expect(createDispute(access, input([calls[6]!]))).rejects.toMatchObject({ code: 'invalid:calls', message: 'These calls were charged nothing: there is nothing to credit.' });
    await expect(createDispute(access, input([calls[3]!, calls[0]!]))).rejects.toMatchObject({ code: 'conflict:calls_disputed', message: expect.stringMatching(/^1 of these calls is already in an open or accepted dispute \(DSP-/) });
    await expect(createDispute(access, input([calls[3]!], 'too short'))).rejects.toMatchObject({ code: 'invalid:dispute', fieldErrors: { reason: [expect.stringContaining('at least 10 characters')] } });
    await expect(createDispute(access, input([calls[3]!], 'x'.repeat(2001)))).rejects.toMatchObject({ fieldErrors: { reason: [expect.stringContaining('at most 2000')] } });
    await expect(createDispute(access, input([]))).rejects.toMatchObject({ fieldErrors: { callIds: ['Select at least one call'] } });
    await expect(createDispute(access, input([calls[9]!], REASON, invoice.id))).rejects.toMatchObject({ code: 'not_found:invoice' });
    // The Mexico call is disputable on its own line.
    const mexico = await createDispute(access, input([calls[9]!], 'Wrong destination: this was a US call.', mxLine.id), { now: RAISED });
    expect(mexico.disputedCents).toBe(3); // 2 minutes at $0.0160: $0.032.
    expect(await test.db.$count(disputes)).toBe(2);
  });

  it('lets only the billing account’s money roles dispute or see disputes; other tenants and roles find nothing', async () => {
    for (const email of ['tech@acme.example', 'viewer@acme.example', 'finance@east.acme.example', 'owner@east.acme.example']) {
      const accountId = email.endsWith('east.acme.example') ? tenants.east.id : tenants.acme.id;
      const access = await accessAs(test.db, email, accountId);
      await expect(createDispute(access, input([calls[3]!])), email).rejects.toMatchObject({ code: 'not_found:invoice' });
      await expect(listDisputesFor(access), email).rejects.toMatchObject({ code: 'not_found:dispute' });
      await expect(getLineCallsFor(access, { invoiceId: invoice.id, lineId: usLine.id }), email).rejects.toMatchObject({ code: 'not_found:invoice' });
    }
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(createDispute(globex, input([calls[3]!]))).rejects.toMatchObject({ code: 'not_found:invoice' });
    await expect(getLineCallsFor(globex, { invoiceId: invoice.id, lineId: usLine.id })).rejects.toMatchObject({ code: 'not_found:invoice_line' });
    expect((await listDisputesFor(globex)).data).toEqual([]);
    const [any] = (await listDisputesFor(await finance())).data;
    await expect(getDisputeFor(globex, any!.id)).rejects.toMatchObject({ code: 'not_found:dispute' });
    for (const role of ['owner', 'admin'] as const) expect((await listDisputesFor(await accessAs(test.db, `${role}@acme.example`, tenants.acme.id))).data).toHaveLength(2);
  });

  it('pages the line’s calls in time order, each with the dispute that holds it', async () => {
    const access = await finance();
    const first = await getLineCallsFor(access, { invoiceId: invoice.id, lineId: usLine.id, limit: 4 });
    expect(first.line).toMatchObject({ description: 'United States termination', calls: 9 });
    expect(first.invoiceDisputable).toBe(true);
    expect(first.calls.map((call) => call.id)).toEqual(calls.slice(0, 4));
    expect(first.calls.slice(0, 3).every((call) => call.dispute?.status === 'open' && !call.disputable)).toBe(true);
    expect(first.calls[3]).toMatchObject({ disputable: true, dispute: null, billedSeconds: 66, charge: '0.011000', answered: true });
    expect(first.previousCursor).toBeNull();
    const second = await getLineCallsFor(access, { invoiceId: invoice.id, lineId: usLine.id, limit: 4, after: first.nextCursor! });
    expect(second.calls.map((call) => call.id)).toEqual(calls.slice(4, 8));
    const third = await getLineCallsFor(access, { invoiceId: invoice.id, lineId: usLine.id, limit: 4, after: second.nextCursor! });
    // The call that arrived after the invoice was issued is not on its line: the invoice of the month it arrived in bills it.
    expect(third.calls.map((call) => call.id)).toEqual([calls[8]]);
    expect(third.nextCursor).toBeNull();
    const [stored] = await test.db.select({ ingestedAt: cdrs.ingestedAt }).from(cdrs).where(and(eq(cdrs.accountId, tenants.east.id), eq(cdrs.id, Number(lateCall))));
    const { invoice: arrived } = await generateDraftInvoice(test.db, { billingAccountId: tenants.acme.id, month: stored!.ingestedAt.toISOString().slice(0, 7) });
    const arrivedLines = await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, arrived.id));
    const lateLine = arrivedLines.find((line) => line.accountId === tenants.east.id && line.description === 'Calls from earlier periods received late · termination');
    expect(lateLine).toMatchObject({ calls: 1, amountCents: 1 });
    expect((await getLineCallsFor(access, { invoiceId: arrived.id, lineId: lateLine!.id })).calls.map((call) => call.id)).toEqual([lateCall]);
    const back = await getLineCallsFor(access, { invoiceId: invoice.id, lineId: usLine.id, limit: 4, before: third.previousCursor! });
    expect(back.calls.map((call) => call.id)).toEqual(calls.slice(4, 8));
    expect(back.previousCursor).not.toBeNull();
    expect(first.disputes).toHaveLength(1);
  });

  it('lets only staff decide; a partial credit or a rejection needs a note, a credit at most the disputed amount', async () => {
    const [usDispute] = (await listDisputesFor(await finance(), { status: 'open' })).data.filter((dispute) => dispute.line.id === usLine.id);
    const owner = await sessionUser(test.db, 'owner@acme.example');
    await expect(decideDispute(owner, { disputeId: usDispute!.id, decision: 'accept' })).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(decideDispute(staff, { disputeId: usDispute!.id, decision: 'reject' })).rejects.toMatchObject({ code: 'invalid:decision_note' });
    await expect(decideDispute(staff, { disputeId: usDispute!.id, decision: 'partial', creditAmount: '0.03', note: 'Only the first call failed' })).rejects.toMatchObject({ code: 'invalid:credit_amount' });
    await expect(decideDispute(staff, { disputeId: '00000000-0000-4000-8000-000000000000', decision: 'accept' })).rejects.toMatchObject({ code: 'not_found:dispute' });
    expect(await test.db.$count(accountLedger, eq(accountLedger.kind, 'credit_note'))).toBe(0);

    const queue = await listDisputeQueueFor(staff, { view: 'open', now: new Date('2026-11-13T10:00:00Z') });
    expect(queue.rows.map((row) => row.id)).toContain(usDispute!.id);
    expect(queue.counts).toMatchObject({ open: 2, overdue: 2 });
    expect(queue.rows.every((row) => row.overdue)).toBe(true);
  });

  it('accepts once: one credit_note entry of the disputed amount on the line’s account, in the same transaction; a decided dispute never changes', async () => {
    const [usDispute] = (await listDisputesFor(await finance())).data.filter((dispute) => dispute.line.id === usLine.id);
    const decidedAt = new Date('2026-11-12T15:00:00Z');
    // Two staff members accept at the same moment: one decision applies, the other is told it is decided.
    const [a, b] = await Promise.allSettled([
      decideDispute(staff, { disputeId: usDispute!.id, decision: 'accept' }, { now: decidedAt, ip: '203.0.113.9' }),
      decideDispute(staff, { disputeId: usDispute!.id, decision: 'accept' }, { now: decidedAt, ip: '203.0.113.9' }),
    ]);
    expect([a, b].map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [a, b].find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'conflict:dispute_decided' });

    const entries = await test.db.select().from(accountLedger).where(eq(accountLedger.disputeId, usDispute!.id));
    expect(entries).toHaveLength(1);
    const decided = await getDisputeFor(await finance(), usDispute!.id);
    expect(entries[0]).toMatchObject({ kind: 'credit_note', amount: '0.0200', billingAccountId: tenants.acme.id, accountId: tenants.east.id, reference: `Disputed calls of ${invoice.number}`, createdByUserId: staff.id });
    expect(entries[0]!.description).toBe(`Credit note for dispute ${decided.reference}: ${REASON}`);
    expect(entries[0]!.createdAt.toISOString()).toBe(decidedAt.toISOString());
    expect(decided).toMatchObject({ status: 'accepted', creditedCents: 2, decidedBy: 'our billing team', automatic: false });
    expect(decided.creditNote).toMatchObject({ cents: 2, month: '2026-11', reversed: false });
    // Nothing changes it afterwards.
    await expect(decideDispute(staff, { disputeId: usDispute!.id, decision: 'partial', creditAmount: '0.01', note: 'Again' })).rejects.toMatchObject({ code: 'conflict:dispute_decided' });
    expect(await test.db.$count(accountLedger, eq(accountLedger.disputeId, usDispute!.id))).toBe(1);
    expect((await getDisputeForStaff(staff, usDispute!.id)).decidedBy).toBe('staff@carrier.example');
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'dispute.decide'), eq(auditEvents.targetId, usDispute!.id)));
    expect(audit).toMatchObject({ accountId: tenants.acme.id, actorEmail: 'staff@carrier.example', actingAsAccountId: tenants.acme.id });
  });

  it('rejects with a note and posts nothing; the rejected calls may be disputed again, and a partial credit posts its amount', async () => {
    const [mexico] = (await listDisputesFor(await finance())).data.filter((dispute) => dispute.line.id === mxLine.id);
    const rejected = await decideDispute(staff, { disputeId: mexico!.id, decision: 'reject', note: 'The number is in Guadalajara: Mexico is right.' }, { now: new Date('2026-11-12T16:00:00Z') });
    expect(rejected).toMatchObject({ status: 'rejected', creditedCents: 0, creditNote: null, decisionNote: 'The number is in Guadalajara: Mexico is right.' });
    expect(await test.db.$count(accountLedger, eq(accountLedger.disputeId, mexico!.id))).toBe(0);

    const again = await createDispute(await finance(), input([calls[9]!], 'It was a US number ported to a Mexican carrier.', mxLine.id), { now: new Date('2026-11-12T17:00:00Z') });
    const partial = await decideDispute(staff, { disputeId: again.id, decision: 'partial', creditAmount: '0.01', note: 'One minute of the two credited.' }, { now: new Date('2026-11-12T18:00:00Z') });
    expect(partial).toMatchObject({ status: 'partially_accepted', creditedCents: 1, disputedCents: 3 });
    const [entry] = await test.db.select().from(accountLedger).where(eq(accountLedger.disputeId, again.id));
    expect(entry).toMatchObject({ kind: 'credit_note', amount: '0.0100' });
  });

  it('shows each credit note on the next invoice as a credit_note line, and the customer opens that invoice from the dispute', async () => {
    const { invoice: november } = await generateDraftInvoice(test.db, { billingAccountId: tenants.acme.id, month: '2026-11' });
    const lines = await test.db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, november.id), eq(invoiceLines.kind, 'credit_note')));
    const credited = await test.db.select().from(disputes).where(eq(disputes.billingAccountId, tenants.acme.id));
    const withCredit = credited.filter((dispute) => (dispute.creditedCents ?? 0) > 0);
    expect(lines.map((line) => line.disputeId).sort()).toEqual(withCredit.map((dispute) => dispute.id).sort());
    for (const line of lines) {
      const dispute = withCredit.find((candidate) => candidate.id === line.disputeId)!;
      expect(line).toMatchObject({ accountId: tenants.east.id, amountCents: -dispute.creditedCents!, detail: `Disputed calls of ${invoice.number}` });
      expect(line.description).toMatch(/^Credit note for dispute DSP-[0-9A-F]{8}: /);
    }
    expect(november.creditCents).toBe(withCredit.reduce((sum, dispute) => sum + dispute.creditedCents!, 0));

    const access = await finance();
    const invoiceId = await openCreditNoteInvoiceFor(access, withCredit[0]!.id);
    expect(invoiceId).toBe(november.id);
    const shown = await getDisputeFor(access, withCredit[0]!.id);
    expect(shown.creditNote?.invoice).toMatchObject({ id: november.id, number: november.number, status: 'draft' });
    const rejected = credited.find((dispute) => dispute.status === 'rejected')!;
    await expect(openCreditNoteInvoiceFor(access, rejected.id)).rejects.toMatchObject({ code: 'conflict:no_credit_note' });
  });

  it('accepts an open dispute in full once it is past its due time, by the job (“or we eat it”)', async () => {
    expect(JOBS.find((job) => job.name === 'auto-accept-overdue-disputes')).toMatchObject({ cron: '*/15 * * * *' });
    // Friday 20 November 12:00 → Tuesday 24 November 12:00.
    const late = await createDispute(await finance(), input([calls[4]!, calls[5]!]), { now: new Date('2026-11-20T12:00:00Z') });
    expect(late.dueAt.toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect((await autoAcceptOverdueDisputes({ now: new Date('2026-11-24T11:59:00Z') })).accepted).toEqual([]);
    const { accepted } = await autoAcceptOverdueDisputes({ now: new Date('2026-11-24T12:01:00Z') });
    expect(accepted).toEqual([late.id]);
    const decided = await getDisputeFor(await finance(), late.id);
    // $0.021 + $0.100 = $0.121 → $0.12.
    expect(decided).toMatchObject({ status: 'accepted', automatic: true, creditedCents: 12, decidedBy: 'automatically (not decided in time)' });
    expect(decided.decidedAt?.toISOString()).toBe('2026-11-24T12:01:00.000Z');
    const [entry] = await test.db.select().from(accountLedger).where(eq(accountLedger.disputeId, late.id));
    expect(entry).toMatchObject({ kind: 'credit_note', amount: '0.1200', createdByUserId: null });
    const automatic = (await test.db.select().from(accountEvents).where(eq(accountEvents.type, 'dispute.decided'))).find((row) => (row.data as { disputeId: string }).disputeId === late.id);
    expect(automatic!.data).toMatchObject({ status: 'accepted', automatic: true, credited: '0.12', currency: 'USD' });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'dispute.decide'), eq(auditEvents.targetId, late.id)));
    expect(audit).toMatchObject({ actorEmail: 'system', actorUserId: null });
    // Nothing left to accept: a second run changes nothing.
    expect((await autoAcceptOverdueDisputes({ now: new Date('2026-11-25T00:00:00Z') })).accepted).toEqual([]);
    await dispatchAccountEvents(test.db);
    const told = await test.db.select({ title: notifications.title }).from(notifications).where(eq(notifications.type, 'dispute.decided'));
    expect(told.some((row) => / accepted$/.test(row.title))).toBe(true);
    const bodies = await test.db.select({ body: notifications.body }).from(notifications).where(eq(notifications.type, 'dispute.decided'));
    expect(bodies.some((row) => row.body.endsWith('so it was accepted in full. A credit note of $0.12 shows on the next invoice.'))).toBe(true);
  });

  it('pays an issued invoice once an accepted dispute credits its whole total', async () => {
    // Globex's September: one US minute at $0.0100, nothing paid.
    const globexInvoice = await seedIssuedUsageInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-09', calls: [{ accountId: tenants.globex.id, to: '+14155550198', billsec: 60 }] });
    expect(globexInvoice.invoice).toMatchObject({ status: 'issued', totalDueCents: 1 });
    const globexOwner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const line = lineNamed(globexInvoice.lines, 'United States termination');
    const dispute = await createDispute(globexOwner, { invoiceId: globexInvoice.invoice.id, lineId: line.id, callIds: [globexInvoice.callIds[0]!], reason: REASON }, { now: RAISED });
    await decideDispute(staff, { disputeId: dispute.id, decision: 'accept' }, { now: RAISED });
    const [paid] = await test.db.select().from(invoices).where(eq(invoices.id, globexInvoice.invoice.id));
    expect(paid).toMatchObject({ status: 'paid', paidAt: RAISED });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'dispute.decide'), eq(auditEvents.targetId, dispute.id)));
    expect(audit!.after).toMatchObject({ credited: '0.01', settledInvoices: [globexInvoice.invoice.number] });
  });

  describe('the API', () => {
    type Route = typeof import('@/app/api/v1/disputes/route');
    type OneRoute = typeof import('@/app/api/v1/disputes/[disputeId]/route');

    it('creates with a finance key (201, the published shape), refuses technical keys (403) and answers another tenant 404', async () => {
      const { POST }: Route = await import('@/app/api/v1/disputes/route');
      const { GET }: OneRoute = await import('@/app/api/v1/disputes/[disputeId]/route');
      const financeKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'finance', createdBy: 'owner@acme.example', name: 'Billing robot' });
      const technicalKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'technical', createdBy: 'owner@acme.example' });
      const globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'finance', createdBy: 'owner@globex.example' });
      const body = { invoiceId: invoice.id, lineId: usLine.id, callIds: [calls[7]!], reason: 'Billed 90 s, the switch says 12 s.' };
      const created = await callApi(POST, { method: 'POST', url: '/api/v1/disputes', key: financeKey, json: body, endpoint: createDisputeEndpoint });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'open', disputed: '0.02', credited: null, calls: 1, invoice: { number: invoice.number } });
      expect(created.body.raisedBy).toMatch(/^API key "Billing robot"/);
      expect(created.body.disputedCalls).toEqual([expect.objectContaining({ id: calls[7], charge: '0.015000', billedSeconds: 90 })]);
      const again = await callApi(POST, { method: 'POST', url: '/api/v1/disputes', key: financeKey, json: body, endpoint: createDisputeEndpoint });
      expect([again.status, again.body.error.code]).toEqual([409, 'conflict:calls_disputed']);
      const bad = await callApi(POST, { method: 'POST', url: '/api/v1/disputes', key: financeKey, json: { ...body, callIds: [], reason: 'short' }, endpoint: createDisputeEndpoint });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['callIds']));
      const technical = await callApi(POST, { method: 'POST', url: '/api/v1/disputes', key: technicalKey, json: { ...body, callIds: [calls[8]!] }, endpoint: createDisputeEndpoint });
      expect([technical.status, technical.body.error.code]).toEqual([403, 'forbidden:role']);
      const foreign = await callApi(POST, { method: 'POST', url: '/api/v1/disputes', key: globexKey, json: { ...body, callIds: [calls[8]!] }, endpoint: createDisputeEndpoint });
      expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found:invoice']);
      const read = await callApi(GET, { url: `/api/v1/disputes/${created.body.id}`, params: { disputeId: created.body.id }, key: financeKey, endpoint: getDisputeEndpoint });
      expect(read.body).toMatchObject({ id: created.body.id, status: 'open' });
      const readForeign = await callApi(GET, { url: `/api/v1/disputes/${created.body.id}`, params: { disputeId: created.body.id }, key: globexKey, endpoint: getDisputeEndpoint });
      expect(readForeign.status).toBe(404);
    });
  });
});
