import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountLedger, cartItems, numberOrderLines, numberOrders, phoneNumbers } from '@/lib/db/schema';
import { getBalanceByBillingAccount } from '@/lib/db/queries/number-orders';
import { resetBreakers } from '@/lib/providers/http';
import { addToCart, expireCartHolds, getCart, removeFromCart } from '@/lib/services/number-cart';
import { executeOrder, getCheckoutSummary, getOrderView, placeOrder, reconcileOrders } from '@/lib/services/number-orders';
import { searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { getConnectionAdapter } from '@/lib/services/providers';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { reverseEntriesByDescription } from '../support/ledger';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

describe('buying numbers: search, cart, checkout, reconcile', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const search = async (query: Record<string, string>, options?: { timeoutMs?: number; fresh?: boolean }) =>
    searchAvailableNumbers(await tech(), numberSearchSchema.parse({ quantity: '10', ...query }), options);
  const pick = (answer: SearchAnswer, provider: ProviderId, count: number, skip: string[] = []) => {
    const found = answer.results.filter((result) => result.provider === provider && !skip.includes(result.e164)).slice(0, count);
    expect(found, `${provider} offers`).toHaveLength(count);
    return found.map((result) => result.e164);
  };
  const ownedUpstream = async (provider: ProviderId, e164: string) => {
    const [connection] = (await test.db.query.providerConnections.findMany()).filter((row) => row.provider === provider);
    const { adapter } = await getConnectionAdapter(connection!.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor });
      seen.push(...page.items.map((item) => item.e164));
      cursor = page.nextCursor;
    } while (cursor);
    return seen.filter((number) => number === e164).length;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('merges one search across every upstream and prices it as the account is billed (the default deck’s Tier A)', async () => {
    const answer = await search({ npa: '212' });
    expect(answer.providers.map((outcome) => [outcome.provider, outcome.ok])).toEqual([
      ['carrierx', true],
      ['vitcom', true],
      ['voicemeup', true],
      ['voicetel', true],
    ]);
    expect(answer.results.length).toBeGreaterThan(10);
    expect(new Set(answer.results.map((result) => result.e164)).size).toBe(answer.results.length);
    expect(answer.results.every((result) => result.e164.startsWith('+1212') && result.monthly === '5.0000')).toBe(true);
    // The same query within the cache's life is answered from the database, not upstream.
    expect((await search({ npa: '212' })).searchId).toBe(answer.searchId);
  });

  it('reports a provider that times out and still answers with the others', async () => {
    sandboxes.get('voicemeup').setKnobs({ latencyMs: 1500 });
    try {
      const answer = await search({ state: 'TX' }, { timeoutMs: 400, fresh: true });
      const slow = answer.providers.find((outcome) => outcome.provider === 'voicemeup')!;
      expect(slow).toMatchObject({ ok: false, reason: 'VoiceMeUp did not answer in time.' });
      expect(answer.results.length).toBeGreaterThan(0);
      expect(answer.results.some((result) => result.provider === 'voicemeup')).toBe(false);
    } finally {
      sandboxes.get('voicemeup').setKnobs({ latencyMs: 0 });
      resetBreakers();
    }
  });

  it('holds numbers where the upstream can, releases them on removal, and expires them', async () => {
    const answer = await search({ state: 'IL' }, { fresh: true });
    const [held, other] = pick(answer, 'vitcom', 2);
    const access = await tech();
    const added = await addToCart(access, { searchId: answer.searchId, numbers: [held!, other!] });
    expect(added.added.sort()).toEqual([held, other].sort());
    const cart = await getCart(access);
    expect(cart.items.every((item) => item.holdRef && (item.holdSecondsLeft ?? 0) > 60)).toBe(true);

    await removeFromCart(access, cart.items.find((item) => item.e164 === other)!.id);
    const expiring = (await getCart(access)).items;
    expect(expiring.map((item) => item.e164)).toEqual([held]);
    expect(await expireCartHolds(new Date(Date.now() + 24 * 3600_000))).toBe(1);
    expect((await getCart(access)).items).toEqual([]);
  });

  it('refuses checkout of an empty cart and of a cart whose hold ran out', async () => {
    const access = await tech();
    await expect(placeOrder(access, { idempotencyKey: 'empty-cart-1' })).rejects.toMatchObject({ code: 'invalid:cart_empty' });
    const answer = await search({ state: 'IL' });
    const [number] = pick(answer, 'vitcom', 1);
    await addToCart(access, { searchId: answer.searchId, numbers: [number!] });
    await test.db.update(cartItems).set({ holdExpiresAt: new Date(Date.now() - 1000) });
    await expect(placeOrder(access, { idempotencyKey: 'expired-cart-1' })).rejects.toMatchObject({ code: 'invalid:cart_expired', message: expect.stringContaining(number!) });
    expect(await test.db.select().from(numberOrders)).toHaveLength(0);
    await removeFromCart(access, (await getCart(access)).items[0]!.id);
  });

  it('checks out across upstreams once, however often it is submitted, and charges only what was bought', async () => {
    const access = await tech();
    const answer = await search({ npa: '312' }, { fresh: true });
    const wanted = [...pick(answer, 'voicetel', 1), ...pick(answer, 'carrierx', 1), ...pick(answer, 'voicemeup', 1)];
    await addToCart(access, { searchId: answer.searchId, numbers: wanted });
    const before = await getBalanceByBillingAccount(test.db, { billingAccountId: tenants.acme.id });
    const summary = await getCheckoutSummary(access);
    expect(summary).toMatchObject({ itemCount: 3, problems: [] });

    // A double click and a second tab: the same key is one order; another key finds the cart empty.
    const confirmed = await confirmNoE911(access);
    const results = await Promise.allSettled([
      placeOrder(access, { idempotencyKey: 'checkout-A', ...confirmed }),
      placeOrder(access, { idempotencyKey: 'checkout-A', ...confirmed }),
      placeOrder(access, { idempotencyKey: 'checkout-B', ...confirmed }),
    ]);
    const orders = results.filter((result) => result.status === 'fulfilled').map((result) => (result as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(new Set(orders).size).toBe(1);
    expect(await test.db.select().from(numberOrders)).toHaveLength(1);
    const orderId = orders[0]!;

    const [first, second] = await Promise.all([executeOrder(orderId), executeOrder(orderId)]);
    expect([first.status, second.status]).toContain('completed');
    const view = await getOrderView(access, orderId);
    expect(view.lines.map((line) => line.status)).toEqual(['active', 'active', 'active']);
    expect(await test.db.select().from(phoneNumbers)).toHaveLength(3);
    const charges = await test.db.select().from(accountLedger).where(eq(accountLedger.kind, 'charge'));
    expect(charges).toHaveLength(3);
    const after = await getBalanceByBillingAccount(test.db, { billingAccountId: tenants.acme.id });
    expect(Number(before.balance) - Number(after.balance)).toBeCloseTo(Number(summary.dueNow), 4);
    for (const [provider, e164] of [['voicetel', wanted[0]], ['carrierx', wanted[1]], ['voicemeup', wanted[2]]] as const) {
      expect(await ownedUpstream(provider, e164!), provider).toBe(1);
    }
    // Checking out again with the winning key returns the finished order and buys nothing.
    const [placed] = await test.db.select().from(numberOrders).where(eq(numberOrders.id, orderId));
    expect((await placeOrder(access, { idempotencyKey: placed!.idempotencyKey })).id).toBe(orderId);
    expect(await test.db.select().from(phoneNumbers)).toHaveLength(3);
  });

  it('reports a number that is gone by checkout for that number only', async () => {
    const access = await tech();
    const answer = await search({ npa: '214' }, { fresh: true });
    const [gone, fine] = pick(answer, 'voicetel', 2);
    await addToCart(access, { searchId: answer.searchId, numbers: [gone!, fine!] });
    // Someone else buys it first.
    const [connection] = (await test.db.query.providerConnections.findMany()).filter((row) => row.provider === 'voicetel');
    const { adapter } = await getConnectionAdapter(connection!.id);
    await requireCapability(adapter, 'numbers').order({ numbers: [gone!], idempotencyKey: 'someone-else' });

    const order = await placeOrder(access, { idempotencyKey: 'partial-1', ...(await confirmNoE911(access)) });
    const settled = await executeOrder(order.id);
    expect(settled.status).toBe('partial');
    const lines = await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, order.id));
    expect(lines.find((line) => line.e164 === gone)).toMatchObject({ status: 'failed', reason: expect.any(String) });
    expect(lines.find((line) => line.e164 === fine)).toMatchObject({ status: 'active' });
    const charged = await test.db.select().from(accountLedger).where(eq(accountLedger.description, `Number ${gone}: setup and first month`));
    expect(charged).toHaveLength(0);
  });

  it('finishes an order a crash left in flight, without buying or charging twice', async () => {
    const access = await tech();
    const answer = await search({ state: 'WA' }, { fresh: true });
    const [sent, unsent] = [...pick(answer, 'carrierx', 1), ...pick(answer, 'voicetel', 1)];
    await addToCart(access, { searchId: answer.searchId, numbers: [sent!, unsent!] });
    const order = await placeOrder(access, { idempotencyKey: 'crash-1', ...(await confirmNoE911(access)) });
    const lines = await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, order.id));
    const sentLine = lines.find((line) => line.e164 === sent)!;
    // The process sent the CarrierX group and died before recording the answer.
    await test.db.update(numberOrderLines).set({ status: 'submitted' }).where(eq(numberOrderLines.id, sentLine.id));
    await test.db.update(numberOrders).set({ status: 'in_progress' }).where(eq(numberOrders.id, order.id));
    const { adapter } = await getConnectionAdapter(sentLine.connectionId);
    await requireCapability(adapter, 'numbers').order({ numbers: [sent!], idempotencyKey: `${order.id}:${sentLine.connectionId}:` });

    const outcomes = await reconcileOrders();
    expect(outcomes).toContainEqual({ orderId: order.id, status: 'completed' });
    expect(await ownedUpstream('carrierx', sent!)).toBe(1);
    expect(await ownedUpstream('voicetel', unsent!)).toBe(1);
    const charges = (await test.db.select().from(accountLedger)).filter((entry) => entry.description.includes(sent!) || entry.description.includes(unsent!));
    expect(charges).toHaveLength(2);
    expect(await reconcileOrders()).toEqual([]);
  });

  it('keeps lines in flight while an upstream is down, then completes them once it is back', async () => {
    const access = await tech();
    const answer = await search({ npa: '415' }, { fresh: true });
    const [number] = answer.results.filter((result) => result.provider === 'carrierx').map((result) => result.e164);
    expect(number).toBeDefined();
    await addToCart(access, { searchId: answer.searchId, numbers: [number!] });
    const order = await placeOrder(access, { idempotencyKey: 'outage-1', ...(await confirmNoE911(access)) });
    sandboxes.get('carrierx').setKnobs({ errorRate: 1 });
    try {
      expect((await executeOrder(order.id)).status).toBe('in_progress');
    } finally {
      sandboxes.get('carrierx').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    expect(await test.db.select().from(accountLedger).where(eq(accountLedger.description, `Number ${number}: setup and first month`))).toHaveLength(0);
    expect(await reconcileOrders()).toContainEqual({ orderId: order.id, status: 'completed' });
    expect(await ownedUpstream('carrierx', number!)).toBe(1);
  });

  it('refuses an order beyond the balance and credit, or past the monthly spend cap', async () => {
    const access = await tech();
    const answer = await search({ npa: '212' });
    await addToCart(access, { searchId: answer.searchId, numbers: answer.results.slice(0, 2).map((result) => result.e164) });
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.acme.id, accountId: tenants.acme.id, kind: 'charge', amount: '-10000.0000', description: 'Test: a large bill' });
    await expect(placeOrder(access, { idempotencyKey: 'broke-1' })).rejects.toMatchObject({ code: 'conflict:funds', message: expect.stringContaining('available (balance plus credit)') });
    await reverseEntriesByDescription(test.db, 'Test: a large bill');
    const { accounts } = await import('@/lib/db/schema');
    await test.db.update(accounts).set({ monthlySpendCap: '1.00' }).where(eq(accounts.id, tenants.east.id));
    await expect(placeOrder(await tech(), { idempotencyKey: 'capped-1' })).rejects.toMatchObject({ code: 'conflict:funds', message: expect.stringContaining('monthly spend cap') });
    await test.db.update(accounts).set({ monthlySpendCap: '10000.00' }).where(eq(accounts.id, tenants.east.id));
  });

  it('routes the numbers bought to the trunk group chosen at checkout', async () => {
    const access = await tech();
    const { createTrunkGroup } = await import('@/lib/services/trunk-groups');
    const { group } = await createTrunkGroup(access, {
      name: 'Checkout PBX',
      direction: 'both',
      auth: 'ip',
      allowedIps: ['44.30.0.1/32'],
      destinations: [{ host: '44.30.0.1', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
      codecs: ['PCMU'],
      callerIdPolicy: 'pass_through',
    });
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(placeOrder(globex, { idempotencyKey: 'foreign-trunk-1', trunkGroupRef: group.id })).rejects.toMatchObject({ code: 'not_found:trunk_group' });

    const { accounts } = await import('@/lib/db/schema');
    await test.db.update(accounts).set({ requireE911ForRouting: true }).where(eq(accounts.id, tenants.acme.id));
    await expect(placeOrder(await tech(), { idempotencyKey: 'e911-required-1', trunkGroupRef: group.id })).rejects.toMatchObject({ code: 'conflict:e911_required' });
    await test.db.update(accounts).set({ requireE911ForRouting: false }).where(eq(accounts.id, tenants.acme.id));

    const answer = await search({ npa: '773' }, { fresh: true });
    const [number] = pick(answer, 'voicetel', 1);
    await addToCart(access, { searchId: answer.searchId, numbers: [number!] });
    const order = await placeOrder(access, { idempotencyKey: 'with-trunk-1', trunkGroupRef: group.id, ...(await confirmNoE911(access)) });
    expect((await executeOrder(order.id)).status).toBe('completed');
    const [bought] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, number!));
    expect(bought!.trunkGroupRef).toBe(group.id);
    const { trunkGroupUpstreams } = await import('@/lib/db/schema');
    const copies = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group.id));
    // The cart still held two numbers from the refused order above: every upstream they came from gets the group.
    expect(copies.every((candidate) => candidate.status === 'applied')).toBe(true);
    const copy = copies.find((candidate) => candidate.connectionId === bought!.connectionId);
    expect(copy).toMatchObject({ status: 'applied' });
    const { adapter } = await getConnectionAdapter(copy!.connectionId);
    let cursor: string | undefined;
    let listed;
    do {
      const page = await requireCapability(adapter, 'numbers').list({ cursor });
      listed ??= page.items.find((item) => item.e164 === number);
      cursor = page.nextCursor;
    } while (cursor && !listed);
    expect(listed?.trunkRef).toBe(copy!.trunkRef);
  });

  it('keeps carts, searches and orders to their account', async () => {
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    const acmeSearch = await search({ npa: '212' });
    await expect(addToCart(globex, { searchId: acmeSearch.searchId, numbers: [acmeSearch.results[0]!.e164] })).rejects.toMatchObject({ code: 'not_found:search' });
    const [acmeOrder] = await test.db.select().from(numberOrders).limit(1);
    await expect(getOrderView(globex, acmeOrder!.id)).rejects.toMatchObject({ code: 'not_found:order' });
    expect((await getCart(globex)).items).toEqual([]);
    const finance = await accessAs(test.db, 'finance@acme.example', tenants.east.id);
    await expect(getCart(finance)).rejects.toMatchObject({ code: 'forbidden:role' });
    const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.east.id);
    await expect(addToCart(viewer, { searchId: acmeSearch.searchId, numbers: [acmeSearch.results[0]!.e164] })).rejects.toMatchObject({ code: 'forbidden:role' });
    await expect(placeOrder(viewer, { idempotencyKey: 'viewer-1' })).rejects.toMatchObject({ code: 'forbidden:role' });
  });
});
