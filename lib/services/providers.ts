import 'server-only';

/**
 * Provider connections: the carrier's accounts at its upstreams, managed by operator staff. Other
 * services get adapters from here (`getConnectionAdapter`, `getEnabledAdapters`), never a client.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { ProviderConnection } from '@/lib/db/schema';
import { insertAuditEvent } from '@/lib/db/queries/audit';
import {
  countLiveNumbersByConnection,
  deleteSealedProviderState,
  getEnabledProviderConnections,
  getProviderCallHealth,
  getProviderConnectionById,
  getProviderConnectionByName,
  getProviderConnections,
  insertProviderConnection,
  updateProviderConnection,
  updateProviderConnectionIfUnchanged,
} from '@/lib/db/queries/providers';
import type { ProviderCallHealth } from '@/lib/db/schema';
import { getEnv, type Env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, isProviderError } from '@/lib/providers/errors';
import { createProviderHttp, resetBreakers, type CallOutcome, type ProviderHttp } from '@/lib/providers/http';
import { budgetStatus, type BudgetStatus } from '@/lib/providers/rate-budget';
import { PROVIDERS, getProviderDescriptor } from '@/lib/providers/registry';
import { createMemoryStateStore, type ProviderStateStore } from '@/lib/providers/state-store';
import { capabilitiesOf, hasCapability, type Capability, type CapabilityGroupName, type ProviderAdapter, type ProviderDescriptor, type ProviderId } from '@/lib/providers/types';
import { recordPlatformAudit } from './audit';
import { flushProviderCallHealth, recordProviderCall } from './health';
import { createDbStateStore } from './provider-state-store';
import { openCredentials, sealCredentials } from './secret-box';

export function assertStaff(user: SessionUser): void {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can manage providers.');
}

function httpFor(connection: Pick<ProviderConnection, 'id' | 'provider' | 'baseUrl'>, db?: Db): ProviderHttp {
  return createProviderHttp({
    provider: connection.provider as ProviderId,
    connectionId: connection.id,
    baseUrl: connection.baseUrl,
    // Every real call is recorded for the connection's health (lib/services/health.ts batches them).
    onCall: db ? (call) => recordProviderCall(db, call) : undefined,
  });
}

function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/**
 * Upstreams count requests per source IP, so every connection to one host (the base URL's origin)
 * spends the same budgets. They are kept in the state of the oldest connection to that host.
 */
function budgetHolderOf(connection: Pick<ProviderConnection, 'id' | 'baseUrl' | 'createdAt'>, all: readonly ProviderConnection[]): string {
  const origin = originOf(connection.baseUrl);
  const sameHost = [...all.filter((other) => other.id !== connection.id), connection].filter((other) => originOf(other.baseUrl) === origin);
  const oldest = sameHost.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0];
  return oldest?.id ?? connection.id;
}

type ConnectionSettings = Pick<ProviderConnection, 'id' | 'provider' | 'baseUrl' | 'createdAt'>;

function adapterFor(
  db: Db,
  connection: ConnectionSettings & Pick<ProviderConnection, 'credentialsCiphertext'>,
  all: readonly ProviderConnection[],
  options: { state?: ProviderStateStore } = {},
): { adapter: ProviderAdapter; http: ProviderHttp } {
  const descriptor = getProviderDescriptor(connection.provider as ProviderId);
  const http = httpFor(connection, db);
  const adapter = descriptor.create({
    connectionId: connection.id,
    baseUrl: connection.baseUrl,
    credentials: openCredentials(connection.credentialsCiphertext),
    http,
    state: options.state ?? createDbStateStore(db, connection.id),
    budgets: createDbStateStore(db, budgetHolderOf(connection, all)),
  });
  return { adapter, http };
}

/**
 * What disabling a connection does, as staff are told it. A disabled connection takes no new work;
 * what is already on it (orders sent, customers' numbers, port-ins, holds) is still seen through.
 */
