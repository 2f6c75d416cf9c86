/**
 * Upstream session secrets in provider_connection_state: sealed at rest like credentials, opened by
 * a new store after a restart, and plain-text rows of older versions still read and sealed in place.
 */
import { randomBytes } from 'node:crypto';
import { requireCapability } from '@/lib/providers/types';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { providerConnections, providerConnectionState } from '@/lib/db/schema';
import { resetBreakers } from '@/lib/providers/http';
import { API_KEY_STATE_KEY, API_PREFIX, BUDGETS } from '@/lib/providers/voicetel/assumptions';
import { createDbStateStore } from '@/lib/services/provider-state-store';
import { getConnectionAdapter } from '@/lib/services/providers';
import { isSealedValue, sealValue } from '@/lib/services/secret-box';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

describe('provider connection state at rest', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let connectionId: string;
  /** The key the VoiceTel sandbox issues for the demo account (the same on every login). */
  let issuedKey: string;

  /** Every state row of the connection as PostgreSQL prints it: what a database dump would show. */
  async function rawRows() {
    return test.db
      .select({ key: providerConnectionState.key, raw: sql<string>`${providerConnectionState.value}::text` })
      .from(providerConnectionState)
      .where(eq(providerConnectionState.connectionId, connectionId))
      .orderBy(providerConnectionState.key);
  }
  async function rawApiKeyRow() {
    return (await rawRows()).find((row) => row.key === API_KEY_STATE_KEY)?.raw;
  }
  async function loginsSpent() {
    return ((await createDbStateStore(test.db, connectionId).get<number[]>(`budget:${BUDGETS.login.name}`)) ?? []).length;
  }
  /** A fresh adapter with a fresh store over the same database, as after a restart of the app. */
  async function restartedAdapter() {
    resetBreakers();
    return (await getConnectionAdapter(connectionId)).adapter;
  }

  beforeAll(async () => {
    await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    const [voicetel] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
    connectionId = voicetel!.id;
    const login = await fetch(`${sandboxes.get('voicetel').url}${API_PREFIX}/account/api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: voicetelDemoCredentials.username, password: voicetelDemoCredentials.password }),
    });
    issuedKey = ((await login.json()) as { data: { apikey: string } }).data.apikey;
    expect(issuedKey).toMatch(/^[0-9a-f]{32,}$/);
  });

  it('keeps the API key obtained at login sealed, never as plain JSON', async () => {
    const adapter = await restartedAdapter();
    expect((await adapter.testConnection()).ok).toBe(true);
    expect(await loginsSpent()).toBe(1);

    const rows = await rawRows();
    expect(rows.map((row) => row.key)).toContain(API_KEY_STATE_KEY);
    for (const row of rows) expect(row.raw).not.toContain(issuedKey);
    const [stored] = await test.db
      .select({ value: providerConnectionState.value })
      .from(providerConnectionState)
      .where(and(eq(providerConnectionState.connectionId, connectionId), eq(providerConnectionState.key, API_KEY_STATE_KEY)));
    expect(isSealedValue(stored!.value)).toBe(true);
    // Non-secret state (the rate budget) stays readable JSON.
    expect(JSON.parse(rows.find((row) => row.key === `budget:${BUDGETS.login.name}`)!.raw)).toHaveLength(1);
  });

  it('uses the sealed key after a restart without logging in again', async () => {
    const sealedBefore = await rawApiKeyRow();
    const adapter = await restartedAdapter();
    expect(await requireCapability(adapter, 'trunks').list()).toEqual(expect.any(Array));
    expect(await loginsSpent()).toBe(1);
    // The same sealed row: the key was opened, not replaced by a new login.
    expect(await rawApiKeyRow()).toBe(sealedBefore);
    expect(await createDbStateStore(test.db, connectionId).get(API_KEY_STATE_KEY)).toBe(issuedKey);
  });

  it('reads a plain-text key left by an older version and seals it in place', async () => {
    await test.db
      .update(providerConnectionState)
      .set({ value: issuedKey })
      .where(and(eq(providerConnectionState.connectionId, connectionId), eq(providerConnectionState.key, API_KEY_STATE_KEY)));
    expect(await rawApiKeyRow()).toBe(JSON.stringify(issuedKey));

    const adapter = await restartedAdapter();
    expect(await requireCapability(adapter, 'trunks').list()).toEqual(expect.any(Array));
    expect(await loginsSpent()).toBe(1);
    const raw = await rawApiKeyRow();
    expect(raw).not.toContain(issuedKey);
    expect(isSealedValue(JSON.parse(raw!))).toBe(true);
    expect(await createDbStateStore(test.db, connectionId).get(API_KEY_STATE_KEY)).toBe(issuedKey);
  });

  it('logs in again when a sealed key cannot be opened with the configured key', async () => {
    const otherKey = randomBytes(32);
    await test.db
      .update(providerConnectionState)
      .set({ value: sealValue('0'.repeat(32), otherKey) })
      .where(and(eq(providerConnectionState.connectionId, connectionId), eq(providerConnectionState.key, API_KEY_STATE_KEY)));

    const adapter = await restartedAdapter();
    expect(await requireCapability(adapter, 'trunks').list()).toEqual(expect.any(Array));
    expect(await loginsSpent()).toBe(2);
    expect(await rawApiKeyRow()).not.toContain(issuedKey);
    expect(await createDbStateStore(test.db, connectionId).get(API_KEY_STATE_KEY)).toBe(issuedKey);
  });

  it('keeps a sealed value sealed through an atomic update', async () => {
    const store = createDbStateStore(test.db, connectionId);
    await store.set('probe:session', { token: 'session-token-probe', expiresAt: 1 }, { secret: true });
    const next = await store.update<{ token: string; expiresAt: number }>('probe:session', (current) => ({ token: current!.token, expiresAt: current!.expiresAt + 1 }));
    expect(next).toEqual({ token: 'session-token-probe', expiresAt: 2 });
    const raw = (await rawRows()).find((row) => row.key === 'probe:session')!.raw;
    expect(raw).not.toContain('session-token-probe');
    expect(await createDbStateStore(test.db, connectionId).get('probe:session')).toEqual({ token: 'session-token-probe', expiresAt: 2 });
  });
});
