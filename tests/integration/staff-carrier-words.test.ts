/**
 * Issue 12.2 (remainder): the carrier's own words kept on a refused order line
 * (`number_order_lines.reason_detail`) and on a failed E911 registration
 * (`phone_numbers.e911_upstream_detail`) reach operator staff on the order, number and address pages,
 * and never the JSON or HTML a customer gets. Every upstream call goes over HTTP to a sandbox.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { numberOrderLines, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { assignE911Address, saveE911Address } from '@/lib/services/e911';
import { getNumbersOfAddress, getUnregisteredNumbers } from '@/lib/services/e911-numbers';
import { addToCart } from '@/lib/services/number-cart';
import { executeOrder, placeOrder } from '@/lib/services/number-orders';
import { searchAvailableNumbers } from '@/lib/services/number-search';
import { getNumberDetail } from '@/lib/services/numbers';
import { getOrderProgress } from '@/lib/services/order-progress';
import { getConnectionAdapter } from '@/lib/services/providers';
import { e911AddressSchema } from '@/lib/validations/e911';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { confirmNoE911 } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

describe('staff see the carrier’s own words; customers never do (issue 12.2)', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const staff = () => accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;
  async function signInAs(email: string) {
    session.userId = (await sessionUser(test.db, email)).id;
    session.accountCookie = tenants.acme.id;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  describe('a failed order line', () => {
    let orderId: string;
    let gone: string;
    let words: string;
    let sentence: string;

    beforeAll(async () => {
      const access = await tech();
      const answer = await searchAvailableNumbers(access, numberSearchSchema.parse({ quantity: '10', npa: '214' }), { fresh: true });
      const offered = answer.results.filter((result) => result.provider === 'voicetel').map((result) => result.e164);
      expect(offered.length, 'VoiceTel offers two numbers').toBeGreaterThanOrEqual(2);
      gone = offered[0]!;
      await addToCart(access, { searchId: answer.searchId, numbers: offered.slice(0, 2) });
      // Someone outside the portal buys one at the carrier first: VoiceTel refuses that line in its own words.
      const { adapter } = await getConnectionAdapter((await connectionOf('voicetel')).id);
      await requireCapability(adapter, 'numbers').order({ numbers: [gone], idempotencyKey: 'bought-elsewhere' });
      const order = await placeOrder(access, { idempotencyKey: 'staff-words-1', ...(await confirmNoE911(access)) });
      orderId = order.id;
      expect((await executeOrder(order.id)).status).toBe('partial');
      const [line] = await test.db.select().from(numberOrderLines).where(eq(numberOrderLines.e164, gone));
      expect(line).toMatchObject({ orderId, status: 'failed', reason: expect.any(String), reasonDetail: expect.any(String) });
      words = line!.reasonDetail!;
      sentence = line!.reason!;
      // The customer's sentence is not the carrier's words (else there would be nothing to hide).
      expect(line!.reason).not.toContain(words);
    });

    it('the order JSON carries the carrier’s words on the failed line for staff only', async () => {
      const customer = await getOrderProgress(await tech(), orderId);
      const failed = customer.lines.find((line) => line.e164 === gone)!;
      expect(failed.status).toBe('failed');
      expect(failed.reason).toEqual(expect.any(String));
      expect(failed).not.toHaveProperty('reasonDetail');
      expect(JSON.stringify(customer)).not.toContain(words);

      const operator = await getOrderProgress(await staff(), orderId);
      expect(operator.lines.find((line) => line.e164 === gone)!.reasonDetail).toBe(words);
      // Lines that were bought carry none.
      expect(operator.lines.filter((line) => line.e164 !== gone).every((line) => line.reasonDetail === undefined)).toBe(true);
    });

    it('the order page and its polled route show them to staff, never to a customer', async () => {
      const { default: OrderPage } = await import('@/app/(portal)/numbers/orders/[orderId]/page');
      const { GET } = await import('@/app/api/v1/orders/[orderId]/route');
      const render = async () => textOf(await OrderPage({ params: Promise.resolve({ orderId }) }));
      const poll = async () => GET(new Request(`http://portal.test/api/v1/orders/${orderId}`), { params: Promise.resolve({ orderId }) });

      // A technical and a billing-only customer role both open the order.
      for (const email of ['tech@acme.example', 'finance@acme.example']) {
        await signInAs(email);
        const page = await render();
        // The customer still reads what happened to the line, in a next step rather than the carrier's words.
        expect(page).toContain(sentence);
        expect(page).not.toContain(words);
        const response = await poll();
        expect(response.status).toBe(200);
        expect(await response.text()).not.toContain(words);
      }
      await signInAs('staff@carrier.example');
      const staffPage = await render();
      expect(staffPage).toContain(sentence);
      expect(staffPage).toContain(words);
      const response = await poll();
      expect(((await response.json()) as { lines: { e164: string; reasonDetail?: string }[] }).lines.find((line) => line.e164 === gone)!.reasonDetail).toBe(words);
      session.userId = undefined;
    });

    it('the order stays another account’s: not found for Globex, staff words or not', async () => {
      await expect(getOrderProgress(await accessAs(test.db, 'owner@globex.example', tenants.globex.id), orderId)).rejects.toMatchObject({ code: 'not_found:order' });
    });
  });

  describe('a failed E911 registration', () => {
    let numberId: string;
    let addressId: string;
    let words: string;
    let sentence: string;

    beforeAll(async () => {
      // A number really bought at VoiceMeUp (over HTTP), recorded as Acme's.
      const connection = await connectionOf('voicemeup');
      const numbers = requireCapability((await getConnectionAdapter(connection.id)).adapter, 'numbers');
      const [found] = await numbers.search({ kind: 'local', quantity: 3 });
      expect(found, 'VoiceMeUp offers a number').toBeDefined();
      const holdRef = numbers.holds ? (await numbers.holds.hold([found!])).holdRef : undefined;
      const bought = await numbers.order({ numbers: [found!.e164], idempotencyKey: 'staff-words-e911', holdRef });
      expect(bought.lines.every((line) => line.status === 'active'), JSON.stringify(bought)).toBe(true);
      const [number] = await test.db
        .insert(phoneNumbers)
        .values({ accountId: tenants.acme.id, e164: found!.e164, kind: 'local', npa: found!.npa, state: found!.state, connectionId: connection.id, monthly: '1.2500' })
        .returning();
      numberId = number!.id;
      // VoiceTel accepts 100 Main St in Dallas; VoiceMeUp's database starts at 1000, so it refuses to register it.
      const saved = await saveE911Address(await tech(), e911AddressSchema.parse({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' }));
      expect(saved.status).toBe('saved');
      if (saved.status !== 'saved') return;
      addressId = saved.address.id;
      const [result] = await assignE911Address(await tech(), { addressId, numberIds: [numberId] });
      expect(result).toMatchObject({ numberId, status: 'failed' });
      const [row] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, numberId));
      expect(row).toMatchObject({ e911Status: 'failed', e911Detail: expect.any(String), e911UpstreamDetail: expect.any(String) });
      words = row!.e911UpstreamDetail!;
      sentence = row!.e911Detail!;
      expect(row!.e911Detail).not.toContain(words);
    });

    it('the number’s view and the address’s numbers carry the carrier’s words for staff only', async () => {
      const customer = await getNumberDetail(await tech(), numberId);
      expect(customer.number.e911Status).toBe('failed');
      expect(customer.number.e911Detail).toEqual(expect.any(String));
      expect(customer.number).not.toHaveProperty('e911UpstreamDetail');
      expect(JSON.stringify(customer)).not.toContain(words);
      expect((await getNumberDetail(await staff(), numberId)).number.e911UpstreamDetail).toBe(words);

      const customerRows = await getNumbersOfAddress(await tech(), addressId);
      expect(customerRows.rows.find((row) => row.id === numberId)).toMatchObject({ status: 'failed', detail: expect.any(String) });
      expect(customerRows.rows.find((row) => row.id === numberId)).not.toHaveProperty('staffDetail');
      expect(JSON.stringify(customerRows)).not.toContain(words);
      expect((await getNumbersOfAddress(await staff(), addressId)).rows.find((row) => row.id === numberId)!.staffDetail).toBe(words);
      // The E911 overview lists the failed number too, with the same rule.
      expect(JSON.stringify(await getUnregisteredNumbers(await tech()))).not.toContain(words);
      expect((await getUnregisteredNumbers(await staff())).rows.find((row) => row.id === numberId)!.staffDetail).toBe(words);
    });

    it('the number page and the address page show them to staff, never to a customer', async () => {
      const { default: NumberPage } = await import('@/app/(portal)/numbers/[numberId]/page');
      const { default: AddressPage } = await import('@/app/(portal)/e911/[addressId]/page');
      const renderNumber = async () => textOf(await NumberPage({ params: Promise.resolve({ numberId }) }));
      const renderAddress = async () => textOf(await AddressPage({ params: Promise.resolve({ addressId }), searchParams: Promise.resolve({}) }));

      // A writer (the bulk form's rows) and a reader (the read-only table) among the customers.
      for (const email of ['tech@acme.example', 'viewer@acme.example']) {
        await signInAs(email);
        const numberPage = await renderNumber();
        expect(numberPage).toContain(sentence);
        expect(numberPage).not.toContain(words);
        const addressPage = await renderAddress();
        expect(addressPage).toContain(sentence);
        expect(addressPage).not.toContain(words);
      }
      await signInAs('staff@carrier.example');
      expect(await renderNumber()).toContain(words);
      expect(await renderAddress()).toContain(words);
      session.userId = undefined;
    });

    it('another account reaches neither the number nor the address', async () => {
      const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
      await expect(getNumberDetail(globex, numberId)).rejects.toMatchObject({ code: 'not_found:number' });
      await expect(getNumbersOfAddress(globex, addressId)).resolves.toMatchObject({ total: 0 });
    });
  });
});