export const DISABLED_CONNECTION_EFFECT =
  'Customers can no longer find, hold or buy its numbers, and an order line not yet sent to it fails without a charge. Calls, statements, the number inventory and trunk settings are not read from it until it is enabled again. What is already on it is still seen through: orders already sent to it are followed up; its customers\' numbers can still be routed, given E911 and released, and their trunk groups pushed to it; port-ins already on it are followed; cart holds on it are released.';

/**
 * The adapter of one connection. `forNewWork` (a hold, an order line not yet sent) refuses a
 * connection staff disabled with `unavailable:connection_disabled`; follow-ups of work already on a
 * connection leave it out, as what a disabled connection may already have done must still be learnt.
 */
export async function getConnectionAdapter(connectionId: string, { forNewWork = false }: { forNewWork?: boolean } = {}) {
  const db = await getDb();
  const connection = await getProviderConnectionById(db, { connectionId });
  if (!connection) throw new AppError('not_found:connection');
  if (forNewWork && !connection.enabled) throw connectionDisabled();
  return { connection, ...adapterFor(db, connection, await getProviderConnections(db)) };
}

/** Customers read it: it never names the connection or its upstream. */
function connectionDisabled(): AppError {
  return new AppError('unavailable:connection_disabled', 'The carrier that offered this number is not available now: search again for another number.');
}

/** Adapters of every enabled connection that has the capability, for fan-out features. */
export async function getEnabledAdapters(capability: CapabilityGroupName) {
  const db = await getDb();
  const all = await getProviderConnections(db);
  return (await getEnabledProviderConnections(db))
    .map((connection) => ({ connection, ...adapterFor(db, connection, all) }))
    .filter(({ adapter }) => hasCapability(adapter, capability));
}

/**
 * What the connection's last real upstream call says about it. `healthy` only when that call
 * worked and the breaker lets calls through; a closed breaker alone proves nothing.
 */
export type HealthStatus = 'healthy' | 'failing' | 'degraded' | 'unused';

export interface LastCall {
  at: Date;
  outcome: CallOutcome;
  operation: string | null;
  message: string | null;
}

export interface ConnectionHealth {
  status: HealthStatus;
  breakerState: ProviderHttp['breakerState'];
  lastCall?: LastCall;
  lastSuccessAt?: Date;
  /** The most recent failed call, which may be older than the last call. */
  lastFailure?: LastCall;
  consecutiveFailures: number;
  recentCalls: number;
  recentErrorRate?: number;
  budgets: BudgetStatus[];
}

const CALL_WORKED: readonly CallOutcome[] = ['success', 'refused'];

export function healthStatusOf(lastOutcome: CallOutcome | undefined, breakerState: ProviderHttp['breakerState']): HealthStatus {
  if (!lastOutcome) return 'unused';
  if (CALL_WORKED.includes(lastOutcome)) return breakerState === 'closed' ? 'healthy' : 'degraded';
  return lastOutcome === 'rate_limited' ? 'degraded' : 'failing';
}

function healthOf(row: ProviderCallHealth | undefined, http: ProviderHttp, budgets: BudgetStatus[]): ConnectionHealth {
  const recent = http.stats.recent;
  const breakerState = http.breakerState;
  return {
    status: healthStatusOf(row?.lastOutcome, breakerState),
    breakerState,
    lastCall: row ? { at: row.lastCallAt, outcome: row.lastOutcome, operation: row.lastOperation, message: row.lastMessage } : undefined,
    lastSuccessAt: row?.lastSuccessAt ?? undefined,
    lastFailure: row?.lastFailureAt && row.lastFailureOutcome ? { at: row.lastFailureAt, outcome: row.lastFailureOutcome, operation: null, message: row.lastFailureMessage } : undefined,
    consecutiveFailures: row?.consecutiveFailures ?? 0,
    recentCalls: recent.length,
    recentErrorRate: recent.length ? recent.filter((ok) => !ok).length / recent.length : undefined,
    budgets,
  };
}

/** What the Providers page shows: never the credentials, only which fields are set. */
export interface ConnectionView {
  id: string;
  provider: ProviderId;
  providerName: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  disabledReason: ProviderConnection['disabledReason'];
  capabilities: readonly Capability[];
  credentialFields: readonly { name: string; label: string; secret: boolean; isSet: boolean }[];
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTestDetail: string | null;
  /** Customers' numbers (not released) that live on this connection. */
  liveNumbers: number;
  health: ConnectionHealth;
}

