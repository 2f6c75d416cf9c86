import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditEvents, phoneNumbers, providerConnections, trunkGroupUpstreams, trunkGroups } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { hasCapability, requireCapability, type ProviderId } from '@/lib/providers/types';
import { assignE911Address, saveE911Address } from '@/lib/services/e911';
import { getConnectionAdapter } from '@/lib/services/providers';
import { openSecret } from '@/lib/services/secret-box';
import {
  assignNumbers,
  checkTrunkDrift,
  createTrunkGroup,
  deleteTrunkGroup,
  getTrunkGroupDetail,
  reapplyTrunkGroup,
  rotateDigestPassword,
  setTrunkGroupStatus,
  updateTrunkGroup,
  type TrunkGroupInput,
} from '@/lib/services/trunk-groups';
import { resetEnvCache } from '@/lib/env';
import { e911AddressSchema } from '@/lib/validations/e911';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const base: TrunkGroupInput = {
  name: 'Main PBX',
  direction: 'both',
  auth: 'ip',
  allowedIps: ['44.10.20.30/32'],
  destinations: [
    { host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 },
    { host: '44.10.20.31', port: 5060, transport: 'udp', priority: 2, weight: 100 },
  ],
  maxChannels: 50,
  maxCps: 5,
  codecs: ['PCMU', 'PCMA'],
  callerIdPolicy: 'pass_through',
};

