/**
 * Issue 12.2 and 12.3: a carrier's refusal reaches the customer as what to do next (never the
 * carrier's words, which staff keep); where only staff can act, one task is opened (not two on a
 * retry), staff close it (audited), and customers reach neither the queue nor its action. Trunk
 * groups are checked against every enabled carrier's rules on create and edit. Every upstream call
 * goes over HTTP to a sandbox.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, phoneNumbers, providerConnections, staffTasks, trunkGroupUpstreams, users } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type NumberSearchQuery, type ProviderId } from '@/lib/providers/types';
import { getConnectionAdapter } from '@/lib/services/providers';
import { listStaffTasks, resolveStaffTask } from '@/lib/services/staff-tasks';
import { assignNumbers, createTrunkGroup, reapplyTrunkGroup, updateTrunkGroup } from '@/lib/services/trunk-groups';
import { getTrunkSyncStatus } from '@/lib/services/trunk-sync-status';
import { TASK_OPENED } from '@/lib/services/upstream-refusals';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser, trunkGroupInput } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, ip: '203.0.113.9' }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

const base = trunkGroupInput({ name: 'Refusals PBX' });

const SEARCHES: Record<ProviderId, Omit<NumberSearchQuery, 'quantity'>[]> = {
  voicetel: [{ kind: 'local', npa: '214' }],
  carrierx: [{ kind: 'local', npa: '415' }],
  vitcom: [{ kind: 'local', state: 'TX' }, { kind: 'local', state: 'NY' }, { kind: 'local', state: 'CA' }, { kind: 'local', state: 'IL' }],
  voicemeup: [{ kind: 'local' }, { kind: 'local', state: 'QC' }, { kind: 'local', state: 'ON' }],
};

describe('upstream refusals reach customers as their next step (issue 12.2)', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const staffIn = () => accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;

  /** Buys `count` numbers on the provider through its adapter (over HTTP) and records them as Acme's. */
  async function ownedNumbers(provider: ProviderId, count: number, key: string) {
    const connection = await connectionOf(provider);
    const numbers = requireCapability((await getConnectionAdapter(connection.id)).adapter, 'numbers');
    let found: Awaited<ReturnType<typeof numbers.search>> = [];
    for (const query of SEARCHES[provider]) {
      found = await numbers.search({ ...query, quantity: count + 2 }).catch(() => []);
      if (found.length >= count) break;
    }
    found = found.slice(0, count);
    expect(found, `${provider} sandbox has ${count} numbers`).toHaveLength(count);
    let holdRef: string | undefined;
    if (numbers.holds) holdRef = (await numbers.holds.hold(found)).holdRef;
    const result = await numbers.order({ numbers: found.map((number) => number.e164), idempotencyKey: `refusals-${provider}-${key}`, holdRef });
    expect(result.lines.every((line) => line.status !== 'failed'), JSON.stringify(result)).toBe(true);
    return test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa: number.npa, state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
  }

  const openTasks = () => test.db.select().from(staffTasks).where(eq(staffTasks.status, 'open'));

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('a carrier where only staff can set up the trunk group: the customer is told a task was opened, and a retry opens no second task', async () => {
    resetBreakers();
    const { group } = await createTrunkGroup(await tech(), { ...base, name: 'Needs linking' });
    const numbers = await ownedNumbers('voicemeup', 1, 'link');
    const { sync } = await assignNumbers(await tech(), { trunkGroupId: group.id, numberIds: numbers.map((number) => number.id) });
    const voicemeup = await connectionOf('voicemeup');
    const refused = sync!.upstreams.find((upstream) => upstream.connectionId === voicemeup.id)!;
    expect(refused.ok).toBe(false);
    expect(refused.detail).toContain(TASK_OPENED);
    expect(refused.detail).not.toMatch(/API|trunkRef|ask the carrier/);

    const tasks = (await openTasks()).filter((task) => task.subjectId === group.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'link_trunk', accountId: tenants.acme.id, subjectType: 'trunk_group', connectionId: voicemeup.id, status: 'open' });
    expect(tasks[0]!.detail).toMatch(/cannot create trunk groups/);

    await reapplyTrunkGroup(await tech(), group.id);
    await reapplyTrunkGroup(await tech(), group.id);
    expect((await openTasks()).filter((task) => task.subjectId === group.id)).toHaveLength(1);

    // The customer's view: the sentence, a carrier label, no carrier words; staff also get the carrier's words.
    const customerView = await getTrunkSyncStatus(await tech(), group.id);
    const copy = customerView.upstreams.find((upstream) => upstream.status === 'failed')!;
    expect(copy.error).toContain(TASK_OPENED);
    expect(copy.error).not.toContain('VoiceMeUp');
    expect(copy.errorDetail).toBeNull();
    const staffView = await getTrunkSyncStatus(await staffIn(), group.id);
    expect(staffView.upstreams.find((upstream) => upstream.status === 'failed')!.errorDetail).toMatch(/cannot create trunk groups/);
  });

  it('a setting a carrier refuses ("Invalid primaryTrunk"): the customer reads which setting and what to do; staff keep the carrier’s words', async () => {
    resetBreakers();
    const { group, warnings } = await createTrunkGroup(await staffIn(), { ...base, name: 'Host name', destinations: [{ host: 'sbc1.example.com', port: 5060, transport: 'udp', priority: 1, weight: 100 }] });
    // Accepted: other carriers deliver to host names; the warning names those that do not.
    expect(warnings.find((warning) => warning.includes('destinations'))).toMatch(/VITCOM.*VoiceMeUp.*will not carry the destinations/);
    const numbers = await ownedNumbers('vitcom', 1, 'host');
    await assignNumbers(await tech(), { trunkGroupId: group.id, numberIds: numbers.map((number) => number.id) });
    const vitcom = await connectionOf('vitcom');
    const [copy] = await test.db.select().from(trunkGroupUpstreams).where(and(eq(trunkGroupUpstreams.trunkGroupId, group.id), eq(trunkGroupUpstreams.connectionId, vitcom.id)));
    expect(copy!.status).toBe('failed');
    expect(copy!.lastError).toMatch(/cannot carry the trunk group's destinations .*IPv4 addresses only, not host names.*Change it with Edit/);
    expect(copy!.lastError).not.toContain('Invalid primaryTrunk');
    expect(copy!.lastErrorDetail).toContain('Invalid primaryTrunk');
    // The customer can act on this one: no staff task.
    expect((await openTasks()).filter((task) => task.subjectId === group.id)).toEqual([]);
  });

  it('staff see the queue and close a task (audited); a second close changes nothing', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    const { tasks, counts } = await listStaffTasks(staff, { status: 'open' });
    expect(counts.open).toBeGreaterThan(0);
    const task = tasks[0]!.task;
    const done = await resolveStaffTask(staff, task.id, { ip: '203.0.113.9' });
    expect(done).toMatchObject({ id: task.id, status: 'done', resolvedBy: staff.id, resolvedAt: expect.any(Date) });
    const [event] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'staff_task.resolve'), eq(auditEvents.targetId, task.id)));
    expect(event).toMatchObject({ actorUserId: staff.id, accountId: null, before: expect.objectContaining({ status: 'open' }), after: { status: 'done' }, ip: '203.0.113.9' });
    await expect(resolveStaffTask(staff, task.id)).rejects.toMatchObject({ code: 'conflict:staff_task' });
    expect((await listStaffTasks(staff, { status: 'done' })).tasks.map((row) => row.task.id)).toContain(task.id);
  });

  it('reads a page cursor it did not write as the first page, never a database error', async () => {
    const staff = await sessionUser(test.db, 'staff@carrier.example');
    const first = (await listStaffTasks(staff, { status: 'open' })).tasks.map((row) => row.task.id);
    for (const cursor of ['1_x', '1_\u0000', `+275760-09-13T00:00:00.000Z_${crypto.randomUUID()}`, `2026-01-01T00:00:00.000Z_${'-'.repeat(36)}`]) {
      expect((await listStaffTasks(staff, { status: 'open', cursor })).tasks.map((row) => row.task.id)).toEqual(first);
    }
  });

  it('customers reach neither the queue nor its action (forbidden), whatever their role', async () => {
    const [task] = await test.db.select().from(staffTasks).limit(1);
    const { resolveStaffTaskAction } = await import('@/app/(portal)/operator/tasks/actions');
    const { default: page } = await import('@/app/(portal)/operator/tasks/page');
    for (const email of ['owner@acme.example', 'tech@acme.example', 'owner@globex.example']) {
      const customer = await sessionUser(test.db, email);
      await expect(listStaffTasks(customer, { status: 'open' })).rejects.toMatchObject({ code: 'forbidden:staff' });
      await expect(resolveStaffTask(customer, task!.id)).rejects.toMatchObject({ code: 'forbidden:staff' });
      session.userId = customer.id;
      const form = new FormData();
      form.set('taskId', task!.id);
      expect(await resolveStaffTaskAction({ status: 'idle' }, form)).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      await expect(page({ searchParams: Promise.resolve({}) })).rejects.toMatchObject({ digest: expect.stringContaining('403') });
    }
    session.userId = (await test.db.select().from(users).where(eq(users.email, 'staff@carrier.example')))[0]!.id;
    expect(await page({ searchParams: Promise.resolve({}) })).toBeTruthy();
    session.userId = undefined;
  });

  it('credentials a carrier rejects: the customer is told a task was opened; one platform task per connection', async () => {
    resetBreakers();
    const { group } = await createTrunkGroup(await tech(), { ...base, name: 'Credentials' });
    const numbers = await ownedNumbers('carrierx', 1, 'credentials');
    const carrierx = await connectionOf('carrierx');
    try {
      const { sealCredentials } = await import('@/lib/services/secret-box');
      await test.db.update(providerConnections).set({ credentialsCiphertext: sealCredentials({ token: 'not-the-token' }) }).where(eq(providerConnections.id, carrierx.id));
      const { sync } = await assignNumbers(await tech(), { trunkGroupId: group.id, numberIds: numbers.map((number) => number.id) });
      const refused = sync!.upstreams.find((upstream) => upstream.connectionId === carrierx.id)!;
      expect(refused.ok).toBe(false);
      expect(refused.detail).toMatch(/is not accepting our connection right now; your settings are saved\. We opened a task/);
      await reapplyTrunkGroup(await tech(), group.id);
      const tasks = (await openTasks()).filter((task) => task.kind === 'credentials');
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ accountId: null, subjectType: 'provider_connection', subjectId: carrierx.id });
    } finally {
      await test.db.update(providerConnections).set({ credentialsCiphertext: carrierx.credentialsCiphertext }).where(eq(providerConnections.id, carrierx.id));
      resetBreakers();
    }
  });
});