async function viewOf(db: Db, connection: ProviderConnection, all: readonly ProviderConnection[], extra: { health?: ProviderCallHealth; liveNumbers: number }): Promise<ConnectionView> {
  const descriptor = getProviderDescriptor(connection.provider as ProviderId);
  const http = httpFor(connection);
  const budgets = createDbStateStore(db, budgetHolderOf(connection, all));
  let stored: Record<string, string> = {};
  try {
    stored = openCredentials(connection.credentialsCiphertext);
  } catch (error) {
    log.error('provider.credentials_unreadable', { connectionId: connection.id, error });
  }
  return {
    id: connection.id,
    provider: descriptor.id,
    providerName: descriptor.name,
    name: connection.name,
    baseUrl: connection.baseUrl,
    enabled: connection.enabled,
    disabledReason: connection.disabledReason,
    // Made without credentials: only which groups the adapter has is read, nothing is called.
    capabilities: capabilitiesOf(descriptor.create({ connectionId: connection.id, baseUrl: connection.baseUrl, credentials: {}, http, state: createMemoryStateStore() })),
    credentialFields: descriptor.credentialFields.map((field) => ({ ...field, isSet: Boolean(stored[field.name]) })),
    lastTestedAt: connection.lastTestedAt,
    lastTestOk: connection.lastTestOk,
    lastTestDetail: connection.lastTestDetail,
    liveNumbers: extra.liveNumbers,
    health: healthOf(extra.health, http, await Promise.all((descriptor.rateBudgets ?? []).map((budget) => budgetStatus(budgets, budget)))),
  };
}

export async function listConnections(user: SessionUser): Promise<ConnectionView[]> {
  assertStaff(user);
  // Calls made a moment ago are still in the batch: write them so the page shows them.
  await flushProviderCallHealth();
  const db = await getDb();
  const [all, health, liveNumbers] = await Promise.all([getProviderConnections(db), getProviderCallHealth(db), countLiveNumbersByConnection(db)]);
  const healthById = new Map(health.map((row) => [row.connectionId, row]));
  return Promise.all(all.map((connection) => viewOf(db, connection, all, { health: healthById.get(connection.id), liveNumbers: liveNumbers.get(connection.id) ?? 0 })));
}

function checkCredentials(provider: ProviderId, credentials: Record<string, string>) {
  const missing = getProviderDescriptor(provider).credentialFields.filter((field) => !credentials[field.name]);
  if (missing.length > 0) {
    throw new AppError('invalid:credentials', 'Fill in every credential field.', {
      fieldErrors: Object.fromEntries(missing.map((field) => [`credential.${field.name}`, [`Enter the ${field.label.toLowerCase()}`]])),
    });
  }
}

function nameTaken(other: string): AppError {
  return new AppError('conflict:connection_name', 'Choose another name: each connection needs its own.', {
    fieldErrors: { name: [`A connection called “${other}” already exists (capitals do not count). Choose another name, or edit that connection instead.`] },
  });
}

function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

async function assertNameFree(db: Db | Tx, name: string, exceptId?: string) {
  const other = await getProviderConnectionByName(db, { name, exceptId });
  if (other) throw nameTaken(other.name);
}

export interface ConnectionTest {
  ok: boolean;
  detail: string;
}

