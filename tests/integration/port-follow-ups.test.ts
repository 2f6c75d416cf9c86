/**
 * Port-ins where the carrier and the portal could part ways, over the VoiceTel and VITCOM sandboxes:
 * a port sent again after an exception while its first order is still open at the carrier; a
 * submission whose answer never arrived (timeout, unreadable body) sent again; a suspended account's
 * submission; status reads that keep failing.
 */
import { and, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, portInEvents, portIns, staffTasks } from '@/lib/db/schema';
import { parseLenientJson } from '@/lib/providers/vitcom/lenient-json';
import { resetBreakers } from '@/lib/providers/http';
import { cancelPortIn, getPortDetail, submitPortIn } from '@/lib/services/port-ins';
import { pollPortIns } from '@/lib/services/port-lifecycle';
import { getStaffPortDetail, listStaffPortIns, transitionPortAsStaff } from '@/lib/services/staff-port-ins';
import { vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { portableNumbers, readyPort, useTempDocumentStorage } from '../support/port-ins';
import { useSandboxes } from '../support/sandboxes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('port-ins: nothing lost between the portal and the carrier', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const staff = () => sessionUser(test.db, 'staff@carrier.example');
  const numbers = portableNumbers();
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
  const eventsOf = async (id: string) => test.db.select().from(portInEvents).where(eq(portInEvents.portInId, id));
  const previousOrderTasks = async (portInId: string) => test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'withdraw_port'), like(staffTasks.subjectId, `${portInId}/%`)));

  /** The VoiceTel sandbox's port orders holding any of these numbers, asked over its own API: their pids. */
  let voicetelKey: string | undefined;
  async function voicetelOrdersOf(e164s: string[]): Promise<string[]> {
    const base = `${sandboxes.get('voicetel').url}/v2.2`;
    if (!voicetelKey) {
      const login = await fetch(`${base}/account/api-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(voicetelDemoCredentials) });
      voicetelKey = ((await login.json()) as { data: { apikey: string } }).data.apikey;
    }
    const headers = { authorization: `Bearer ${voicetelKey}` };
    const { data } = (await (await fetch(`${base}/ports`, { headers })).json()) as { data: { ports: { pid: string }[] } };
    const wanted = new Set(e164s.map((e164) => e164.slice(2)));
    const found: string[] = [];
    for (const { pid } of data.ports) {
      const detail = (await (await fetch(`${base}/ports/${pid}`, { headers })).json()) as { data: { port: { numbers: string[] } } };
      if (detail.data.port.numbers.some((number) => wanted.has(number))) found.push(pid);
    }
    return found;
  }

  /** The VITCOM sandbox's LNP orders holding any of these numbers: their order numbers. */
  async function vitcomOrdersOf(e164s: string[]): Promise<string[]> {
    const body = new URLSearchParams(vitcomDemoCredentials);
    const response = await fetch(`${sandboxes.get('vitcom').url}/get_lnp_orders`, { method: 'POST', body });
    const { Orders } = parseLenientJson(await response.text()) as { Orders: { orderno: string; numbers: string[] }[] };
    const wanted = new Set(e164s.map((e164) => e164.slice(2)));
    return Orders.filter((order) => order.numbers.some((number) => wanted.has(String(number).slice(-10)))).map((order) => order.orderno);
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    useTempDocumentStorage();
  });

  describe('a port sent again after an exception', () => {
    it('while its first order is still open at the carrier: staff get a task to withdraw it, the customer is told, and the task follows the order until the carrier ported it', async () => {
      const access = await tech();
      const e164s = numbers(2);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
      await submitPortIn(access, draft.id, sandboxNow());
      await poll(11 * MINUTE);
      const first = await port(draft.id);
      expect(first.status).toBe('pending');
      // Our porting team hears of a problem before the carrier's order says so: the order is still open there.
      await transitionPortAsStaff(await staff(), draft.id, { to: 'exception', exceptionCode: 'btn_mismatch', comment: 'The BTN on the CSR is 512-555-0100.' }, { now: sandboxNow() });

      await submitPortIn(access, draft.id, sandboxNow());
      const second = await port(draft.id);
      expect(second.upstreamRef).toMatch(/^\w{5}$/);
      expect(second.upstreamRef).not.toBe(first.upstreamRef);
      const [task] = await previousOrderTasks(draft.id);
      expect(task).toMatchObject({ status: 'open', accountId: tenants.east.id, subjectType: 'port_in_order', subjectId: `${draft.id}/${first.upstreamRef}`, title: expect.stringContaining(`Withdraw port order ${first.upstreamRef}`) });
      expect(task!.detail).toMatch(/still open at the carrier \(“Pending”\)/);
      // Staff see it on the port; the customer reads the truth, without the carrier's name or order.
      expect((await getStaffPortDetail(await staff(), draft.id)).previousOrders).toEqual([expect.objectContaining({ upstreamRef: first.upstreamRef, taskId: task!.id })]);
      const customer = await getPortDetail(access, draft.id);
      expect(customer.events.some((event) => /The carrier still has the earlier order open/.test(event.body ?? ''))).toBe(true);
      expect(JSON.stringify({ ...customer, label: null })).not.toMatch(/VoiceTel/i);

      // Both orders go on at the carrier; when the first completes there, the task says to reconcile its numbers.
      await poll(5 * HOUR);
      expect(await voicetelOrdersOf(e164s)).toEqual(expect.arrayContaining([first.upstreamRef, second.upstreamRef]));
      const [followed] = await previousOrderTasks(draft.id);
      expect(followed).toMatchObject({ id: task!.id, status: 'open', title: expect.stringContaining('reconcile its numbers') });
      expect((await eventsOf(draft.id)).filter((event) => event.visibility === 'internal' && /was reported ported/.test(event.body ?? ''))).toHaveLength(1);
      await poll(11 * MINUTE);
      expect((await eventsOf(draft.id)).filter((event) => event.visibility === 'internal' && /was reported ported/.test(event.body ?? ''))).toHaveLength(1);
    });

    it('whose first order the carrier rejected: nothing to withdraw, no task', async () => {
      const access = await tech();
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1), accountNumber: '779901' });
      await submitPortIn(access, draft.id, sandboxNow());
      await poll(11 * MINUTE);
      const first = await port(draft.id);
      expect(first.status).toBe('exception');
      await transitionPortAsStaff(await staff(), draft.id, { to: 'submitted' }, { now: sandboxNow() });
      expect((await port(draft.id)).upstreamRef).not.toBe(first.upstreamRef);
      expect(await previousOrderTasks(draft.id)).toEqual([]);
      expect((await eventsOf(draft.id)).some((event) => event.body === `The earlier carrier order ${first.upstreamRef} has ended there (“Rejected”): nothing to withdraw.`)).toBe(true);
    });

    it('when the carrier cannot be asked about the first order: a task all the same, closed by itself once the carrier says the order ended, and the customer told', async () => {
      const access = await tech();
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1), accountNumber: '779901' });
      await submitPortIn(access, draft.id, sandboxNow());
      const first = await port(draft.id);
      await transitionPortAsStaff(await staff(), draft.id, { to: 'exception', exceptionCode: 'other', comment: 'Checking the account with the customer.' }, { now: sandboxNow() });
      sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
      try {
        await submitPortIn(access, draft.id, sandboxNow());
      } finally {
        sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
        resetBreakers();
      }
      const [task] = await previousOrderTasks(draft.id);
      expect(task).toMatchObject({ status: 'open', subjectId: `${draft.id}/${first.upstreamRef}` });
      expect(task!.detail).toMatch(/could not be asked about/);
      expect((await getPortDetail(access, draft.id)).events.some((event) => /could not confirm with the carrier that the earlier order has ended/.test(event.body ?? ''))).toBe(true);

      await poll(3 * MINUTE);
      expect((await port(draft.id)).upstreamRef).toMatch(/^\w{5}$/);
      // The new order's next status read also asks about the first, which the carrier has rejected by now.
      await poll(11 * MINUTE);
      expect((await test.db.select().from(staffTasks).where(eq(staffTasks.id, task!.id)))[0]).toMatchObject({ status: 'done' });
      expect((await getPortDetail(access, draft.id)).events.some((event) => /The carrier’s earlier order has ended/.test(event.body ?? ''))).toBe(true);
      expect((await getStaffPortDetail(await staff(), draft.id)).previousOrders).toEqual([]);
    });
  });

  describe('a submission whose answer never arrived', () => {
    it('VoiceTel: an answer it could not read is not sent again; the next try finds the port the carrier placed and follows it', async () => {
      const access = await tech();
      const e164s = numbers(2);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
      sandboxes.get('voicetel').setKnobs({ malformedRate: 1 });
      let message: string;
      try {
        ({ message } = await submitPortIn(access, draft.id, sandboxNow()));
      } finally {
        sandboxes.get('voicetel').setKnobs({ malformedRate: 0 });
        resetBreakers();
      }
      // The carrier took it and charged it; the portal could not read that it did, and says so.
      expect(message).toMatch(/did not confirm that it took the order/);
      expect(message).not.toMatch(/VoiceTel/);
      expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
      const placed = await voicetelOrdersOf(e164s);
      expect(placed).toHaveLength(1);

      await poll(3 * MINUTE);
      await poll(3 * MINUTE);
      expect(await voicetelOrdersOf(e164s)).toEqual(placed);
      expect((await port(draft.id)).upstreamRef).toBe(placed[0]);
      await poll(11 * MINUTE);
      expect((await port(draft.id)).status).toBe('pending');
    });

    it('VoiceTel: a submission that timed out after the carrier placed it is adopted, not placed again', async () => {
      const access = await tech();
      const e164s = numbers(1);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
      // The sandbox answers after our 10 s timeout, and places the port all the same.
      sandboxes.get('voicetel').setKnobs({ latencyMs: 10_500 });
      try {
        await submitPortIn(access, draft.id, sandboxNow());
      } finally {
        sandboxes.get('voicetel').setKnobs({ latencyMs: 0 });
        resetBreakers();
      }
      expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const placed = await voicetelOrdersOf(e164s);
      expect(placed).toHaveLength(1);
      await poll(3 * MINUTE);
      expect(await voicetelOrdersOf(e164s)).toEqual(placed);
      expect((await port(draft.id)).upstreamRef).toBe(placed[0]);
    }, 60_000);

    it('VITCOM: an answer it could not read is not sent again; the next try finds the order and follows it', async () => {
      const access = await tech();
      const e164s = numbers(1);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'vitcom', numbers: e164s });
      sandboxes.get('vitcom').setKnobs({ malformedRate: 1 });
      try {
        await submitPortIn(access, draft.id, sandboxNow());
      } finally {
        sandboxes.get('vitcom').setKnobs({ malformedRate: 0 });
        resetBreakers();
      }
      expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
      const placed = await vitcomOrdersOf(e164s);
      expect(placed).toHaveLength(1);
      await poll(3 * MINUTE);
      await poll(3 * MINUTE);
      expect(await vitcomOrdersOf(e164s)).toEqual(placed);
      expect((await port(draft.id)).upstreamRef).toBe(placed[0]);
      await poll(6 * MINUTE);
      expect((await port(draft.id)).status).toBe('pending');
    });

    it('cancelled while its submission is unconfirmed: staff are asked to check the carrier for the order and withdraw it', async () => {
      const access = await tech();
      const e164s = numbers(1);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
      sandboxes.get('voicetel').setKnobs({ malformedRate: 1 });
      try {
        await submitPortIn(access, draft.id, sandboxNow());
      } finally {
        sandboxes.get('voicetel').setKnobs({ malformedRate: 0 });
        resetBreakers();
      }
      expect(await voicetelOrdersOf(e164s)).toHaveLength(1);
      await cancelPortIn(access, draft.id);
      const [task] = await test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'withdraw_port'), eq(staffTasks.subjectId, draft.id)));
      expect(task).toMatchObject({ status: 'open', title: expect.stringContaining(`Check the carrier for port ${draft.reference}`) });
      expect(task!.detail).toContain(e164s[0]);
    });

    it('a carrier that refused the request outright (not placed) is simply sent to again', async () => {
      const access = await tech();
      const e164s = numbers(1);
      const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
      sandboxes.get('voicetel').setKnobs({ rate429: 1 });
      try {
        await submitPortIn(access, draft.id, sandboxNow());
      } finally {
        sandboxes.get('voicetel').setKnobs({ rate429: 0 });
        resetBreakers();
      }
      expect(await voicetelOrdersOf(e164s)).toEqual([]);
      await poll(3 * MINUTE);
      const placed = await voicetelOrdersOf(e164s);
      expect(placed).toHaveLength(1);
      expect((await port(draft.id)).upstreamRef).toBe(placed[0]);
    });
  });

  it('a suspended account’s submission is not sent to the carrier, the port says so once, and it is sent once the account is active again', async () => {
    const access = await tech();
    const e164s = numbers(1);
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: e164s });
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      await submitPortIn(access, draft.id, sandboxNow());
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    // The billing account above the port's is suspended while the submission waits.
    await test.db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, tenants.acme.id));
    try {
      for (let round = 0; round < 4; round++) await poll(11 * MINUTE);
      expect(await voicetelOrdersOf(e164s)).toEqual([]);
      expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
      const notes = (await eventsOf(draft.id)).filter((event) => /Not sent to the carrier: Acme.*is suspended/.test(event.body ?? ''));
      expect(notes).toHaveLength(1);
      expect(notes[0]!.visibility).toBe('public');
      expect(await getPortDetail(access, draft.id)).toMatchObject({ awaitingCarrier: true, heldWhileSuspended: true });
    } finally {
      await test.db.update(accounts).set({ status: 'active' }).where(eq(accounts.id, tenants.acme.id));
    }
    await poll(11 * MINUTE);
    const placed = await voicetelOrdersOf(e164s);
    expect(placed).toHaveLength(1);
    expect(await port(draft.id)).toMatchObject({ upstreamRef: placed[0] });
    expect(await getPortDetail(access, draft.id)).toMatchObject({ awaitingCarrier: false, heldWhileSuspended: false });
  });

  it('status reads that keep failing are recorded (since when, the latest error), not shown as fresh reads, and once more when they work again', async () => {
    const access = await tech();
    const user = await staff();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await submitPortIn(access, draft.id, sandboxNow());
    await poll(11 * MINUTE);
    const good = await port(draft.id);
    expect(good.lastPolledAt).toBeTruthy();
    const firstFailureAt = new Date(Date.now() + offset + HOUR);
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      for (let round = 0; round < 6; round++) {
        advance(HOUR);
        resetBreakers();
        await pollPortIns(sandboxNow());
      }
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    const failing = await getStaffPortDetail(user, draft.id);
    expect(failing.lastPolledAt).toEqual(good.lastPolledAt);
    expect(failing.pollFailure).toMatchObject({ since: expect.any(Date), lastError: expect.stringMatching(/VoiceTel is not responding/), attempts: 6 });
    expect(failing.pollFailure!.lastFailedAt.getTime()).toBeGreaterThan(failing.pollFailure!.since.getTime());
    expect(Math.abs(failing.pollFailure!.since.getTime() - firstFailureAt.getTime())).toBeLessThan(MINUTE);
    const [row] = await listStaffPortIns(user, { search: draft.reference });
    expect(row!.pollFailure).toEqual(failing.pollFailure);
    // One entry for the run of failures, staff only.
    const recorded = (await eventsOf(draft.id)).filter((event) => /Status reads failing/.test(event.body ?? ''));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.visibility).toBe('internal');
    expect((await getPortDetail(access, draft.id)).events.some((event) => /Status read/.test(event.body ?? ''))).toBe(false);

    await poll(HOUR);
    const recovered = await getStaffPortDetail(user, draft.id);
    expect(recovered.pollFailure).toBeNull();
    expect(recovered.lastPolledAt!.getTime()).toBeGreaterThan(good.lastPolledAt!.getTime());
    expect((await eventsOf(draft.id)).filter((event) => /Status reads work again/.test(event.body ?? ''))).toHaveLength(1);
    expect((await listStaffPortIns(user, { search: draft.reference }))[0]!.pollFailure).toBeNull();
  });
});
