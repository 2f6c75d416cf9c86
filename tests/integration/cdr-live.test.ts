import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as liveRoute } from '@/app/api/v1/cdrs/live/route';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { liveCallerStillAllowed, liveChunksOf, liveSubscriberCount, subscribeToLiveCalls, type LiveBatch, type LiveCall } from '@/lib/services/cdr-live';
import { resolveApiKeyAccess } from '@/lib/auth/access';
import { authenticateApiKey } from '@/lib/auth/api-key-auth';
import { startUserSession } from '@/lib/auth/sessions';
import { apiKeys, memberships, userSessions, users } from '@/lib/db/schema';
import { and, eq } from 'drizzle-orm';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

/** Waits for a condition the database delivers asynchronously (a NOTIFY); fails after a generous bound, never asserts speed. */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

let serial = 0;
function call(accountId: string, overrides: Partial<CdrInput> = {}): CdrInput {
  const inviteAt = new Date(Date.now() - 120_000);
  serial++;
  return {
    source: 'switch-a',
    sourceId: `live-${serial}`,
    accountId,
    direction: 'outbound',
    from: '+13125550100',
    to: '+442071234567',
    inviteAt,
    ringingAt: new Date(inviteAt.getTime() + 1500),
    answerAt: new Date(inviteAt.getTime() + 4000),
    endAt: new Date(inviteAt.getTime() + 65_000),
    sipCode: 200,
    ...overrides,
  };
}
const lines = (inputs: CdrInput[]) => inputs.map((input, i) => ({ line: i + 1, input }));