/** A sentence an operator can act on, from whatever the test call threw. */
function describeFailure(error: unknown, connection: Pick<ProviderConnection, 'provider' | 'baseUrl'>): string {
  const name = PROVIDER_NAMES[connection.provider as ProviderId] ?? connection.provider;
  if (!isProviderError(error)) return `${name}: the test failed unexpectedly; see the server log.`;
  const detail = error.upstreamMessage ?? '';
  switch (error.providerKind) {
    case 'auth':
      return `${name} rejected the credentials. Check them and save again.`;
    case 'unavailable':
      if (/network error|ECONNREFUSED|ENOTFOUND|fetch failed/i.test(detail)) return `Could not reach ${connection.baseUrl}: nothing answered there. Check the base URL.`;
      if (/timed out/i.test(detail)) return `${connection.baseUrl} did not answer in time (${detail}).`;
      if (/circuit open/i.test(detail)) return `${name} failed repeatedly; calls are paused for a short while (circuit breaker open).`;
      return `${name} answered with a server error${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}.`;
    case 'rate_limited':
      return `${name} is rate-limiting this connection; try again later.`;
    case 'malformed':
      return `${connection.baseUrl} answered, but not in ${name}'s format. Is the base URL right?`;
    case 'not_found':
      return `${connection.baseUrl} does not serve ${name}'s API at that path. Is the base URL right?`;
    default:
      return `${name} refused the test: ${error.message}`;
  }
}

/** The adapter's own connection test, over the wire, with the given settings. */
async function runTest(db: Db, connection: ConnectionSettings & Pick<ProviderConnection, 'credentialsCiphertext'>, options: { state?: ProviderStateStore } = {}): Promise<ConnectionTest> {
  try {
    const { adapter } = adapterFor(db, connection, await getProviderConnections(db), options);
    const outcome = await adapter.testConnection();
    return outcome.failure ? { ok: false, detail: describeFailure(outcome.failure, connection) } : { ok: outcome.ok, detail: outcome.detail };
  } catch (error) {
    log.warn('provider.test_failed', { connectionId: connection.id, error });
    return { ok: false, detail: describeFailure(error, connection) };
  }
}

const testColumns = (test: ConnectionTest, at: Date) => ({ lastTestedAt: at, lastTestOk: test.ok, lastTestDetail: test.detail.slice(0, 500) });

export interface ConnectionSaved {
  id: string;
  name: string;
  /** Absent when nothing the test depends on changed (a rename). */
  test?: ConnectionTest;
  enabled: boolean;
}

/**
 * Saves the connection disabled, runs its connection test against the upstream, and enables it
 * only if the test passed: a connection with wrong settings never goes live. The test runs outside
 * any transaction (it may take seconds); its result is written only if nobody changed the settings
 * meanwhile.
 */
export async function createConnection(
  user: SessionUser,
  input: { provider: ProviderId; name: string; baseUrl: string; credentials: Record<string, string> },
  ip?: string,
): Promise<ConnectionSaved> {
  assertStaff(user);
  checkCredentials(input.provider, input.credentials);
  const known = Object.fromEntries(getProviderDescriptor(input.provider).credentialFields.map((field) => [field.name, input.credentials[field.name] ?? '']));
  const db = await getDb();
  await assertNameFree(db, input.name);
  const created = await db.transaction(async (tx) => {
    const row = await insertProviderConnection(tx, { provider: input.provider, name: input.name, baseUrl: input.baseUrl, credentialsCiphertext: sealCredentials(known), enabled: false, disabledReason: 'test_failed' });
    // Another connection took the name between the check and the insert.
    if (!row) throw nameTaken(input.name);
    await recordPlatformAudit(tx, user, { action: 'provider.connect', targetType: 'provider_connection', targetId: row.id, after: { provider: input.provider, name: input.name, baseUrl: input.baseUrl }, ip });
    return row;
  });
  const test = await runTest(db, created);
  const written = await updateProviderConnectionIfUnchanged(db, {
    connectionId: created.id,
    tested: created,
    changes: { ...testColumns(test, new Date()), enabled: test.ok, disabledReason: test.ok ? null : 'test_failed', updatedAt: new Date() },
  });
  await recordPlatformAudit(db, user, { action: 'provider.test', targetType: 'provider_connection', targetId: created.id, after: { ok: test.ok, enabled: test.ok && written }, ip });
  return { id: created.id, name: created.name, test, enabled: test.ok && written };
}

/**
 * Changes name, URL and credentials (credential fields given replace the stored ones, blank ones are
 * kept). New URL or credentials are tested before they are stored; if the test fails they are saved
 * anyway but the connection is disabled with the result, so customers never reach an upstream with
 * settings that do not work. A connection that was off only because its test failed comes back on
 * when its new settings pass; one staff turned off stays off.
 */
