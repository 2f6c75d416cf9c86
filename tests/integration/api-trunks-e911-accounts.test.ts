import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as accountsApi from '@/lib/api/contracts/accounts';
import * as e911Api from '@/lib/api/contracts/e911';
import * as trunkApi from '@/lib/api/contracts/trunk-groups';
import { auditEvents, e911Addresses, phoneNumbers, providerConnections, trunkGroups } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { getConnectionAdapter } from '@/lib/services/providers';
import { assignNumbers } from '@/lib/services/trunk-groups';
import { callApi, createTestApiKey, type ApiAnswer, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const CARRIER_NAMES = /voicetel|carrierx|vitcom|voicemeup|connectionId|provider/i;

const trunkBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'API PBX',
  direction: 'both',
  auth: 'ip',
  allowedIps: ['44.10.20.30'],
  destinations: [{ host: '44.10.20.30', port: 5060 }],
  maxChannels: 20,
  codecs: ['PCMU', 'PCMA'],
  ...overrides,
});

describe('API: trunk groups, E911 addresses and accounts', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const keys = {} as Record<'admin' | 'technical' | 'viewer' | 'finance' | 'globex' | 'east', TestApiKey>;
  let routes: {
    trunks: typeof import('@/app/api/v1/trunk-groups/route');
    trunk: typeof import('@/app/api/v1/trunk-groups/[trunkGroupId]/route');
    sync: typeof import('@/app/api/v1/trunk-groups/[trunkGroupId]/sync/route');
    addresses: typeof import('@/app/api/v1/e911/addresses/route');
    address: typeof import('@/app/api/v1/e911/addresses/[addressId]/route');
    validate: typeof import('@/app/api/v1/e911/addresses/validate/route');
    accounts: typeof import('@/app/api/v1/accounts/route');
    account: typeof import('@/app/api/v1/accounts/[accountId]/route');
  };

  async function ownedNumbers(provider: ProviderId, count: number, npa: string) {
    const [connection] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider));
    const { adapter } = await getConnectionAdapter(connection!.id);
    const found = (await requireCapability(adapter, 'numbers').search({ kind: 'local', npa, quantity: count + 2 })).slice(0, count);
    await requireCapability(adapter, 'numbers').order({ numbers: found.map((number) => number.e164), idempotencyKey: `api-trunks-${provider}-${npa}` });
    return test.db
      .insert(phoneNumbers)
      .values(found.map((number) => ({ accountId: tenants.acme.id, e164: number.e164, kind: 'local' as const, npa, state: number.state, connectionId: connection!.id, monthly: '1.2500' })))
      .returning();
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    for (const role of ['admin', 'technical', 'viewer', 'finance'] as const) keys[role] = await createTestApiKey(test.db, { accountId: tenants.acme.id, role, createdBy: 'owner@acme.example' });
    keys.globex = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    keys.east = await createTestApiKey(test.db, { accountId: tenants.east.id, role: 'admin', createdBy: 'owner@acme.example' });
    routes = {
      trunks: await import('@/app/api/v1/trunk-groups/route'),
      trunk: await import('@/app/api/v1/trunk-groups/[trunkGroupId]/route'),
      sync: await import('@/app/api/v1/trunk-groups/[trunkGroupId]/sync/route'),
      addresses: await import('@/app/api/v1/e911/addresses/route'),
      address: await import('@/app/api/v1/e911/addresses/[addressId]/route'),
      validate: await import('@/app/api/v1/e911/addresses/validate/route'),
      accounts: await import('@/app/api/v1/accounts/route'),
      account: await import('@/app/api/v1/accounts/[accountId]/route'),
    };
  });

  describe('trunk groups', () => {
    let groupId: string;

    it('creates, reads, lists by cursor, patches and audits under the key', async () => {
      const created = await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys.technical, json: trunkBody(), endpoint: trunkApi.createTrunkGroup });
      expect(created.status).toBe(201);
      expect(created.body.trunkGroup).toMatchObject({ name: 'API PBX', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], maxChannels: 20, callerIdPolicy: 'pass_through', syncStatus: 'not_needed' });
      expect(created.body.sync).toEqual({ status: 'not_needed', upstreams: [] });
      expect(created.body.digestPassword).toBeUndefined();
      groupId = created.body.trunkGroup.id;
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'trunk_group.create'), eq(auditEvents.targetId, groupId)));
      expect(audit).toMatchObject({ actorApiKeyId: keys.technical.id, actorUserId: null });

      const second = await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys.admin, json: trunkBody({ name: 'Remote office', auth: 'digest', allowedIps: [] }), endpoint: trunkApi.createTrunkGroup });
      expect(second.status).toBe(201);
      expect(second.body.digestPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(second.body.trunkGroup.digestUsername).toMatch(/^remoteoffice/);
      const read = await callApi(routes.trunk.GET, { url: `/api/v1/trunk-groups/${second.body.trunkGroup.id}`, params: { trunkGroupId: second.body.trunkGroup.id }, key: keys.viewer, endpoint: trunkApi.getTrunkGroup });
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(second.body.digestPassword);

      const first = await callApi(routes.trunks.GET, { url: '/api/v1/trunk-groups?limit=1', key: keys.viewer, endpoint: trunkApi.listTrunkGroups });
      expect(first.body.data.map((group: { name: string }) => group.name)).toEqual(['API PBX']);
      expect(first.body.data[0].numbers).toBe(0);
      const next = await callApi(routes.trunks.GET, { url: `/api/v1/trunk-groups?limit=1&cursor=${first.body.nextCursor}`, key: keys.viewer, endpoint: trunkApi.listTrunkGroups });
      expect(next.body).toMatchObject({ data: [{ name: 'Remote office' }], nextCursor: null });
      const badCursor = await callApi(routes.trunks.GET, { url: '/api/v1/trunk-groups?cursor=nope', key: keys.viewer, endpoint: trunkApi.listTrunkGroups });
      expect(badCursor.status).toBe(400);

      const patched = await callApi(routes.trunk.PATCH, { method: 'PATCH', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, json: { maxChannels: null, codecs: ['G722', 'PCMU'] }, endpoint: trunkApi.updateTrunkGroup });
      expect(patched.status).toBe(200);
      expect(patched.body.trunkGroup).toMatchObject({ name: 'API PBX', maxChannels: null, codecs: ['G722', 'PCMU'], allowedIps: ['44.10.20.30/32'], version: 2 });
      const [update] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'trunk_group.update'), eq(auditEvents.targetId, groupId)));
      expect(update?.actorApiKeyId).toBe(keys.technical.id);
    });

    it('names the nested field of a bad entry, refuses unknown fields and saves nothing', async () => {
      const before = await test.db.select().from(trunkGroups);
      const badHost = await callApi(routes.trunks.POST, {
        method: 'POST',
        url: '/api/v1/trunk-groups',
        key: keys.technical,
        json: trunkBody({ name: 'Bad rows', destinations: [{ host: '44.10.20.30', port: 5060 }, { host: '10.0.0.5', port: 5060 }] }),
        endpoint: trunkApi.createTrunkGroup,
      });
      expect(badHost.status).toBe(400);
      expect(badHost.body.error.code).toBe('invalid:body');
      expect(Object.keys(badHost.body.error.fields)).toEqual(['destinations.1.host']);
      expect(badHost.body.error.fields['destinations.1.host'][0]).toContain('10.0.0.5 is a private address');

      const badCidr = await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys.technical, json: trunkBody({ name: 'Bad cidr', allowedIps: ['44.10.20.30', '44.10.20.1/24'] }), endpoint: trunkApi.createTrunkGroup });
      expect(badCidr.status).toBe(400);
      expect(badCidr.body.error.fields.allowedIps).toEqual(['44.10.20.1/24 is not the start of its block: use 44.10.20.0/24 for the whole /24, or 44.10.20.1 for that one address']);

      const badType = await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys.technical, json: trunkBody({ destinations: [{ host: '44.10.20.30', port: 'five' }] }), endpoint: trunkApi.createTrunkGroup });
      expect(badType.status).toBe(400);
      expect(badType.body.error.fields['destinations.0.port']).toEqual(['The port must be a whole number']);

      const unknown = await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys.technical, json: trunkBody({ name: 'Unknown', colour: 'red' }), endpoint: trunkApi.createTrunkGroup });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid:body');
      const unknownNested = await callApi(routes.trunk.PATCH, { method: 'PATCH', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, json: { destinations: [{ host: '44.10.20.30', port: 5060, colour: 'red' }] }, endpoint: trunkApi.updateTrunkGroup });
      expect(unknownNested.status).toBe(400);

      const patchBad = await callApi(routes.trunk.PATCH, { method: 'PATCH', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, json: { auth: 'ip', allowedIps: [] }, endpoint: trunkApi.updateTrunkGroup });
      expect(patchBad.status).toBe(400);
      expect(patchBad.body.error.fields.allowedIps).toEqual(['Add at least one IP address your PBX sends calls from']);
      const duplicate = await callApi(routes.trunk.PATCH, { method: 'PATCH', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, json: { name: 'Remote office' }, endpoint: trunkApi.updateTrunkGroup });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.fields.name).toEqual(['Another trunk group of this account has that name']);
      expect(await test.db.select().from(trunkGroups)).toHaveLength(before.length);
    });

    it('answers each carrier’s sync outcome honestly, without carrier names, and re-applies', async () => {
      const numbers = [...(await ownedNumbers('voicetel', 1, '214')), ...(await ownedNumbers('carrierx', 1, '415'))];
      sandboxes.get('carrierx').setKnobs({ errorRate: 1 });
      try {
        await assignNumbers(await accessAs(test.db, 'tech@acme.example', tenants.acme.id), { trunkGroupId: groupId, numberIds: numbers.map((number) => number.id) });
        const reapplied = await callApi(routes.sync.POST, { method: 'POST', url: `/api/v1/trunk-groups/${groupId}/sync`, params: { trunkGroupId: groupId }, key: keys.technical, endpoint: trunkApi.reapplyTrunkGroup });
        expect(reapplied.status).toBe(200);
        expect(reapplied.body.status).toBe('partially_applied');
        expect(reapplied.body.upstreams).toEqual([
          expect.objectContaining({ carrier: expect.stringMatching(/^Carrier \d$/), state: expect.any(String) }),
          expect.objectContaining({ carrier: expect.stringMatching(/^Carrier \d$/), state: expect.any(String) }),
        ]);
        const states = reapplied.body.upstreams.map((upstream: { state: string }) => upstream.state).sort();
        expect(states).toEqual(['applied', 'failed']);
        const failed = reapplied.body.upstreams.find((upstream: { state: string }) => upstream.state === 'failed');
        expect(failed.reason).toMatch(/^Carrier \d is not answering right now/);
        expect(reapplied.text).not.toMatch(CARRIER_NAMES);

        const status = await callApi(routes.sync.GET, { url: `/api/v1/trunk-groups/${groupId}/sync`, params: { trunkGroupId: groupId }, key: keys.viewer, endpoint: trunkApi.getTrunkGroupSync });
        expect(status.body).toMatchObject({ trunkGroupId: groupId, status: 'partially_applied', settled: true, applied: 1 });
        expect(status.text).not.toMatch(CARRIER_NAMES);
        const read = await callApi(routes.trunk.GET, { url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.viewer, endpoint: trunkApi.getTrunkGroup });
        expect(read.body.syncDetail).toMatch(/not answering/);
        expect(read.text).not.toMatch(CARRIER_NAMES);
      } finally {
        sandboxes.get('carrierx').setKnobs({ errorRate: 0 });
        resetBreakers();
      }
      const again = await callApi(routes.sync.POST, { method: 'POST', url: `/api/v1/trunk-groups/${groupId}/sync`, params: { trunkGroupId: groupId }, key: keys.admin, endpoint: trunkApi.reapplyTrunkGroup });
      expect(again.body).toMatchObject({ status: 'applied' });
      expect(again.body.upstreams.every((upstream: { state: string; reason: null }) => upstream.state === 'applied' && upstream.reason === null)).toBe(true);
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'trunk_group.reapply'), eq(auditEvents.actorApiKeyId, keys.admin.id)));
      expect(audit?.targetId).toBe(groupId);
    });

    it('refuses to delete a group that routes numbers, then deletes it once they move', async () => {
      const refused = await callApi(routes.trunk.DELETE, { method: 'DELETE', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, endpoint: trunkApi.deleteTrunkGroup });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'conflict:trunk_in_use', message: expect.stringContaining('still routes 2 numbers') });
      const routed = await test.db.select().from(phoneNumbers).where(eq(phoneNumbers.trunkGroupRef, groupId));
      await assignNumbers(await accessAs(test.db, 'tech@acme.example', tenants.acme.id), { trunkGroupId: null, numberIds: routed.map((number) => number.id) });
      const deleted = await callApi(routes.trunk.DELETE, { method: 'DELETE', url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, endpoint: trunkApi.deleteTrunkGroup });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ id: groupId, deleted: true });
      expect(deleted.body.upstreamCopiesRemoved + deleted.body.upstreamCopiesLeft).toBe(2);
      const gone = await callApi(routes.trunk.GET, { url: `/api/v1/trunk-groups/${groupId}`, params: { trunkGroupId: groupId }, key: keys.technical, endpoint: trunkApi.getTrunkGroup });
      expect(gone.status).toBe(404);
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'trunk_group.delete'), eq(auditEvents.targetId, groupId)));
      expect(audit?.actorApiKeyId).toBe(keys.technical.id);
    });

    it('is 404 for another tenant’s ids and 403 for roles that may not write or read', async () => {
      const [acmeGroup] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.accountId, tenants.acme.id));
      const trunkGroupId = acmeGroup!.id;
      const url = `/api/v1/trunk-groups/${trunkGroupId}`;
      const calls = [
        { handler: routes.trunk.GET, method: 'GET', url, endpoint: trunkApi.getTrunkGroup },
        { handler: routes.trunk.PATCH, method: 'PATCH', url, json: { maxCps: 2 }, endpoint: trunkApi.updateTrunkGroup },
        { handler: routes.trunk.DELETE, method: 'DELETE', url, endpoint: trunkApi.deleteTrunkGroup },
        { handler: routes.sync.GET, method: 'GET', url: `${url}/sync`, endpoint: trunkApi.getTrunkGroupSync },
        { handler: routes.sync.POST, method: 'POST', url: `${url}/sync`, endpoint: trunkApi.reapplyTrunkGroup },
      ];
      for (const { handler, ...call } of calls) {
        const foreign = await callApi(handler, { ...call, params: { trunkGroupId }, key: keys.globex });
        expect(foreign.status, `${call.method} ${call.url}`).toBe(404);
      }
      for (const role of ['viewer', 'finance'] as const) {
        for (const { handler, ...call } of calls.filter((entry) => entry.method !== 'GET')) {
          expect((await callApi(handler, { ...call, params: { trunkGroupId }, key: keys[role] })).status, `${role} ${call.method} ${call.url}`).toBe(403);
        }
        expect((await callApi(routes.trunks.POST, { method: 'POST', url: '/api/v1/trunk-groups', key: keys[role], json: trunkBody({ name: 'Not allowed' }), endpoint: trunkApi.createTrunkGroup })).status).toBe(403);
      }
      expect((await callApi(routes.trunks.GET, { url: '/api/v1/trunk-groups', key: keys.finance, endpoint: trunkApi.listTrunkGroups })).status).toBe(403);
      const globexList = await callApi(routes.trunks.GET, { url: '/api/v1/trunk-groups', key: keys.globex, endpoint: trunkApi.listTrunkGroups });
      expect(globexList.body).toEqual({ data: [], nextCursor: null });
    });

    it('acts in a sub-account by ?accountId=, and a foreign accountId is 404', async () => {
      const created = await callApi(routes.trunks.POST, { method: 'POST', url: `/api/v1/trunk-groups?accountId=${tenants.east.id}`, key: keys.technical, json: trunkBody({ name: 'East PBX' }), endpoint: trunkApi.createTrunkGroup });
      expect(created.status).toBe(201);
      const [row] = await test.db.select().from(trunkGroups).where(eq(trunkGroups.id, created.body.trunkGroup.id));
      expect(row?.accountId).toBe(tenants.east.id);
      const listed = await callApi(routes.trunks.GET, { url: `/api/v1/trunk-groups?accountId=${tenants.east.id}`, key: keys.viewer, endpoint: trunkApi.listTrunkGroups });
      expect(listed.body.data.map((group: { name: string }) => group.name)).toEqual(['East PBX']);
      const trunkGroupId = created.body.trunkGroup.id;
      expect((await callApi(routes.trunk.GET, { url: `/api/v1/trunk-groups/${trunkGroupId}`, params: { trunkGroupId }, key: keys.viewer, endpoint: trunkApi.getTrunkGroup })).status).toBe(404);
      expect((await callApi(routes.trunk.GET, { url: `/api/v1/trunk-groups/${trunkGroupId}?accountId=${tenants.east.id}`, params: { trunkGroupId }, key: keys.viewer, endpoint: trunkApi.getTrunkGroup })).status).toBe(200);
      const foreign = await callApi(routes.trunks.GET, { url: `/api/v1/trunk-groups?accountId=${tenants.globex.id}`, key: keys.admin, endpoint: trunkApi.listTrunkGroups });
      expect(foreign.status).toBe(404);
      const upward = await callApi(routes.trunks.GET, { url: `/api/v1/trunk-groups?accountId=${tenants.acme.id}`, key: keys.east, endpoint: trunkApi.listTrunkGroups });
      expect(upward.status).toBe(404);
    });
  });

  describe('E911 addresses', () => {
    const nearMiss = { street: '233 North Michigan Avenue', unit: 'Suite 1800', city: 'Chicago', state: 'IL', postalCode: '60601', callerName: 'Acme Chicago' };
    let addressId: string;

    it('validates without saving: the normalized address, each carrier’s answer and its corrections', async () => {
      const before = await test.db.select().from(e911Addresses);
      const checked = await callApi(routes.validate.POST, { method: 'POST', url: '/api/v1/e911/addresses/validate', key: keys.technical, json: nearMiss, endpoint: e911Api.validateE911Address });
      expect(checked.status).toBe(200);
      expect(checked.body.address).toMatchObject({ street: '233 N MICHIGAN AVE', unit: 'STE 1800', city: 'CHICAGO', state: 'IL', country: 'US', callerName: 'ACME CHICAGO' });
      expect(checked.body.verdict).toBe('corrections');
      expect(checked.body.alternates[0]).toMatchObject({ postalCode: '60611' });
      expect(checked.body.upstreams.length).toBeGreaterThan(0);
      expect(checked.body.upstreams.every((upstream: { carrier: string }) => /^Carrier \d$/.test(upstream.carrier))).toBe(true);
      expect(checked.text).not.toMatch(CARRIER_NAMES);
      expect(await test.db.select().from(e911Addresses)).toHaveLength(before.length);

      const invalid = await callApi(routes.validate.POST, { method: 'POST', url: '/api/v1/e911/addresses/validate', key: keys.technical, json: { street: 'PO Box 12', city: 'Dallas', state: 'ZZ', postalCode: '7520' }, endpoint: e911Api.validateE911Address });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.fields).toEqual({
        street: ['An emergency address must be a place where people are: PO boxes cannot be used'],
        state: ['Use a two-letter US state or Canadian province code, like TX or ON'],
        postalCode: ['A US ZIP code is 5 digits, or ZIP+4 like 75201-1234'],
      });
    });

    it('answers 422 with the proposals, saves the corrected address, reads, lists, patches and deletes it', async () => {
      const proposed = await callApi(routes.addresses.POST, { method: 'POST', url: '/api/v1/e911/addresses', key: keys.technical, json: nearMiss, endpoint: e911Api.createE911Address });
      expect(proposed.status).toBe(422);
      expect(proposed.body.error).toMatchObject({ code: 'unprocessable:e911_alternates', message: expect.stringContaining('60611') });

      const created = await callApi(routes.addresses.POST, { method: 'POST', url: '/api/v1/e911/addresses', key: keys.technical, json: { ...nearMiss, postalCode: '60611' }, endpoint: e911Api.createE911Address });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ street: '233 N MICHIGAN AVE', postalCode: '60611', country: 'US', validatedAt: expect.any(String), check: { state: expect.stringMatching(/checked|partial/) } });
      expect(created.text).not.toMatch(CARRIER_NAMES);
      addressId = created.body.id;
      const [audit] = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'e911.address_create'), eq(auditEvents.targetId, addressId)));
      expect(audit?.actorApiKeyId).toBe(keys.technical.id);

      const read = await callApi(routes.address.GET, { url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.viewer, endpoint: e911Api.getE911Address });
      expect(read.body).toMatchObject({ id: addressId, unit: 'STE 1800' });
      const listed = await callApi(routes.addresses.GET, { url: '/api/v1/e911/addresses?limit=1', key: keys.viewer, endpoint: e911Api.listE911Addresses });
      expect(listed.body).toMatchObject({ data: [{ id: addressId, numbers: 0 }], nextCursor: null });

      const patched = await callApi(routes.address.PATCH, { method: 'PATCH', url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.technical, json: { unit: null, callerName: 'Acme HQ' }, endpoint: e911Api.updateE911Address });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body).toMatchObject({ id: addressId, street: '233 N MICHIGAN AVE', unit: null, callerName: 'ACME HQ' });
      const badPatch = await callApi(routes.address.PATCH, { method: 'PATCH', url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.technical, json: { postalCode: 'ABC' }, endpoint: e911Api.updateE911Address });
      expect(badPatch.status).toBe(400);
      expect(Object.keys(badPatch.body.error.fields)).toEqual(['postalCode']);
      const unknown = await callApi(routes.address.PATCH, { method: 'PATCH', url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.technical, json: { country: 'US' }, endpoint: e911Api.updateE911Address });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid:body');

      for (const [handler, method, json, endpoint] of [
        [routes.address.GET, 'GET', undefined, e911Api.getE911Address],
        [routes.address.PATCH, 'PATCH', { callerName: 'Globex' }, e911Api.updateE911Address],
        [routes.address.DELETE, 'DELETE', undefined, e911Api.deleteE911Address],
      ] as const) {
        const foreign = await callApi(handler, { method, url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.globex, json, endpoint });
        expect(foreign.status, method).toBe(404);
        if (method !== 'GET') {
          for (const role of ['viewer', 'finance'] as const) expect((await callApi(handler, { method, url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys[role], json, endpoint })).status, `${role} ${method}`).toBe(403);
        }
      }
      expect((await callApi(routes.addresses.POST, { method: 'POST', url: '/api/v1/e911/addresses', key: keys.viewer, json: nearMiss, endpoint: e911Api.createE911Address })).status).toBe(403);
      expect((await callApi(routes.addresses.GET, { url: `/api/v1/e911/addresses?accountId=${tenants.globex.id}`, key: keys.technical, endpoint: e911Api.listE911Addresses })).status).toBe(404);
      expect((await callApi(routes.addresses.GET, { url: '/api/v1/e911/addresses', key: keys.globex, endpoint: e911Api.listE911Addresses })).body.data).toEqual([]);

      const deleted = await callApi(routes.address.DELETE, { method: 'DELETE', url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.admin, endpoint: e911Api.deleteE911Address });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ id: addressId, deleted: true, releasedNumbers: [] });
      expect((await callApi(routes.address.GET, { url: `/api/v1/e911/addresses/${addressId}`, params: { addressId }, key: keys.viewer, endpoint: e911Api.getE911Address })).status).toBe(404);
    });

    it('saves in a sub-account by ?accountId=', async () => {
      const created = await callApi(routes.addresses.POST, { method: 'POST', url: `/api/v1/e911/addresses?accountId=${tenants.east.id}`, key: keys.technical, json: { ...nearMiss, unit: undefined, postalCode: '60611' }, endpoint: e911Api.createE911Address });
      expect(created.status, created.text).toBe(201);
      const [row] = await test.db.select().from(e911Addresses).where(eq(e911Addresses.id, created.body.id));
      expect(row?.accountId).toBe(tenants.east.id);
    });
  });

  describe('accounts', () => {
    it('lists the key’s account and its subtree by cursor, money only for billing roles', async () => {
      const seen: { name: string; depth: number; parentId: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiAnswer = await callApi(routes.accounts.GET, { url: `/api/v1/accounts?limit=1${cursor ? `&cursor=${cursor}` : ''}`, key: keys.viewer, endpoint: accountsApi.listAccounts });
        expect(page.status).toBe(200);
        expect(page.body.data).toHaveLength(1);
        seen.push(...page.body.data);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.map((account) => account.name).slice(1).sort()).toEqual(['Acme East', 'Acme West']);
      expect(seen[0]).toMatchObject({ id: tenants.acme.id, depth: 0 });
      expect(seen.filter((account) => account.depth === 1).every((account) => account.parentId === tenants.acme.id)).toBe(true);
      expect(JSON.stringify(seen)).not.toContain('monthlySpendCap');
      expect(JSON.stringify(seen)).not.toContain('Globex');

      const finance = await callApi(routes.accounts.GET, { url: '/api/v1/accounts', key: keys.finance, endpoint: accountsApi.listAccounts });
      expect(finance.body.data.find((account: { id: string }) => account.id === tenants.east.id)).toMatchObject({ limits: { monthlySpendCap: '10000.00', maxConcurrentCalls: 200 }, effectiveLimits: { monthlySpendCap: '10000.00' } });

      const east = await callApi(routes.accounts.GET, { url: '/api/v1/accounts', key: keys.east, endpoint: accountsApi.listAccounts });
      expect(east.body.data).toEqual([expect.objectContaining({ id: tenants.east.id, depth: 0, parentId: tenants.acme.id })]);
      const sub = await callApi(routes.accounts.GET, { url: `/api/v1/accounts?accountId=${tenants.east.id}`, key: keys.viewer, endpoint: accountsApi.listAccounts });
      expect(sub.body.data.map((account: { id: string }) => account.id)).toEqual([tenants.east.id]);
    });

    it('reads one account in the key’s subtree, 404 for any other', async () => {
      const own = await callApi(routes.account.GET, { url: `/api/v1/accounts/${tenants.acme.id}`, params: { accountId: tenants.acme.id }, key: keys.viewer, endpoint: accountsApi.getAccount });
      expect(own.status).toBe(200);
      expect(own.body.subAccounts.map((account: { name: string }) => account.name).sort()).toEqual(['Acme East', 'Acme West']);
      const east = await callApi(routes.account.GET, { url: `/api/v1/accounts/${tenants.east.id}`, params: { accountId: tenants.east.id }, key: keys.admin, endpoint: accountsApi.getAccount });
      expect(east.body.account).toMatchObject({ id: tenants.east.id, limits: { maxConcurrentCalls: 200 } });
      for (const [key, accountId] of [
        [keys.globex, tenants.acme.id],
        [keys.globex, tenants.east.id],
        [keys.admin, tenants.globex.id],
        [keys.east, tenants.acme.id],
        [keys.east, tenants.west.id],
      ] as const) {
        const answer = await callApi(routes.account.GET, { url: `/api/v1/accounts/${accountId}`, params: { accountId }, key, endpoint: accountsApi.getAccount });
        expect(answer.status).toBe(404);
      }
      expect((await callApi(routes.account.GET, { url: '/api/v1/accounts/nope', params: { accountId: 'nope' }, key: keys.admin, endpoint: accountsApi.getAccount })).status).toBe(404);
    });
  });
});
