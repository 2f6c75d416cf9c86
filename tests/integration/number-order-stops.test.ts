/**
 * What stops a number purchase, and what must still be seen through: a connection staff disabled
 * takes no new holds or orders (what was already sent to it is followed up, never sent again), a
 * suspended account buys nothing new (what its carrier already bought stays its own), removing a cart
 * item while the cart is checked out never releases the hold of the number just ordered, and a number
 * a carrier sold to a line another connection's order won is put before staff to release there.
 * Every upstream call goes over HTTP to a sandbox.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountAccess } from '@/lib/auth/access';
import { accountLedger, numberOrderLines, numberOrders, phoneNumbers, providerConnections, staffTasks, trunkGroupUpstreams, users, type NumberOrder } from '@/lib/db/schema';
import { getTakenNumbersByE164s } from '@/lib/db/queries/numbers';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { createSubAccount, setSubAccountStatus } from '@/lib/services/accounts';
import { addToCart, emptyCart, getCart, removeFromCart } from '@/lib/services/number-cart';
import { GIVE_UP_AFTER_MS, executeOrder, getCheckoutSummary, placeOrder, reconcileOrders } from '@/lib/services/number-orders';
import { searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { createConnection, getConnectionAdapter, setConnectionEnabled } from '@/lib/services/providers';
import { assignNumbers, checkTrunkDrift, createTrunkGroup } from '@/lib/services/trunk-groups';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { sandboxDefinitions } from '@/sandbox/index';
import { useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { accessAs, seedTwoTenants, sessionUser, trunkGroupInput } from '../support/fixtures';
import { SANDBOX_CREDENTIALS, useSandboxes } from '../support/sandboxes';

/** Lets a test hold removeFromCart just before its delete, as a slow request would be held. */
const cartGate = vi.hoisted(() => ({ beforeDelete: undefined as (() => Promise<void>) | undefined }));
vi.mock('@/lib/db/queries/carts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/db/queries/carts')>();
  return {
    ...actual,
    deleteCartItemsByIds: async (...args: Parameters<typeof actual.deleteCartItemsByIds>) => {
      const wait = cartGate.beforeDelete;
      cartGate.beforeDelete = undefined;
      await wait?.();
      return actual.deleteCartItemsByIds(...args);
    },
  };
});
const session = vi.hoisted(() => ({ userId: undefined as string | undefined, ip: '203.0.113.9' }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const LOST = 'Another customer bought this number a moment earlier; you were not charged.';

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}

describe('what stops a purchase, and what is still seen through', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  const tech = (accountId = tenants.east.id) => accessAs(test.db, 'tech@acme.example', accountId);
  const globex = () => accessAs(test.db, 'owner@globex.example', tenants.globex.id);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    await sandboxes.connect(test.db);
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '1000.0000', description: 'Test: Globex prepayment' });
  });

  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.name, `${provider} sandbox`)))[0]!;

  /** Staff disable the connections for the length of `run`, and enable them again (their test passes). */
  async function whileDisabled<T>(providers: ProviderId[], run: () => Promise<T>): Promise<T> {
    const ids = await Promise.all(providers.map(async (provider) => (await connectionOf(provider)).id));
    for (const id of ids) await setConnectionEnabled(staff, id, false);
    try {
      return await run();
    } finally {
      for (const id of ids) await setConnectionEnabled(staff, id, true);
    }
  }

  /** How many times the connection's carrier lists the number on our account. */
  async function ownedUpstream(connectionId: string, e164: string) {
    const { adapter } = await getConnectionAdapter(connectionId);
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor });
      count += page.items.filter((item) => item.e164 === e164).length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }

  const search = async (access: AccountAccess, where: string | Record<string, string>) =>
    searchAvailableNumbers(access, numberSearchSchema.parse({ ...(typeof where === 'string' ? { npa: where } : where), quantity: '20' }), { fresh: true });
  const pick = (answer: SearchAnswer, provider: ProviderId, skip = 0) => {
    const found = answer.results.filter((result) => result.provider === provider)[skip];
    expect(found, `a ${provider} number in the search`).toBeDefined();
    return found!;
  };

  /** Orders of one number each, recorded but not yet driven. */
  async function placeWith(access: AccountAccess, answer: SearchAnswer, numbers: string[], key: string) {
    await emptyCart(access);
    const added = await addToCart(access, { searchId: answer.searchId, numbers });
    expect(added.added.sort()).toEqual([...numbers].sort());
    return placeOrder(access, { idempotencyKey: key, ...(await confirmNoE911(access)) });
  }

  const linesOf = (orderId: string) => test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, orderId)).orderBy(numberOrderLines.e164);
  const chargesOf = async (lineIds: string[]) => (lineIds.length ? test.db.select().from(accountLedger).where(inArray(accountLedger.orderLineId, lineIds)) : []);
  const releaseTasksOf = (lineId: string) => test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'release_at_carrier'), eq(staffTasks.subjectId, lineId)));
  /** What a process that died right after marking the lines sent leaves behind. */
  const crashAfterMarkingSent = async (order: NumberOrder) => {
    await test.db.update(numberOrders).set({ status: 'in_progress' }).where(eq(numberOrders.id, order.id));
    await test.db.update(numberOrderLines).set({ status: 'submitted' }).where(eq(numberOrderLines.orderId, order.id));
  };
  const afterGivingUp = (order: NumberOrder) => new Date(order.createdAt.getTime() + GIVE_UP_AFTER_MS + 60_000);

  describe('a connection staff disabled', () => {
    it('tells staff exactly what disabling does', async () => {
      session.userId = (await test.db.select().from(users).where(eq(users.email, 'staff@carrier.example')))[0]!.id;
      const actions = await import('@/app/(portal)/operator/providers/actions');
      const connection = await connectionOf('voicemeup');
      try {
        const result = await actions.setConnectionEnabledAction({ status: 'idle' }, form({ connectionId: connection.id, enabled: 'false' }));
        expect(result).toMatchObject({ status: 'success', message: expect.stringContaining('Customers can no longer find, hold or buy its numbers') });
        const message = (result as { message: string }).message;
        expect(message).not.toContain('no feature will call it');
        expect(message).toContain('orders already sent to it are followed up');
      } finally {
        await setConnectionEnabled(staff, connection.id, true);
        session.userId = undefined;
      }
    });

    it('refuses to put its numbers in a cart from a search made before it was disabled', async () => {
      const access = await tech();
      const answer = await search(access, '312');
      const number = pick(answer, 'carrierx');
      const added = await whileDisabled(['carrierx'], () => addToCart(access, { searchId: answer.searchId, numbers: [number.e164] }));
      expect(added).toEqual({ added: [], alreadyInCart: [], failed: [{ e164: number.e164, reason: expect.stringContaining('search again') }] });
      expect(added.failed[0]!.reason).not.toMatch(/CarrierX/i);
      expect((await getCart(access)).items).toEqual([]);
    });

    it('refuses checkout of a number of it already in the cart, and buys nothing', async () => {
      const access = await tech();
      const answer = await search(access, '312');
      const number = pick(answer, 'voicetel');
      await emptyCart(access);
      await addToCart(access, { searchId: answer.searchId, numbers: [number.e164] });
      await whileDisabled(['voicetel'], async () => {
        const summary = await getCheckoutSummary(access);
        expect(summary.unavailable).toEqual([number.e164]);
        expect(summary.problems.join(' ')).toMatch(/can no longer be bought: the carrier that offered it is not available now\. Remove it from your cart and search again\./);
        await expect(placeOrder(access, { idempotencyKey: 'disabled-at-checkout', ...(await confirmNoE911(access)) })).rejects.toMatchObject({ code: 'conflict:numbers_unavailable' });
      });
      expect(await test.db.select().from(numberOrders).where(eq(numberOrders.idempotencyKey, 'disabled-at-checkout'))).toEqual([]);
      // The cart is as it was: the customer removes the number (or, as here, buys it once the connection is back).
      const order = await placeOrder(access, { idempotencyKey: 'disabled-at-checkout', ...(await confirmNoE911(access)) });
      expect((await executeOrder(order.id)).status).toBe('completed');
    });

    it('fails uncharged an order line not yet sent to it, and frees the number', async () => {
      const access = await tech();
      const answer = await search(access, '312');
      const number = pick(answer, 'voicetel');
      const order = await placeWith(access, answer, [number.e164], 'disabled-before-sending');
      const connection = await connectionOf('voicetel');
      const settled = await whileDisabled(['voicetel'], () => executeOrder(order.id));
      expect(settled.status).toBe('failed');
      const [line] = await linesOf(order.id);
      expect(line).toMatchObject({ status: 'failed', reason: 'Not bought: the carrier that offered this number is not available now, so it was not ordered and nothing was charged. Search again for another number.' });
      expect(line!.reasonDetail).toContain('was disabled before the line was sent');
      expect(await chargesOf([line!.id])).toEqual([]);
      expect(await ownedUpstream(connection.id, number.e164)).toBe(0);
      expect(await getTakenNumbersByE164s(test.db, { e164s: [number.e164] })).toEqual([]);
    });

    it('follows up lines already sent to it without sending them again: what the carrier bought is charged, the rest given up on for staff to check', async () => {
      const access = await tech();
      const answer = await search(access, '312');
      const bought = pick(answer, 'voicetel');
      const unsent = pick(answer, 'carrierx');
      const order = await placeWith(access, answer, [bought.e164, unsent.e164], 'disabled-after-sending');
      const voicetel = await connectionOf('voicetel');
      const carrierx = await connectionOf('carrierx');
      // The carrier bought one number before the process died; the other request never reached its carrier.
      const { adapter } = await getConnectionAdapter(voicetel.id);
      await requireCapability(adapter, 'numbers').order({ numbers: [bought.e164], idempotencyKey: `${order.id}-first-run` });
      await crashAfterMarkingSent(order);

      await whileDisabled(['voicetel', 'carrierx'], async () => {
        expect((await executeOrder(order.id)).status).toBe('in_progress');
        const lines = await linesOf(order.id);
        expect(lines.find((line) => line.e164 === bought.e164)).toMatchObject({ status: 'active' });
        expect(lines.find((line) => line.e164 === unsent.e164)).toMatchObject({ status: 'submitted' });
        expect(await ownedUpstream(carrierx.id, unsent.e164)).toBe(0);

        expect((await executeOrder(order.id, { now: afterGivingUp(order) })).status).toBe('partial');
      });
      const lines = await linesOf(order.id);
      const [boughtLine, unsentLine] = [lines.find((line) => line.e164 === bought.e164)!, lines.find((line) => line.e164 === unsent.e164)!];
      expect(unsentLine).toMatchObject({ status: 'failed' });
      expect(await chargesOf([boughtLine.id])).toHaveLength(1);
      expect(await chargesOf([unsentLine.id])).toEqual([]);
      expect(await ownedUpstream(voicetel.id, bought.e164)).toBe(1);
      expect(await ownedUpstream(carrierx.id, unsent.e164)).toBe(0);
      expect(await releaseTasksOf(unsentLine.id)).toEqual([expect.objectContaining({ status: 'open', connectionId: carrierx.id })]);
    });

    it('is left out of the trunk drift check, and read again once enabled', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.west.id);
      const voicetel = await connectionOf('voicetel');
      const { group } = await createTrunkGroup(owner, trunkGroupInput({ name: 'Drift PBX' }));
      const answer = await search(owner, '212');
      const number = pick(answer, 'voicetel');
      const order = await placeWith(owner, answer, [number.e164], 'drift-number');
      expect((await executeOrder(order.id)).status).toBe('completed');
      const [live] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, number.e164));
      const { sync } = await assignNumbers(owner, { trunkGroupId: group.id, numberIds: [live!.id] });
      expect(sync?.status).toBe('applied');
      const [copy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group.id));
      // Someone changes the trunk in the carrier's own portal.
      const trunks = requireCapability((await getConnectionAdapter(voicetel.id)).adapter, 'trunks');
      const current = (await trunks.get(copy!.trunkRef!))!;
      await trunks.update(copy!.trunkRef!, { ...current, destinations: current.destinations.map((destination) => ({ ...destination, host: '44.77.77.77' })) });

      const whileOff = await whileDisabled(['voicetel'], () => checkTrunkDrift());
      expect(whileOff.filter((check) => check.connectionId === voicetel.id)).toEqual([]);
      expect((await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group.id)))[0]!.drift).toEqual([]);

      const checks = await checkTrunkDrift();
      expect(checks.find((check) => check.trunkGroupId === group.id)?.drifted).toBeGreaterThan(0);
    });
  });

  it('never releases the hold of a number a checkout took while it was being removed from the cart', async () => {
    const access = await tech();
    const answer = await search(access, { state: 'IL' });
    const number = pick(answer, 'vitcom');
    await emptyCart(access);
    await addToCart(access, { searchId: answer.searchId, numbers: [number.e164] });
    const [item] = (await getCart(access)).items;
    expect(item?.e164).toBe(number.e164);
    expect(item?.holdRef).toBeTruthy();

    let reached!: () => void;
    let release!: () => void;
    const atDelete = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    cartGate.beforeDelete = async () => {
      reached();
      await released;
    };
    const removing = removeFromCart(access, item!.id);
    removing.catch(() => undefined);
    await atDelete;
    const order = await placeOrder(access, { idempotencyKey: 'checkout-while-removing', ...(await confirmNoE911(access)) });
    release();
    await expect(removing).rejects.toMatchObject({ code: 'not_found:cart_item', message: expect.stringContaining('just ordered') });

    expect((await executeOrder(order.id)).status).toBe('completed');
    const [line] = await linesOf(order.id);
    expect(line).toMatchObject({ e164: number.e164, status: 'active' });
    expect(await ownedUpstream((await connectionOf('vitcom')).id, number.e164)).toBe(1);
  });

  describe('a suspended account', () => {
    it('buys nothing new for an order placed before it (or an ancestor) was suspended, and charges nothing', async () => {
      const owner = await accessAs(test.db, 'owner@acme.example', tenants.east.id);
      const lab = await createSubAccount(owner, { name: 'East Lab', internationalAllowed: false, maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined });
      const access = await tech(lab.id);
      const answer = await search(access, '312');
      const number = pick(answer, 'voicetel');
      const order = await placeWith(access, answer, [number.e164], 'placed-before-suspension');
      const parent = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      await setSubAccountStatus(parent, tenants.east.id, 'suspended');
      try {
        expect((await tech(lab.id)).readOnly).toBe(true);
        expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'failed' });
      } finally {
        await setSubAccountStatus(parent, tenants.east.id, 'active');
      }
      const [line] = await linesOf(order.id);
      expect(line).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Not bought: Acme East is suspended, so this number was not ordered from the carrier and nothing was charged\./) });
      expect(await chargesOf([line!.id])).toEqual([]);
      expect(await ownedUpstream((await connectionOf('voicetel')).id, number.e164)).toBe(0);
      // Not held for the length of the suspension: other customers may buy it.
      expect(await getTakenNumbersByE164s(test.db, { e164s: [number.e164] })).toEqual([]);
    });

    it('keeps and charges what the carrier already bought, and sends nothing again', async () => {
      const access = await tech();
      const answer = await search(access, '312');
      const bought = pick(answer, 'voicetel');
      const unsent = pick(answer, 'carrierx');
      const order = await placeWith(access, answer, [bought.e164, unsent.e164], 'sent-before-suspension');
      const voicetel = await connectionOf('voicetel');
      const carrierx = await connectionOf('carrierx');
      await requireCapability((await getConnectionAdapter(voicetel.id)).adapter, 'numbers').order({ numbers: [bought.e164], idempotencyKey: `${order.id}-first-run` });
      await crashAfterMarkingSent(order);
      const parent = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      await setSubAccountStatus(parent, tenants.east.id, 'suspended');
      try {
        expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'in_progress' });
        expect(await ownedUpstream(carrierx.id, unsent.e164)).toBe(0);
        expect((await executeOrder(order.id, { now: afterGivingUp(order) })).status).toBe('partial');
      } finally {
        await setSubAccountStatus(parent, tenants.east.id, 'active');
      }
      const lines = await linesOf(order.id);
      const [boughtLine, unsentLine] = [lines.find((line) => line.e164 === bought.e164)!, lines.find((line) => line.e164 === unsent.e164)!];
      expect(boughtLine).toMatchObject({ status: 'active' });
      expect(await chargesOf([boughtLine.id])).toHaveLength(1);
      expect(unsentLine).toMatchObject({ status: 'failed' });
      expect(await chargesOf([unsentLine.id])).toEqual([]);
      expect(await ownedUpstream(carrierx.id, unsent.e164)).toBe(0);
      expect(await releaseTasksOf(unsentLine.id)).toEqual([expect.objectContaining({ status: 'open', connectionId: carrierx.id })]);
    });
  });

  describe('a number another order won in the portal', () => {
    let second: RunningSandbox;
    beforeAll(async () => {
      second = await startSandbox(sandboxDefinitions.carrierx, { port: 0 });
    });
    afterAll(async () => {
      await second?.close();
    });
    /** Another connection (another carrier account) of the same provider; off unless a test turns it on. */
    async function secondConnection() {
      const [existing] = await test.db.select().from(providerConnections).where(eq(providerConnections.name, 'carrierx second'));
      if (existing) return existing;
      const created = await createConnection(staff, { provider: 'carrierx', name: 'carrierx second', baseUrl: second.url, credentials: SANDBOX_CREDENTIALS.carrierx });
      expect(created.enabled).toBe(true);
      await setConnectionEnabled(staff, created.id, false);
      return (await test.db.select().from(providerConnections).where(eq(providerConnections.id, created.id)))[0]!;
    }

    /** A number of `provider` both accounts' searches offer, each in its cart and ordered. */
    async function bothOrder(provider: ProviderId, key: string, npa = '312') {
      const accesses = [await tech(), await globex()] as const;
      const answers = [await search(accesses[0], npa), await search(accesses[1], npa)];
      const e164 = answers[0]!.results.find((result) => result.provider === provider && answers[1]!.results.some((other) => other.e164 === result.e164))?.e164;
      expect(e164, `a ${provider} number both accounts see`).toBeDefined();
      // Both carts first: once one order is placed, the number is no longer offered to anyone.
      for (const access of accesses) await emptyCart(access);
      for (const [index, access] of accesses.entries()) expect((await addToCart(access, { searchId: answers[index]!.searchId, numbers: [e164!] })).added).toEqual([e164]);
      const orders = [] as NumberOrder[];
      for (const access of accesses) orders.push(await placeOrder(access, { idempotencyKey: key, ...(await confirmNoE911(access)) }));
      return { e164: e164!, orders: orders as [NumberOrder, NumberOrder] };
    }

    async function untilSent(orderId: string) {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        if ((await linesOf(orderId)).every((line) => line.status !== 'pending')) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`order ${orderId} was never sent`);
    }

    it('asks staff to release it at the carrier that sold it to the losing line on another connection', async () => {
      const { e164, orders } = await bothOrder('carrierx', 'won-elsewhere');
      // The second line goes to another connection (another carrier account), which is slow to answer.
      const other = await secondConnection();
      await setConnectionEnabled(staff, other.id, true);
      await test.db.update(numberOrderLines).set({ connectionId: other.id }).where(eq(numberOrderLines.orderId, orders[1].id));
      second.setKnobs({ latencyMs: 2500 });
      try {
        const driving = executeOrder(orders[1].id);
        await untilSent(orders[1].id);
        await executeOrder(orders[0].id);
        await driving;
      } finally {
        second.setKnobs({ latencyMs: 0 });
        await setConnectionEnabled(staff, other.id, false);
      }
      const lines = [...(await linesOf(orders[0].id)), ...(await linesOf(orders[1].id))];
      const won = lines.filter((line) => line.status === 'active');
      const lost = lines.filter((line) => line.status === 'failed');
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.objectContaining({ e164, reason: LOST })]);
      expect(await chargesOf(lost.map((line) => line.id))).toEqual([]);
      // Both carriers sold it: the one whose line lost bills us for a number nobody has.
      const lostConnection = lost[0]!.connectionId;
      expect(await ownedUpstream(lostConnection, e164)).toBe(1);
      const tasks = await releaseTasksOf(lost[0]!.id);
      expect(tasks).toEqual([expect.objectContaining({ status: 'open', kind: 'release_at_carrier', connectionId: lostConnection, title: expect.stringContaining('lost it to another order') })]);
      expect(tasks[0]!.title).toContain('at CarrierX');
      expect(tasks[0]!.detail).toContain('answered that it bought the number');
      expect(await releaseTasksOf(won[0]!.id)).toEqual([]);
    });

    it('asks staff to check the carrier a lost line was sent to before another connection’s order won it', async () => {
      const { e164, orders } = await bothOrder('carrierx', 'sent-then-won-elsewhere', '415');
      const other = await secondConnection();
      await test.db.update(numberOrderLines).set({ connectionId: other.id }).where(eq(numberOrderLines.orderId, orders[1].id));
      await crashAfterMarkingSent(orders[1]);
      expect((await executeOrder(orders[0].id)).status).toBe('completed');
      expect((await executeOrder(orders[1].id)).status).toBe('failed');
      const [line] = await linesOf(orders[1].id);
      expect(line).toMatchObject({ e164, status: 'failed', reason: LOST });
      expect(await releaseTasksOf(line!.id)).toEqual([expect.objectContaining({ status: 'open', connectionId: other.id, detail: expect.stringContaining('was sent to it') })]);
    });

    it('opens no task when the winner holds the number on the same connection (the carrier sold it once)', async () => {
      const { e164, orders } = await bothOrder('voicemeup', 'won-on-same-connection', '212');
      const voicemeup = await connectionOf('voicemeup');
      // On the carrier's account already, so it answers "bought" to both orders.
      await requireCapability((await getConnectionAdapter(voicemeup.id)).adapter, 'numbers').order({ numbers: [e164], idempotencyKey: 'outside-the-portal-same-connection' });
      sandboxes.get('voicemeup').setKnobs({ latencyMs: 1500 });
      try {
        const driving = executeOrder(orders[1].id);
        await untilSent(orders[1].id);
        await Promise.all([executeOrder(orders[0].id), driving]);
      } finally {
        sandboxes.get('voicemeup').setKnobs({ latencyMs: 0 });
      }
      const lines = [...(await linesOf(orders[0].id)), ...(await linesOf(orders[1].id))];
      expect(lines.filter((line) => line.status === 'active')).toHaveLength(1);
      expect(lines.filter((line) => line.status === 'failed')).toEqual([expect.objectContaining({ reason: LOST })]);
      for (const line of lines) expect(await releaseTasksOf(line.id)).toEqual([]);
    });
  });
});