describe('trunk groups', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.acme.id);
  const connectionOf = async (provider: ProviderId) => (await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider)))[0]!;

  /** Buys `count` numbers on the provider through its adapter and records them as the account's. */
  async function ownedNumbers(provider: ProviderId, count: number, npa: string) {
    const connection = await connectionOf(provider);
    const { adapter } = await getConnectionAdapter(connection.id);
    const found = (await requireCapability(adapter, 'numbers').search({ kind: 'local', npa, quantity: count + 2 })).slice(0, count);
    await requireCapability(adapter, 'numbers').order({ numbers: found.map((number) => number.e164), idempotencyKey: `trunk-test-${provider}-${npa}` });
    const rows = await test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa, state: number.state, connectionId: connection.id, monthly: '1.2500' })))
      .returning();
    return rows;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
  });

  it('saves the desired state and waits for numbers before pushing anywhere', async () => {
    const { group, digestPassword, sync } = await createTrunkGroup(await tech(), base);
    expect(digestPassword).toBeUndefined();
    expect(sync).toEqual({ status: 'not_needed', upstreams: [] });
    expect(group).toMatchObject({ name: 'Main PBX', syncStatus: 'not_needed', version: 1 });
    await expect(createTrunkGroup(await tech(), base)).rejects.toMatchObject({ code: 'conflict:trunk_name', fieldErrors: { name: [expect.any(String)] } });
  });

  it('refuses limits above the account’s', async () => {
    await expect(createTrunkGroup(await tech(), { ...base, name: 'Too big', maxChannels: 100_000 })).rejects.toMatchObject({
      code: 'invalid:trunk_limits',
      fieldErrors: { maxChannels: ["Above Acme Telecom's limit of 500 concurrent calls"] },
    });
  });

  it('pushes to the upstream of assigned numbers, reads back, and says what it cannot express', async () => {
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    const numbers = await ownedNumbers('voicetel', 2, '312');
    const { changed, sync } = await assignNumbers(await tech(), { trunkGroupId: group!.id, numberIds: numbers.map((number) => number.id) });
    expect(changed).toBe(2);
    expect(sync?.status, JSON.stringify(sync)).toBe('applied');
    const [copy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id));
    expect(copy).toMatchObject({ status: 'applied', appliedVersion: 1, trunkRef: expect.any(String) });
    const { adapter } = await getConnectionAdapter(copy!.connectionId);
    const upstream = await requireCapability(adapter, 'trunks').get(copy!.trunkRef!);
    expect(upstream?.allowedIps).toContain('44.10.20.30/32');
    expect(upstream?.destinations.map((destination) => destination.host)).toContain('44.10.20.30');
    // The numbers' inbound calls now point at the group's copy upstream.
    const listed = (await requireCapability(adapter, 'numbers').list({})).items.filter((item) => numbers.some((number) => number.e164 === item.e164));
    expect(listed.map((item) => item.trunkRef)).toEqual([copy!.trunkRef, copy!.trunkRef]);
    console.info('voicetel limitations:', copy!.limitations);
  });

  it('refuses allow-list blocks wider than /24 unless the operator widens the limit (toll-fraud exposure)', async () => {
    await expect(createTrunkGroup(await tech(), { ...base, name: 'Wide open', allowedIps: ['8.0.0.0/7', '44.10.20.30/32'] })).rejects.toMatchObject({
      code: 'invalid:trunk_cidr',
      fieldErrors: { allowedIps: [expect.stringMatching(/^8\.0\.0\.0\/7 is 33,554,432 addresses, wider than a \/24/)] },
    });
    const [main] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    await expect(updateTrunkGroup(await tech(), main!.id, { ...base, allowedIps: ['44.12.0.0/23'] })).rejects.toMatchObject({ code: 'invalid:trunk_cidr' });
    expect(await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Wide open'))).toEqual([]);

    process.env.TRUNK_ALLOWLIST_WIDEST_PREFIX = '20';
    resetEnvCache();
    try {
      const { group } = await createTrunkGroup(await tech(), { ...base, name: 'Office block', allowedIps: ['44.12.0.0/20'] });
      expect(group.allowedIps).toEqual(['44.12.0.0/20']);
      await expect(createTrunkGroup(await tech(), { ...base, name: 'Still too wide', allowedIps: ['44.0.0.0/16'] })).rejects.toMatchObject({ code: 'invalid:trunk_cidr' });
    } finally {
      delete process.env.TRUNK_ALLOWLIST_WIDEST_PREFIX;
      resetEnvCache();
    }
  });

  it('refuses address blocks an upstream of the numbers cannot take', async () => {
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    await expect(updateTrunkGroup(await tech(), group!.id, { ...base, allowedIps: ['44.12.0.16/28'] })).rejects.toMatchObject({
      code: 'invalid:trunk_cidr',
      fieldErrors: { allowedIps: ['VoiceTel accepts only /8, /16, /24 or /32 blocks: 44.12.0.16/28 is /28'] },
    });
    const [unchanged] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, group!.id));
    expect(unchanged!.version).toBe(1);
  });

  it('applies a changed host, and shows drift made behind its back until re-applied', async () => {
    const access = await tech();
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    const moved = { ...base, destinations: [{ ...base.destinations[0]!, host: '44.10.20.40' }, base.destinations[1]!] };
    const { sync } = await updateTrunkGroup(access, group!.id, moved);
    expect(sync.status).toBe('applied');
    const [copy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id));
    expect(copy!.appliedVersion).toBe(2);
    const { adapter } = await getConnectionAdapter(copy!.connectionId);
    expect((await requireCapability(adapter, 'trunks').get(copy!.trunkRef!))?.destinations.map((destination) => destination.host)).toContain('44.10.20.40');

    // Someone edits the trunk in the upstream's own portal.
    const current = (await requireCapability(adapter, 'trunks').get(copy!.trunkRef!))!;
    await requireCapability(adapter, 'trunks').update(copy!.trunkRef!, { ...current, destinations: current.destinations.map((destination) => ({ ...destination, host: destination.host === '44.10.20.40' ? '44.77.77.77' : destination.host })) });
    const checks = await checkTrunkDrift();
    expect(checks.find((check) => check.trunkGroupId === group!.id)?.drifted).toBeGreaterThan(0);
    const [drifted] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id));
    expect(drifted!.drift.map((difference) => difference.field)).toContain('destinations');
    expect(drifted!.drift.find((difference) => difference.field === 'destinations')).toMatchObject({ desired: expect.stringContaining('44.10.20.40'), actual: expect.stringContaining('44.77.77.77') });

    await reapplyTrunkGroup(access, group!.id);
    await checkTrunkDrift();
    const [healed] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id));
    expect(healed!.drift).toEqual([]);
  });

  it('disabling routes its numbers to the carrier default; enabling routes them back', async () => {
    const access = await tech();
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    const [copy] = await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id));
    const numbers = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.trunkGroupRef, group!.id));
    const { adapter } = await getConnectionAdapter(copy!.connectionId);
    const routes = async () => (await requireCapability(adapter, 'numbers').list({})).items.filter((item) => numbers.some((number) => number.e164 === item.e164)).map((item) => item.trunkRef ?? null);
    await setTrunkGroupStatus(access, group!.id, 'disabled');
    expect(await routes()).not.toContain(copy!.trunkRef);
    expect((await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, group!.id)))[0]).toMatchObject({ status: 'disabled', syncDetail: expect.stringContaining('Disabled') });
    await setTrunkGroupStatus(access, group!.id, 'active');
    expect(await routes()).toEqual([copy!.trunkRef, copy!.trunkRef]);
  });

  it('leaves the other upstreams applied when one fails, marked partially applied with the reason', async () => {
    const access = await tech();
    const { group } = await createTrunkGroup(access, { ...base, name: 'Two carriers', allowedIps: ['44.20.0.0/24'], destinations: [base.destinations[0]!] });
    const numbers = [...(await ownedNumbers('voicetel', 1, '214')), ...(await ownedNumbers('carrierx', 1, '415'))];
    sandboxes.get('carrierx').setKnobs({ errorRate: 1 });
    try {
      const { sync } = await assignNumbers(access, { trunkGroupId: group.id, numberIds: numbers.map((number) => number.id) });
      expect(sync?.status).toBe('partially_applied');
      expect(sync?.upstreams.find((outcome) => outcome.provider === 'voicetel')).toMatchObject({ ok: true });
      expect(sync?.upstreams.find((outcome) => outcome.provider === 'carrierx')).toMatchObject({ ok: false, detail: 'CarrierX is not answering right now; your settings are saved. Press Re-apply in a few minutes.' });
    } finally {
      sandboxes.get('carrierx').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    const [saved] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, group.id));
    expect(saved).toMatchObject({ syncStatus: 'partially_applied', syncDetail: 'CarrierX is not answering right now; your settings are saved. Press Re-apply in a few minutes.' });
    expect((await reapplyTrunkGroup(access, group.id)).status).toBe('applied');
  });

  it('generates digest credentials, shows the password once, and rotates it', async () => {
    const access = await tech();
    const { group, digestPassword } = await createTrunkGroup(access, { ...base, name: 'Remote office', auth: 'digest', allowedIps: [] });
    expect(digestPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(group.digestUsername).toMatch(/^remoteoffice[0-9a-f]{6}$/);
    expect(group.digestPasswordCiphertext).not.toContain(digestPassword!);
    const rotated = await rotateDigestPassword(access, group.id);
    expect(rotated.digestPassword).not.toBe(digestPassword);
    expect(openSecret(rotated.group.digestPasswordCiphertext!)).toBe(rotated.digestPassword);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'trunk_group.rotate_password'));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(rotated.digestPassword!);
    await expect(rotateDigestPassword(access, (await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX')))[0]!.id)).rejects.toMatchObject({ code: 'invalid:trunk_auth' });
  });

  it('refuses to delete a group that still routes numbers, until they are moved', async () => {
    const access = await tech();
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Main PBX'));
    await expect(deleteTrunkGroup(access, group!.id)).rejects.toMatchObject({ code: 'conflict:trunk_in_use', message: expect.stringContaining('still routes 2 numbers') });
    const numbers = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.trunkGroupRef, group!.id));
    await assignNumbers(access, { trunkGroupId: null, numberIds: numbers.map((number) => number.id) });
    const copies = (await test.db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.trunkGroupId, group!.id))).filter((copy) => copy.trunkRef);
    expect(copies.length).toBeGreaterThan(0);

    // A carrier that is down keeps the group (and its copies elsewhere are deleted again safely later).
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      await expect(deleteTrunkGroup(access, group!.id)).rejects.toMatchObject({ code: 'unavailable:trunk_delete', message: expect.stringContaining('One of our carriers did not confirm removing Main PBX') });
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    expect(await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, group!.id))).toHaveLength(1);

    const outcome = await deleteTrunkGroup(access, group!.id);
    expect(await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, group!.id))).toEqual([]);
    const providers = Object.fromEntries((await test.db.select().from(providerConnections)).map((connection) => [connection.id, connection.provider]));
    for (const copy of copies) {
      const { adapter } = await getConnectionAdapter(copy.connectionId);
      if (hasCapability(adapter, 'trunks.delete')) {
        expect(outcome.removed, providers[copy.connectionId]).toContain(providers[copy.connectionId]);
        expect(await requireCapability(adapter, 'trunks').get(copy.trunkRef!), `${providers[copy.connectionId]} copy`).toBeNull();
      } else {
        expect(outcome.left).toContain(providers[copy.connectionId]);
      }
    }
    expect(outcome.removed).toContain('voicetel');
  });

  it('refuses to route numbers without a registered emergency address when an ancestor requires it, and routes them once registered', async () => {
    await test.db.update(accounts).set({ requireE911ForRouting: true }).where(eq(accounts.id, tenants.acme.id));
    try {
      const east = await accessAs(test.db, 'tech@acme.example', tenants.east.id);
      const numbers = await ownedNumbers('voicetel', 2, '773');
      await test.db.update(phoneNumbers).set({ accountId: tenants.east.id }).where(eq(phoneNumbers.npa, '773'));
      const { group } = await createTrunkGroup(east, { ...base, name: 'East PBX', maxChannels: 10, maxCps: 2 });
      const ids = numbers.map((number) => number.id);
      const auditBefore = (await test.db.select().from(auditEvents)).length;

      const refusal = assignNumbers(east, { trunkGroupId: group.id, numberIds: ids });
      await expect(refusal).rejects.toMatchObject({ code: 'conflict:e911_required', message: expect.stringContaining('Register them on the E911 page first') });
      await expect(assignNumbers(east, { trunkGroupId: group.id, numberIds: ids })).rejects.toMatchObject({ message: expect.stringContaining(numbers[0]!.e164) });
      expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.npa, '773'))).every((number) => number.trunkGroupRef === null)).toBe(true);
      expect(await test.db.select().from(auditEvents)).toHaveLength(auditBefore);
      // Routing away from a group is never blocked.
      expect(await assignNumbers(east, { trunkGroupId: null, numberIds: ids })).toMatchObject({ changed: 2 });

      const saved = await saveE911Address(east, e911AddressSchema.parse({ street: '500 N Michigan Ave', city: 'Chicago', state: 'IL', postalCode: '60611', callerName: 'Acme East' }));
      if (saved.status !== 'saved') throw new Error('address not saved');
      // One registered is not enough: the other is still named.
      await assignE911Address(east, { addressId: saved.address.id, numberIds: [ids[0]!] });
      await expect(assignNumbers(east, { trunkGroupId: group.id, numberIds: ids })).rejects.toMatchObject({
        code: 'conflict:e911_required',
        message: expect.not.stringContaining(numbers[0]!.e164),
      });
      await assignE911Address(east, { addressId: saved.address.id, numberIds: [ids[1]!] });
      expect(await assignNumbers(east, { trunkGroupId: group.id, numberIds: ids })).toMatchObject({ changed: 2 });
      expect((await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.npa, '773'))).every((number) => number.trunkGroupRef === group.id)).toBe(true);
    } finally {
      await test.db.update(accounts).set({ requireE911ForRouting: false }).where(eq(accounts.id, tenants.acme.id));
    }
  });

  it('keeps trunk groups to their account and their role', async () => {
    const [group] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Two carriers'));
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await expect(getTrunkGroupDetail(globex, group!.id)).rejects.toMatchObject({ code: 'not_found:trunk_group' });
    await expect(updateTrunkGroup(globex, group!.id, base)).rejects.toMatchObject({ code: 'not_found:trunk_group' });
    await expect(deleteTrunkGroup(globex, group!.id)).rejects.toMatchObject({ code: 'not_found:trunk_group' });
    const globexNumbers = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.accountId, tenants.acme.id));
    await expect(assignNumbers(globex, { trunkGroupId: null, numberIds: [globexNumbers[0]!.id] })).rejects.toMatchObject({ code: 'not_found:number' });
    const viewer = await accessAs(test.db, 'viewer@acme.example', tenants.acme.id);
    await expect(updateTrunkGroup(viewer, group!.id, base)).rejects.toMatchObject({ code: 'forbidden:role' });
    const finance = await accessAs(test.db, 'finance@acme.example', tenants.acme.id);
    await expect(getTrunkGroupDetail(finance, group!.id)).rejects.toMatchObject({ code: 'forbidden:role' });
  });
});
