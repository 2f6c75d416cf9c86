/**
 * Issue 10.2: the same number checked out at the same moment by two accounts of two tenants. The
 * upstreams sell from one carrier account behind every customer, so they may answer "active" to
 * both; the portal must give the number to one account, charge only that one, and tell the other
 * why it lost. Search and cart must not offer what the portal already holds or is buying.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountAccess } from '@/lib/auth/access';
import { accountLedger, numberOrderLines, numberOrders, phoneNumbers, type NumberOrder } from '@/lib/db/schema';
import { addToCart, getCart } from '@/lib/services/number-cart';
import { executeOrder, getOrderView, placeOrder } from '@/lib/services/number-orders';
import { searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { getConnectionAdapter } from '@/lib/services/providers';
import { sumAmounts } from '@/lib/services/pricing';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const ROUNDS = 20;
// VoiceMeUp counts a number already on the carrier's account as bought: the race the portal itself must decide.
const PROVIDERS: ProviderId[] = ['voicemeup', 'voicetel', 'voicemeup', 'carrierx'];
// "The same moment" for two people is a few milliseconds apart.
const STAGGER_MS = [0, 3, 8, 15, 25];
const LOST = 'Another customer bought this number a moment earlier; you were not charged.';

describe('two accounts buying the same number at the same moment', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const acme = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const globex = () => accessAs(test.db, 'owner@globex.example', tenants.globex.id);
  const search = (access: AccountAccess, query: Record<string, string>, options: { fresh?: boolean } = { fresh: true }) =>
    searchAvailableNumbers(access, numberSearchSchema.parse({ quantity: '20', ...query }), options);
  /** Numbers of one upstream that both accounts' searches offer. */
  const shared = (mine: SearchAnswer, theirs: SearchAnswer, provider: ProviderId, count: number) => {
    const found = mine.results.filter((result) => result.provider === provider && theirs.results.some((other) => other.e164 === result.e164)).slice(0, count);
    expect(found, `${provider} numbers both accounts see`).toHaveLength(count);
    return found.map((result) => result.e164);
  };
  const adapterOf = async (provider: ProviderId) => {
    const [connection] = (await test.db.query.providerConnections.findMany()).filter((row) => row.provider === provider);
    return (await getConnectionAdapter(connection!.id)).adapter;
  };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '1000.0000', description: 'Test: Globex prepayment' });
  });

  /** Both accounts put the numbers in their carts and check out; returns the two orders. */
  async function bothCheckOut(numbers: string[], searches: [SearchAnswer, SearchAnswer], key: string) {
    const accesses = [await acme(), await globex()] as const;
    for (const [index, access] of accesses.entries()) {
      const added = await addToCart(access, { searchId: searches[index]!.searchId, numbers });
      expect(added.added.sort(), `${access.account.name} adds ${numbers.join(', ')}`).toEqual([...numbers].sort());
    }
    const confirmed = await Promise.all(accesses.map(confirmNoE911));
    const orders = await Promise.all(accesses.map((access, index) => placeOrder(access, { idempotencyKey: key, ...confirmed[index] })));
    return { accesses, orders };
  }

  /** Runs both orders together, the second `staggerMs` after the first. */
  async function runTogether(orders: NumberOrder[], staggerMs = 0) {
    await Promise.all(
      orders.map(async (order, index) => {
        if (index > 0 && staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, staggerMs));
        return executeOrder(order.id);
      }),
    );
  }

  /** One live holder, one charge, one active line; the other line failed with the reason and uncharged. */
  async function expectOneOwner(e164: string, orders: NumberOrder[]) {
    const lines = await test.db.select().from(numberOrderLines).where(and(eq(numberOrderLines.e164, e164), inArray(numberOrderLines.orderId, orders.map((order) => order.id))));
    expect(lines, `${e164}: one line per order`).toHaveLength(orders.length);
    const won = lines.filter((line) => line.status === 'active');
    expect(won, `${e164}: exactly one line won`).toHaveLength(1);
    const winner = won[0]!;
    const winnerOrder = orders.find((order) => order.id === winner.orderId)!;
    for (const loser of lines.filter((line) => line !== winner)) expect(loser, `${e164}: the loser is told why`).toMatchObject({ status: 'failed', reason: LOST });

    const live = await test.db.select().from(phoneNumbers).where(and(eq(phoneNumbers.e164, e164), ne(phoneNumbers.status, 'released')));
    expect(live, `${e164}: one live holder`).toHaveLength(1);
    expect(live[0]).toMatchObject({ accountId: winnerOrder.accountId, orderLineId: winner.id });

    const charges = await test.db.select().from(accountLedger).where(inArray(accountLedger.orderLineId, lines.map((line) => line.id)));
    expect(charges, `${e164}: one charge`).toHaveLength(1);
    expect(charges[0]).toMatchObject({ orderLineId: winner.id, accountId: winnerOrder.accountId, kind: 'charge' });
    expect(await test.db.select().from(accountLedger).where(eq(accountLedger.description, `Number ${e164}: setup and first month`)), `${e164}: no other charge names it`).toHaveLength(1);
  }

  /** What each account's order page says: a line is shown bought only if it is the account's and charged. */
  async function expectHonestViews(accesses: readonly AccountAccess[], orders: NumberOrder[]) {
    for (const order of orders) {
      const buyer = accesses.find((candidate) => candidate.account.id === order.accountId)!;
      // Charges are shown to roles that read billing: the page as the account's owner sees it.
      const access = buyer.permissions.has('billing.read') ? buyer : await accessAs(test.db, 'owner@acme.example', order.accountId);
      const view = await getOrderView(access, order.id);
      const active = view.lines.filter((line) => line.status === 'active');
      for (const line of view.lines) {
        if (line.status === 'active') expect(line, `${line.e164} bought`).toMatchObject({ owned: true, charged: sumAmounts([line.setup, line.monthly]), reason: null });
        else expect(line, `${line.e164} lost`).toMatchObject({ status: 'failed', owned: false, charged: undefined, reason: LOST });
      }
      expect(view.order.status).toBe(active.length === view.lines.length ? 'completed' : active.length === 0 ? 'failed' : 'partial');
      expect(Number(view.charged)).toBeCloseTo(Number(sumAmounts(active.map((line) => sumAmounts([line.setup, line.monthly])))), 4);
      const [row] = await test.db.select().from(numberOrders).where(eq(numberOrders.id, order.id));
      expect(row!.status).toBe(view.order.status);
    }
  }

  it(`gives the number to one account and charges only that one, over ${ROUNDS} rounds on every orderable upstream`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const provider = PROVIDERS[round % PROVIDERS.length]!;
      const searches = (await Promise.all([search(await acme(), { npa: '212' }), search(await globex(), { npa: '212' })])) as [SearchAnswer, SearchAnswer];
      const [e164] = shared(...searches, provider, 1);
      const { accesses, orders } = await bothCheckOut([e164!], searches, `race-${round}`);
      await runTogether(orders, STAGGER_MS[round % STAGGER_MS.length]);
      await expectOneOwner(e164!, orders);
      await expectHonestViews(accesses, orders);
    }
  });

  it('decides in the portal when the upstream tells both orders they bought the numbers', async () => {
    const searches = (await Promise.all([search(await acme(), { npa: '312' }), search(await globex(), { npa: '312' })])) as [SearchAnswer, SearchAnswer];
    const numbers = shared(...searches, 'voicemeup', 4);
    const { accesses, orders } = await bothCheckOut(numbers, searches, 'both-told-yes');
    // The numbers reach the carrier's upstream account first, so VoiceMeUp answers "bought" to both orders.
    const upstream = await requireCapability((await adapterOf('voicemeup')), 'numbers').order({ numbers, idempotencyKey: 'outside-the-portal' });
    expect(upstream.lines.every((line) => line.status === 'active')).toBe(true);
    await runTogether(orders);
    for (const e164 of numbers) await expectOneOwner(e164, orders);
    await expectHonestViews(accesses, orders);
  });

  it('does not take a number another account already holds as bought, whatever the upstream says', async () => {
    const searches = (await Promise.all([search(await acme(), { npa: '415' }), search(await globex(), { npa: '415' })])) as [SearchAnswer, SearchAnswer];
    const [e164] = shared(...searches, 'voicemeup', 1);
    const { accesses, orders } = await bothCheckOut([e164!], searches, 'one-after-the-other');
    expect((await executeOrder(orders[0]!.id)).status).toBe('completed');
    expect((await executeOrder(orders[1]!.id)).status).toBe('failed');
    await expectOneOwner(e164!, orders);
    await expectHonestViews(accesses, orders);
  });

  it('leaves out of search and cart what the portal holds or is buying for any account', async () => {
    const [mine, theirs] = await Promise.all([search(await acme(), { npa: '214' }), search(await globex(), { npa: '214' })]);
    const [buying, bought] = shared(mine, theirs, 'voicetel', 2);
    await addToCart(await acme(), { searchId: mine.searchId, numbers: [buying!] });
    const order = await placeOrder(await acme(), { idempotencyKey: 'being-bought', ...(await confirmNoE911(await acme())) });

    // Globex's search is still cached from before; the number Acme is buying has left it.
    const cached = await search(await globex(), { npa: '214' }, {});
    expect(cached.searchId).toBe(theirs.searchId);
    expect(cached.results.map((result) => result.e164)).not.toContain(buying);
    const refused = await addToCart(await globex(), { searchId: theirs.searchId, numbers: [buying!] });
    expect(refused).toMatchObject({ added: [], failed: [{ e164: buying, reason: 'being bought by another customer' }] });

    expect((await executeOrder(order.id)).status).toBe('completed');
    const again = await addToCart(await globex(), { searchId: theirs.searchId, numbers: [buying!] });
    expect(again).toMatchObject({ added: [], failed: [{ e164: buying, reason: 'already bought by another customer' }] });
    expect((await getCart(await globex())).items.map((item) => item.e164)).not.toContain(buying);

    // A number the portal holds that an upstream still lists (say, a stale inventory) is not offered either.
    await test.db.insert(phoneNumbers).values({ accountId: tenants.globex.id, e164: bought!, kind: 'local', npa: '214', connectionId: mine.results.find((result) => result.e164 === bought)!.connectionId, monthly: '1.0000' });
    const fresh = await search(await acme(), { npa: '214' });
    expect(fresh.results.length).toBeGreaterThan(0);
    expect(fresh.results.map((result) => result.e164)).not.toContain(bought);
    const addedHere = await addToCart(await globex(), { searchId: theirs.searchId, numbers: [bought!] });
    expect(addedHere).toMatchObject({ added: [], failed: [{ e164: bought, reason: 'already one of this account’s numbers' }] });
  });
});
