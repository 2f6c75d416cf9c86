import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, providerConnections, providerConnectionState } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { spendBudget } from '@/lib/providers/rate-budget';
import { requireCapability, type ProviderId } from '@/lib/providers/types';
import { createDbStateStore } from '@/lib/services/provider-state-store';
import {
  createConnection,
  ensureDefaultConnections,
  getConnectionAdapter,
  getEnabledAdapters,
  listConnections,
  setConnectionEnabled,
  testConnection,
  updateConnection,
} from '@/lib/services/providers';
import { openCredentials } from '@/lib/services/secret-box';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { sandboxDefinitions } from '@/sandbox/index';
import { carrierxDemoCredentials } from '@/sandbox/carrierx';
import { vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicemeupDemoCredentials } from '@/sandbox/voicemeup';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';

const credentials: Record<ProviderId, Record<string, string>> = {
  voicetel: voicetelDemoCredentials,
  vitcom: vitcomDemoCredentials,
  carrierx: carrierxDemoCredentials,
  voicemeup: voicemeupDemoCredentials,
};

describe('provider connections', () => {
  const test = useTestDatabase();
  const sandboxes = new Map<ProviderId, RunningSandbox>();
  let staff: Awaited<ReturnType<typeof sessionUser>>;

  beforeAll(async () => {
    for (const [provider, definition] of Object.entries(sandboxDefinitions)) {
      sandboxes.set(provider as ProviderId, await startSandbox(definition, { port: 0 }));
    }
  });
  afterAll(async () => {
    await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
  });

  it('creates one connection per sandbox, idempotently, with credentials encrypted at rest', async () => {
    await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    const defaults = [...sandboxes].map(([provider, sandbox]) => ({ provider, name: `${provider} sandbox`, baseUrl: sandbox.url, credentials: credentials[provider] }));
    await ensureDefaultConnections(test.db, defaults);
    await ensureDefaultConnections(test.db, defaults);
    const rows = await test.db.select().from(providerConnections);
    expect(rows.map((row) => row.provider).sort()).toEqual(['carrierx', 'vitcom', 'voicemeup', 'voicetel']);
    const voicetel = rows.find((row) => row.provider === 'voicetel')!;
    expect(voicetel.credentialsCiphertext).not.toContain(voicetelDemoCredentials.password);
    expect(voicetel.credentialsCiphertext).toMatch(/^v1\./);
    expect(openCredentials(voicetel.credentialsCiphertext)).toEqual(voicetelDemoCredentials);
  });

  it('shows staff each connection with capabilities and health, never the credentials', async () => {
    const views = await listConnections(staff);
    expect(views).toHaveLength(4);
    const vitcom = views.find((view) => view.provider === 'vitcom')!;
    expect(vitcom.capabilities).toContain('numbers.hold');
    expect(vitcom.credentialFields.every((field) => field.isSet)).toBe(true);
    expect(vitcom.health.breakerState).toBe('closed');
    const serialized = JSON.stringify(views);
    for (const secret of Object.values(credentials).flatMap((set) => Object.values(set))) {
      if (secret.length > 8) expect(serialized).not.toContain(secret);
    }
    expect(views.find((view) => view.provider === 'voicetel')!.health.budgets.map((budget) => budget.name)).toEqual(expect.arrayContaining(['voicetel:account/cdr']));
  });

  it('is refused to anyone but operator staff', async () => {
    const owner = await sessionUser(test.db, 'owner@acme.example');
    await expect(listConnections(owner)).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(createConnection(owner, { provider: 'voicetel', name: 'Mine', baseUrl: 'http://127.0.0.1:1', credentials: {} })).rejects.toMatchObject({ code: 'forbidden:staff' });
    const [connection] = await test.db.select().from(providerConnections).limit(1);
    await expect(testConnection(owner, connection!.id)).rejects.toMatchObject({ code: 'forbidden:staff' });
    await expect(setConnectionEnabled(owner, connection!.id, false)).rejects.toMatchObject({ code: 'forbidden:staff' });
  });

  it('tests every sandbox connection successfully and records the result', async () => {
    for (const view of await listConnections(staff)) {
      const result = await testConnection(staff, view.id);
      expect(result, view.provider).toMatchObject({ ok: true });
    }
    const rows = await test.db.select().from(providerConnections);
    expect(rows.every((row) => row.lastTestOk === true && row.lastTestedAt)).toBe(true);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'provider.test'));
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({ accountId: null, actorEmail: 'staff@carrier.example' });
  });

  it('says clearly when credentials are wrong or the base URL is unreachable', async () => {
    const wrong = await createConnection(staff, { provider: 'voicetel', name: 'Wrong password', baseUrl: sandboxes.get('voicetel')!.url, credentials: { username: '1000000001', password: 'not-the-password' } });
    expect(await testConnection(staff, wrong.id)).toEqual({ ok: false, detail: 'VoiceTel rejected the credentials. Check them and save again.' });

    const nowhere = await createConnection(staff, { provider: 'carrierx', name: 'Nowhere', baseUrl: 'http://127.0.0.1:9', credentials: { token: 'x'.repeat(20) } });
    const result = await testConnection(staff, nowhere.id);
    expect(result).toEqual({ ok: false, detail: 'Could not reach http://127.0.0.1:9: nothing answered there. Check the base URL.' });

    await expect(createConnection(staff, { provider: 'vitcom', name: 'Half', baseUrl: 'http://127.0.0.1:9', credentials: { token: 'only-token' } })).rejects.toMatchObject({
      code: 'invalid:credentials',
      fieldErrors: { 'credential.accountno': [expect.stringContaining('Enter the')] },
    });

    // Fixing the credentials keeps what was not re-entered and makes the test pass.
    await updateConnection(staff, { connectionId: wrong.id, name: 'Fixed', baseUrl: sandboxes.get('voicetel')!.url, credentials: { password: voicetelDemoCredentials.password! } });
    const [fixed] = await test.db.select().from(providerConnections).where(eq(providerConnections.id, wrong.id));
    expect(openCredentials(fixed!.credentialsCiphertext)).toEqual(voicetelDemoCredentials);
    expect(await testConnection(staff, wrong.id)).toMatchObject({ ok: true });
  });

  it('leaves disabled connections out of the adapters features use', async () => {
    const before = (await getEnabledAdapters('numbers')).map((entry) => entry.connection.provider);
    expect(before).toEqual(expect.arrayContaining(['voicetel', 'vitcom', 'carrierx', 'voicemeup']));
    const vitcom = (await listConnections(staff)).find((view) => view.provider === 'vitcom')!;
    await setConnectionEnabled(staff, vitcom.id, false);
    const after = (await getEnabledAdapters('numbers')).map((entry) => entry.connection.id);
    expect(after).not.toContain(vitcom.id);
    expect((await getEnabledAdapters('numbers.hold')).map((entry) => entry.connection.provider)).toEqual([]);
    await setConnectionEnabled(staff, vitcom.id, true);
  });

  it('keeps the API key and rate budgets in the database across adapter instances (restarts)', async () => {
    const voicetel = (await listConnections(staff)).find((view) => view.provider === 'voicetel' && view.name === 'voicetel sandbox')!;
    const cdrBefore = voicetel.health.budgets.find((budget) => budget.name === 'voicetel:account/cdr')!;
    const first = await getConnectionAdapter(voicetel.id);
    const now = new Date();
    await requireCapability(first.adapter, 'cdrs').pull({ since: new Date(now.getTime() - 3600_000), until: now });
    const stateRows = await test.db.select().from(providerConnectionState).where(eq(providerConnectionState.connectionId, voicetel.id));
    expect(stateRows.map((row) => row.key)).toEqual(expect.arrayContaining(['budget:voicetel:account/cdr', 'voicetel:apikey']));

    resetBreakers();
    const cdrAfter = (await listConnections(staff)).find((view) => view.id === voicetel.id)!.health.budgets.find((budget) => budget.name === 'voicetel:account/cdr')!;
    expect(cdrAfter.remaining).toBe(cdrBefore.remaining - 1);
  });

  it('spends a database-kept budget atomically under concurrency', async () => {
    const [connection] = await test.db.select().from(providerConnections).limit(1);
    const store = createDbStateStore(test.db, connection!.id);
    const budget = { name: 'race', limit: 6, windowMs: 3600_000 };
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => spendBudget('voicetel', store, budget)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(6);
    expect(results.filter((result) => result.status === 'rejected').every((result) => (result as PromiseRejectedResult).reason.code === 'rate_limited:provider')).toBe(true);
    expect(await store.get<number[]>('budget:race')).toHaveLength(6);
  });

  it('spends VoiceTel budgets per upstream host: a second connection to the host sees the first one\'s calls, a connection to another host does not', async () => {
    const cdrRemaining = async (connectionId: string) =>
      (await listConnections(staff)).find((view) => view.id === connectionId)!.health.budgets.find((budget) => budget.name === 'voicetel:account/cdr')!.remaining;
    const pullOnce = async (connectionId: string) => {
      const now = new Date();
      await requireCapability((await getConnectionAdapter(connectionId)).adapter, 'cdrs').pull({ since: new Date(now.getTime() - 3600_000), until: now });
    };
    const original = (await listConnections(staff)).find((view) => view.provider === 'voicetel' && view.name === 'voicetel sandbox')!;
    const elsewhere = await startSandbox(sandboxDefinitions.voicetel, { port: 0 });
    try {
      const spentBefore = await cdrRemaining(original.id);
      expect(spentBefore).toBeLessThan(6);
      const sameHost = await createConnection(staff, { provider: 'voicetel', name: 'Second account, same host', baseUrl: sandboxes.get('voicetel')!.url, credentials: voicetelDemoCredentials });
      const otherHost = await createConnection(staff, { provider: 'voicetel', name: 'Another host', baseUrl: elsewhere.url, credentials: voicetelDemoCredentials });
      // Before calling anything, the new connection already counts what the first one spent.
      expect(await cdrRemaining(sameHost.id)).toBe(spentBefore);
      expect(await cdrRemaining(otherHost.id)).toBe(6);

      await pullOnce(sameHost.id);
      expect(await cdrRemaining(original.id)).toBe(spentBefore - 1);
      expect(await cdrRemaining(sameHost.id)).toBe(spentBefore - 1);
      expect(await cdrRemaining(otherHost.id)).toBe(6);

      await pullOnce(otherHost.id);
      expect(await cdrRemaining(otherHost.id)).toBe(5);
      expect(await cdrRemaining(original.id)).toBe(spentBefore - 1);

      // Spend the host's hour: every connection to it is refused locally, before any request.
      for (let left = spentBefore - 1; left > 0; left--) await pullOnce(original.id);
      await expect(pullOnce(sameHost.id)).rejects.toMatchObject({ code: 'rate_limited:provider' });
      await expect(pullOnce(otherHost.id)).resolves.toBeUndefined();
      for (const id of [sameHost.id, otherHost.id]) await setConnectionEnabled(staff, id, false);
    } finally {
      await elsewhere.close();
    }
  });
});