export async function updateConnection(
  user: SessionUser,
  input: { connectionId: string; name: string; baseUrl: string; credentials: Record<string, string> },
  ip?: string,
): Promise<ConnectionSaved> {
  assertStaff(user);
  const db = await getDb();
  const current = await getProviderConnectionById(db, { connectionId: input.connectionId });
  if (!current) throw new AppError('not_found:connection');
  await assertNameFree(db, input.name, current.id);
  const stored = openCredentials(current.credentialsCiphertext);
  const merged = { ...stored, ...input.credentials };
  const settingsChanged = input.baseUrl !== current.baseUrl || Object.entries(input.credentials).some(([key, value]) => stored[key] !== value);
  const candidate = { ...current, baseUrl: input.baseUrl, credentialsCiphertext: settingsChanged ? sealCredentials(merged) : current.credentialsCiphertext };

  let test: ConnectionTest | undefined;
  if (settingsChanged) {
    // A fresh breaker for the new settings, and a scratch state: a session key the old credentials
    // obtained must not make the new ones look good.
    resetBreakers(current.id);
    test = await runTest(db, candidate, { state: createMemoryStateStore() });
  }
  const enabled = !test ? current.enabled : test.ok ? current.enabled || current.disabledReason === 'test_failed' : false;
  try {
    await db.transaction(async (tx) => {
      const changes = {
        name: input.name,
        baseUrl: candidate.baseUrl,
        credentialsCiphertext: candidate.credentialsCiphertext,
        updatedAt: new Date(),
        ...(test ? { ...testColumns(test, new Date()), enabled, disabledReason: enabled ? null : test.ok ? current.disabledReason : ('test_failed' as const) } : {}),
      };
      const unchanged = await updateProviderConnectionIfUnchanged(tx, { connectionId: current.id, tested: current, changes });
      if (!unchanged) throw new AppError('conflict:connection', 'Someone else changed this connection meanwhile. Reload the page and make your change again.');
      if (settingsChanged) await deleteSealedProviderState(tx, { connectionId: current.id });
      await recordPlatformAudit(tx, user, {
        action: 'provider.update',
        targetType: 'provider_connection',
        targetId: current.id,
        before: { name: current.name, baseUrl: current.baseUrl, enabled: current.enabled },
        after: { name: input.name, baseUrl: input.baseUrl, credentialsChanged: Object.keys(input.credentials), enabled, ...(test ? { testOk: test.ok } : {}) },
        ip,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
  // New settings deserve a fresh breaker rather than the old URL's failures.
  if (settingsChanged) resetBreakers(current.id);
  return { id: current.id, name: input.name, test, enabled };
}

/**
 * Disabling is immediate. Enabling runs the connection test with the stored settings first and is
 * refused, with the test's answer, unless it passes: the rule lives here, not in the page.
 */
export async function setConnectionEnabled(user: SessionUser, connectionId: string, enabled: boolean, ip?: string): Promise<{ test?: ConnectionTest }> {
  assertStaff(user);
  const db = await getDb();
  const current = await getProviderConnectionById(db, { connectionId });
  if (!current) throw new AppError('not_found:connection');
  if (!enabled) {
    await db.transaction(async (tx) => {
      await updateProviderConnection(tx, { connectionId, changes: { enabled: false, disabledReason: 'staff', updatedAt: new Date() } });
      await recordPlatformAudit(tx, user, { action: 'provider.disable', targetType: 'provider_connection', targetId: connectionId, before: { enabled: current.enabled }, after: { enabled: false }, ip });
    });
    return {};
  }
  resetBreakers(connectionId);
  const test = await runTest(db, current);
  const written = await updateProviderConnectionIfUnchanged(db, {
    connectionId,
    tested: current,
    changes: { ...testColumns(test, new Date()), ...(test.ok ? { enabled: true, disabledReason: null } : {}), updatedAt: new Date() },
  });
  await recordPlatformAudit(db, user, { action: 'provider.test', targetType: 'provider_connection', targetId: connectionId, after: { ok: test.ok }, ip });
  if (!written) throw new AppError('conflict:connection', 'Someone else changed this connection meanwhile. Reload the page and try again.');
  if (!test.ok) throw new AppError('invalid:connection_test', `Not enabled: the connection test failed. ${test.detail}`);
  await recordPlatformAudit(db, user, { action: 'provider.enable', targetType: 'provider_connection', targetId: connectionId, before: { enabled: current.enabled }, after: { enabled: true }, ip });
  return { test };
}

/** Runs the test with the stored settings and records the result; it does not switch the connection on or off. */
export async function testConnection(user: SessionUser, connectionId: string, ip?: string): Promise<ConnectionTest> {
  assertStaff(user);
  const db = await getDb();
  const connection = await getProviderConnectionById(db, { connectionId });
  if (!connection) throw new AppError('not_found:connection');
  // Staff asking for a test want the upstream's answer, not the breaker's memory of earlier failures.
  resetBreakers(connectionId);
  const result = await runTest(db, connection);
  await updateProviderConnectionIfUnchanged(db, { connectionId, tested: connection, changes: testColumns(result, new Date()) });
  await recordPlatformAudit(db, user, { action: 'provider.test', targetType: 'provider_connection', targetId: connectionId, after: { ok: result.ok }, ip });
  return result;
}

export interface ProviderOption {
  id: ProviderId;
  name: string;
  /** What the Base URL field starts with; empty where nothing safe can be suggested. */
  baseUrl: string;
  baseUrlHint: string;
  credentialFields: ProviderDescriptor['credentialFields'];
}

/**
 * The sandbox's address is offered only when the portal runs as the self-contained demo (embedded
 * database, or demo data seeded): elsewhere a connection pre-filled with 127.0.0.1 would point a
 * production portal at nothing. There the provider's documented live URL is offered, if it has one.
 */
export function baseUrlPrefill(descriptor: Pick<ProviderDescriptor, 'name' | 'defaultBaseUrl' | 'documentedBaseUrl'>, env: Pick<Env, 'embedded' | 'seedDemo'>): { baseUrl: string; baseUrlHint: string } {
  if (env.embedded || env.seedDemo) return { baseUrl: descriptor.defaultBaseUrl, baseUrlHint: `The ${descriptor.name} sandbox that runs with the demo. For the live API, use the address from your ${descriptor.name} account.` };
  if (descriptor.documentedBaseUrl) return { baseUrl: descriptor.documentedBaseUrl, baseUrlHint: `${descriptor.name}'s live API, as its documentation gives it.` };
  return { baseUrl: '', baseUrlHint: `${descriptor.name}'s documentation gives no API address: ask ${descriptor.name} for the base URL of your account's API.` };
}

/** The providers a connection can be made to, with the fields their form asks for. */
export function listProviderOptions(user: SessionUser): ProviderOption[] {
  assertStaff(user);
  const env = getEnv();
  return Object.values(PROVIDERS).map((descriptor) => ({ id: descriptor.id, name: descriptor.name, ...baseUrlPrefill(descriptor, env), credentialFields: descriptor.credentialFields }));
}

/**
 * Creates a connection for each provider that has none yet (the embedded default: one per
 * sandbox). Idempotent; never touches a provider an operator has already connected.
 */
export async function ensureDefaultConnections(db: Db, defaults: { provider: ProviderId; name: string; baseUrl: string; credentials: Record<string, string> }[]) {
  const existing = new Set((await getProviderConnections(db)).map((connection) => connection.provider));
  for (const connection of defaults) {
    if (existing.has(connection.provider)) continue;
    const created = await insertProviderConnection(db, { provider: connection.provider, name: connection.name, baseUrl: connection.baseUrl, credentialsCiphertext: sealCredentials(connection.credentials) });
    if (!created) continue;
    await insertAuditEvent(db, { action: 'provider.connect', targetType: 'provider_connection', targetId: created?.id, actorEmail: 'seed', after: { provider: connection.provider, baseUrl: connection.baseUrl } });
  }
}
