/**
 * Issue 12.6: a provider connection goes live only after its real connection test passes, its
 * health says what its last real upstream call did, names are unique, the base URL is pre-filled
 * only with an address that makes sense where the portal runs, and only staff reach any of it.
 * Every upstream call here goes over HTTP to a sandbox.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { describeHealth } from '@/components/providers/health-badge';
import { phoneNumbers, providerCallHealth, providerConnectionState, providerConnections, users } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { createProviderHttp, resetBreakers, type CallRecord } from '@/lib/providers/http';
import { PROVIDERS } from '@/lib/providers/registry';
import { requireCapability } from '@/lib/providers/types';
import { flushProviderCallHealth } from '@/lib/services/health';
import {
  baseUrlPrefill,
  createConnection,
  getConnectionAdapter,
  getEnabledAdapters,
  listConnections,
  listProviderOptions,
  setConnectionEnabled,
  testConnection,
  updateConnection,
  type ConnectionView,
} from '@/lib/services/providers';
import { sealCredentials } from '@/lib/services/secret-box';
import { startSandbox } from '@/sandbox/common/server';
import { sandboxDefinitions } from '@/sandbox/index';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { SANDBOX_CREDENTIALS, useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, ip: '203.0.113.9' }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}

describe('provider connections go live only verified (issue 12.6)', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const userIds = new Map<string, string>();
  const view = async (id: string): Promise<ConnectionView> => (await listConnections(staff)).find((connection) => connection.id === id)!;
  const row = async (id: string) => (await test.db.select().from(providerConnections).where(eq(providerConnections.id, id)))[0]!;
  const wrongVoicetel = { username: SANDBOX_CREDENTIALS.voicetel.username!, password: 'not-the-password' };

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    for (const user of await test.db.select().from(users)) userIds.set(user.email, user.id);
  });
  afterAll(() => resetBreakers());

  describe('test before enabling', () => {
    it('saves a connection with wrong credentials disabled, with the test result, and refuses to enable it', async () => {
      const saved = await createConnection(staff, { provider: 'voicetel', name: 'VoiceTel wrong', baseUrl: sandboxes.get('voicetel').url, credentials: wrongVoicetel });
      expect(saved).toMatchObject({ enabled: false, test: { ok: false, detail: 'VoiceTel rejected the credentials. Check them and save again.' } });
      expect(await row(saved.id)).toMatchObject({ enabled: false, disabledReason: 'test_failed', lastTestOk: false, lastTestDetail: 'VoiceTel rejected the credentials. Check them and save again.' });

      await expect(setConnectionEnabled(staff, saved.id, true)).rejects.toMatchObject({ code: 'invalid:connection_test', message: expect.stringContaining('rejected the credentials') });
      expect((await row(saved.id)).enabled).toBe(false);
      expect((await getEnabledAdapters('numbers')).map((entry) => entry.connection.id)).not.toContain(saved.id);
    });

    it('enables a connection whose test passes with the right credentials', async () => {
      const saved = await createConnection(staff, { provider: 'vitcom', name: 'VITCOM main', baseUrl: sandboxes.get('vitcom').url, credentials: SANDBOX_CREDENTIALS.vitcom });
      expect(saved).toMatchObject({ enabled: true, test: { ok: true } });
      expect(await row(saved.id)).toMatchObject({ enabled: true, disabledReason: null, lastTestOk: true });
      expect((await getEnabledAdapters('numbers')).map((entry) => entry.connection.id)).toContain(saved.id);
    });

    it('saves a connection pointed at nothing disabled, saying the URL is unreachable', async () => {
      const saved = await createConnection(staff, { provider: 'carrierx', name: 'CarrierX nowhere', baseUrl: 'http://127.0.0.1:9', credentials: { token: 'x'.repeat(20) } });
      expect(saved).toMatchObject({ enabled: false, test: { ok: false, detail: 'Could not reach http://127.0.0.1:9: nothing answered there. Check the base URL.' } });
    });

    it('tests an edit with the new credentials, not a session key the old ones obtained; a failed edit disables, a fixed one re-enables', async () => {
      // Its own sandbox: VoiceTel allows 6 logins an hour per host, and this test logs in four times.
      const voicetel = await startSandbox(sandboxDefinitions.voicetel, { port: 0 });
      onTestFinished(() => voicetel.close());
      const good = await createConnection(staff, { provider: 'voicetel', name: 'VoiceTel edited', baseUrl: voicetel.url, credentials: SANDBOX_CREDENTIALS.voicetel });
      expect(good.enabled).toBe(true);
      // The passing test logged in and kept VoiceTel's API key for the connection.
      const keys = async () => (await test.db.select().from(providerConnectionState).where(eq(providerConnectionState.connectionId, good.id))).map((state) => state.key);
      expect(await keys()).toContain('voicetel:apikey');

      const broken = await updateConnection(staff, { connectionId: good.id, name: 'VoiceTel edited', baseUrl: voicetel.url, credentials: { password: 'not-the-password' } });
      expect(broken).toMatchObject({ enabled: false, test: { ok: false, detail: 'VoiceTel rejected the credentials. Check them and save again.' } });
      expect(await row(good.id)).toMatchObject({ enabled: false, disabledReason: 'test_failed', lastTestOk: false });
      // The old key is gone with the old credentials: nothing can make the new ones look good.
      expect(await keys()).not.toContain('voicetel:apikey');
      await expect(setConnectionEnabled(staff, good.id, true)).rejects.toMatchObject({ code: 'invalid:connection_test' });

      const fixed = await updateConnection(staff, { connectionId: good.id, name: 'VoiceTel edited', baseUrl: voicetel.url, credentials: { password: SANDBOX_CREDENTIALS.voicetel.password! } });
      expect(fixed).toMatchObject({ enabled: true, test: { ok: true } });
      expect(await row(good.id)).toMatchObject({ enabled: true, disabledReason: null, lastTestOk: true });

      // A rename tests nothing and changes nothing else.
      const renamed = await updateConnection(staff, { connectionId: good.id, name: 'VoiceTel renamed', baseUrl: voicetel.url, credentials: {} });
      expect(renamed).toMatchObject({ enabled: true, test: undefined });
    });

    it('keeps a connection staff turned off off after a passing edit; enabling it re-tests', async () => {
      const saved = await createConnection(staff, { provider: 'voicemeup', name: 'VoiceMeUp main', baseUrl: sandboxes.get('voicemeup').url, credentials: SANDBOX_CREDENTIALS.voicemeup });
      expect(saved.enabled).toBe(true);
      await setConnectionEnabled(staff, saved.id, false);
      expect(await row(saved.id)).toMatchObject({ enabled: false, disabledReason: 'staff' });
      // A new base URL (the same server, written with a trailing slash) is a change that is tested.
      const edited = await updateConnection(staff, { connectionId: saved.id, name: 'VoiceMeUp main', baseUrl: `${sandboxes.get('voicemeup').url}/`, credentials: {} });
      expect(edited).toMatchObject({ enabled: false, test: { ok: true } });
      const before = (await row(saved.id)).lastTestedAt!;
      const { test: enableTest } = await setConnectionEnabled(staff, saved.id, true);
      expect(enableTest).toMatchObject({ ok: true });
      const after = await row(saved.id);
      expect(after).toMatchObject({ enabled: true, disabledReason: null, lastTestOk: true });
      expect(after.lastTestedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    });
  });

  describe('health from the last real call', () => {
    it('is "Not used yet" before any call, however closed the breaker is', async () => {
      const [untouched] = await test.db
        .insert(providerConnections)
        .values({ provider: 'carrierx', name: 'CarrierX untouched', baseUrl: sandboxes.get('carrierx').url, credentialsCiphertext: sealCredentials(SANDBOX_CREDENTIALS.carrierx), enabled: false })
        .returning();
      const health = (await view(untouched!.id)).health;
      expect(health).toMatchObject({ status: 'unused', breakerState: 'closed', consecutiveFailures: 0 });
      expect(describeHealth(health, new Date())).toEqual({ tone: 'slate', label: 'Not used yet' });
    });

    it('records a successful adapter call: Healthy, with the operation and time', async () => {
      const connection = (await listConnections(staff)).find((entry) => entry.name === 'VITCOM main')!;
      const started = new Date();
      const { adapter } = await getConnectionAdapter(connection.id);
      const found = await requireCapability(adapter, 'numbers').search({ kind: 'local', quantity: 3 });
      expect(found.length).toBeGreaterThan(0);
      const health = (await view(connection.id)).health;
      expect(health.status).toBe('healthy');
      expect(health.lastCall).toMatchObject({ outcome: 'success' });
      expect(health.lastCall!.operation).toMatch(/search/i);
      expect(health.lastCall!.at.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
      expect(health.lastSuccessAt!.getTime()).toBe(health.lastCall!.at.getTime());
      expect(describeHealth(health, new Date())).toEqual({ tone: 'green', label: 'Healthy' });
    });

    it('records credentials rejected on a real call: red "Failing", though the breaker stays closed', async () => {
      const connection = (await listConnections(staff)).find((entry) => entry.name === 'VoiceTel wrong')!;
      const { adapter } = await getConnectionAdapter(connection.id);
      await expect(requireCapability(adapter, 'numbers').search({ kind: 'local', npa: '312', quantity: 3 })).rejects.toMatchObject({ code: 'auth:provider' });
      const health = (await view(connection.id)).health;
      expect(health).toMatchObject({ status: 'failing', breakerState: 'closed', lastCall: { outcome: 'auth_rejected' }, lastFailure: { outcome: 'auth_rejected' } });
      expect(health.consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(health.lastSuccessAt).toBeUndefined();
      const badge = describeHealth(health, new Date(health.lastCall!.at.getTime() + 3 * 60_000));
      expect(badge.tone).toBe('red');
      expect(badge.label).toMatch(/^Failing: credentials rejected 3 min ago/);
    });

    it('records 5xx and malformed answers from a sandbox, and a later success clears the failure streak', async () => {
      const flaky = await startSandbox(sandboxDefinitions.carrierx, { port: 0 });
      try {
        const saved = await createConnection(staff, { provider: 'carrierx', name: 'CarrierX flaky', baseUrl: flaky.url, credentials: SANDBOX_CREDENTIALS.carrierx });
        expect(saved.enabled).toBe(true);
        const search = async () => requireCapability((await getConnectionAdapter(saved.id)).adapter, 'numbers').search({ kind: 'local', quantity: 2 });

        flaky.setKnobs({ errorRate: 1 });
        await expect(search()).rejects.toMatchObject({ code: 'unavailable:provider' });
        let health = (await view(saved.id)).health;
        expect(health).toMatchObject({ status: 'failing', lastCall: { outcome: 'server_error', message: expect.stringMatching(/^HTTP 5\d\d/) } });

        resetBreakers(saved.id);
        flaky.setKnobs({ errorRate: 0, malformedRate: 1 });
        await expect(search()).rejects.toMatchObject({ code: 'malformed:provider' });
        health = (await view(saved.id)).health;
        expect(health).toMatchObject({ status: 'failing', lastCall: { outcome: 'malformed' } });
        expect(health.consecutiveFailures).toBeGreaterThanOrEqual(2);

        resetBreakers(saved.id);
        flaky.setKnobs({ malformedRate: 0 });
        await search();
        health = (await view(saved.id)).health;
        expect(health).toMatchObject({ status: 'healthy', consecutiveFailures: 0, lastCall: { outcome: 'success' }, lastFailure: { outcome: 'malformed' } });
        await setConnectionEnabled(staff, saved.id, false);
      } finally {
        await flaky.close();
      }
    });

    it('records a timeout and an unreachable host in the one HTTP layer, and nothing for a fail-fast', async () => {
      const hanging = await startSandbox(sandboxDefinitions.vitcom, { port: 0, knobs: { hangRate: 1 } });
      const calls: CallRecord[] = [];
      try {
        const http = createProviderHttp({ provider: 'vitcom', connectionId: 'probe-timeout', baseUrl: hanging.url, timeoutMs: 200, maxAttempts: 0, breakerThreshold: 1, onCall: (call) => calls.push(call) });
        const request = { operation: 'POST /getTrunk', method: 'POST' as const, path: '/getTrunk', idempotent: true, parse: (response: { text: string }) => response.text };
        await expect(http.request(request)).rejects.toMatchObject({ code: 'unavailable:provider' });
        expect(calls).toEqual([expect.objectContaining({ connectionId: 'probe-timeout', operation: 'POST /getTrunk', outcome: 'timeout', message: expect.stringContaining('timed out') })]);
        // The breaker is now open: the next request never leaves, so it is not a call.
        await expect(http.request(request)).rejects.toMatchObject({ upstreamMessage: 'circuit open: failing fast' });
        expect(calls).toHaveLength(1);

        const nowhere = createProviderHttp({ provider: 'vitcom', connectionId: 'probe-nowhere', baseUrl: 'http://127.0.0.1:9', maxAttempts: 0, onCall: (call) => calls.push(call) });
        await expect(nowhere.request(request)).rejects.toMatchObject({ code: 'unavailable:provider' });
        expect(calls[1]).toMatchObject({ outcome: 'unreachable' });
      } finally {
        resetBreakers('probe-timeout');
        resetBreakers('probe-nowhere');
        await hanging.close();
      }
    });

    it('writes a burst of calls as one row per connection', async () => {
      const connection = (await listConnections(staff)).find((entry) => entry.name === 'VITCOM main')!;
      const { adapter } = await getConnectionAdapter(connection.id);
      await Promise.all(Array.from({ length: 5 }, () => requireCapability(adapter, 'numbers').search({ kind: 'local', quantity: 1 })));
      await flushProviderCallHealth();
      const rows = await test.db.select().from(providerCallHealth).where(eq(providerCallHealth.connectionId, connection.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ lastOutcome: 'success', consecutiveFailures: 0 });
    });
  });

  describe('unique names', () => {
    it('refuses a name already used, whatever its case, with a field error, on create and on edit', async () => {
      await expect(createConnection(staff, { provider: 'vitcom', name: 'vitcom MAIN', baseUrl: sandboxes.get('vitcom').url, credentials: SANDBOX_CREDENTIALS.vitcom })).rejects.toMatchObject({
        code: 'conflict:connection_name',
        fieldErrors: { name: [expect.stringContaining('“VITCOM main” already exists')] },
      });
      const other = (await listConnections(staff)).find((entry) => entry.name === 'VoiceMeUp main')!;
      await expect(updateConnection(staff, { connectionId: other.id, name: 'VITCOM Main', baseUrl: other.baseUrl, credentials: {} })).rejects.toMatchObject({ code: 'conflict:connection_name', fieldErrors: { name: expect.any(Array) } });
      expect((await row(other.id)).name).toBe('VoiceMeUp main');
      // Nothing half-written: still one VITCOM main.
      expect((await test.db.select().from(providerConnections)).filter((connection) => connection.name.toLowerCase() === 'vitcom main')).toHaveLength(1);
    });

    it('is held by the database too, for writers that skip the check', async () => {
      await expect(
        test.db.insert(providerConnections).values({ provider: 'vitcom', name: 'VITCOM MAIN', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials(SANDBOX_CREDENTIALS.vitcom) }),
      ).rejects.toThrow();
    });
  });

  describe('base URL pre-fill', () => {
    const descriptor = PROVIDERS.voicetel;

    it('offers the sandbox only in embedded or demo mode, else the documented live URL or nothing with a hint', () => {
      expect(baseUrlPrefill(descriptor, { embedded: true, seedDemo: true }).baseUrl).toBe('http://127.0.0.1:4101');
      expect(baseUrlPrefill(descriptor, { embedded: false, seedDemo: true }).baseUrl).toBe('http://127.0.0.1:4101');
      expect(baseUrlPrefill(descriptor, { embedded: false, seedDemo: false })).toMatchObject({ baseUrl: 'https://api.voicetel.com' });
      const vitcom = baseUrlPrefill(PROVIDERS.vitcom, { embedded: false, seedDemo: false });
      expect(vitcom.baseUrl).toBe('');
      expect(vitcom.baseUrlHint).toMatch(/ask VITCOM for the base URL/);
    });

    it('follows lib/env: no DATABASE_URL is embedded; a server database without SEED_DEMO is not', () => {
      const saved = { DATABASE_URL: process.env.DATABASE_URL, SEED_DEMO: process.env.SEED_DEMO };
      try {
        delete process.env.DATABASE_URL;
        delete process.env.SEED_DEMO;
        resetEnvCache();
        const embedded = listProviderOptions(staff);
        expect(embedded.every((option) => option.baseUrl.startsWith('http://127.0.0.1:'))).toBe(true);

        process.env.DATABASE_URL = 'postgres://portal@db.example:5432/portal';
        process.env.SEED_DEMO = '0';
        resetEnvCache();
        const live = listProviderOptions(staff);
        expect(live.some((option) => option.baseUrl.includes('127.0.0.1'))).toBe(false);
        expect(Object.fromEntries(live.map((option) => [option.id, option.baseUrl]))).toEqual({
          voicetel: 'https://api.voicetel.com',
          vitcom: '',
          carrierx: 'https://api.carrierx.com',
          voicemeup: 'https://developer.voicemeup.com',
        });
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
        resetEnvCache();
      }
    });
  });

  describe('disabling', () => {
    it('tells how many live numbers the connection carries, and records that staff turned it off', async () => {
      const connection = (await listConnections(staff)).find((entry) => entry.name === 'VITCOM main')!;
      const number = (e164: string, status: 'active' | 'released' = 'active') => ({ accountId: tenants.acme.id, e164, kind: 'local' as const, npa: '312', connectionId: connection.id, monthly: '1.0000', status });
      await test.db.insert(phoneNumbers).values([number('+13125550161'), number('+13125550162'), number('+13125550163', 'released')]);
      expect((await view(connection.id)).liveNumbers).toBe(2);
    });
  });

  describe('staff only', () => {
    it('refuses customers the service, the page and every action', async () => {
      const owner = await sessionUser(test.db, 'owner@acme.example');
      const connection = (await listConnections(staff)).find((entry) => entry.name === 'VITCOM main')!;
      await expect(listConnections(owner)).rejects.toMatchObject({ code: 'forbidden:staff' });
      expect(() => listProviderOptions(owner)).toThrow(expect.objectContaining({ code: 'forbidden:staff' }));
      await expect(setConnectionEnabled(owner, connection.id, false)).rejects.toMatchObject({ code: 'forbidden:staff' });
      await expect(updateConnection(owner, { connectionId: connection.id, name: 'Mine', baseUrl: 'http://127.0.0.1:9', credentials: {} })).rejects.toMatchObject({ code: 'forbidden:staff' });
      await expect(testConnection(owner, connection.id)).rejects.toMatchObject({ code: 'forbidden:staff' });

      session.userId = userIds.get('owner@acme.example');
      const page = (await import('@/app/(portal)/operator/providers/page')).default;
      await expect(page()).rejects.toMatchObject({ digest: expect.stringContaining('403') });
      const actions = await import('@/app/(portal)/operator/providers/actions');
      const attempts = [
        actions.createConnectionAction({ status: 'idle' }, form({ provider: 'vitcom', name: 'Customer made', baseUrl: sandboxes.get('vitcom').url, 'credential.accountno': SANDBOX_CREDENTIALS.vitcom.accountno!, 'credential.token': SANDBOX_CREDENTIALS.vitcom.token! })),
        actions.updateConnectionAction({ status: 'idle' }, form({ connectionId: connection.id, name: 'Customer renamed', baseUrl: 'http://127.0.0.1:9' })),
        actions.setConnectionEnabledAction({ status: 'idle' }, form({ connectionId: connection.id, enabled: 'false' })),
        actions.testConnectionAction({ status: 'idle' }, form({ connectionId: connection.id })),
      ];
      for (const result of await Promise.all(attempts)) expect(result).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      expect(await row(connection.id)).toMatchObject({ name: 'VITCOM main', enabled: true });
      expect((await test.db.select().from(providerConnections)).some((entry) => entry.name === 'Customer made')).toBe(false);
    });

    it('lets staff use the actions, and a failed add is an error that names the saved, disabled connection', async () => {
      session.userId = userIds.get('staff@carrier.example');
      const actions = await import('@/app/(portal)/operator/providers/actions');
      const failed = await actions.createConnectionAction(
        { status: 'idle' },
        form({ provider: 'voicetel', name: 'VoiceTel typo', baseUrl: sandboxes.get('voicetel').url, 'credential.username': wrongVoicetel.username, 'credential.password': wrongVoicetel.password }),
      );
      expect(failed).toMatchObject({ status: 'error', message: expect.stringMatching(/^Saved “VoiceTel typo” but left it disabled: VoiceTel rejected the credentials/), values: { name: 'VoiceTel typo' } });
      expect(JSON.stringify(failed)).not.toContain(wrongVoicetel.password);
      const duplicate = await actions.createConnectionAction(
        { status: 'idle' },
        form({ provider: 'voicetel', name: 'voicetel TYPO', baseUrl: sandboxes.get('voicetel').url, 'credential.username': wrongVoicetel.username, 'credential.password': 'x' }),
      );
      expect(duplicate).toMatchObject({ status: 'error', fieldErrors: { name: [expect.stringContaining('already exists')] } });
      const typo = (await listConnections(staff)).find((entry) => entry.name === 'VoiceTel typo')!;
      const enable = await actions.setConnectionEnabledAction({ status: 'idle' }, form({ connectionId: typo.id, enabled: 'true' }));
      expect(enable).toMatchObject({ status: 'error', message: expect.stringContaining('Not enabled') });
      session.userId = undefined;
    });
  });
});
