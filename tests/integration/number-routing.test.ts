import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneNumbers, providerConnections, staffTasks, trunkGroupUpstreams, trunkGroups } from '@/lib/db/schema';
import { formatE164 } from '@/lib/format';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { getDashboard } from '@/lib/services/dashboard';
import { getRoutingOfNumbers, getTrunkGroupRouting } from '@/lib/services/number-routing';
import { listAccountNumbers } from '@/lib/services/numbers';
import { getConnectionAdapter } from '@/lib/services/providers';
import { assignNumbers, createTrunkGroup, reapplyTrunkGroup, routeNumbersUpstream, setTrunkGroupStatus } from '@/lib/services/trunk-groups';
import { parseNumberInventoryQuery, type RoutingFilter } from '@/lib/validations/number-inventory';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, trunkGroupInput } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const input = trunkGroupInput({ name: 'Main PBX' });

describe('number routing: applied on one upstream, failed on another', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let groupId: string;
  const numberIds: Record<'onVoicetel' | 'onCarrierx' | 'unrouted', string> = { onVoicetel: '', onCarrierx: '', unrouted: '' };
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const admin = () => accessAs(test.db, 'admin@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;

  /** Buys numbers on the provider's sandbox through its adapter and records them for the account. */
  async function ownedNumbers(provider: ProviderId, count: number, npa: string, accountId = tenants.acme.id) {
    const connection = await connectionOf(provider);
    const numbers = requireCapability((await getConnectionAdapter(connection.id)).adapter, 'numbers');
    const found = (await numbers.search({ kind: 'local', npa, quantity: count + 2 })).slice(0, count);
    await numbers.order({ numbers: found.map((number) => number.e164), idempotencyKey: `routing-test-${provider}-${npa}-${accountId}` });
    return test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId, e164: number.e164, kind: 'local' as const, npa, state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
  }

  /** A group whose copy on the connection failed, written directly: another tenant's, or a sub-account's. */
  async function failedGroupWithNumber(accountId: string, e164: string) {
    const connection = await connectionOf('voicetel');
    const [group] = await test.db.insert(trunkGroups).values({ ...input, accountId, name: `Failed ${e164}`, syncStatus: 'failed' }).returning();
    await test.db.insert(trunkGroupUpstreams).values({ trunkGroupId: group!.id, connectionId: connection.id, status: 'failed', lastError: 'VoiceTel refused it: Invalid primaryTrunk' });
    await test.db.insert(phoneNumbers).values({ accountId, e164, kind: 'local', npa: '312', connectionId: connection.id, monthly: '1.2500', trunkGroupRef: group!.id });
  }

  async function listedIds(filter: RoutingFilter) {
    const list = await listAccountNumbers(await admin(), parseNumberInventoryQuery({ routing: filter }));
    return list.rows.map((row) => row.id).sort();
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    const access = await tech();
    groupId = (await createTrunkGroup(access, input)).group.id;
    const [onVoicetel] = await ownedNumbers('voicetel', 1, '214');
    const [onCarrierx, unrouted] = await ownedNumbers('carrierx', 2, '415');
    Object.assign(numberIds, { onVoicetel: onVoicetel!.id, onCarrierx: onCarrierx!.id, unrouted: unrouted!.id });
    sandboxes.get('carrierx').setKnobs({ errorRate: 1 });
    try {
      const { sync } = await assignNumbers(access, { trunkGroupId: groupId, numberIds: [onVoicetel!.id, onCarrierx!.id] });
      expect(sync?.status).toBe('partially_applied');
    } finally {
      sandboxes.get('carrierx').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    // Not routed elsewhere: in East (a sub-account of Acme) and at Globex (another customer).
    await failedGroupWithNumber(tenants.east.id, '+13125550101');
    await failedGroupWithNumber(tenants.globex.id, '+13125550102');
  });

  it('gives each number its real state, with the carrier’s reason and no carrier name for customers', async () => {
    const routing = await getRoutingOfNumbers(await tech(), Object.values(numberIds));
    expect(routing.get(numberIds.onVoicetel)).toMatchObject({ state: 'routed', trunkGroup: { id: groupId, name: 'Main PBX' } });
    expect(routing.get(numberIds.unrouted)).toMatchObject({ state: 'carrier_default' });
    const refused = routing.get(numberIds.onCarrierx);
    expect(refused).toMatchObject({ state: 'not_routed', cause: 'failed', reason: expect.stringMatching(/^This number’s carrier did not accept Main PBX: .+/) });
    expect(refused?.reason).not.toMatch(/CarrierX/);
    const staff = await getRoutingOfNumbers(await accessAs(test.db, 'staff@carrier.example', tenants.acme.id), [numberIds.onCarrierx]);
    expect(staff.get(numberIds.onCarrierx)?.reason).toMatch(/CarrierX/);
  });

  it('filters My numbers by the same rule (routing=not_routed), the sub-account’s numbers included for an admin', async () => {
    const [east] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.e164, '+13125550101'));
    expect(await listedIds('not_routed')).toEqual([numberIds.onCarrierx, east!.id].sort());
    expect(await listedIds('routed')).toEqual([numberIds.onVoicetel]);
    expect(await listedIds('carrier_default')).toContain(numberIds.unrouted);
    // The SQL filter and the pure rule agree on every number the admin sees.
    const all = await listAccountNumbers(await admin(), parseNumberInventoryQuery({}));
    const byRule = await getRoutingOfNumbers(await admin(), all.rows.map((row) => row.id));
    for (const state of ['routed', 'not_routed', 'carrier_default'] as const) {
      expect(await listedIds(state)).toEqual(all.rows.filter((row) => byRule.get(row.id)?.state === state).map((row) => row.id).sort());
    }
  });

  it('names the numbers the trunk group does not carry, why, and what to do', async () => {
    const [carrierxNumber] = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, numberIds.onCarrierx));
    const routing = await getTrunkGroupRouting(await tech(), groupId);
    expect(routing).toMatchObject({ routed: 1, notRouted: 1, sample: [{ id: numberIds.onCarrierx, e164: carrierxNumber!.e164 }] });
    expect(routing.problems).toHaveLength(1);
    expect(routing.problems[0]).toMatchObject({ numbers: 1, cause: 'failed', label: expect.stringMatching(/^Carrier \d$/) });
    expect(routing.problems[0]!.reason).toMatch(new RegExp(`^${routing.problems[0]!.label} did not accept Main PBX`));
    expect(routing.problems[0]!.nextStep).toMatch(/Re-apply.*move these numbers.*contact support/);
    // Another customer asking about the group: not found; about the numbers: nothing.
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getTrunkGroupRouting(globex, groupId)).rejects.toMatchObject({ code: 'not_found:trunk_group' });
    expect((await getRoutingOfNumbers(globex, Object.values(numberIds))).size).toBe(0);
  });

  it('alerts on the dashboard over the subtree, never counting another account’s numbers', async () => {
    const { counts, alerts } = await getDashboard(await admin());
    // Acme's refused number and East's; Globex's is not Acme's business.
    expect(counts.notRouted).toEqual({ total: 2, own: 1 });
    expect(alerts?.notRouted).toEqual({ count: 2, elsewhere: 0 });
    // A technical user's My numbers lists Acme's own numbers: the alert says one is elsewhere.
    expect((await getDashboard(await tech())).alerts?.notRouted).toEqual({ count: 2, elsewhere: 1 });
    // Every count is over the same subtree: numbers and E911 alike.
    expect(counts.numbers).toBe(4);
    expect(counts.e911.total).toBe(4);
    expect(alerts?.withoutE911).toEqual({ count: 4, elsewhere: 1 });
    expect(alerts?.drifted).toEqual([]);
    const globex = await getDashboard(await accessAs(test.db, 'owner@globex.example', tenants.globex.id));
    expect(globex.counts.notRouted).toEqual({ total: 1, own: 1 });
    expect(globex.counts.numbers).toBe(1);
    // Finance reads no technical alerts.
    expect((await getDashboard(await accessAs(test.db, 'finance@acme.example', tenants.acme.id))).alerts).toBeUndefined();
  });

  it('lists trunk groups with drift, linking only the account’s own', async () => {
    await test.db.update(trunkGroupUpstreams).set({ drift: [{ field: 'codecs', desired: 'PCMU', actual: 'G729' }] }).where(eq(trunkGroupUpstreams.trunkGroupId, groupId));
    const east = await test.db.select().from(trunkGroups).where(eq(trunkGroups.accountId, tenants.east.id));
    await test.db.update(trunkGroupUpstreams).set({ drift: [{ field: 'codecs', desired: 'PCMU', actual: 'G729' }] }).where(eq(trunkGroupUpstreams.trunkGroupId, east[0]!.id));
    const { alerts } = await getDashboard(await admin());
    expect(alerts?.drifted).toEqual([
      { id: east[0]!.id, name: east[0]!.name, accountName: tenants.east.name, linked: false },
      { id: groupId, name: 'Main PBX', accountName: tenants.acme.name, linked: true },
    ]);
    await test.db.update(trunkGroupUpstreams).set({ drift: [] });
  });

  it('calls every number of a disabled group not routed, and all routed once the carrier takes it', async () => {
    const access = await tech();
    await setTrunkGroupStatus(access, groupId, 'disabled');
    const disabled = await getTrunkGroupRouting(access, groupId);
    expect(disabled).toMatchObject({ routed: 0, notRouted: 2 });
    expect(disabled.problems).toEqual([expect.objectContaining({ numbers: 2, cause: 'group_disabled', nextStep: expect.stringMatching(/^Someone with technical access|^Enable/) })]);
    await setTrunkGroupStatus(access, groupId, 'active');
    expect((await reapplyTrunkGroup(access, groupId)).status).toBe('applied');
    expect(await getTrunkGroupRouting(access, groupId)).toMatchObject({ routed: 2, notRouted: 0, problems: [] });
    expect((await getDashboard(await admin())).alerts?.notRouted).toEqual({ count: 1, elsewhere: 0 });
  });
});

