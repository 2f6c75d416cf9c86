import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountEvents, auditEvents, phoneNumbers, portInEvents, portInNumbers, portIns, staffTasks } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { cancelPortIn, getPortDetail, submitPortIn } from '@/lib/services/port-ins';
import { pollPortIns } from '@/lib/services/port-lifecycle';
import { addStaffPortComment, getStaffPortDetail, listStaffPortIns, pollPortNow, transitionPortAsStaff } from '@/lib/services/staff-port-ins';
import { createTrunkGroup } from '@/lib/services/trunk-groups';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser, trunkGroupInput } from '../support/fixtures';
import { portableNumbers, readyPort, useTempDocumentStorage } from '../support/port-ins';
import { useSandboxes } from '../support/sandboxes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('port-in lifecycle: upstream submission, polling, completion, events, staff', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const staff = () => sessionUser(test.db, 'staff@carrier.example');
  const numbers = portableNumbers();
  /** The sandboxes' clock and ours move together: `poll(ms)` advances both and runs the job. */
  let offset = 0;
  const advance = (ms: number) => {
    offset += ms;
    sandboxes.get('voicetel').advanceClock(ms);
    sandboxes.get('vitcom').advanceClock(ms);
  };
  const poll = async (ms = 0) => {
    advance(ms);
    return pollPortIns(new Date(Date.now() + offset));
  };
  const sandboxNow = () => new Date(Date.now() + offset);
  const port = async (id: string) => (await test.db.select().from(portIns).where(eq(portIns.id, id)))[0]!;
  const eventsOf = async (id: string, type: string) =>
    (await test.db.select().from(accountEvents).where(eq(accountEvents.type, type))).filter((event) => (event.data as { portInId?: string }).portInId === id);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    useTempDocumentStorage();
  });

  it('takes a VoiceTel port from submitted to completed: numbers live on the account, routed to the chosen trunk group, each event once', async () => {
    const access = await tech();
    const { group } = await createTrunkGroup(access, trunkGroupInput({ name: 'Port target' }));
    const e164s = numbers(2);
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s, trunkGroupId: group.id });
    const submitted = await submitPortIn(access, draft.id, sandboxNow());
    expect(submitted.status).toBe('submitted');
    expect(submitted.message).toMatch(/The carrier has it as order \w{5}/);
    // Customers never learn which upstream carries their numbers: not in the answer, the page, the timeline or an exception.
    // (the label is the test's own, "voicetel test")
    const customerView = JSON.stringify({ ...(await getPortDetail(access, draft.id)), label: null });
    expect(customerView).not.toMatch(/VoiceTel|VITCOM|api\.voicetel\.com/i);
    expect(customerView).toMatch(/Carrier \d/);
    expect(JSON.stringify(await getStaffPortDetail(await staff(), draft.id))).toMatch(/VoiceTel/);
    const sent = await port(draft.id);
    expect(sent.upstreamRef).toMatch(/^\w{5}$/);
    expect(sent.upstreamLoaUrl).toBeTruthy();

    await poll(11 * MINUTE);
    expect((await port(draft.id)).status).toBe('pending');
    await poll(HOUR);
    const scheduled = await port(draft.id);
    expect(scheduled.status).toBe('foc_scheduled');
    expect(scheduled.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The same answer again changes nothing and sends nothing again.
    await poll(11 * MINUTE);
    expect(await eventsOf(draft.id, 'port.foc_set')).toHaveLength(1);

    await poll(4 * HOUR);
    const done = await port(draft.id);
    expect(done.status).toBe('completed');
    expect(done.completedAt).toBeTruthy();
    const live = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.portInId, draft.id));
    expect(live.map((row) => row.e164).sort()).toEqual([...e164s].sort());
    expect(live.every((row) => row.accountId === tenants.east.id && row.trunkGroupRef === group.id && row.e911Status === 'none' && row.kind === 'local' && row.npa === '512')).toBe(true);
    expect(live.every((row) => Number(row.monthly) > 0)).toBe(true);
    const held = await test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, draft.id));
    expect(held.every((row) => row.status === 'completed' && !row.inFlight && row.completedAt)).toBe(true);

    await poll(HOUR);
    for (const type of ['port.submitted', 'port.foc_set', 'port.completed']) expect(await eventsOf(draft.id, type), type).toHaveLength(1);
    const [completed] = await eventsOf(draft.id, 'port.completed');
    expect(completed!.data).toMatchObject({ reference: draft.reference, status: 'completed', numbers: expect.arrayContaining(e164s) });
    expect(JSON.stringify(completed!.data)).not.toMatch(/5550001234/);

    const detail = await getPortDetail(access, draft.id);
    expect(detail.events.map((event) => event.toStatus).filter(Boolean)).toEqual(['draft', 'submitted', 'pending', 'foc_scheduled', 'completed']);
    expect(detail.events.some((event) => event.kind === 'numbers' && /emergency address/.test(event.body ?? ''))).toBe(true);
    // Completed is final: neither the customer nor staff move it.
    await expect(cancelPortIn(access, draft.id)).rejects.toThrow(/completed; it can no longer change/);
    await expect(transitionPortAsStaff(await staff(), draft.id, { to: 'exception', exceptionCode: 'other' })).rejects.toThrow(/completed; it can no longer change/);
  });

  it.each([
    ['9901', 'account_number_mismatch'],
    ['9904', 'pin_invalid'],
    ['9909', 'foc_rejected'],
    ['9910', 'loa_invalid'],
  ] as const)('a VoiceTel refusal (account ending %s) becomes the typed exception %s, with one webhook event, numbers still held', async (suffix, code) => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1), accountNumber: `77${suffix}` });
    await submitPortIn(access, draft.id, sandboxNow());
    await poll(11 * MINUTE);
    await poll(11 * MINUTE);
    const refused = await port(draft.id);
    expect(refused.status).toBe('exception');
    expect(refused.exceptionCode).toBe(code);
    expect(refused.exceptionMessage).toMatch(/Rejected/);
    const held = await test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, draft.id));
    expect(held.every((row) => row.status === 'exception' && row.exceptionCode === code && row.inFlight)).toBe(true);
    const events = await eventsOf(draft.id, 'port.exception');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ code, reference: draft.reference });
    const detail = await getPortDetail(access, draft.id);
    expect(detail.exception).toMatchObject({ code });
    expect(detail.canSubmit).toBe(true);
  });

  it('a FOC date the losing carrier moves is told once when set and once when moved, with the previous date', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1), accountNumber: '7709920' });
    await submitPortIn(access, draft.id, sandboxNow());
    await poll(11 * MINUTE);
    await poll(HOUR);
    const first = (await port(draft.id)).focDate;
    expect(first).toBeTruthy();
    await poll(HOUR + MINUTE);
    await poll(11 * MINUTE);
    const moved = await port(draft.id);
    expect(moved.status).toBe('foc_scheduled');
    expect(moved.focDate).not.toBe(first);
    const events = (await eventsOf(draft.id, 'port.foc_set')).map((event) => event.data as { focDate: string; previousFocDate: string | null });
    expect(events).toEqual([
      expect.objectContaining({ focDate: first, previousFocDate: null }),
      expect.objectContaining({ focDate: moved.focDate, previousFocDate: first }),
    ]);
    // Cancelled after the carrier took it: there is no cancel upstream, so staff get the task to withdraw it.
    await cancelPortIn(access, draft.id);
    const [task] = await test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'withdraw_port'), eq(staffTasks.subjectId, draft.id)));
    expect(task).toMatchObject({ status: 'open', accountId: access.account.id, title: expect.stringContaining(moved.upstreamRef!) });
  });

  it('VITCOM takes only some numbers: the others go to exception as not portable, the port ends partially completed', async () => {
    const access = await tech();
    const [good] = numbers(1);
    const unserved = '+19075550142';
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'vitcom', numbers: [good!, unserved], forcePortable: [unserved] });
    const submitted = await submitPortIn(access, draft.id, sandboxNow());
    expect(submitted.status).toBe('submitted');
    const dropped = (await test.db.select().from(portInNumbers).where(and(eq(portInNumbers.portInId, draft.id), eq(portInNumbers.e164, unserved))))[0]!;
    expect(dropped).toMatchObject({ status: 'exception', exceptionCode: 'number_not_portable', inFlight: true });
    expect(await eventsOf(draft.id, 'port.exception')).toHaveLength(1);
    await poll(6 * MINUTE);
    expect((await port(draft.id)).status).toBe('pending');
    await poll(10 * 24 * HOUR);
    const done = await port(draft.id);
    expect(done.status).toBe('partially_completed');
    expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.portInId, draft.id))).map((row) => row.e164)).toEqual([good]);
    const [completed] = await eventsOf(draft.id, 'port.completed');
    expect(completed!.data).toMatchObject({ status: 'partially_completed', numbers: [good] });
    await poll(10 * MINUTE);
    expect(await eventsOf(draft.id, 'port.completed')).toHaveLength(1);
    expect(await eventsOf(draft.id, 'port.exception')).toHaveLength(1);
  });

  it('an upstream status word nobody knows is kept for staff and flagged, never read as a state', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'vitcom', numbers: numbers(1) });
    sandboxes.get('vitcom').setKnobs({ scenarios: ['lnp-unknown-status'] });
    try {
      await submitPortIn(access, draft.id, sandboxNow());
      await poll(6 * MINUTE);
      await poll(6 * MINUTE);
    } finally {
      sandboxes.get('vitcom').setKnobs({ scenarios: [] });
    }
    const flagged = await port(draft.id);
    expect(flagged.exceptionMessage).toBeNull();
    expect(flagged.status).toBe('submitted');
    expect(flagged.upstreamStatusUnknown).toBe(true);
    expect(flagged.upstreamStatus).toBe('7');
    const internal = await test.db.select().from(portInEvents).where(and(eq(portInEvents.portInId, draft.id), eq(portInEvents.visibility, 'internal')));
    expect(internal.map((event) => event.body)).toEqual([expect.stringContaining('Unknown carrier status “7”')]);
    const rows = await listStaffPortIns(await staff(), { search: draft.reference });
    expect(rows).toEqual([expect.objectContaining({ id: draft.id, upstreamStatusUnknown: true, upstreamStatus: '7' })]);
    expect((await getPortDetail(access, draft.id)).events.some((event) => /Unknown carrier status/.test(event.body ?? ''))).toBe(false);
    // Once the carrier speaks known words again, the flag goes.
    await pollPortNow(await staff(), draft.id, { now: new Date(Date.now() + offset) });
    expect((await port(draft.id)).upstreamStatusUnknown).toBe(false);
    await cancelPortIn(access, draft.id);
  });

  it('an upstream that is down leaves the port submitted; the job sends it later under the same reference, once', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    let message: string;
    try {
      ({ message } = await submitPortIn(access, draft.id, sandboxNow()));
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    // A 500 does not say whether the carrier placed the order: the next try checks before sending.
    expect(message).toMatch(/did not confirm that it took the order/);
    expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
    const rows = await listStaffPortIns(await staff(), { search: draft.reference });
    expect(rows[0]).toMatchObject({ awaitingUpstream: true });
    const result = await poll(3 * MINUTE);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect((await port(draft.id)).upstreamRef).toMatch(/^\w{5}$/);
    await poll(3 * MINUTE);
    // Sent once; the unconfirmed first try is an entry for staff only.
    const upstreamEvents = await test.db.select().from(portInEvents).where(and(eq(portInEvents.portInId, draft.id), eq(portInEvents.kind, 'upstream')));
    expect(upstreamEvents.filter((event) => event.visibility === 'public').map((event) => event.body)).toEqual([expect.stringMatching(/^Sent to VoiceTel as order \w{5}\.$/)]);
    expect(upstreamEvents.filter((event) => event.visibility === 'internal').map((event) => event.body)).toEqual([expect.stringMatching(/^VoiceTel did not confirm submission PRT-\w{6}/)]);
    await cancelPortIn(access, draft.id);
  });

  it('staff move a port through exception, FOC and completion with the same events, audited; forbidden moves are refused', async () => {
    const access = await tech();
    const user = await staff();
    const e164s = numbers(2);
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
    await submitPortIn(access, draft.id, sandboxNow());

    await expect(transitionPortAsStaff(user, draft.id, { to: 'exception' })).rejects.toMatchObject({ fieldErrors: { exceptionCode: ['Say what the exception is.'] } });
    await expect(transitionPortAsStaff(user, draft.id, { to: 'foc_scheduled' })).rejects.toMatchObject({ fieldErrors: { focDate: [expect.any(String)] } });
    await expect(transitionPortAsStaff(user, draft.id, { to: 'draft' })).rejects.toThrow(/cannot go from submitted to draft/);

    const excepted = await transitionPortAsStaff(user, draft.id, { to: 'exception', exceptionCode: 'btn_mismatch', comment: 'The BTN on the CSR is 512-555-0100.' });
    expect(excepted.status).toBe('exception');
    expect(excepted.exception).toMatchObject({ code: 'btn_mismatch', message: 'The BTN on the CSR is 512-555-0100.' });
    expect(await eventsOf(draft.id, 'port.exception')).toHaveLength(1);

    const scheduled = await transitionPortAsStaff(user, draft.id, { to: 'foc_scheduled', focDate: '2031-03-04', comment: 'FOC confirmed by phone.', internal: true });
    expect(scheduled).toMatchObject({ status: 'foc_scheduled', focDate: '2031-03-04', exception: null });
    expect(scheduled.events.some((event) => event.internal && event.body === 'FOC confirmed by phone.')).toBe(true);
    expect((await getPortDetail(access, draft.id)).events.some((event) => event.body === 'FOC confirmed by phone.')).toBe(false);
    await addStaffPortComment(user, draft.id, { body: 'Customer called about the date.', internal: true });

    const completed = await transitionPortAsStaff(user, draft.id, { to: 'completed' });
    expect(completed.status).toBe('completed');
    expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.portInId, draft.id))).map((row) => row.e164).sort()).toEqual([...e164s].sort());
    for (const type of ['port.foc_set', 'port.completed']) expect(await eventsOf(draft.id, type), type).toHaveLength(1);
    await expect(transitionPortAsStaff(user, draft.id, { to: 'cancelled' })).rejects.toThrow(/can no longer change/);

    const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, draft.id), eq(auditEvents.actorUserId, user.id)));
    expect(audit.map((row) => row.action).sort()).toEqual(['port_in.comment', 'port_in.transition', 'port_in.transition', 'port_in.transition']);
    expect(audit.every((row) => row.accountId === tenants.east.id)).toBe(true);
  });

  it('staff cancel a live port: numbers released from it, port.cancelled sent once', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await submitPortIn(access, draft.id, sandboxNow());
    const cancelled = await transitionPortAsStaff(await staff(), draft.id, { to: 'cancelled', comment: 'The customer asked us by phone.' });
    expect(cancelled.status).toBe('cancelled');
    expect((await test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, draft.id))).every((row) => row.status === 'cancelled' && !row.inFlight)).toBe(true);
    expect(await eventsOf(draft.id, 'port.cancelled')).toEqual([expect.objectContaining({ data: expect.objectContaining({ by: 'staff' }) })]);
  });

  it('nothing of it is reachable from another account or by a user who is not staff', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await submitPortIn(access, draft.id, sandboxNow());
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getPortDetail(globex, draft.id)).rejects.toThrow(/No such port-in/);
    await expect(cancelPortIn(globex, draft.id)).rejects.toThrow(/No such port-in/);
    const customer = await sessionUser(test.db, 'owner@globex.example');
    await expect(listStaffPortIns(customer)).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(getStaffPortDetail(customer, draft.id)).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(transitionPortAsStaff(customer, draft.id, { to: 'cancelled' })).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(addStaffPortComment(customer, draft.id, { body: 'hi', internal: false })).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(pollPortNow(customer, draft.id)).rejects.toMatchObject({ code: 'forbidden:staff' });
    // The customer cannot move a submitted port forward either.
    expect((await getPortDetail(access, draft.id)).canSubmit).toBe(false);
    await expect(submitPortIn(access, draft.id)).rejects.toThrow(/cannot go from submitted to submitted|Only our porting team/);
    await cancelPortIn(access, draft.id);
  });
});
