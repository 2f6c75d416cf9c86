import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, cartItems, numberOrderLines, numberOrders, providerNumberCosts, trunkGroups } from '@/lib/db/schema';
import { insertProviderConnection } from '@/lib/db/queries/providers';
import { formatE164 } from '@/lib/format';
import type { ProviderId } from '@/lib/providers/types';
import { addToCart, getCart } from '@/lib/services/number-cart';
import { getCheckoutSummary } from '@/lib/services/number-orders';
import { getOrderProgress } from '@/lib/services/order-progress';
import { searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { sealCredentials } from '@/lib/services/secret-box';
import { describeLines } from '@/lib/services/upstream-choice';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';
import { SANDBOX_CREDENTIALS, useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

const UPSTREAM_NAMES = /VoiceTel|VoiceMeUp|CarrierX|Vitcom|VITCOM|sandbox/i;

/** Issue 12.5 and the checkout part of 12.4, over the real sandboxes. */
describe('an honest checkout: why each number comes from its carrier, and numbers without E911 confirmed', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const staff = () => accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
  const search = async (npa: string) => searchAvailableNumbers(await tech(), numberSearchSchema.parse({ quantity: '10', npa }), { fresh: true });
  const first = (answer: SearchAnswer, provider: ProviderId) => {
    const found = answer.results.find((result) => result.provider === provider);
    expect(found, `${provider} offers a number`).toBeDefined();
    return found!;
  };
  /** As the checkout form posts: its account and the numbers it showed (the whole cart), unless said. */
  async function placeOrderThroughAction(fields: Record<string, string>) {
    const { placeOrderAction } = await import('@/app/(portal)/numbers/checkout/actions');
    const form = new FormData();
    const shown = { accountId: tenants.acme.id, expectNumbers: Object.values(bought).join(',') };
    for (const [name, value] of Object.entries({ ...shown, ...fields })) form.set(name, value);
    try {
      return { state: await placeOrderAction({ status: 'idle' }, form) };
    } catch (error) {
      // Next's redirect to the order page, let through by the action contract.
      const digest = String((error as { digest?: unknown }).digest ?? '');
      const orderId = /\/numbers\/orders\/([0-9a-f-]{36})/.exec(digest)?.[1];
      if (!orderId) throw error;
      return { orderId };
    }
  }
  let bought: { voicetel: string; voicemeup: string; carrierx: string };
  let orderId: string;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    // A /24 allow-list: VoiceMeUp takes one /32 per peer, VoiceTel and CarrierX take the block.
    await test.db.insert(trunkGroups).values({
      accountId: tenants.acme.id,
      name: 'Main PBX',
      direction: 'both',
      auth: 'ip',
      allowedIps: ['203.0.113.0/24'],
      destinations: [{ host: '203.0.113.10', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
      codecs: ['PCMU'],
    });
  });

  it('records, per search result, whether its carrier can register E911 and carry the account’s trunk group', async () => {
    const answer = await search('312');
    const voicetel = first(answer, 'voicetel');
    const voicemeup = first(answer, 'voicemeup');
    const carrierx = first(answer, 'carrierx');
    expect(voicetel.choice).toMatchObject({ decidedBy: 'only_offer', offers: 1, e911: true, trunkGroups: [{ name: 'Main PBX', fits: true }], passedOver: [] });
    expect(voicemeup.choice).toMatchObject({ e911: true, trunkGroups: [{ name: 'Main PBX', fits: false }] });
    expect(carrierx.choice).toMatchObject({ e911: false, trunkGroups: [{ name: 'Main PBX', fits: true }] });
    // VITCOM takes calls from single addresses only: the /24 group is not one it can carry.
    expect(first(answer, 'vitcom').choice).toMatchObject({ e911: false, trunkGroups: [{ name: 'Main PBX', fits: false }] });
    bought = { voicetel: voicetel.e164, voicemeup: voicemeup.e164, carrierx: carrierx.e164 };
    const added = await addToCart(await tech(), { searchId: answer.searchId, numbers: Object.values(bought) });
    expect(added.failed).toEqual([]);
  });

  it('shows customers plain reasons in the cart and at checkout, never the upstream', async () => {
    const cart = await getCart(await tech());
    const why = (e164: string) => cart.items.find((item) => item.e164 === e164)!.why;
    expect(why(bought.voicetel)).toEqual({ e911: true, reasons: ['supports E911', 'supports your trunk group Main PBX', 'the only carrier offering it'], warnings: [] });
    expect(why(bought.voicemeup)).toEqual({ e911: true, reasons: ['supports E911', 'the only carrier offering it'], warnings: ['cannot be routed to your trunk group Main PBX'] });
    expect(why(bought.carrierx)).toEqual({ e911: false, reasons: ['supports your trunk group Main PBX', 'the only carrier offering it'], warnings: [] });
    expect(cart.noE911).toEqual([bought.carrierx]);
    expect(JSON.stringify(cart.items.map((item) => item.why))).not.toMatch(UPSTREAM_NAMES);
    // The reason is kept with the cart line, not recomputed from the (short-lived) search.
    const [line] = await test.db.select().from(cartItems).where(eq(cartItems.e164, bought.voicetel));
    expect(line!.choice).toMatchObject({ decidedBy: 'only_offer', e911: true });

    const summary = await getCheckoutSummary(await tech());
    expect(summary.noE911).toEqual([bought.carrierx]);
    expect(summary.lines.map((entry) => entry.why.upstream)).toEqual([undefined, undefined, undefined]);
    session.userId = (await sessionUser(test.db, 'tech@acme.example')).id;
    session.accountCookie = tenants.acme.id;
    const { default: CheckoutPage } = await import('@/app/(portal)/numbers/checkout/page');
    const page = textOf(await CheckoutPage());
    expect(page).toContain('supports your trunk group Main PBX');
    expect(page).toContain(formatE164(bought.carrierx));
    expect(page).not.toMatch(UPSTREAM_NAMES);
  });

  it('refuses the checkout action without the confirmation, with a field error, and writes nothing', async () => {
    session.userId = (await sessionUser(test.db, 'tech@acme.example')).id;
    session.accountCookie = tenants.acme.id;
    const refused = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0001' });
    expect(refused.state).toMatchObject({
      status: 'error',
      code: 'invalid:e911_confirmation',
      fieldErrors: { acknowledgedNoE911: [expect.stringContaining(formatE164(bought.carrierx))] },
      values: { idempotencyKey: 'honest-checkout-0001' },
    });
    // A confirmation of other numbers (a cart changed in another tab since the page was shown) does not cover this one.
    const stale = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0001', acknowledgedNoE911: bought.voicetel });
    expect(stale.state).toMatchObject({ status: 'error', fieldErrors: { acknowledgedNoE911: [expect.stringContaining(formatE164(bought.carrierx))] } });
    const garbage = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0001', acknowledgedNoE911: 'yes' });
    expect(garbage.state).toMatchObject({ status: 'error', fieldErrors: { acknowledgedNoE911: [expect.any(String)] } });
    expect(await test.db.select().from(numberOrders)).toEqual([]);
    expect((await getCart(await tech())).items).toHaveLength(3);
  });

  it('buys nothing when the cart or the account is not the one the page showed', async () => {
    session.userId = (await sessionUser(test.db, 'tech@acme.example')).id;
    session.accountCookie = tenants.acme.id;
    // A number added in another tab after the page was shown: the order would buy more than it said.
    const changed = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0002', acknowledgedNoE911: bought.carrierx, expectNumbers: [bought.voicetel, bought.carrierx].join(',') });
    expect(changed.state).toMatchObject({ status: 'error', code: 'conflict:cart_changed', message: expect.stringContaining('nothing was bought') });
    // Shown in Acme East, the account then switched to Acme in another tab: the form's account
    // rules, so Acme's cart is not bought from East's page.
    const switched = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0003', acknowledgedNoE911: bought.carrierx, accountId: tenants.east.id });
    expect(switched.orderId).toBeUndefined();
    expect(switched.state).toMatchObject({ status: 'error', code: 'invalid:cart_empty' });
    // A page from before the form said what it showed: reload.
    const old = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0004', acknowledgedNoE911: bought.carrierx, expectNumbers: '' });
    expect(old.state).toMatchObject({ status: 'error', fieldErrors: { expectNumbers: [expect.stringContaining('reload the page')] } });
    // Another tenant's account named in the form is not found.
    const foreign = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0005', acknowledgedNoE911: bought.carrierx, accountId: tenants.globex.id });
    expect(foreign.state).toMatchObject({ status: 'error', code: 'not_found:account' });
    expect(await test.db.select().from(numberOrders)).toEqual([]);
    expect((await getCart(await tech())).items).toHaveLength(3);
  });

  it('places the order once the numbers without E911 are confirmed, keeping each line’s reason', async () => {
    const placed = await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0001', acknowledgedNoE911: bought.carrierx });
    expect(placed.orderId).toBeDefined();
    orderId = placed.orderId!;
    // A double submit of the same form is the same order.
    expect((await placeOrderThroughAction({ idempotencyKey: 'honest-checkout-0001', acknowledgedNoE911: bought.carrierx })).orderId).toBe(orderId);
    expect(await test.db.select().from(numberOrders)).toHaveLength(1);
    const lines = await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.orderId, orderId));
    expect(lines.find((line) => line.e164 === bought.voicemeup)!.choice).toMatchObject({ e911: true, trunkGroups: [{ name: 'Main PBX', fits: false }] });
    expect(lines.find((line) => line.e164 === bought.carrierx)!.choice).toMatchObject({ e911: false });
    const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'order.place'), eq(auditEvents.targetId, orderId)));
    expect(audit!.after).toMatchObject({ confirmedWithoutE911: [bought.carrierx] });
  });

  it('shows the reason on the order page: the upstream to staff, never to customers or another account', async () => {
    const customer = await getOrderProgress(await tech(), orderId);
    const line = (progress: typeof customer, e164: string) => progress.lines.find((entry) => entry.e164 === e164)!;
    expect(line(customer, bought.voicetel).why).toEqual({ e911: true, reasons: ['supports E911', 'supports your trunk group Main PBX', 'the only carrier offering it'], warnings: [] });
    expect(line(customer, bought.carrierx).why.e911).toBe(false);
    expect(JSON.stringify(customer)).not.toMatch(UPSTREAM_NAMES);

    const operator = await getOrderProgress(await staff(), orderId);
    expect(line(operator, bought.voicetel).why).toMatchObject({ upstream: 'VoiceTel · voicetel sandbox', staffDetail: 'No other upstream offered it.', reasons: line(customer, bought.voicetel).why.reasons });
    expect(line(operator, bought.carrierx).why.upstream).toBe('CarrierX · carrierx sandbox');

    const { default: OrderPage } = await import('@/app/(portal)/numbers/orders/[orderId]/page');
    const render = async () => textOf(await OrderPage({ params: Promise.resolve({ orderId }) }));
    session.userId = (await sessionUser(test.db, 'tech@acme.example')).id;
    const customerPage = await render();
    expect(customerPage).toContain('supports your trunk group Main PBX');
    expect(customerPage).not.toMatch(UPSTREAM_NAMES);
    session.userId = (await sessionUser(test.db, 'staff@carrier.example')).id;
    expect(await render()).toContain('VoiceTel · voicetel sandbox');

    await expect(getOrderProgress(await accessAs(test.db, 'owner@globex.example', tenants.globex.id), orderId)).rejects.toMatchObject({ code: 'not_found:order' });
  });

  it('sells a number two equally able upstreams offer from the one that costs least, and says so', async () => {
    const [original] = (await test.db.query.providerConnections.findMany()).filter((row) => row.provider === 'voicetel');
    // A second account at the same upstream offers the very same inventory.
    const second = await insertProviderConnection(test.db, { provider: 'voicetel', name: 'voicetel second', baseUrl: sandboxes.get('voicetel').url, credentialsCiphertext: sealCredentials(SANDBOX_CREDENTIALS.voicetel) });
    await test.db.insert(providerNumberCosts).values([
      { connectionId: original!.id, kind: 'local', monthly: '0.3000', setup: '0' },
      { connectionId: second!.id, kind: 'local', monthly: '0.2000', setup: '0' },
    ]);
    const answer = await search('214');
    const offered = answer.results.filter((result) => result.provider === 'voicetel');
    expect(offered.length).toBeGreaterThan(0);
    for (const result of offered) {
      expect(result.connectionId).toBe(second!.id);
      expect(result.choice).toMatchObject({ decidedBy: 'price', offers: 2, lowestPrice: true, cost: '0.2000', passedOver: [{ connectionId: original!.id, cost: '0.3000', lostOn: 'price' }] });
    }
    await addToCart(await tech(), { searchId: answer.searchId, numbers: [offered[0]!.e164] });
    const customerWhy = (await getCart(await tech())).items.find((item) => item.e164 === offered[0]!.e164)!.why;
    expect(customerWhy.reasons).toContain('lowest price');
    expect(JSON.stringify(customerWhy)).not.toMatch(UPSTREAM_NAMES);
    const rows = await test.db.select().from(cartItems).where(eq(cartItems.e164, offered[0]!.e164));
    const [operatorWhy] = await describeLines(test.db, rows, { staff: true });
    expect(operatorWhy).toMatchObject({ upstream: 'VoiceTel · voicetel second', staffDetail: 'Chosen over VoiceTel · voicetel sandbox (costs 0.1000 more a month).' });
  });
});
