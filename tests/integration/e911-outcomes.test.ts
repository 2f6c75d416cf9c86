import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { exportAuditCsv } from '@/lib/services/audit';
import { E911_PENDING_STALE_MS, assignE911Address, getE911AddressWithCheck, reconcileE911, recheckE911Address, saveE911Address, unassignE911 } from '@/lib/services/e911';
import { getConnectionAdapter } from '@/lib/services/providers';
import { e911AddressSchema } from '@/lib/validations/e911';
import { reRegistrationCountsOf, registrationTone } from '@/lib/views/e911';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { textOf } from '../support/render-text';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
/** Numbers whose "registered" write fails, as a database hiccup right after the carrier answered would. */
const recordingFails = vi.hoisted(() => new Set<string>());

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));
vi.mock('@/lib/db/queries/e911', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/db/queries/e911')>();
  return {
    ...actual,
    setNumberE911Registration: async (...args: Parameters<typeof actual.setNumberE911Registration>) => {
      if (args[1].status === 'registered' && recordingFails.has(args[1].numberId)) throw new Error('connection reset while recording the registration');
      return actual.setNumberE911Registration(...args);
    },
  };
});

const UPSTREAM_NAMES = /VoiceTel|VoiceMeUp|CarrierX|Vitcom|sandbox/i;