describe('number routing: the carrier refuses one number of an applied group', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let groupId: string;
  let owned: { id: string; e164: string }[];
  let missing: { id: string; e164: string };
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const admin = () => accessAs(test.db, 'admin@acme.example', tenants.acme.id);
  const staff = () => accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
  const voicetel = async () => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel')))[0]!;
  const numberRow = async (id: string) => (await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)))[0]!;
  const numbersOf = async () => requireCapability((await getConnectionAdapter((await voicetel()).id)).adapter, 'numbers');
  const notRoutedListed = async () => (await listAccountNumbers(await admin(), parseNumberInventoryQuery({ routing: 'not_routed' }))).rows.map((row) => row.id).sort();

  /** The SQL filter (My numbers) and the pure rule agree on every number the admin sees. */
  async function expectFilterAgreesWithRule() {
    const all = await listAccountNumbers(await admin(), parseNumberInventoryQuery({}));
    const byRule = await getRoutingOfNumbers(await admin(), all.rows.map((row) => row.id));
    for (const state of ['routed', 'not_routed', 'carrier_default'] as const) {
      const listed = (await listAccountNumbers(await admin(), parseNumberInventoryQuery({ routing: state }))).rows.map((row) => row.id).sort();
      expect(listed).toEqual(all.rows.filter((row) => byRule.get(row.id)?.state === state).map((row) => row.id).sort());
    }
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    groupId = (await createTrunkGroup(await tech(), { ...input, name: 'Office' })).group.id;
    const connection = await voicetel();
    const numbers = await numbersOf();
    // Three numbers on VoiceTel in the portal; only two of them bought there, so it refuses the third.
    const found = (await numbers.search({ kind: 'local', npa: '214', quantity: 5 })).slice(0, 3);
    await numbers.order({ numbers: found.slice(0, 2).map((number) => number.e164), idempotencyKey: 'routing-refusal-test' });
    const rows = await test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa: '214', state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
    owned = rows.slice(0, 2);
    missing = rows[2]!;
    const { sync } = await assignNumbers(await tech(), { trunkGroupId: groupId, numberIds: rows.map((row) => row.id) });
    expect(sync?.status).toBe('applied');
  });

  it('calls the refused number not routed with the translator’s sentence, the others routed; staff read the carrier’s words', async () => {
    const routing = await getRoutingOfNumbers(await tech(), [...owned.map((number) => number.id), missing.id]);
    for (const number of owned) expect(routing.get(number.id)).toMatchObject({ state: 'routed' });
    const refused = routing.get(missing.id)!;
    expect(refused).toMatchObject({ state: 'not_routed', cause: 'refused', trunkGroup: { id: groupId, name: 'Office' } });
    expect(refused.reason).toBe(`This number’s carrier does not list ${formatE164(missing.e164)} on our account, so it could not be routed. We opened a task for our team; you'll see the result here.`);
    expect(JSON.stringify(refused)).not.toMatch(/VoiceTel|Number not on account/);
    expect(refused.staffDetail).toBeUndefined();

    const forStaff = (await getRoutingOfNumbers(await staff(), [missing.id])).get(missing.id)!;
    expect(forStaff.reason).toMatch(/^VoiceTel does not list/);
    expect(forStaff.staffDetail).toBe('Number not on account');
    // Stored on the number, and a task for staff, as the sentence promises.
    expect(await numberRow(missing.id)).toMatchObject({ routingRefusedAt: expect.any(Date), routingRefusalDetail: 'Number not on account' });
    const tasks = await test.db.select().from(staffTasks).where(and(eq(staffTasks.subjectType, 'phone_number'), eq(staffTasks.subjectId, missing.id)));
    expect(tasks).toEqual([expect.objectContaining({ kind: 'number_not_on_account', status: 'open', accountId: tenants.acme.id })]);
  });

  it('counts it on My numbers’ filter, the dashboard and the trunk group’s banner, by the same rule', async () => {
    expect(await notRoutedListed()).toEqual([missing.id]);
    await expectFilterAgreesWithRule();
    expect((await getDashboard(await admin())).counts.notRouted).toEqual({ total: 1, own: 1 });
    const banner = await getTrunkGroupRouting(await tech(), groupId);
    expect(banner).toMatchObject({ routed: 2, notRouted: 1, sample: [{ id: missing.id, e164: missing.e164 }] });
    expect(banner.problems).toEqual([expect.objectContaining({ numbers: 1, cause: 'refused', nextStep: expect.stringMatching(/^Re-apply the trunk group to try these numbers again/) })]);
    expect(banner.problems[0]!.reason).toMatch(new RegExp(`^${banner.problems[0]!.label} does not list \\(214\\)`));
    expect(JSON.stringify(banner)).not.toMatch(/VoiceTel|Number not on account/);
    expect((await getTrunkGroupRouting(await staff(), groupId)).problems[0]!.reason).toMatch(/^VoiceTel does not list/);
    // Another customer learns nothing about it.
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    expect((await getRoutingOfNumbers(globex, [missing.id])).size).toBe(0);
    expect((await getDashboard(globex)).counts.notRouted).toEqual({ total: 0, own: 0 });
  });

  it('Re-apply retries the refused number and clears the refusal once the carrier routes it', async () => {
    // The number is now on our VoiceTel account: the next route of it succeeds.
    await (await numbersOf()).order({ numbers: [missing.e164], idempotencyKey: 'routing-refusal-test-late' });
    expect((await reapplyTrunkGroup(await tech(), groupId)).status).toBe('applied');
    expect((await getRoutingOfNumbers(await tech(), [missing.id])).get(missing.id)).toMatchObject({ state: 'routed' });
    expect(await numberRow(missing.id)).toMatchObject({ routingRefusedAt: null, routingRefusal: null, routingRefusalDetail: null });
    expect((await (await numbersOf()).list({})).items.find((number) => number.e164 === missing.e164)?.trunkRef).toBeTruthy();
    expect(await getTrunkGroupRouting(await tech(), groupId)).toMatchObject({ routed: 3, notRouted: 0, problems: [] });
    expect((await getDashboard(await admin())).counts.notRouted).toEqual({ total: 0, own: 0 });
    const tasks = await test.db.select().from(staffTasks).where(and(eq(staffTasks.subjectType, 'phone_number'), eq(staffTasks.subjectId, missing.id)));
    expect(tasks.map((task) => task.status)).toEqual(['done']);
  });

  it('marks every number of a route call that fails as a whole, and clears a number that leaves the group', async () => {
    const connectionId = (await voicetel()).id;
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      await routeNumbersUpstream(test.db, [...owned, missing].map((number) => ({ e164: number.e164, connectionId })), groupId);
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    expect(await notRoutedListed()).toEqual([...owned, missing].map((number) => number.id).sort());
    await expectFilterAgreesWithRule();
    const routing = await getRoutingOfNumbers(await tech(), [owned[0]!.id]);
    expect(routing.get(owned[0]!.id)).toMatchObject({ state: 'not_routed', cause: 'refused', reason: expect.stringMatching(/^This number’s carrier .+ Re-apply the trunk group/) });
    expect(routing.get(owned[0]!.id)?.reason).not.toMatch(/VoiceTel/);
    expect(await getTrunkGroupRouting(await tech(), groupId)).toMatchObject({ routed: 0, notRouted: 3, problems: [expect.objectContaining({ numbers: 3, cause: 'refused' })] });
    expect((await getDashboard(await admin())).counts.notRouted).toEqual({ total: 3, own: 3 });

    // Leaving the group ends the refusal: the number is on the carrier's default, as it says.
    await assignNumbers(await tech(), { trunkGroupId: null, numberIds: [owned[0]!.id] });
    expect(await numberRow(owned[0]!.id)).toMatchObject({ trunkGroupRef: null, routingRefusedAt: null, routingRefusal: null });
    expect((await getRoutingOfNumbers(await tech(), [owned[0]!.id])).get(owned[0]!.id)).toEqual({ state: 'carrier_default' });
    // Re-applied successfully: the rest are routed again and nothing is left marked.
    expect((await reapplyTrunkGroup(await tech(), groupId)).status).toBe('applied');
    expect(await notRoutedListed()).toEqual([]);
    expect((await getDashboard(await admin())).counts.notRouted).toEqual({ total: 0, own: 0 });
  });
});
