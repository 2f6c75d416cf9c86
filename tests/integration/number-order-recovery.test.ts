/**
 * Issue 10.7: an order a crash left in flight is picked up as soon as the app starts again, not
 * after its lease runs out; an order a live instance is driving is never taken from it.
 */
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDbHandle, openPostgres, type DbHandle } from '@/lib/db/client';
import { accountLedger, numberOrderLines, numberOrders, phoneNumbers, staffTasks, type NumberOrder } from '@/lib/db/schema';
import { JOBS } from '@/lib/jobs';
import { resetBreakers } from '@/lib/providers/http';
import { addToCart } from '@/lib/services/number-cart';
import { EXECUTION_LEASE_MS, GIVE_UP_AFTER_MS, executeOrder, placeOrder, reconcileOrders } from '@/lib/services/number-orders';
import { searchAvailableNumbers } from '@/lib/services/number-search';
import { claimOrderExecution, orderLockKey } from '@/lib/db/order-execution-lock';
import { getConnectionAdapter } from '@/lib/services/providers';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { testDriver, useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { outputOf, startTestRunner, waitForFirstRun } from '../support/jobs';
import { useSandboxes } from '../support/sandboxes';

/** Local writes that fail once, as a connection reset or a statement timeout would, after the upstream answered. */
const faults = vi.hoisted(() => ({ activation: 0, processedOrderState: 0 }));
const connectionReset = () => Object.assign(new Error('write CONNECTION_RESET'), { code: 'ECONNRESET' });
vi.mock('@/lib/db/queries/number-orders', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/db/queries/number-orders')>();
  return {
    ...actual,
    markOrderLineActive: async (...args: Parameters<typeof actual.markOrderLineActive>) => {
      if (faults.activation > 0) {
        faults.activation -= 1;
        throw connectionReset();
      }
      return actual.markOrderLineActive(...args);
    },
  };
});
vi.mock('@/lib/db/queries/providers', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/db/queries/providers')>();
  return {
    ...actual,
    // VITCOM's adapter records "processed" in its state right after the upstream bought the numbers.
    upsertProviderStateValue: async (...args: Parameters<typeof actual.upsertProviderStateValue>) => {
      const value = args[1].value as { processed?: boolean } | null;
      if (faults.processedOrderState > 0 && value && typeof value === 'object' && value.processed === true) {
        faults.processedOrderState -= 1;
        throw connectionReset();
      }
      return actual.upsertProviderStateValue(...args);
    },
  };
});