/** Whether registration runs read as what happened: the action's tone, the page after an edit, the audit log, and the carrier's record. */
describe('e911 registration outcomes, said as they are', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;
  const e911Of = async (provider: ProviderId) => requireCapability((await getConnectionAdapter((await connectionOf(provider)).id)).adapter, 'e911');
  const heldAt = async (provider: ProviderId, e164: string) => (await (await e911Of(provider)).list()).find((record) => record.e164 === e164);
  const numberRow = async (numberId: string) => (await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, numberId)))[0]!;

  let orders = 0;
  async function ownedNumbers(provider: ProviderId, count: number, npa: string) {
    const connection = await connectionOf(provider);
    const { adapter } = await getConnectionAdapter(connection.id);
    const found = (await requireCapability(adapter, 'numbers').search({ kind: 'local', npa, quantity: count + 2 })).slice(0, count);
    await requireCapability(adapter, 'numbers').order({ numbers: found.map((number) => number.e164), idempotencyKey: `e911-outcomes-${provider}-${(orders += 1)}` });
    return test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa, state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
  }
  async function savedAddress(fields: Record<string, string>) {
    const outcome = await saveE911Address(await tech(), e911AddressSchema.parse(fields));
    if (outcome.status !== 'saved') throw new Error(`address not saved: ${JSON.stringify(outcome)}`);
    return outcome.address;
  }
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.set(name, value);
    return data;
  };
  /** Runs a form action that ends in a redirect; answers where it went. */
  async function redirectOf(run: () => Promise<unknown>) {
    try {
      const state = await run();
      throw new Error(`no redirect: ${JSON.stringify(state)}`);
    } catch (error) {
      const digest = String((error as { digest?: unknown }).digest ?? '');
      if (!digest.startsWith('NEXT_REDIRECT')) throw error;
      return digest.split(';')[2]!;
    }
  }
  /** The first element in a rendered tree that `matches`. */
  function findElement(node: unknown, matches: (props: Record<string, unknown>) => boolean, seen = new Set<unknown>()): Record<string, unknown> | undefined {
    if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = findElement(item, matches, seen);
        if (found) return found;
      }
      return undefined;
    }
    const props = (node as { props?: Record<string, unknown> }).props;
    if (props && matches(props)) return props;
    return findElement(props?.children, matches, seen);
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    session.userId = (await sessionUser(test.db, 'tech@acme.example')).id;
    session.accountCookie = tenants.acme.id;
  });

  it('reads a run as success only when every number registered, on the E911 page and on My numbers alike', () => {
    expect(registrationTone([{ status: 'registered' }, { status: 'registered' }])).toBeUndefined();
    expect(registrationTone([{ status: 'registered' }, { status: 'failed' }])).toBe('partial');
    expect(registrationTone([{ status: 'registered' }, { status: 'unsupported' }])).toBe('partial');
    expect(registrationTone([{ status: 'failed' }, { status: 'pending' }])).toBe('failed');
  });

  it('"Register" on the address page: numbers the carrier refuses come back as a failed or partial result, never a plain success', async () => {
    // VoiceTel accepts this civic number; VoiceMeUp knows Main St in Dallas from 1000 up, so it refuses its numbers here.
    const dallas = await savedAddress({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' });
    const [refused, alsoRefused] = await ownedNumbers('voicemeup', 2, '312');
    const [accepted] = await ownedNumbers('voicetel', 1, '312');
    const { assignE911NumbersAction } = await import('@/app/(portal)/e911/actions');

    const none = await assignE911NumbersAction({ status: 'idle' }, form({ addressId: dallas.id, numberIds: refused!.id }));
    expect(none).toMatchObject({ status: 'success', tone: 'failed', message: expect.stringMatching(/^Registered 0 of 1 number at 100 MAIN ST, DALLAS, TX 75201\. \(312\) \d{3}-\d{4} failed: The carrier did not find this address .*register it again\.$/) });
    if (none.status !== 'success') return;
    expect(none.message).not.toMatch(UPSTREAM_NAMES);

    const some = await assignE911NumbersAction({ status: 'idle' }, form({ addressId: dallas.id, numberIds: [alsoRefused!.id, accepted!.id].join(',') }));
    expect(some).toMatchObject({ status: 'success', tone: 'partial', message: expect.stringContaining('Registered 1 of 2 numbers at 100 MAIN ST') });
    expect((await numberRow(alsoRefused!.id)).e911Status).toBe('failed');
    expect((await numberRow(accepted!.id)).e911Status).toBe('registered');
  });

  it('an edit that some numbers’ carriers refuse says how many and what to do, and is not green', async () => {
    const chicago = await savedAddress({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const [owned] = await ownedNumbers('voicetel', 1, '773');
    // A number VoiceTel does not carry for this account: VoiceTel refuses to register anything on it.
    const [stranger] = await test.db
      .insert(phoneNumbers)
      .values({ accountId: tenants.acme.id, e164: '+17735550177', kind: 'local', npa: '773', connectionId: (await connectionOf('voicetel')).id, monthly: '1.2500' })
      .returning();
    const assigned = await assignE911Address(await tech(), { addressId: chicago.id, numberIds: [owned!.id, stranger!.id] });
    expect(assigned.map((result) => result.status).sort()).toEqual(['failed', 'registered']);

    const { saveE911AddressAction } = await import('@/app/(portal)/e911/actions');
    const edited = { addressId: chicago.id, street: '1200 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' };
    const target = await redirectOf(() => saveE911AddressAction({ status: 'idle' }, form(edited)));
    expect(target).toBe(`/e911/${chicago.id}?saved=updated&failed=1`);
    expect((await numberRow(owned!.id)).e911Status).toBe('registered');
    expect((await heldAt('voicetel', owned!.e164))?.address.street).toBe('1200 MAIN ST');
    // Every carrier accepted the new address: only the refused number keeps the note from being green.
    expect((await getE911AddressWithCheck(await tech(), chicago.id)).check.state).toBe('checked');

    const { default: AddressPage } = await import('@/app/(portal)/e911/[addressId]/page');
    const render = async (query: Record<string, string | string[]>) => AddressPage({ params: Promise.resolve({ addressId: chicago.id }), searchParams: Promise.resolve(query) });
    const noteOf = (tree: unknown) => findElement(tree, (props) => props.role === 'status')!;

    const refusedNote = noteOf(await render({ saved: 'updated', failed: '1' }));
    expect(textOf(refusedNote.children)).toBe(
      'The address is saved, but not every number that uses it is registered at it now. 1 number could not be registered: its row below says why. Fix what it says, then register it again under “Register numbers at this address”.',
    );
    expect(refusedNote.className).toContain('amber');
    expect(refusedNote.className).not.toContain('emerald');

    const waiting = noteOf(await render({ saved: 'updated', pending: '2', unsupported: '1' }));
    expect(textOf(waiting.children)).toContain('2 numbers are still waiting for the carrier’s answer');
    expect(textOf(waiting.children)).toContain('1 number cannot have an emergency address registered');
    expect(waiting.className).not.toContain('emerald');

    const allRegistered = noteOf(await render({ saved: 'updated' }));
    expect(textOf(allRegistered.children)).toBe('The address is saved, and registered again on every number that uses it: their status is below.');
    expect(allRegistered.className).toContain('emerald');

    // Counts come from the URL: anything but a plain whole number reads as none.
    expect(reRegistrationCountsOf({ failed: ['1', '2'], pending: '-1', unsupported: '2e3' })).toEqual({ failed: 0, pending: 0, unsupported: 0 });
    expect(reRegistrationCountsOf({ failed: '3' })).toEqual({ failed: 3, pending: 0, unsupported: 0 });
  });

  it('records a re-check in the customer’s audit log by numbered carrier, never by the carrier’s id or name', async () => {
    const dallas = await savedAddress({ street: '100 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' });
    await recheckE911Address(await tech(), dallas.id);
    const [entry] = await test.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'e911.address_recheck'), eq(auditEvents.targetId, dallas.id)));
    // Carrier 1 and 2 in provider order, as the address form labels them: VoiceMeUp refuses this civic number, VoiceTel accepts it.
    expect(entry!.after).toEqual({ upstreams: ['Carrier 1: rejected', 'Carrier 2: accepted'] });

    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const csv = await new Response(exportAuditCsv(owner, {})).text();
    expect(csv).toContain('Carrier 2: accepted');
    expect(csv).not.toMatch(UPSTREAM_NAMES);
    expect(csv).not.toMatch(/voicetel|voicemeup|carrierx|vitcom/i);
  });

  it('a registration the carrier took but the portal could not record stays pending, and reconciliation confirms it', async () => {
    const chicago = await savedAddress({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const [number] = await ownedNumbers('voicetel', 1, '312');
    recordingFails.add(number!.id);
    try {
      const [result] = await assignE911Address(await tech(), { addressId: chicago.id, numberIds: [number!.id] });
      expect(result).toMatchObject({ status: 'pending', detail: expect.stringContaining('The carrier registered the address') });
    } finally {
      recordingFails.delete(number!.id);
    }
    expect(await numberRow(number!.id)).toMatchObject({ e911Status: 'pending', e911AddressId: chicago.id, e911Detail: null });
    expect((await heldAt('voicetel', number!.e164))?.address.street).toBe('500 N MICHIGAN AVE');

    const later = new Date(Date.now() + E911_PENDING_STALE_MS + 1_000);
    const summary = await reconcileE911(later);
    expect(summary.retried).toContainEqual({ numberId: number!.id, e164: number!.e164, status: 'registered' });
    expect(await numberRow(number!.id)).toMatchObject({ e911Status: 'registered', e911AddressId: chicago.id });
  });

  it('unassigning a failed or pending number removes the record its carrier still holds, and one it does not hold is no obstacle', async () => {
    const chicago = await savedAddress({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme Chicago' });
    const [differs, lost] = await ownedNumbers('voicetel', 2, '214');
    expect((await assignE911Address(await tech(), { addressId: chicago.id, numberIds: [differs!.id] }))[0]!.status).toBe('registered');
    // Changed at the carrier behind the portal's back: reconciliation marks it failed; the carrier keeps its record.
    await (await e911Of('voicetel')).provision({ e164: differs!.e164, address: { street: '100 MAIN ST', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' }, callerName: 'Acme' });
    await reconcileE911();
    expect((await numberRow(differs!.id)).e911Status).toBe('failed');
    // The carrier's answer was lost: pending here, registered there.
    recordingFails.add(lost!.id);
    try {
      await assignE911Address(await tech(), { addressId: chicago.id, numberIds: [lost!.id] });
    } finally {
      recordingFails.delete(lost!.id);
    }
    expect((await numberRow(lost!.id)).e911Status).toBe('pending');
    expect(await heldAt('voicetel', lost!.e164)).toBeDefined();
    // Failed and never registered at VoiceTel, which refuses to remove a record it does not hold.
    const [stranger] = await test.db
      .insert(phoneNumbers)
      .values({ accountId: tenants.acme.id, e164: '+12145550188', kind: 'local', npa: '214', connectionId: (await connectionOf('voicetel')).id, monthly: '1.2500', e911Status: 'failed', e911AddressId: chicago.id })
      .returning();

    const results = await unassignE911(await tech(), [differs!.id, lost!.id, stranger!.id]);
    expect(results.map((result) => result.status)).toEqual(['none', 'none', 'none']);
    expect(await heldAt('voicetel', differs!.e164)).toBeUndefined();
    expect(await heldAt('voicetel', lost!.e164)).toBeUndefined();
    for (const number of [differs, lost, stranger]) expect(await numberRow(number!.id)).toMatchObject({ e911Status: 'none', e911AddressId: null });
  });
});
