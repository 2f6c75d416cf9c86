import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { e911Addresses, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { assignE911Address, countNumbersWithoutE911, deleteE911Address, getE911Address, reconcileE911, saveE911Address } from '@/lib/services/e911';
import { getConnectionAdapter } from '@/lib/services/providers';
import { e911AddressSchema } from '@/lib/validations/e911';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

describe('e911 addresses and registration', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;

  async function ownedNumbers(provider: ProviderId, count: number, npa: string) {
    const connection = await connectionOf(provider);
    const { adapter } = await getConnectionAdapter(connection.id);
    const found = (await requireCapability(adapter, 'numbers').search({ kind: 'local', npa, quantity: count + 2 })).slice(0, count);
    await requireCapability(adapter, 'numbers').order({ numbers: found.map((number) => number.e164), idempotencyKey: `e911-test-${provider}-${npa}` });
    return test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa, state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('offers the upstream’s corrections for a near miss, and saves the one picked', async () => {
    const typed = e911AddressSchema.parse({ street: '233 North Michigan Avenue', unit: 'Suite 1800', city: 'Chicago', state: 'IL', postalCode: '60601', callerName: 'Acme Chicago' });
    expect(typed.street).toBe('233 N MICHIGAN AVE');
    const outcome = await saveE911Address(await tech(), typed);
    expect(outcome.status).toBe('alternates');
    if (outcome.status !== 'alternates') return;
    expect(outcome.alternates.length).toBeGreaterThan(0);
    const pick = outcome.alternates[0]!;
    expect(pick.postalCode).toBe('60611');
    const saved = await saveE911Address(await tech(), pick);
    expect(saved).toMatchObject({ status: 'saved', address: { street: pick.street, postalCode: '60611', validatedAt: expect.any(Date) } });
  });

  it('says why an address is rejected, and saves nothing', async () => {
    const before = await test.db.select().from(e911Addresses);
    const bad = e911AddressSchema.parse({ street: '1 Nowhere Rd', city: 'Nowhere', state: 'TX', postalCode: '00000' });
    await expect(saveE911Address(await tech(), bad)).rejects.toMatchObject({ code: 'invalid:e911_address', message: expect.stringContaining('zip is not a valid US ZIP code') });
    expect(await test.db.select().from(e911Addresses)).toHaveLength(before.length);
  });

  it('refuses a caller name the upstreams cannot carry', async () => {
    const long = e911AddressSchema.parse({ street: '500 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Widgets International' });
    await expect(saveE911Address(await tech(), long)).rejects.toMatchObject({ code: 'invalid:e911_caller_name', fieldErrors: { callerName: expect.arrayContaining([expect.stringContaining('Our carrier takes caller names up to 15 characters')]) } });
  });

  it('registers an address on many numbers, each with its own status, and counts what is left uncovered', async () => {
    const access = await tech();
    const [address] = await test.db.select().from(e911Addresses);
    const voicetel = await ownedNumbers('voicetel', 2, '312');
    const carrierx = await ownedNumbers('carrierx', 1, '415');
    const [stranger] = await test.db
      .insert(phoneNumbers)
      .values({ accountId: tenants.acme.id, e164: '+13125550177', kind: 'local', npa: '312', connectionId: (await connectionOf('voicetel')).id, monthly: '1.2500' })
      .returning();
    expect(await countNumbersWithoutE911(access)).toEqual({ total: 4, unregistered: 4 });

    const results = await assignE911Address(access, { addressId: address!.id, numberIds: [...voicetel, ...carrierx, stranger!].map((number) => number.id) });
    const byNumber = Object.fromEntries(results.map((result) => [result.e164, result]));
    expect(byNumber[voicetel[0]!.e164]).toMatchObject({ status: 'registered' });
    expect(byNumber[voicetel[1]!.e164]).toMatchObject({ status: 'registered' });
    expect(byNumber[carrierx[0]!.e164]).toMatchObject({ status: 'unsupported' });
    expect(byNumber[stranger!.e164]).toMatchObject({ status: 'failed', detail: expect.any(String) });
    expect(await countNumbersWithoutE911(access)).toEqual({ total: 4, unregistered: 2 });

    const { adapter } = await getConnectionAdapter((await connectionOf('voicetel')).id);
    const records = await requireCapability(adapter, 'e911').list();
    expect(records.filter((record) => voicetel.some((number) => number.e164 === record.e164)).map((record) => record.address.city)).toEqual(['CHICAGO', 'CHICAGO']);
  });

  it('re-registers every number when the address changes, and removes them when it is deleted', async () => {
    const access = await tech();
    const [address] = await test.db.select().from(e911Addresses);
    const moved = e911AddressSchema.parse({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    expect(await saveE911Address(access, moved, { addressId: address!.id })).toMatchObject({ status: 'saved' });
    const registered = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e911AddressId, address!.id));
    expect(registered.filter((number) => number.e911Status === 'registered')).toHaveLength(2);
    const { adapter } = await getConnectionAdapter((await connectionOf('voicetel')).id);
    const records = await requireCapability(adapter, 'e911').list();
    const mine = records.filter((record) => registered.some((number) => number.e164 === record.e164 && number.e911Status === 'registered'));
    expect(mine.map((record) => record.address.street)).toEqual(['500 N MICHIGAN AVE', '500 N MICHIGAN AVE']);

    // The stranger number was never registered upstream; removing only what is registered succeeds.
    await deleteE911Address(access, address!.id);
    expect(await test.db.select().from(e911Addresses).where(eq(e911Addresses.id, address!.id))).toEqual([]);
    expect((await test.db.select().from(phoneNumbers)).every((number) => number.e911Status === 'none' && number.e911AddressId === null)).toBe(true);
  });

  it('keeps the address book to its account', async () => {
    const access = await tech();
    const saved = await saveE911Address(access, e911AddressSchema.parse({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201' }));
    expect(saved.status).toBe('saved');
    const id = saved.status === 'saved' ? saved.address.id : '';
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getE911Address(globex, id)).rejects.toMatchObject({ code: 'not_found:e911_address' });
    await expect(assignE911Address(globex, { addressId: id, numberIds: [] })).rejects.toMatchObject({ code: 'not_found:e911_address' });
    await expect(deleteE911Address(globex, id)).rejects.toMatchObject({ code: 'not_found:e911_address' });
    const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
    await expect(saveE911Address(viewer, e911AddressSchema.parse({ street: '1 Main St', city: 'Dallas', state: 'TX', postalCode: '75201' }))).rejects.toMatchObject({ code: 'forbidden:role' });
  });
  it('flags a registration removed upstream behind the portal’s back, and leaves the rest as they are', async () => {
    const access = await tech();
    const saved = await saveE911Address(access, e911AddressSchema.parse({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' }));
    if (saved.status !== 'saved') throw new Error('address not saved');
    const voicetel = await ownedNumbers('voicetel', 2, '773');
    const carrierx = await ownedNumbers('carrierx', 1, '212');
    const results = await assignE911Address(access, { addressId: saved.address.id, numberIds: [...voicetel, ...carrierx].map((number) => number.id) });
    expect(results.filter((result) => result.status === 'registered')).toHaveLength(2);
    // A registered number on an upstream that cannot list its records is not judged.
    await test.db.update(phoneNumbers).set({ e911Status: 'registered' }).where(eq(phoneNumbers.id, carrierx[0]!.id));

    expect(await reconcileE911()).toMatchObject({ checked: 2, skipped: 1, flagged: [], errors: [] });

    const { adapter } = await getConnectionAdapter((await connectionOf('voicetel')).id);
    await requireCapability(adapter, 'e911').remove(voicetel[0]!.e164);
    const summary = await reconcileE911();
    expect(summary).toMatchObject({ checked: 2, skipped: 1, errors: [] });
    expect(summary.flagged).toEqual([{ numberId: voicetel[0]!.id, e164: voicetel[0]!.e164, detail: 'The carrier has no emergency record for this number; register it again' }]);
    const [gone] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, voicetel[0]!.id));
    expect(gone).toMatchObject({ e911Status: 'failed', e911Detail: 'The carrier has no emergency record for this number; register it again', e911AddressId: saved.address.id });
    const [kept] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, voicetel[1]!.id));
    expect(kept).toMatchObject({ e911Status: 'registered' });
    const [other] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, carrierx[0]!.id));
    expect(other).toMatchObject({ e911Status: 'registered' });

    // Flagged once: a failed number is not flagged again, and registering again clears it.
    expect((await reconcileE911()).flagged).toEqual([]);
    await assignE911Address(access, { addressId: saved.address.id, numberIds: [voicetel[0]!.id] });
    expect(await reconcileE911()).toMatchObject({ flagged: [] });
    const [again] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, voicetel[0]!.id));
    expect(again).toMatchObject({ e911Status: 'registered', e911Detail: null });

    // Moved upstream to another address: the difference is named.
    await requireCapability(adapter, 'e911').provision({ e164: voicetel[1]!.e164, address: { street: '100 MAIN ST', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' }, callerName: 'Acme' });
    const moved = await reconcileE911();
    expect(moved.flagged).toEqual([{ numberId: voicetel[1]!.id, e164: voicetel[1]!.e164, detail: expect.stringMatching(/street "100 MAIN ST".*city "DALLAS".*ZIP "75201"/) }]);
    const [differs] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, voicetel[1]!.id));
    expect(differs).toMatchObject({ e911Status: 'failed', e911Detail: expect.stringContaining('different emergency address') });
  });
});