describe('orders left in flight by a crash', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  const ownedUpstream = async (provider: ProviderId, e164: string) => {
    const [connection] = (await test.db.query.providerConnections.findMany()).filter((row) => row.provider === provider);
    const { adapter } = await getConnectionAdapter(connection!.id);
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor });
      count += page.items.filter((item) => item.e164 === e164).length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  };

  /** An order of one number, recorded but not yet driven. */
  async function orderOne(where: string | Record<string, string>, provider: ProviderId, key: string) {
    const access = await tech();
    const answer = await searchAvailableNumbers(access, numberSearchSchema.parse({ ...(typeof where === 'string' ? { npa: where } : where), quantity: '10' }), { fresh: true });
    const e164 = answer.results.find((result) => result.provider === provider)?.e164;
    expect(e164, `a ${provider} number in ${JSON.stringify(where)}`).toBeDefined();
    await addToCart(access, { searchId: answer.searchId, numbers: [e164!] });
    return { order: await placeOrder(access, { idempotencyKey: key, ...(await confirmNoE911(access)) }), e164: e164! };
  }

  /** What a process that died while driving the order leaves behind: in progress, lines sent, under a lease minutes from running out. */
  async function crashWhileDriving(order: NumberOrder) {
    await test.db.update(numberOrders).set({ status: 'in_progress', leaseUntil: new Date(Date.now() + EXECUTION_LEASE_MS) }).where(eq(numberOrders.id, order.id));
    await test.db.update(numberOrderLines).set({ status: 'submitted' }).where(eq(numberOrderLines.orderId, order.id));
  }

  const statusOf = async (orderId: string) => (await test.db.select().from(numberOrders).where(eq(numberOrders.id, orderId)))[0]!.status;

  it('finishes it in the start-up run of the reconcile job, with its lease still running', async () => {
    const { order, e164 } = await orderOne('312', 'voicetel', 'crash-at-start');
    await crashWhileDriving(order);
    const job = JOBS.find((candidate) => candidate.name === 'reconcile-orders')!;
    expect(job.runAtStart).toBe(true);

    // The app queues it on pg-boss as it starts; the worker runs it.
    const runner = await startTestRunner(await getDbHandle(), [job]);
    const run = await waitForFirstRun(runner, job.name).finally(() => runner.stop(1000));
    expect(run.state).toBe('completed');
    expect(outputOf(run)).toContainEqual({ orderId: order.id, status: 'completed' });
    expect(await ownedUpstream('voicetel', e164)).toBe(1);
    expect(await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, e164))).toHaveLength(1);
    const [line] = await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, order.id));
    expect(await test.db.select().from(accountLedger).where(eq(accountLedger.orderLineId, line!.id))).toHaveLength(1);
    const [row] = await test.db.select().from(numberOrders).where(eq(numberOrders.id, order.id));
    expect(row!.leaseUntil).toBeNull();
  });

  it('leaves an order to the driver in this process that has it, and takes it once that driver stops', async () => {
    const { order, e164 } = await orderOne('214', 'carrierx', 'driven-here');
    const release = await claimOrderExecution(order.id);
    expect(release).toBeDefined();
    expect(await claimOrderExecution(order.id)).toBeUndefined();
    expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'pending' });
    expect(await ownedUpstream('carrierx', e164)).toBe(0);
    await release!();
    expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'completed' });
    expect(await ownedUpstream('carrierx', e164)).toBe(1);
  });

  const linesOf = (orderId: string) => test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, orderId));
  const chargesOf = async (orderId: string) => {
    const lineIds = (await linesOf(orderId)).map((line) => line.id);
    return (await test.db.select().from(accountLedger)).filter((entry) => entry.orderLineId && lineIds.includes(entry.orderLineId));
  };

  it('keeps a line the carrier bought submitted when recording it fails, and finishes it with one charge on the next run', async () => {
    const { order, e164 } = await orderOne('312', 'voicetel', 'activation-fault');
    faults.activation = 1;
    try {
      expect((await executeOrder(order.id)).status).toBe('in_progress');
    } finally {
      faults.activation = 0;
    }
    // The carrier holds it; the portal has not recorded it yet, and has failed nothing.
    expect(await ownedUpstream('voicetel', e164)).toBe(1);
    expect(await linesOf(order.id)).toEqual([expect.objectContaining({ status: 'submitted', reason: null })]);
    expect(await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, e164))).toHaveLength(0);
    expect(await chargesOf(order.id)).toHaveLength(0);

    expect((await executeOrder(order.id)).status).toBe('completed');
    expect(await linesOf(order.id)).toEqual([expect.objectContaining({ status: 'active' })]);
    expect(await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, e164))).toEqual([expect.objectContaining({ accountId: tenants.east.id, status: 'active' })]);
    expect(await chargesOf(order.id)).toHaveLength(1);
    expect(await ownedUpstream('voicetel', e164)).toBe(1);
  });

  it('retries, rather than fails, an order whose adapter met a local fault after the carrier bought', async () => {
    const { order, e164 } = await orderOne({ state: 'IL' }, 'vitcom', 'adapter-state-fault');
    faults.processedOrderState = 1;
    try {
      expect((await executeOrder(order.id)).status).toBe('in_progress');
    } finally {
      faults.processedOrderState = 0;
    }
    expect(await ownedUpstream('vitcom', e164)).toBe(1);
    expect(await linesOf(order.id)).toEqual([expect.objectContaining({ status: 'submitted' })]);

    expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'completed' });
    expect(await chargesOf(order.id)).toHaveLength(1);
    expect(await ownedUpstream('vitcom', e164)).toBe(1);
  });

  it('asks staff to check the carrier for a line it gives up on after sending it', async () => {
    const { order, e164 } = await orderOne('415', 'carrierx', 'give-up');
    sandboxes.get('carrierx').setKnobs({ errorRate: 1 });
    try {
      expect((await executeOrder(order.id, { now: new Date(order.createdAt.getTime() + GIVE_UP_AFTER_MS + 60_000) })).status).toBe('failed');
    } finally {
      sandboxes.get('carrierx').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    const [line] = await linesOf(order.id);
    expect(line).toMatchObject({ status: 'failed', reason: expect.stringContaining('nothing was charged') });
    const tasks = await test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'release_at_carrier'), eq(staffTasks.subjectId, line!.id)));
    expect(tasks).toEqual([expect.objectContaining({ status: 'open', accountId: tenants.east.id, subjectType: 'number_order_line', connectionId: line!.connectionId, title: expect.stringContaining('at CarrierX') })]);
    expect(tasks[0]!.title).toContain(e164.slice(-4));
    expect(await chargesOf(order.id)).toHaveLength(0);
  });

  describe.runIf(testDriver() === 'postgres')('with several instances on PostgreSQL', () => {
    /** Another app instance on the same database: its own connections, its own locks. */
    async function otherInstance(): Promise<DbHandle> {
      const rows = (await test.db.execute(sql`select current_database() as name`)) as unknown as { name: string }[];
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${rows[0]!.name}`;
      return openPostgres(url.toString(), { max: 2 });
    }
    const lockHeld = async (orderId: string) => {
      const key = orderLockKey(orderId);
      const rows = (await test.db.execute(
        sql`select count(*)::int as held from pg_locks where locktype = 'advisory' and granted and objsubid = 1 and ((classid::bigint << 32) | objid::bigint) = ${key.toString()}::bigint`,
      )) as unknown as { held: number }[];
      return rows[0]!.held > 0;
    };

    it('lets exactly one of two instances drive an order', async () => {
      const { order } = await orderOne('415', 'voicetel', 'two-instances');
      const other = await otherInstance();
      try {
        const claims = await Promise.all([claimOrderExecution(order.id), claimOrderExecution(order.id, other), claimOrderExecution(order.id, other)]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        await Promise.all(claims.map((release) => release?.()));
        expect(await lockHeld(order.id)).toBe(false);
        // Left for the last test's reconcile: nothing here drove it.
        expect(await statusOf(order.id)).toBe('pending');
      } finally {
        await other.close();
      }
    });

    it('never takes an order a live instance is driving, and takes it at once when that instance dies', async () => {
      const { order, e164 } = await orderOne('773', 'voicetel', 'other-instance');
      await crashWhileDriving(order);
      const other = await otherInstance();
      const release = await claimOrderExecution(order.id, other);
      expect(release).toBeDefined();
      expect(await lockHeld(order.id)).toBe(true);

      const outcomes = await reconcileOrders();
      expect(outcomes).toContainEqual({ orderId: order.id, status: 'in_progress' });
      expect(await ownedUpstream('voicetel', e164)).toBe(0);
      expect(await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, order.id))).toEqual([expect.objectContaining({ status: 'submitted' })]);

      // The other instance dies: its connections drop, and the server frees its locks.
      await (other.db as unknown as { $client: { end(options: { timeout: number }): Promise<void> } }).$client.end({ timeout: 0 });
      for (let attempt = 0; attempt < 50 && (await lockHeld(order.id)); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await lockHeld(order.id)).toBe(false);

      const after = await reconcileOrders();
      expect(after).toContainEqual({ orderId: order.id, status: 'completed' });
      expect(await ownedUpstream('voicetel', e164)).toBe(1);
      expect(await statusOf(order.id)).toBe('completed');
    });
  });
});
