import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneNumbers, portInNumbers, portIns, providerConnections } from '@/lib/db/schema';
import { earliestFocDate } from '@/lib/ports/foc-date';
import { assertTransition, ForbiddenPortTransition } from '@/lib/ports/state-machine';
import {
  cancelPortIn,
  checkPortPortability,
  choosePortConnection,
  createPortDraft,
  getPortDetail,
  getPortReadiness,
  listPortIns,
  savePortNumbers,
  savePortSchedule,
  savePortSubscriber,
  submitPortIn,
} from '@/lib/services/port-ins';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { addPortDocuments, portableNumbers, readyPort, useTempDocumentStorage } from '../support/port-ins';
import { useSandboxes } from '../support/sandboxes';

const subscriber = {
  subscriberType: 'business',
  subscriberName: 'Acme East LLC',
  authorizedPerson: 'Jane Doe',
  accountNumber: '5550001234',
  billingTelephoneNumber: '',
  street: '100 Congress Ave',
  city: 'Austin',
  state: 'TX',
  postalCode: '78701',
};

describe('port-in drafts: numbers, portability, subscriber, schedule, readiness, submit, cancel', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  const numbers = portableNumbers();
  const numbersOf = (id: string) => test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, id));

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    useTempDocumentStorage();
  });

  it('saves the numbers normalised, de-duplicated, split local and toll-free, flags owned ones; a bad line saves nothing', async () => {
    const access = await tech();
    const { id, reference } = await createPortDraft(access, { label: 'Head office' });
    expect(reference).toMatch(/^PRT-[0-9A-Z]{6}$/);
    const [connection] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
    const [owned] = await test.db.insert(phoneNumbers).values({ accountId: tenants.east.id, e164: '+15128409999', kind: 'local', npa: '512', connectionId: connection!.id, monthly: '1.0000' }).returning();
    const [a, b] = numbers(2);
    const saved = await savePortNumbers(access, id, { numbers: `${a}\n(${a!.slice(2, 5)}) ${a!.slice(5, 8)}-${a!.slice(8)}\n${b}\n+1 800 555 0199\n${owned!.e164}` });
    expect(saved).toMatchObject({ count: 4, local: 3, tollFree: 1, duplicates: [expect.stringContaining(a!.slice(-4))], alreadyOwned: [owned!.e164] });
    expect((await numbersOf(id)).map((row) => row.e164).sort()).toEqual([a, b, '+18005550199', owned!.e164].sort());

    await expect(savePortNumbers(access, id, { numbers: `${a}\nnot a number\n12` })).rejects.toMatchObject({ message: 'Some lines are not numbers we can port; nothing was saved.' });
    expect(await numbersOf(id)).toHaveLength(4);

    const tooMany = Array.from({ length: 1001 }, (_, index) => `+1512830${String(index).padStart(4, '0')}`).join('\n');
    await expect(savePortNumbers(access, id, { numbers: tooMany })).rejects.toMatchObject({ fieldErrors: { numbers: [expect.stringMatching(/1,000/)] } });
    expect(await numbersOf(id)).toHaveLength(4);
    expect((await listPortIns(access)).map((row) => row.id)).toContain(id);
  });

  it('checks portability through every upstream that ports, groups by losing carrier, and keeps a chosen upstream', async () => {
    const access = await tech();
    const { id } = await createPortDraft(access);
    await savePortNumbers(access, id, { numbers: [...numbers(2), '+19075550142'].join('\n') });
    const outcome = await checkPortPortability(access, id);
    expect(outcome).toMatchObject({ checked: 3, unavailable: [] });
    expect(outcome.portable).toBeGreaterThanOrEqual(2);
    const detail = await getPortDetail(access, id);
    const providers = new Set(detail.candidates.map((candidate) => candidate.name));
    expect(providers.size).toBeGreaterThanOrEqual(2);
    expect(detail.numbers.find((number) => number.e164 === '+19075550142')).toMatchObject({ portable: false });
    expect(detail.byLosingCarrier.some((group) => group.losingCarrier === 'Sinch Voice-NSR-10X-Port/1' && group.numbers.length === 2)).toBe(true);
    const [vitcom] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'vitcom'));
    await choosePortConnection(access, id, { connectionId: vitcom!.id });
    expect((await getPortDetail(access, id)).connectionId).toBe(vitcom!.id);
    await expect(choosePortConnection(access, id, { connectionId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ fieldErrors: { connectionId: [expect.stringMatching(/has not checked/)] } });
  });

  it('a partial port keeps the BTN with the losing carrier and lists the numbers that stay', async () => {
    const access = await tech();
    const { id } = await createPortDraft(access);
    const [ported, btn] = numbers(2);
    await savePortNumbers(access, id, { numbers: ported });
    await expect(savePortSubscriber(access, id, { ...subscriber, partialPort: 'on' })).rejects.toMatchObject({ fieldErrors: { billingTelephoneNumber: [expect.stringMatching(/partial port needs/)] } });
    await expect(savePortSubscriber(access, id, { ...subscriber, partialPort: 'on', billingTelephoneNumber: ported!.slice(2) })).rejects.toMatchObject({ fieldErrors: { billingTelephoneNumber: [expect.stringMatching(/stays with the losing carrier/)] } });
    await savePortSubscriber(access, id, { ...subscriber, partialPort: 'on', billingTelephoneNumber: btn!.slice(2), remainingNumbers: '' });
    const detail = await getPortDetail(access, id);
    expect(detail).toMatchObject({ partialPort: true, billingTelephoneNumber: btn, remainingNumbers: [btn] });
  });

  it('refuses a FOC date on a US federal holiday or too soon, with the reason', async () => {
    const access = await tech();
    const { id } = await createPortDraft(access);
    await savePortNumbers(access, id, { numbers: numbers(1)[0] });
    const now = new Date('2026-11-20T15:00:00Z');
    await expect(savePortSchedule(access, id, { requestedFocDate: '2026-11-26', trunkGroupId: '' }, now)).rejects.toMatchObject({ fieldErrors: { requestedFocDate: [expect.stringMatching(/Thanksgiving/)] } });
    await expect(savePortSchedule(access, id, { requestedFocDate: '2026-11-20', trunkGroupId: '' }, now)).rejects.toMatchObject({ fieldErrors: { requestedFocDate: [expect.any(String)] } });
    await expect(savePortSchedule(access, id, { requestedFocDate: earliestFocDate(now, 3), trunkGroupId: '00000000-0000-4000-8000-000000000000' }, now)).rejects.toMatchObject({ fieldErrors: { trunkGroupId: [expect.any(String)] } });
    await savePortSchedule(access, id, { requestedFocDate: earliestFocDate(now, 3), trunkGroupId: '' }, now);
    expect((await getPortDetail(access, id)).requestedFocDate).toBe(earliestFocDate(now, 3));
  });

  it('readiness blocks submission until the order is complete; then it submits and holds the numbers', async () => {
    const access = await tech();
    const { id } = await createPortDraft(access);
    const e164s = numbers(1);
    await savePortNumbers(access, id, { numbers: e164s.join('\n') });
    await expect(submitPortIn(access, id)).rejects.toMatchObject({ code: 'unprocessable:port_not_ready' });
    expect((await getPortReadiness(access, id)).ready).toBe(false);
    await checkPortPortability(access, id);
    await savePortSubscriber(access, id, subscriber);
    await addPortDocuments(test.db, { id, accountId: access.account.id });
    await savePortSchedule(access, id, { requestedFocDate: earliestFocDate(new Date(), 3), trunkGroupId: '' });
    const readiness = await getPortReadiness(access, id);
    expect(readiness.ready).toBe(true);
    const submitted = await submitPortIn(access, id);
    expect(submitted.status).toBe('submitted');
    expect((await numbersOf(id)).every((row) => row.inFlight && row.status === 'submitted')).toBe(true);
    // Submitted: no longer the customer's to edit, and the numbers cannot go into a second port.
    await expect(savePortNumbers(access, id, { numbers: e164s[0] })).rejects.toThrow(/can no longer be changed/);
    const other = await createPortDraft(access);
    const saved = await savePortNumbers(access, other.id, { numbers: e164s[0] });
    expect(saved.inOtherPort).toEqual(e164s);
    await cancelPortIn(access, id);
    expect((await numbersOf(id)).every((row) => !row.inFlight && row.status === 'cancelled')).toBe(true);
    expect((await test.db.select().from(portIns).where(eq(portIns.id, id)))[0]!.status).toBe('cancelled');
    await expect(cancelPortIn(access, id)).rejects.toThrow(/cancelled; it can no longer change/);
  });

  it('refuses every move the state machine forbids, and the customer never moves a port past submitted', async () => {
    expect(() => assertTransition('submitted', 'pending', 'customer')).toThrow(ForbiddenPortTransition);
    expect(() => assertTransition('draft', 'completed', 'staff')).toThrow(/cannot go from draft to completed/);
    expect(() => assertTransition('completed', 'cancelled', 'staff')).toThrow(/completed; it can no longer change/);
    expect(() => assertTransition('cancelled', 'submitted', 'customer')).toThrow(/cancelled; it can no longer change/);
    expect(() => assertTransition('foc_scheduled', 'completed', 'upstream')).not.toThrow();
    const access = await tech();
    const draft = await readyPort(test.db, access, { provider: 'voicetel', numbers: numbers(1) });
    await submitPortIn(access, draft.id);
    await expect(submitPortIn(access, draft.id)).rejects.toMatchObject({ code: 'conflict:port_in' });
    await cancelPortIn(access, draft.id);
  });

  it('another account cannot see or change a draft', async () => {
    const access = await tech();
    const { id } = await createPortDraft(access);
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getPortDetail(globex, id)).rejects.toThrow(/No such port-in/);
    await expect(savePortNumbers(globex, id, { numbers: numbers(1)[0] })).rejects.toThrow(/No such port-in/);
    await expect(submitPortIn(globex, id)).rejects.toThrow(/No such port-in/);
    expect((await listPortIns(globex)).map((row) => row.id)).not.toContain(id);
  });
});
