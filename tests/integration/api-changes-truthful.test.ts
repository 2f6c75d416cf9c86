/**
 * The API never answers an error for a change it half made, never keeps a secret it answered once,
 * and never names our carriers to customers: the audit's findings on PATCH /numbers/{e164},
 * DELETE /e911/addresses/{id}, trunk-group digest passwords and Idempotency-Key, crafted list
 * cursors, webhook URLs and the CDR push's body size. Real sandboxes; answers checked against the
 * published document (callOperation).
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeCursor } from '@/lib/api/cursor';
import { accounts, apiIdempotencyKeys, phoneNumbers, providerConnections } from '@/lib/db/schema';
import { formatE164 } from '@/lib/format';
import { resetBreakers } from '@/lib/providers/http';
import { CDR_PUSH_MAX_BYTES, pushCdrs } from '@/lib/services/cdr-push';
import { useTestDatabase } from '../support/db';
import { accessAs } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';
import { callOperation, endpointOf, liftRateLimits, pushedCall, seedApiWorld, WEBHOOK_URL, type ApiWorld } from '../support/api-operations';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));
liftRateLimits();

const CARRIER_NAMES = /VoiceTel|VITCOM|CarrierX|VoiceMeUp/i;

describe('the API tells the truth about what it changed', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let world: ApiWorld;

  const patchNumber = (e164: string, json: unknown) => callOperation(endpointOf('updateNumber'), { params: { e164 }, json }, world.keys.acme.technical);
  const getNumber = async (e164: string) => (await callOperation(endpointOf('getNumber'), { params: { e164 } }, world.keys.acme.technical)).body;
  /** A number of Acme's on the provider's sandbox connection (the sandbox need not hold it). */
  const numberOn = async (provider: string, e164: string) => {
    const [connection] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, provider));
    await test.db.insert(phoneNumbers).values({ accountId: world.tenants.acme.id, e164, kind: 'local', npa: '312', state: 'IL', connectionId: connection!.id, monthly: '1.0000' });
    return e164;
  };
  const requireE911ForRouting = (required: boolean) => test.db.update(accounts).set({ requireE911ForRouting: required }).where(eq(accounts.id, world.tenants.acme.id));

  beforeAll(async () => {
    await sandboxes.connect(test.db);
    world = await seedApiWorld(test.db);
  });

  it('checks every id of a number PATCH before changing anything', async () => {
    const { e164, addressId, trunkGroupId } = world.acme;
    const unknownGroup = await patchNumber(e164, { e911AddressId: addressId, trunkGroupId: randomUUID() });
    expect(unknownGroup.status).toBe(404);
    expect(unknownGroup.body.error.code).toBe('not_found:trunk_group');
    // The emergency address was neither registered at the carrier nor recorded.
    expect((await getNumber(e164)).e911).toBeNull();

    const unknownAddress = await patchNumber(e164, { e911AddressId: randomUUID(), trunkGroupId });
    expect(unknownAddress.status).toBe(404);
    expect(unknownAddress.body.error.code).toBe('not_found:e911_address');
    expect((await getNumber(e164)).trunkGroup).toBeNull();

    // Another tenant's trunk group is unknown here too.
    const globexJson = { name: 'Globex PBX', direction: 'both', auth: 'ip', allowedIps: ['44.10.20.40/32'], destinations: [{ host: '44.10.20.40', port: 5060 }], codecs: ['PCMU'] };
    const globexGroup = await callOperation(endpointOf('createTrunkGroup'), { json: globexJson }, world.keys.globex.technical);
    expect(globexGroup.status).toBe(201);
    const foreign = await patchNumber(e164, { e911AddressId: addressId, trunkGroupId: globexGroup.body.trunkGroup.id });
    expect(foreign.status).toBe(404);
    expect((await getNumber(e164)).e911).toBeNull();
  });

  it('refuses to remove the address of a number it routes where routing requires one, before removing it', async () => {
    const { e164, addressId, trunkGroupId } = world.acme;
    const registered = await patchNumber(e164, { e911AddressId: addressId });
    expect(registered.status).toBe(200);
    expect(registered.body.outcome.e911.status).toBe('registered');
    await requireE911ForRouting(true);
    try {
      const refused = await patchNumber(e164, { e911AddressId: null, trunkGroupId });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conflict:e911_required');
      expect(refused.body.error.message).toContain('Nothing was changed');
      expect((await getNumber(e164)).e911).toMatchObject({ status: 'registered', addressId });
      expect((await getNumber(e164)).trunkGroup).toBeNull();
    } finally {
      await requireE911ForRouting(false);
    }
  });

  it('names no carrier in the emergency outcome, and says what the address part did when the trunk group is refused after it', async () => {
    const { addressId, trunkGroupId } = world.acme;
    const e164 = await numberOn('vitcom', '+13125557001');
    const unsupported = await patchNumber(e164, { e911AddressId: addressId });
    expect(unsupported.status).toBe(200);
    expect(unsupported.body.outcome.e911).toEqual({ status: 'unsupported', detail: 'The carrier of this number cannot register emergency addresses through its API.' });
    expect(unsupported.body.outcome.complete).toBe(false);
    expect(unsupported.text).not.toMatch(CARRIER_NAMES);

    await requireE911ForRouting(true);
    try {
      const refused = await patchNumber(e164, { e911AddressId: addressId, trunkGroupId });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conflict:e911_required');
      expect(refused.body.error.message).toContain('The trunk group was not changed, but registering its emergency address is not supported by its carrier');
      expect(refused.text).not.toMatch(CARRIER_NAMES);
    } finally {
      await requireE911ForRouting(false);
    }
  });

  it('documents the 503 of a number its carrier does not confirm moving to its default route', async () => {
    const { e164, trunkGroupId } = world.acme;
    const routed = await patchNumber(e164, { trunkGroupId });
    expect(routed.status).toBe(200);
    expect(routed.body.number.trunkGroup.id).toBe(trunkGroupId);
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      // callOperation fails the test unless the document lists the status.
      const refused = await patchNumber(e164, { trunkGroupId: null });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('unavailable:number_routing');
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    expect((await getNumber(e164)).trunkGroup.id).toBe(trunkGroupId);
  });

  it('names the numbers an address deletion released when a carrier refuses another', async () => {
    const { e164, releasableE164, addressId } = world.acme;
    expect((await patchNumber(e164, { e911AddressId: addressId })).body.outcome.e911.status).toBe('registered');
    // Recorded as registered, but the carrier holds no record of it: its removal is refused.
    await test.db.update(phoneNumbers).set({ e911Status: 'registered', e911AddressId: addressId }).where(and(eq(phoneNumbers.e164, releasableE164), eq(phoneNumbers.accountId, world.tenants.acme.id)));

    const refused = await callOperation(endpointOf('deleteE911Address'), { params: { addressId } }, world.keys.acme.technical);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict:e911_in_use');
    const message: string = refused.body.error.message;
    expect(message).toContain(`the carrier did not release ${formatE164(releasableE164)} from it`);
    expect(message).toContain(`${formatE164(e164)} was released from it and has no emergency address now`);
    // The VITCOM number used it without a registration (its carrier cannot register one).
    expect(message).toContain(`${formatE164('+13125557001')} no longer uses it`);
    expect(message).not.toMatch(CARRIER_NAMES);
    expect((await getNumber(e164)).e911).toBeNull();
    expect((await getNumber(releasableE164)).e911).toMatchObject({ status: 'registered', addressId });
    expect((await callOperation(endpointOf('getE911Address'), { params: { addressId } }, world.keys.acme.technical)).status).toBe(200);
  });

  describe('a generated digest password and Idempotency-Key', () => {
    const digestGroup = { name: 'Digest PBX', direction: 'both', auth: 'digest', allowedIps: [], destinations: [{ host: '44.10.20.31', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU'], callerIdPolicy: 'pass_through' };
    const keptBody = async (key: string) => (await test.db.select().from(apiIdempotencyKeys).where(eq(apiIdempotencyKeys.key, key)))[0]!.body;

    it('keeps the answer of a create without the password, and a replay says it was shown once', async () => {
      const headers = { 'idempotency-key': 'digest-create-1' };
      const first = await callOperation(endpointOf('createTrunkGroup'), { json: digestGroup }, world.keys.acme.technical, { headers });
      expect(first.status).toBe(201);
      const password: string = first.body.digestPassword;
      expect(password).toMatch(/^\S{12,}$/);
      expect(JSON.stringify(await keptBody('digest-create-1'))).not.toContain(password);

      const again = await callOperation(endpointOf('createTrunkGroup'), { json: digestGroup }, world.keys.acme.technical, { headers });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict:secret_already_shown');
      expect(again.body.error.message).toContain(first.body.trunkGroup.id);
      expect(again.text).not.toContain(password);
    });

    it('replays a create that generated no password as it was', async () => {
      const headers = { 'idempotency-key': 'ip-create-1' };
      const json = { ...digestGroup, name: 'IP PBX', auth: 'ip', allowedIps: ['44.10.20.32/32'] };
      const first = await callOperation(endpointOf('createTrunkGroup'), { json }, world.keys.acme.technical, { headers });
      expect(first.status).toBe(201);
      expect(first.body.digestPassword).toBeUndefined();
      const again = await callOperation(endpointOf('createTrunkGroup'), { json }, world.keys.acme.technical, { headers });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    });

    it('keeps the answer of a change that turned digest on without the password', async () => {
      const headers = { 'idempotency-key': 'digest-patch-1' };
      const params = { trunkGroupId: world.acme.deletableTrunkGroupId };
      const first = await callOperation(endpointOf('updateTrunkGroup'), { params, json: { auth: 'both' } }, world.keys.acme.technical, { headers });
      expect(first.status).toBe(200);
      const password: string = first.body.digestPassword;
      expect(password).toMatch(/^\S{12,}$/);
      expect(JSON.stringify(await keptBody('digest-patch-1'))).not.toContain(password);
      const again = await callOperation(endpointOf('updateTrunkGroup'), { params, json: { auth: 'both' } }, world.keys.acme.technical, { headers });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict:secret_already_shown');
      expect(again.body.error.message).toContain(`already changed ${world.acme.deletableTrunkGroupId}`);
    });
  });

  it('answers 400 invalid:cursor, not 500, for list positions past 9999', async () => {
    const expectInvalidCursor = async (operationId: string, cursor: string, query = '') => {
      const answer = await callOperation(endpointOf(operationId), { query: `${query}${query ? '&' : ''}cursor=${cursor}` }, world.keys.acme.admin);
      expect(answer.status, `${operationId}: ${answer.text.slice(0, 200)}`).toBe(400);
      expect(answer.body.error.code).toBe('invalid:cursor');
    };
    const id = randomUUID();
    await expectInvalidCursor('listDisputes', encodeCursor({ createdAt: Date.UTC(10000, 0, 1), id }));
    // The last millisecond of 9999 is still a position (an empty page).
    const last = await callOperation(endpointOf('listDisputes'), { query: `cursor=${encodeCursor({ createdAt: Date.UTC(9999, 11, 31, 23, 59, 59, 999), id })}` }, world.keys.acme.admin);
    expect(last.status).toBe(200);
    // An offset that carries the last day of 9999 into 10000.
    await expectInvalidCursor('listCdrs', encodeCursor({ t: '9999-12-31T23:00:00-05:00', id: 1 }), 'from=2026-04-01&to=2026-04-17');
    await expectInvalidCursor('listOrders', encodeCursor({ at: '9999-12-31 23:00:00.123456-05', id }));
  });

  it('refuses a webhook URL on port 0 with a field message', async () => {
    const url = WEBHOOK_URL.replace('93.184.216.34', '93.184.216.34:0');
    const refused = await callOperation(endpointOf('createWebhook'), { json: { url, eventTypes: ['order.completed'] } }, world.keys.acme.admin);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.url.join(' ')).toMatch(/Port 0/);
  });

  it('reads no more of a CDR push than its byte limit, blank lines included', async () => {
    const access = await accessAs(test.db, 'owner@acme.example', world.tenants.acme.id);
    const blankLines = new TextEncoder().encode(`${' '.repeat(16_000)}\n`.repeat(64));
    const first = new TextEncoder().encode(`${JSON.stringify({ ...pushedCall(world.acme.e164), account_id: world.tenants.acme.id })}\n`);
    let sent = 0;
    // 160 MB, past the limit: without one, it is read to its end.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 160 * 1024 * 1024) return controller.close();
        const chunk = sent === 0 ? first : blankLines;
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const result = await pushCdrs(access, body, 'application/x-ndjson');
    expect(result.accepted).toBe(1);
    expect(result.notReadFromLine).toBeGreaterThan(1);
    expect(result.rejected.at(-1)).toEqual({ line: result.notReadFromLine, reason: expect.stringContaining('Over the limit of 128 MB a request') });
    expect(sent).toBeLessThan(CDR_PUSH_MAX_BYTES + 4 * blankLines.byteLength);
  });
});
