import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, e911AddressUpstreams, e911Addresses, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { addToCart } from '@/lib/services/number-cart';
import { executeOrder, getOrderView, placeOrder } from '@/lib/services/number-orders';
import { searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { E911_PENDING_STALE_MS, assignE911Address, getE911Address, reconcileE911, saveE911Address } from '@/lib/services/e911';
import { moveNumber, releaseNumber } from '@/lib/services/numbers';
import { getConnectionAdapter } from '@/lib/services/providers';
import { createTrunkGroup } from '@/lib/services/trunk-groups';
import { e911AddressSchema } from '@/lib/validations/e911';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

/** The e911 address at checkout, the upstreams' own address ids, and the reconcile job across upstreams. */
describe('e911 at checkout and against each upstream’s records', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;
  const pick = (answer: SearchAnswer, provider: ProviderId, count: number) => {
    const found = answer.results.filter((result) => result.provider === provider).slice(0, count);
    expect(found, `${provider} offers`).toHaveLength(count);
    return found.map((result) => result.e164);
  };
  async function cartOf(npa: string, wanted: Partial<Record<ProviderId, number>>) {
    const access = await tech();
    const answer = await searchAvailableNumbers(access, numberSearchSchema.parse({ quantity: '10', npa }), { fresh: true });
    const numbers = Object.entries(wanted).flatMap(([provider, count]) => pick(answer, provider as ProviderId, count));
    await addToCart(access, { searchId: answer.searchId, numbers });
    return numbers;
  }
  async function saved(address: Record<string, string>) {
    const outcome = await saveE911Address(await tech(), e911AddressSchema.parse(address));
    if (outcome.status !== 'saved') throw new Error(`address not saved: ${JSON.stringify(outcome)}`);
    return outcome.address;
  }
  async function trunkGroup(name: string, host: string) {
    const destinations = [{ host, port: 5060, transport: 'udp' as const, priority: 1, weight: 100 }];
    const { group } = await createTrunkGroup(await tech(), { name, direction: 'both', auth: 'ip', allowedIps: [`${host}/32`], destinations, codecs: ['PCMU'], callerIdPolicy: 'pass_through' });
    return group;
  }
  const numbersByE164 = async (e164s: string[]) => new Map((await test.db.select().from(phoneNumbers).where(inArray(phoneNumbers.e164, e164s))).map((row) => [row.e164, row]));

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('keeps each upstream’s own id for a saved address, and forgets it when the address changes', async () => {
    const address = await saved({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const refs = new Map((await test.db.select().from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, address.id))).map((row) => [row.connectionId, row.upstreamAddressId]));
    // VoiceTel names the validated address by an id; VoiceMeUp keeps none, but validated it too.
    expect(refs.get((await connectionOf('voicetel')).id)).toMatch(/^\d+$/);
    expect(refs.has((await connectionOf('voicemeup')).id)).toBe(true);
    expect(refs.get((await connectionOf('voicemeup')).id)).toBeNull();

    // Moved to a civic number VoiceMeUp does not know: VoiceTel's new id replaces the old, VoiceMeUp's row goes.
    const before = refs.get((await connectionOf('voicetel')).id);
    const moved = await saveE911Address(await tech(), e911AddressSchema.parse({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' }), { addressId: address.id });
    expect(moved.status).toBe('saved');
    const after = await test.db.select().from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, address.id));
    expect(after.map((row) => row.connectionId)).toEqual([(await connectionOf('voicetel')).id]);
    expect(after[0]!.upstreamAddressId).toMatch(/^\d+$/);
    expect(after[0]!.upstreamAddressId).not.toBe(before);
  });

  it('registers the address chosen at checkout on each number bought, on the number’s own upstream', async () => {
    const address = await saved({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const [voicetel, voicemeup, carrierx] = await cartOf('312', { voicetel: 1, voicemeup: 1, carrierx: 1 });
    const order = await placeOrder(await tech(), { idempotencyKey: 'checkout-with-e911-1', e911AddressRef: address.id, ...(await confirmNoE911(await tech())) });
    expect(order.e911AddressRef).toBe(address.id);
    expect((await executeOrder(order.id)).status).toBe('completed');

    const bought = await numbersByE164([voicetel!, voicemeup!, carrierx!]);
    expect(bought.get(voicetel!)).toMatchObject({ e911Status: 'registered', e911AddressId: address.id, e911Detail: null });
    expect(bought.get(voicemeup!)).toMatchObject({ e911Status: 'registered', e911AddressId: address.id });
    expect(bought.get(carrierx!)).toMatchObject({ e911Status: 'unsupported', e911AddressId: address.id });

    // Each registered number is on record with its own upstream.
    for (const [provider, e164] of [['voicetel', voicetel], ['voicemeup', voicemeup]] as const) {
      const { adapter } = await getConnectionAdapter((await connectionOf(provider)).id);
      const record = (await requireCapability(adapter, 'e911').list()).find((candidate) => candidate.e164 === e164);
      expect(record?.address, provider).toMatchObject({ city: 'CHICAGO', postalCode: expect.stringMatching(/^60611/) });
    }

    const view = await getOrderView(await tech(), order.id);
    expect(view.e911Address).toEqual({ id: address.id, label: '500 N MICHIGAN AVE, CHICAGO, IL 60611' });
    expect(Object.fromEntries(view.lines.map((line) => [line.e164, line.e911?.status]))).toEqual({ [voicetel!]: 'registered', [voicemeup!]: 'registered', [carrierx!]: 'unsupported' });
    // Customers are not told which carrier could not register it.
    expect(view.lines.find((line) => line.e164 === carrierx)?.e911?.detail).toBeUndefined();
  });

  it('refuses an address of another account, and a trunk group without an address where one is required', async () => {
    const globexAddress = await saveE911Address(await accessAs(test.db, 'owner@globex.example', tenants.globex.id), e911AddressSchema.parse({ street: '1500 Main St', city: 'Dallas', state: 'TX', postalCode: '75201' }));
    if (globexAddress.status !== 'saved') throw new Error('globex address not saved');
    await cartOf('312', { voicetel: 1 });
    await expect(placeOrder(await tech(), { idempotencyKey: 'foreign-e911-1', e911AddressRef: globexAddress.address.id })).rejects.toMatchObject({
      code: 'not_found:e911_address',
      fieldErrors: { e911AddressRef: [expect.any(String)] },
    });
    await expect(placeOrder(await tech(), { idempotencyKey: 'bogus-e911-1', e911AddressRef: 'not-an-id' })).rejects.toMatchObject({ code: 'not_found:e911_address' });

    const group = await trunkGroup('E911 PBX', '44.31.0.1');
    await test.db.update(accounts).set({ requireE911ForRouting: true }).where(eq(accounts.id, tenants.acme.id));
    try {
      await expect(placeOrder(await tech(), { idempotencyKey: 'required-e911-1', trunkGroupRef: group.id })).rejects.toMatchObject({
        code: 'conflict:e911_required',
        fieldErrors: { e911AddressRef: [expect.stringContaining('choose the emergency address')] },
      });
    } finally {
      await test.db.update(accounts).set({ requireE911ForRouting: false }).where(eq(accounts.id, tenants.acme.id));
    }
  });

  it('routes to the trunk group only the numbers whose address registered, where the account requires it', async () => {
    // VoiceTel accepts this civic number; VoiceMeUp does not know it, so its number's registration fails.
    const dallas = await saved({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' });
    const group = await trunkGroup('Routed with e911', '44.32.0.1');
    await test.db.update(accounts).set({ requireE911ForRouting: true }).where(eq(accounts.id, tenants.acme.id));
    try {
      // The cart still holds the VoiceTel number of the refused orders above.
      const [voicemeup] = await cartOf('312', { voicemeup: 1 });
      const order = await placeOrder(await tech(), { idempotencyKey: 'routed-e911-1', trunkGroupRef: group.id, e911AddressRef: dallas.id });
      const settled = await executeOrder(order.id);
      expect(settled.status).toBe('completed');
      const lines = (await getOrderView(await tech(), order.id)).lines;
      expect(lines).toHaveLength(2);
      const voicetel = lines.find((line) => line.e164 !== voicemeup)!.e164;
      const bought = await numbersByE164([voicetel, voicemeup!]);
      expect(bought.get(voicetel)).toMatchObject({ e911Status: 'registered', trunkGroupRef: group.id });
      expect(bought.get(voicemeup!)).toMatchObject({ e911Status: 'failed', trunkGroupRef: null, e911Detail: expect.any(String) });
      const { adapter } = await getConnectionAdapter((await connectionOf('voicetel')).id);
      const listed = (await requireCapability(adapter, 'numbers').list({})).items.find((item) => item.e164 === voicetel);
      expect(listed?.trunkRef).toBeTruthy();
    } finally {
      await test.db.update(accounts).set({ requireE911ForRouting: false }).where(eq(accounts.id, tenants.acme.id));
    }
  });

  it('reconciles against every upstream that can list its records, and drives again a registration a crash left pending', async () => {
    const address = await saved({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const registered = await test.db
      .select()
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.accountId, tenants.acme.id), eq(phoneNumbers.e911Status, 'registered')));
    const voicemeupConnection = await connectionOf('voicemeup');
    const onVoicemeup = registered.find((number) => number.connectionId === voicemeupConnection.id)!;
    expect(onVoicemeup).toBeDefined();

    // Removed at VoiceMeUp behind the portal's back: the job, now reading VoiceMeUp's records, flags it.
    const { adapter } = await getConnectionAdapter(voicemeupConnection.id);
    await requireCapability(adapter, 'e911').remove(onVoicemeup.e164);
    const summary = await reconcileE911();
    expect(summary.errors).toEqual([]);
    expect(summary.flagged).toEqual([{ numberId: onVoicemeup.id, e164: onVoicemeup.e164, detail: 'The carrier has no emergency record for this number; register it again' }]);

    // A crash between recording the intent and the upstream's answer leaves "pending": a fresh one is left alone, a stale one is registered.
    await test.db.update(phoneNumbers).set({ e911Status: 'pending', e911AddressId: address.id, e911UpdatedAt: new Date() }).where(eq(phoneNumbers.id, onVoicemeup.id));
    expect((await reconcileE911()).retried).toEqual([]);
    const later = new Date(Date.now() + E911_PENDING_STALE_MS + 1_000);
    const retried = await reconcileE911(later);
    expect(retried.retried).toEqual([{ numberId: onVoicemeup.id, e164: onVoicemeup.e164, status: 'registered' }]);
    expect((await requireCapability(adapter, 'e911').list()).some((record) => record.e164 === onVoicemeup.e164)).toBe(true);

    // VoiceTel's records are read too: a registered number there matching its record is left alone.
    const voicetelId = (await connectionOf('voicetel')).id;
    const onVoicetel = registered.find((number) => number.connectionId === voicetelId)!;
    expect((await assignE911Address(await tech(), { addressId: address.id, numberIds: [onVoicetel.id] }))[0]).toMatchObject({ status: 'registered' });
    const quiet = await reconcileE911(later);
    expect(quiet.flagged).toEqual([]);
    expect(quiet.checked).toBeGreaterThanOrEqual(2);
  });

  it('carries a moved number’s address into the new account’s book, registration and upstream ids intact', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.acme.id);
    const registered = await test.db
      .select()
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.accountId, tenants.acme.id), eq(phoneNumbers.e911Status, 'registered')));
    const sharing = registered.filter((number) => registered.filter((other) => other.e911AddressId === number.e911AddressId).length >= 2);
    const [first, second] = sharing.filter((number) => number.e911AddressId === sharing[0]?.e911AddressId);
    expect(second, 'two registered numbers at one address').toBeDefined();
    const source = (await test.db.select().from(e911Addresses).where(eq(e911Addresses.id, first!.e911AddressId!)))[0]!;

    await moveNumber(admin, { numberId: first!.id, targetAccountId: tenants.east.id });
    const [moved] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, first!.id));
    expect(moved).toMatchObject({ accountId: tenants.east.id, e911Status: 'registered' });
    const copy = await getE911Address(await accessAs(test.db, 'admin@acme.example', tenants.east.id), moved!.e911AddressId!);
    expect(copy).toMatchObject({ accountId: tenants.east.id, street: source.street, city: source.city, postalCode: source.postalCode });
    const sourceIds = (await test.db.select().from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, source.id))).map((row) => [row.connectionId, row.upstreamAddressId]);
    const copyIds = (await test.db.select().from(e911AddressUpstreams).where(eq(e911AddressUpstreams.addressId, copy.id))).map((row) => [row.connectionId, row.upstreamAddressId]);
    expect(copyIds.sort()).toEqual(sourceIds.sort());

    // A second number at the same address joins the copy rather than making another.
    await moveNumber(admin, { numberId: second!.id, targetAccountId: tenants.east.id });
    const [also] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, second!.id));
    expect(also!.e911AddressId).toBe(copy.id);
    expect(await test.db.select().from(e911Addresses).where(eq(e911Addresses.accountId, tenants.east.id))).toHaveLength(1);
  });

  it('removes a released number’s emergency record from its carrier, and forgets its address', async () => {
    const voicetelId = (await connectionOf('voicetel')).id;
    const [number] = await test.db
      .select()
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.connectionId, voicetelId), eq(phoneNumbers.e911Status, 'registered'), eq(phoneNumbers.status, 'active')));
    expect(number, 'a registered VoiceTel number').toBeDefined();
    const { adapter } = await getConnectionAdapter(voicetelId);
    expect((await requireCapability(adapter, 'e911').list()).some((record) => record.e164 === number!.e164)).toBe(true);

    await releaseNumber(await accessAs(test.db, 'admin@acme.example', number!.accountId), number!.id);
    // The sandbox drops the record with the number too (the spec does not say VoiceTel does): either way it is gone.
    expect((await requireCapability(adapter, 'e911').list()).some((record) => record.e164 === number!.e164)).toBe(false);
    const [released] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number!.id));
    expect(released).toMatchObject({ status: 'released', e911Status: 'none', e911AddressId: null });
  });
});
