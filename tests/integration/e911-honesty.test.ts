import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { e911Addresses, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { getE911AddressWithCheck, listE911AddressesWithChecks, recheckE911Address, saveE911Address } from '@/lib/services/e911';
import { connectionSupportsE911, e911SupportOfConnections } from '@/lib/services/e911-capability';
import { getAssignableNumbers, getUncoverableNumbers, getUnregisteredNumbers } from '@/lib/services/e911-numbers';
import { getConnectionAdapter } from '@/lib/services/providers';
import { e911AddressSchema } from '@/lib/validations/e911';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

/** Issue 12.4: every upstream is asked, each answer kept, and only a full acceptance reads as checked. */
describe('e911 honesty', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const staff = () => accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;
  const misspelled = () => e911AddressSchema.parse({ street: '1200 Main Stret', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' });
  let line = 100;
  async function numbersOn(provider: ProviderId, count: number) {
    const connection = await connectionOf(provider);
    const rows = Array.from({ length: count }, () => ({ accountId: tenants.acme.id, e164: `+1214555${String((line += 1)).padStart(4, '0')}`, kind: 'local' as const, npa: '214', state: 'TX', connectionId: connection.id, monthly: '1.2500' }));
    return test.db.insert(phoneNumbers).values(rows).returning();
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('the sandboxes answer a misspelled street as their carriers do: VoiceMeUp proposes "1200 MAIN ST", VoiceTel rejects it', async () => {
    const address = { street: '1200 MAIN STRET', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' as const };
    const voicemeup = await requireCapability((await getConnectionAdapter((await connectionOf('voicemeup')).id)).adapter, 'e911').validate(address);
    expect(voicemeup.valid).toBe(false);
    expect(voicemeup.alternates?.map((alternate) => `${alternate.street}, ${alternate.city} ${alternate.postalCode}`)).toContain('1200 MAIN ST, DALLAS 75201');
    const voicetel = await requireCapability((await getConnectionAdapter((await connectionOf('voicetel')).id)).adapter, 'e911').validate(address);
    expect(voicetel).toMatchObject({ valid: false, reason: expect.stringContaining('street not found') });
    // The correctly spelled street passes both.
    const right = { ...address, street: '1200 MAIN ST' };
    expect((await requireCapability((await getConnectionAdapter((await connectionOf('voicetel')).id)).adapter, 'e911').validate(right)).valid).toBe(true);
    expect((await requireCapability((await getConnectionAdapter((await connectionOf('voicemeup')).id)).adapter, 'e911').validate(right)).valid).toBe(true);
  });

  it('a misspelled street is not saved: every upstream’s alternatives come back, once each, and picking one saves it as checked', async () => {
    await numbersOn('voicetel', 2);
    await numbersOn('voicemeup', 1);
    const before = await test.db.select().from(e911Addresses);
    const outcome = await saveE911Address(await tech(), misspelled());
    expect(outcome.status).toBe('alternates');
    if (outcome.status !== 'alternates') return;
    expect(outcome.acceptedAsTyped).toBe(false);
    const offered = outcome.alternates.map((alternate) => `${alternate.street}|${alternate.city}|${alternate.postalCode}`);
    expect(offered).toContain('1200 MAIN ST|DALLAS|75201');
    expect(new Set(offered).size).toBe(offered.length);
    expect(await test.db.select().from(e911Addresses)).toHaveLength(before.length);
    // Keeping it as typed is not possible: nobody accepted it.
    await expect(saveE911Address(await tech(), misspelled(), { keepAsTyped: true })).resolves.toMatchObject({ status: 'alternates' });

    const pick = outcome.alternates.find((alternate) => alternate.city === 'DALLAS')!;
    const saved = await saveE911Address(await tech(), pick);
    expect(saved.status).toBe('saved');
    if (saved.status !== 'saved') return;
    expect(saved.address.street).toBe('1200 MAIN ST');
    expect(saved.address.validation?.upstreams.map((upstream) => [upstream.provider, upstream.outcome]).sort()).toEqual([
      ['voicemeup', 'accepted'],
      ['voicetel', 'accepted'],
    ]);
    const { check } = await getE911AddressWithCheck(await tech(), saved.address.id);
    expect(check).toMatchObject({ state: 'checked', headline: 'Checked against the emergency database' });
  });

  it('an address only some upstreams accept is saved flagged, saying whose numbers it can cover, never as checked', async () => {
    // VoiceMeUp knows Main St in Dallas from 1000 up; VoiceTel accepts 100.
    const saved = await saveE911Address(await tech(), e911AddressSchema.parse({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201' }));
    expect(saved.status).toBe('saved');
    if (saved.status !== 'saved') return;
    const outcomes = Object.fromEntries(saved.address.validation!.upstreams.map((upstream) => [upstream.provider, upstream.outcome]));
    expect(outcomes).toEqual({ voicetel: 'accepted', voicemeup: 'rejected' });

    const customer = (await getE911AddressWithCheck(await tech(), saved.address.id)).check;
    expect(customer.state).toBe('partial');
    expect(customer.headline).toBe('Accepted by some carriers only');
    expect(customer.detail).toMatch(/can cover your numbers on Carrier \d \(2 numbers\)/);
    expect(customer.detail).toMatch(/Carrier \d \(1 number\) rejected it/);
    expect(customer.detail).not.toMatch(/VoiceTel|VoiceMeUp/);
    const forStaff = (await getE911AddressWithCheck(await staff(), saved.address.id)).check;
    expect(forStaff.detail).toMatch(/VoiceTel/);
    expect(forStaff.detail).toMatch(/VoiceMeUp.*rejected it/);

    const book = await listE911AddressesWithChecks(await tech());
    expect(book.find((row) => row.address.id === saved.address.id)?.check.state).toBe('partial');
    expect(book.find((row) => row.address.street === '1200 MAIN ST')?.check.state).toBe('checked');
  });

  it('an upstream that cannot be reached is "could not check", and the address is not shown as checked', async () => {
    const saved = (await listE911AddressesWithChecks(await tech())).find((row) => row.address.street === '1200 MAIN ST')!;
    const voicemeup = await connectionOf('voicemeup');
    await test.db.update(providerConnections).set({ baseUrl: 'http://127.0.0.1:9' }).where(eq(providerConnections.id, voicemeup.id));
    try {
      const check = await recheckE911Address(await tech(), saved.address.id);
      expect(check.state).toBe('partial');
      expect(check.upstreams.map((upstream) => upstream.outcome).sort()).toEqual(['accepted', 'unchecked']);
      expect(check.detail).toContain('could not be reached to check it');
    } finally {
      await test.db.update(providerConnections).set({ baseUrl: voicemeup.baseUrl }).where(eq(providerConnections.id, voicemeup.id));
    }
    expect((await recheckE911Address(await tech(), saved.address.id)).state).toBe('checked');
  });

  it('lists numbers whose carrier cannot register an emergency address apart, and never offers them for registration', async () => {
    const carrierx = await numbersOn('carrierx', 2);
    const vitcom = await numbersOn('vitcom', 1);
    const access = await tech();
    const uncoverable = await getUncoverableNumbers(access);
    expect(uncoverable.rows.map((row) => row.id).sort()).toEqual([...carrierx, ...vitcom].map((number) => number.id).sort());
    const unregistered = await getUnregisteredNumbers(access);
    expect(unregistered.rows.some((row) => uncoverable.rows.some((other) => other.id === row.id))).toBe(false);
    expect(unregistered.total).toBe(3);
    const [address] = await test.db.select().from(e911Addresses).where(eq(e911Addresses.accountId, tenants.acme.id));
    const assignable = await getAssignableNumbers(access, address!.id);
    expect(assignable.rows.some((row) => uncoverable.rows.some((other) => other.id === row.id))).toBe(false);

    expect(await connectionSupportsE911(carrierx[0]!.connectionId)).toBe(false);
    expect(await connectionSupportsE911((await connectionOf('voicetel')).id)).toBe(true);
    const support = await e911SupportOfConnections([(await connectionOf('vitcom')).id, (await connectionOf('voicemeup')).id, '00000000-0000-4000-8000-000000000000']);
    expect([...support.values()]).toEqual([false, true, false]);
  });

  it('answers not found for another account’s address, on the page’s reads and on a re-check', async () => {
    const [address] = await test.db.select().from(e911Addresses).where(eq(e911Addresses.accountId, tenants.acme.id));
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getE911AddressWithCheck(globex, address!.id)).rejects.toMatchObject({ code: 'not_found:e911_address' });
    await expect(recheckE911Address(globex, address!.id)).rejects.toMatchObject({ code: 'not_found:e911_address' });
    await expect(recheckE911Address(globex, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found:e911_address' });
    expect((await listE911AddressesWithChecks(globex)).map((row) => row.address.id)).not.toContain(address!.id);
    expect((await getUncoverableNumbers(globex)).total).toBe(0);
  });
});