describe('Live CDR feed', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let acmeKey: TestApiKey;
  let globexKey: TestApiKey;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    acmeKey = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
    globexKey = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'viewer', createdBy: 'owner@globex.example' });
  });

  it("gives a subscriber its subtree's newly stored calls and never another tenant's", async () => {
    const acmeBatches: LiveBatch[] = [];
    const globexBatches: LiveBatch[] = [];
    const eastBatches: LiveBatch[] = [];
    const acme = await subscribeToLiveCalls(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), (b) => acmeBatches.push(b));
    const globex = await subscribeToLiveCalls(await accessAs(test.db, 'owner@globex.example', tenants.globex.id), (b) => globexBatches.push(b));
    const east = await subscribeToLiveCalls(await accessAs(test.db, 'owner@acme.example', tenants.east.id), (b) => eastBatches.push(b));
    expect(acme.accountIds).toEqual(new Set([tenants.acme.id, tenants.east.id, tenants.west.id]));
    expect(await liveSubscriberCount()).toBe(3);

    const westCall = call(tenants.west.id, { direction: 'inbound', from: '+442071234567', to: '+13125550100', sipCode: 486, answerAt: undefined, endAt: undefined });
    const eastCall = call(tenants.east.id);
    const globexCall = call(tenants.globex.id, { ringingAt: undefined });
    const result = await ingestCdrBatch(test.db, lines([westCall, eastCall, globexCall]));
    expect(result).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });

    await until(() => acmeBatches.flatMap((b) => b.calls).length === 2 && globexBatches.length === 1 && eastBatches.length === 1, 'the three subscribers');
    await settle();
    const acmeCalls = acmeBatches.flatMap((b) => b.calls);
    expect(acmeCalls.map((c) => c.accountId).sort()).toEqual([tenants.east.id, tenants.west.id].sort());
    const west = acmeCalls.find((c) => c.accountId === tenants.west.id)!;
    expect(west).toMatchObject<Partial<LiveCall>>({
      inviteAt: westCall.inviteAt.toISOString(),
      from: '+442071234567',
      to: '+13125550100',
      direction: 'inbound',
      sipCode: 486,
      billsec: 0,
      pddMs: 1500,
      destination: 'US',
      trunkGroupId: null,
    });
    expect(acmeCalls.find((c) => c.accountId === tenants.east.id)).toMatchObject({ billsec: 61, pddMs: 1500, destination: 'GB', sipCode: 200 });
    expect(eastBatches.flatMap((b) => b.calls).map((c) => c.accountId)).toEqual([tenants.east.id]);
    expect(globexBatches.flatMap((b) => b.calls)).toEqual([expect.objectContaining({ accountId: tenants.globex.id, pddMs: null, to: '+442071234567' })]);
    for (const batch of [...acmeBatches, ...globexBatches]) {
      for (const c of batch.calls) {
        expect(c.committedAt).toBeTypeOf('number');
        expect(batch.sentAt - c.committedAt).toBeGreaterThanOrEqual(0);
      }
    }

    // A re-sent batch is not news; in a batch half re-sent, only the new call is.
    acmeBatches.length = 0;
    const again = await ingestCdrBatch(test.db, lines([westCall, eastCall]));
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    const fresh = call(tenants.east.id, { to: '+4915112345678' });
    const mixed = await ingestCdrBatch(test.db, lines([eastCall, fresh, westCall]));
    expect(mixed).toMatchObject({ accepted: 1, duplicates: 2 });
    await until(() => acmeBatches.length > 0, 'the new call');
    await settle();
    expect(acmeBatches.flatMap((b) => b.calls).map((c) => c.to)).toEqual(['+4915112345678']);

    await Promise.all([acme.close(), globex.close(), east.close()]);
    expect(await liveSubscriberCount()).toBe(0);
  });

  it('publishes a batch only when its transaction commits, in chunks under the NOTIFY limit', async () => {
    const batches: LiveBatch[] = [];
    const sub = await subscribeToLiveCalls(await accessAs(test.db, 'owner@acme.example', tenants.acme.id), (b) => batches.push(b));
    await test.db
      .transaction(async (tx) => {
        await ingestCdrBatch(tx, lines([call(tenants.acme.id)]));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const many = Array.from({ length: 300 }, () => call(tenants.acme.id, { source: 'switch-with-a-long-name', sourceId: `bulk-${++serial}-${'x'.repeat(40)}` }));
    await test.db.transaction(async (tx) => {
      expect(await ingestCdrBatch(tx, lines(many))).toMatchObject({ accepted: 300 });
    });
    await until(() => batches.flatMap((b) => b.calls).length >= 300, '300 calls');
    await settle();
    expect(batches.length).toBeGreaterThan(1);
    expect(new Set(batches.flatMap((b) => b.calls.map((c) => c.key))).size).toBe(300);
    await sub.close();
  });

  it('keeps every NOTIFY payload under 8000 bytes', () => {
    const record = {
      accountId: tenants.acme.id,
      source: 's',
      sourceId: 'y'.repeat(200),
      direction: 'outbound' as const,
      fromE164: '+13125550100',
      toE164: '+442071234567',
      destinationCountry: 'GB',
      destinationPrefix: '4420',
      trunkGroupId: tenants.acme.id,
      connectionId: null,
      inviteAt: new Date(0),
      ringingAt: null,
      answerAt: null,
      endAt: null,
      sipCode: 404,
      q850Cause: null,
      billsec: 0,
      mos: null,
      upstreamCost: null,
    };
    const chunks = liveChunksOf(Array.from({ length: 1000 }, (_, i) => ({ ...record, sourceId: `${i}` })), 1);
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk)).toBeLessThan(8000);
    expect(chunks.reduce((n, chunk) => n + (JSON.parse(chunk) as { r: unknown[] }).r.length, 0)).toBe(1000);
  });

  describe('GET /api/v1/cdrs/live', () => {
    async function open(key: TestApiKey, query = '') {
      const abort = new AbortController();
      const response = await liveRoute(new Request(`http://portal.test/api/v1/cdrs/live${query}`, { headers: { authorization: `Bearer ${key.secret}` }, signal: abort.signal }), {
        params: Promise.resolve({}),
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const events: { event: string; data: unknown }[] = [];
      const pump = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        }
      })();
      return { response, events, abort, pump, reader };
    }

    it("streams the key's own calls as events with a delay, and cleans up when the client goes", async () => {
      const acme = await open(acmeKey);
      const globex = await open(globexKey);
      expect(acme.response.status).toBe(200);
      expect(acme.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await until(() => acme.events.some((e) => e.event === 'ready') && globex.events.some((e) => e.event === 'ready'), 'ready');
      expect(acme.events[0]).toMatchObject({ event: 'ready', data: { accounts: 3, heartbeatMs: 15000 } });
      expect(await liveSubscriberCount()).toBe(2);

      await ingestCdrBatch(test.db, lines([call(tenants.west.id, { sourceId: 'route-west' }), call(tenants.globex.id, { sourceId: 'route-globex' })]));
      await until(() => acme.events.some((e) => e.event === 'calls') && globex.events.some((e) => e.event === 'calls'), 'calls events');
      await settle();
      const acmeCalls = acme.events.filter((e) => e.event === 'calls').flatMap((e) => (e.data as { calls: (LiveCall & { delayMs: number })[] }).calls);
      expect(acmeCalls).toHaveLength(1);
      expect(acmeCalls[0]).toMatchObject({ accountId: tenants.west.id, sipCode: 200, billsec: 61 });
      expect(acmeCalls[0]!.delayMs).toBeTypeOf('number');
      expect(acmeCalls[0]!.delayMs).toBeGreaterThanOrEqual(0);
      const globexCalls = globex.events.filter((e) => e.event === 'calls').flatMap((e) => (e.data as { calls: LiveCall[] }).calls);
      expect(globexCalls.map((c) => c.accountId)).toEqual([tenants.globex.id]);

      acme.abort.abort();
      await acme.pump.catch(() => undefined);
      expect(await liveSubscriberCount()).toBe(1);
      await globex.reader.cancel();
      await globex.pump.catch(() => undefined);
      expect(await liveSubscriberCount()).toBe(0);
    });

    it('asks again while a feed stays open: a revoked key, another key’s secret or an ended session stops being allowed', async () => {
      const key = await createTestApiKey(test.db, { accountId: tenants.acme.id, role: 'viewer', createdBy: 'owner@acme.example' });
      const keyAccess = await resolveApiKeyAccess(test.db, await authenticateApiKey(test.db, key.secret, undefined));
      expect(await liveCallerStillAllowed(keyAccess, { apiKeySecret: key.secret })).toBe(true);
      expect(await liveCallerStillAllowed(keyAccess, { apiKeySecret: acmeKey.secret })).toBe(false);
      await test.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
      expect(await liveCallerStillAllowed(keyAccess, { apiKeySecret: key.secret })).toBe(false);

      const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
      const sessionId = await startUserSession(test.db, { userId: owner.user.id });
      const inSession = { ...owner, user: { ...owner.user, sessionId }, actor: { kind: 'user' as const, user: { ...owner.user, sessionId } } };
      expect(await liveCallerStillAllowed(inSession, {})).toBe(true);
      await test.db.update(userSessions).set({ revokedAt: new Date() }).where(eq(userSessions.id, sessionId));
      expect(await liveCallerStillAllowed(inSession, {})).toBe(false);
    });

    it('stops a session’s feed once its user is disabled or no longer a member of the account', async () => {
      const tech = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
      const sessionId = await startUserSession(test.db, { userId: tech.user.id });
      const inSession = { ...tech, user: { ...tech.user, sessionId }, actor: { kind: 'user' as const, user: { ...tech.user, sessionId } } };
      expect(await liveCallerStillAllowed(inSession, {})).toBe(true);
      await test.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, tech.user.id));
      expect(await liveCallerStillAllowed(inSession, {})).toBe(false);
      await test.db.update(users).set({ disabledAt: null }).where(eq(users.id, tech.user.id));
      expect(await liveCallerStillAllowed(inSession, {})).toBe(true);
      const removed = await test.db.delete(memberships).where(and(eq(memberships.userId, tech.user.id), eq(memberships.accountId, tenants.acme.id))).returning();
      expect(removed).toHaveLength(1);
      expect(await liveCallerStillAllowed(inSession, {})).toBe(false);
      await test.db.insert(memberships).values(removed);
    });

    it("refuses another tenant's account, unknown parameters and anonymous callers with JSON errors", async () => {
      const foreign = await callApi(liveRoute, { url: `/api/v1/cdrs/live?accountId=${tenants.acme.id}`, key: globexKey });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found:account');
      const unknown = await callApi(liveRoute, { url: '/api/v1/cdrs/live?since=1', key: acmeKey });
      expect(unknown.status).toBe(400);
      const anonymous = await callApi(liveRoute, { url: '/api/v1/cdrs/live' });
      expect(anonymous.status).toBe(401);
      expect(await liveSubscriberCount()).toBe(0);
    });
  });
});
