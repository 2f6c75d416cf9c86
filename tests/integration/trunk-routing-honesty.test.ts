/**
 * What the trunk-group actions tell the user is what the carriers did, number by number. Assigning
 * names the numbers a carrier refused (never a green "now route" for them); disabling a group whose
 * carrier does not confirm moving its numbers to the default route says calls may still reach the
 * hosts, keeps saying so on the group's page, and Re-apply asks again; unassigning keeps a number the
 * carrier did not confirm moving in its group.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { phoneNumbers, providerConnections, trunkGroupUpstreams, trunkGroups, users } from '@/lib/db/schema';
import { formatE164 } from '@/lib/format';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { getRoutingOfNumbers, getTrunkGroupRouting } from '@/lib/services/number-routing';
import { getConnectionAdapter } from '@/lib/services/providers';
import { assignNumbers, createTrunkGroup } from '@/lib/services/trunk-groups';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, trunkGroupInput } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const idle = { status: 'idle' } as const;
const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(entries)) data.set(key, value);
  return data;
};
const trunkActions = () => import('@/app/(portal)/trunk-groups/actions');
const numberActions = () => import('@/app/(portal)/numbers/actions');

describe('trunk-group actions say what the carriers did', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let officeId: string;
  let owned: { id: string; e164: string }[];
  let missing: { id: string; e164: string };
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;
  const numbersOf = async (provider: ProviderId) => requireCapability((await getConnectionAdapter((await connectionOf(provider)).id)).adapter, 'numbers');
  const groupRow = async (id: string) => (await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, id)))[0]!;
  const numberRow = async (id: string) => (await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)))[0]!;
  /** Where VoiceTel itself routes each number (its trunk, or null for its default route). */
  const carrierRoutes = async (e164s: string[]) => (await (await numbersOf('voicetel')).list({})).items.filter((item) => e164s.includes(item.e164)).map((item) => item.trunkRef ?? null);

  async function failing<T>(provider: ProviderId, run: () => Promise<T>): Promise<T> {
    sandboxes.get(provider).setKnobs({ errorRate: 1 });
    try {
      return await run();
    } finally {
      sandboxes.get(provider).setKnobs({ errorRate: 0 });
      resetBreakers();
    }
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    const [user] = await test.db.select().from(users).where(eq(users.email, 'tech@acme.example'));
    session.userId = user!.id;
    session.accountCookie = tenants.acme.id;
    officeId = (await createTrunkGroup(await tech(), trunkGroupInput({ name: 'Office' }))).group.id;
    // Three numbers on VoiceTel in the portal; only two of them bought there, so it refuses the third.
    const connection = await connectionOf('voicetel');
    const numbers = await numbersOf('voicetel');
    const found = (await numbers.search({ kind: 'local', npa: '214', quantity: 5 })).slice(0, 3);
    await numbers.order({ numbers: found.slice(0, 2).map((number) => number.e164), idempotencyKey: 'routing-honesty-test' });
    const rows = await test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa: '214', state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
    owned = rows.slice(0, 2);
    missing = rows[2]!;
  });

  it('assigning on the group’s page: 2 of 3 route, the refused number is named, and the tone is partial', async () => {
    const result = await (await trunkActions()).assignTrunkNumbersAction(idle, form({ trunkGroupId: officeId, numberIds: [...owned, missing].map((number) => number.id).join(',') }));
    expect(result).toMatchObject({ status: 'success', tone: 'partial' });
    const message = result.status === 'success' ? result.message! : '';
    expect(message).toMatch(/^2 of 3 numbers now route to Office; 1 is not routed\. /);
    expect(message).toContain(`${formatE164(missing.e164)}: This number’s carrier does not list ${formatE164(missing.e164)} on our account`);
    expect(message).not.toMatch(/VoiceTel|Number not on account/);
    // The page says the same.
    expect(await getTrunkGroupRouting(await tech(), officeId)).toMatchObject({ routed: 2, notRouted: 1, sample: [{ id: missing.id }] });
  });

  it('My numbers’ “Route to trunk group” says the same', async () => {
    const { group: branch } = await createTrunkGroup(await tech(), trunkGroupInput({ name: 'Branch', allowedIps: ['44.10.22.30/32'], destinations: [{ host: '44.10.22.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }] }));
    const ids = [...owned, missing].map((number) => number.id);
    const result = await (await numberActions()).assignNumbersToTrunkGroupAction(idle, form({ trunkGroupId: branch.id, numberIds: ids.join(',') }));
    expect(result).toMatchObject({ status: 'success', tone: 'partial', message: expect.stringMatching(/^2 of 3 numbers now route to Branch; 1 is not routed\. /) });
    expect(result.status === 'success' && result.message).toContain(formatE164(missing.e164));
    // Back to Office, with every number its carrier lists.
    await assignNumbers(await tech(), { trunkGroupId: officeId, numberIds: ids });
  });

  it('a push that fails everywhere: saved, not routed, tone failed', async () => {
    const { group: nowhere } = await createTrunkGroup(await tech(), trunkGroupInput({ name: 'Nowhere', allowedIps: ['44.10.23.30/32'], destinations: [{ host: '44.10.23.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }] }));
    const result = await failing('voicetel', async () => (await trunkActions()).assignTrunkNumbersAction(idle, form({ trunkGroupId: nowhere.id, numberIds: owned.map((number) => number.id).join(',') })));
    expect(result).toMatchObject({ status: 'success', tone: 'failed', message: expect.stringMatching(/^Saved: 2 numbers are assigned to Nowhere, but none is routed to it yet\. /) });
    expect(result.status === 'success' && result.message).not.toMatch(/now route|VoiceTel/);
    await assignNumbers(await tech(), { trunkGroupId: officeId, numberIds: owned.map((number) => number.id) });
    expect(await getTrunkGroupRouting(await tech(), officeId)).toMatchObject({ routed: 2, notRouted: 1 });
  });

  it('moving numbers to another group the carrier does not route them to says calls may still reach the old group’s hosts, not the default route', async () => {
    const { group: annex } = await createTrunkGroup(await tech(), trunkGroupInput({ name: 'Annex', allowedIps: ['44.10.24.30/32'], destinations: [{ host: '44.10.24.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }] }));
    const [officeCopy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, officeId));
    const e164s = owned.map((number) => number.e164);
    const ids = owned.map((number) => number.id).join(',');
    expect(await carrierRoutes(e164s)).toEqual([officeCopy!.trunkRef, officeCopy!.trunkRef]);

    for (const assign of [async () => (await numberActions()).assignNumbersToTrunkGroupAction(idle, form({ trunkGroupId: annex.id, numberIds: ids })), async () => (await trunkActions()).assignTrunkNumbersAction(idle, form({ trunkGroupId: annex.id, numberIds: ids }))]) {
      const result = await failing('voicetel', assign);
      expect(result).toMatchObject({ status: 'success', tone: 'failed', message: expect.stringMatching(/^Saved: 2 numbers are assigned to Annex, but none is routed to it yet\. /) });
      const message = result.status === 'success' ? result.message! : '';
      expect(message).toContain('It is not yet routed to Annex: until the carrier confirms it is, calls may still reach Office’s hosts.');
      expect(message).not.toMatch(/default route|VoiceTel/);
      // The truth at the carrier: still Office's trunk.
      expect(await carrierRoutes(e164s)).toEqual([officeCopy!.trunkRef, officeCopy!.trunkRef]);
      await assignNumbers(await tech(), { trunkGroupId: officeId, numberIds: owned.map((number) => number.id) });
    }

    // A group not set up at the number's carrier: the rule's "default route" is not said of a number Office had.
    const { group: bare } = await createTrunkGroup(await tech(), trunkGroupInput({ name: 'Bare', allowedIps: ['44.10.25.30/32'], destinations: [{ host: '44.10.25.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }] }));
    const moved = await assignNumbers(await tech(), { trunkGroupId: bare.id, numberIds: [owned[0]!.id] });
    expect(moved.movedFrom).toEqual({ [owned[0]!.id]: 'Office' });
    await test.db.delete(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, bare.id));
    const { describeAssignment } = await import('@/lib/services/trunk-groups');
    const described = await describeAssignment(await tech(), bare, [owned[0]!.id], undefined, moved.movedFrom);
    expect(described.message).toBe(
      `Saved: 1 number is assigned to Bare, but it is not routed to it yet. ${formatE164(owned[0]!.e164)}: Bare has not been set up at this number’s carrier yet. It is not yet routed to Bare: until the carrier confirms it is, calls may still reach Office’s hosts.`,
    );
    // Without a group before, the default route is the truth and is said.
    expect((await describeAssignment(await tech(), bare, [owned[0]!.id], undefined)).message).toContain('so calls go to the carrier’s default route');
    await assignNumbers(await tech(), { trunkGroupId: officeId, numberIds: [owned[0]!.id] });
    expect(await getTrunkGroupRouting(await tech(), officeId)).toMatchObject({ routed: 2, notRouted: 1 });
  });

  it('disabling while the carrier fails: not a success, the page says calls may still reach the hosts, and Re-apply asks again', async () => {
    const actions = await trunkActions();
    const [copy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, officeId));
    const e164s = owned.map((number) => number.e164);
    expect(await carrierRoutes(e164s)).toEqual([copy!.trunkRef, copy!.trunkRef]);

    const disabled = await failing('voicetel', () => actions.setTrunkGroupStatusAction(idle, form({ trunkGroupId: officeId, status: 'disabled' })));
    expect(disabled).toMatchObject({ status: 'success', tone: 'failed' });
    expect(disabled.status === 'success' && disabled.message).toMatch(/^Office is disabled here, but the carriers have not confirmed moving any of its 3 numbers to their default route: calls to them may still reach these hosts\./);
    expect(disabled.status === 'success' && disabled.message).not.toMatch(/now go to each carrier's default route/);
    // The truth at the carrier: still routed to the group's trunk.
    expect(await carrierRoutes(e164s)).toEqual([copy!.trunkRef, copy!.trunkRef]);
    expect(await groupRow(officeId)).toMatchObject({ status: 'disabled', syncStatus: 'failed', syncDetail: expect.stringMatching(/^Disabled, but the carriers have not confirmed moving any of its 3 numbers .* may still reach these hosts/) });
    const routing = await getRoutingOfNumbers(await tech(), owned.map((number) => number.id));
    for (const number of owned) expect(routing.get(number.id)).toMatchObject({ state: 'not_routed', cause: 'default_unconfirmed', reason: expect.stringMatching(/^Office is disabled, but this number’s carrier has not confirmed/) });
    const page = await getTrunkGroupRouting(await tech(), officeId);
    expect(page.mayReachHosts).toMatchObject({ numbers: 3, problems: [expect.objectContaining({ cause: 'default_unconfirmed', label: 'Carrier 1', nextStep: expect.stringMatching(/^Re-apply the trunk group/) })] });
    expect(page).toMatchObject({ notRouted: 0, problems: [] });
    expect(JSON.stringify(page)).not.toMatch(/VoiceTel/);

    // Pressed again from a tab still showing "Disable": said plainly, nothing done.
    const again = await actions.setTrunkGroupStatusAction(idle, form({ trunkGroupId: officeId, status: 'disabled' }));
    expect(again).toMatchObject({ status: 'success', message: 'Office was already disabled (changed elsewhere, perhaps in another tab), so nothing was done.' });
    expect(await carrierRoutes(e164s)).toEqual([copy!.trunkRef, copy!.trunkRef]);

    // The carrier answers again: Re-apply moves the numbers to its default route and the warning is over.
    const reapplied = await actions.reapplyTrunkGroupAction(idle, form({ trunkGroupId: officeId }));
    expect(reapplied).toMatchObject({ status: 'success', message: expect.stringContaining("The trunk group is disabled: its numbers go to each carrier's default route, not to these hosts.") });
    expect(reapplied.status === 'success' && reapplied.tone).toBeUndefined();
    expect(await carrierRoutes(e164s)).not.toContain(copy!.trunkRef);
    expect(await groupRow(officeId)).toMatchObject({ syncStatus: 'applied', syncDetail: expect.stringMatching(/^Disabled: its numbers are routed/) });
    // The number VoiceTel does not list has nothing routed there: it is on the default route as far as anyone can tell.
    expect(await getTrunkGroupRouting(await tech(), officeId)).toMatchObject({ notRouted: 3, mayReachHosts: { numbers: 0 }, problems: [expect.objectContaining({ cause: 'group_disabled' })] });

    const enabled = await actions.setTrunkGroupStatusAction(idle, form({ trunkGroupId: officeId, status: 'active' }));
    expect(enabled).toMatchObject({ status: 'success', tone: 'partial', message: expect.stringMatching(/^Enabled\. .*did not route 1 of its 3 numbers back to it/) });
    const enabledAgain = await actions.setTrunkGroupStatusAction(idle, form({ trunkGroupId: officeId, status: 'active' }));
    expect(enabledAgain).toMatchObject({ status: 'success', message: 'Office was already enabled (changed elsewhere, perhaps in another tab), so nothing was done.' });
  });

  it('unassigning while one carrier fails: that number stays in the group and the message says so', async () => {
    const actions = await trunkActions();
    const [onCarrierx] = await (async () => {
      const connection = await connectionOf('carrierx');
      const numbers = await numbersOf('carrierx');
      const found = (await numbers.search({ kind: 'local', npa: '415', quantity: 3 })).slice(0, 1);
      await numbers.order({ numbers: found.map((number) => number.e164), idempotencyKey: 'routing-honesty-carrierx' });
      return test.db
        .insert(phoneNumbers)
        .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa: '415', state: number.state, connectionId: connection.id, monthly: '1.2500' })))
        .returning();
    })();
    await assignNumbers(await tech(), { trunkGroupId: officeId, numberIds: [onCarrierx!.id] });
    const ids = [owned[0]!.id, onCarrierx!.id];

    const partly = await failing('carrierx', () => actions.unassignTrunkNumbersAction(idle, form({ trunkGroupId: officeId, numberIds: ids.join(',') })));
    expect(partly).toMatchObject({ status: 'success', tone: 'partial' });
    expect(partly.status === 'success' && partly.message).toBe(
      `1 number no longer routes to Office: calls to it ring on the carrier’s default route until assigned to a trunk group again. The carrier did not confirm moving ${formatE164(onCarrierx!.e164)} to its default route, so it stays on Office and calls to it still reach its hosts. Try again in a few minutes.`,
    );
    expect(await numberRow(owned[0]!.id)).toMatchObject({ trunkGroupRef: null });
    expect(await numberRow(onCarrierx!.id)).toMatchObject({ trunkGroupRef: officeId });

    // Nothing confirmed: an error, and nothing changed.
    const none = await failing('carrierx', () => actions.unassignTrunkNumbersAction(idle, form({ trunkGroupId: officeId, numberIds: onCarrierx!.id })));
    expect(none).toMatchObject({ status: 'error', code: 'unavailable:number_routing', message: expect.stringMatching(/^The carrier did not confirm moving .+ to its default route, so nothing was changed: calls to it still reach its trunk group’s hosts\./) });
    expect(none.status === 'error' && none.message).not.toMatch(/CarrierX/);
    expect(await numberRow(onCarrierx!.id)).toMatchObject({ trunkGroupRef: officeId });

    const done = await actions.unassignTrunkNumbersAction(idle, form({ trunkGroupId: officeId, numberIds: onCarrierx!.id }));
    expect(done).toMatchObject({ status: 'success', message: expect.stringMatching(/^1 number no longer routes to Office/) });
    expect(done.status === 'success' && done.tone).toBeUndefined();
    expect(await numberRow(onCarrierx!.id)).toMatchObject({ trunkGroupRef: null });
  });
});