describe('trunk groups are checked against every connected carrier (issue 12.3)', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('a setting only some carriers can carry is saved with a warning naming them (names for staff, labels for customers)', async () => {
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    const asStaff = await createTrunkGroup(staff, { ...base, name: 'With CPS', maxCps: 5 });
    expect(asStaff.warnings.find((warning) => warning.includes('calls-per-second'))).toMatch(/^CarrierX.*, VoiceMeUp.* and VoiceTel.* \(of our 4 carriers\) will not carry the calls-per-second limit/);
    const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    const asCustomer = await updateTrunkGroup(tech, asStaff.group.id, { ...base, name: 'With CPS', maxCps: 6 });
    const warning = asCustomer.warnings.find((text) => text.includes('calls-per-second'))!;
    expect(warning).toMatch(/^Carrier \d, Carrier \d and Carrier \d \(of our 4 carriers\) will not carry/);
    expect(warning).not.toMatch(/VoiceTel|VITCOM|CarrierX|VoiceMeUp/);
    // VoiceMeUp's trunk groups are set up by staff: said too.
    expect(asCustomer.warnings.some((text) => /trunk groups are set up by our team/.test(text))).toBe(true);
  });

  it('a setting no connected carrier can carry is refused with a field error naming each carrier’s rule, and nothing is saved', async () => {
    const vitcom = (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'vitcom')))[0]!;
    await test.db.update(providerConnections).set({ enabled: false }).where(eq(providerConnections.id, vitcom.id));
    try {
      const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
      await expect(createTrunkGroup(staff, { ...base, name: 'CPS nowhere', maxCps: 5 })).rejects.toMatchObject({
        code: 'invalid:trunk_carriers',
        fieldErrors: { maxCps: [expect.stringMatching(/^None of our 3 carriers can carry this calls-per-second limit\. CarrierX.*: it has no calls-per-second limit to set\. VoiceMeUp.*VoiceTel/)] },
      });
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      await expect(createTrunkGroup(tech, { ...base, name: 'CPS nowhere', maxCps: 5 })).rejects.toMatchObject({ code: 'invalid:trunk_carriers', fieldErrors: { maxCps: [expect.not.stringMatching(/CarrierX|VoiceTel|VoiceMeUp/)] } });
      const { trunkGroups } = await import('@/lib/db/schema');
      expect(await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'CPS nowhere'))).toEqual([]);
      // Without the limit, the same group is fine.
      await expect(createTrunkGroup(tech, { ...base, name: 'CPS nowhere' })).resolves.toMatchObject({ group: { name: 'CPS nowhere' } });
    } finally {
      await test.db.update(providerConnections).set({ enabled: true }).where(eq(providerConnections.id, vitcom.id));
    }
  });
});
