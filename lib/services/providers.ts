import 'server-only';

/**
 * Provider connections: the carrier's accounts at its upstreams, managed by operator staff. Other
 * services get adapters from here (`getConnectionAdapter`, `getEnabledAdapters`), never a client.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import type { ProviderConnection } from '@/lib/db/schema';
import { insertAuditEvent } from '@/lib/db/queries/audit';
import {
  getEnabledProviderConnections,
  getProviderConnectionById,
  getProviderConnections,
  insertProviderConnection,
  updateProviderConnection,
} from '@/lib/db/queries/providers';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, isProviderError } from '@/lib/providers/errors';
import { createProviderHttp, resetBreakers, type ProviderHttp } from '@/lib/providers/http';
import { budgetStatus, type BudgetStatus } from '@/lib/providers/rate-budget';
import { PROVIDERS, getProviderDescriptor } from '@/lib/providers/registry';
import { capabilitiesOf, hasCapability, type Capability, type CapabilityGroupName, type ProviderAdapter, type ProviderId } from '@/lib/providers/types';
import { recordPlatformAudit } from './audit';
import { createDbStateStore } from './provider-state-store';
import { openCredentials, sealCredentials } from './secret-box';

export function assertStaff(user: SessionUser): void {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can manage providers.');
}

function httpFor(connection: Pick<ProviderConnection, 'id' | 'provider' | 'baseUrl'>): ProviderHttp {
  return createProviderHttp({ provider: connection.provider as ProviderId, connectionId: connection.id, baseUrl: connection.baseUrl });
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
function budgetHolderOf(connection: ProviderConnection, all: readonly ProviderConnection[]): string {
  const origin = originOf(connection.baseUrl);
  const sameHost = all.filter((other) => originOf(other.baseUrl) === origin);
  const oldest = sameHost.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0];
  return oldest?.id ?? connection.id;
}

function adapterFor(db: Db, connection: ProviderConnection, all: readonly ProviderConnection[]): { adapter: ProviderAdapter; http: ProviderHttp } {
  const descriptor = getProviderDescriptor(connection.provider as ProviderId);
  const http = httpFor(connection);
  const adapter = descriptor.create({
    connectionId: connection.id,
    baseUrl: connection.baseUrl,
    credentials: openCredentials(connection.credentialsCiphertext),
    http,
    state: createDbStateStore(db, connection.id),
    budgets: createDbStateStore(db, budgetHolderOf(connection, all)),
  });
  return { adapter, http };
}

export async function getConnectionAdapter(connectionId: string) {
  const db = await getDb();
  const connection = await getProviderConnectionById(db, { connectionId });
  if (!connection) throw new AppError('not_found:connection');
  return { connection, ...adapterFor(db, connection, await getProviderConnections(db)) };
}

/** Adapters of every enabled connection that has the capability, for fan-out features. */
export async function getEnabledAdapters(capability: CapabilityGroupName) {
  const db = await getDb();
  const all = await getProviderConnections(db);
  return (await getEnabledProviderConnections(db))
    .map((connection) => ({ connection, ...adapterFor(db, connection, all) }))
    .filter(({ adapter }) => hasCapability(adapter, capability));
}

export interface ConnectionHealth {
  breakerState: ProviderHttp['breakerState'];
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastFailure?: string;
  recentCalls: number;
  recentErrorRate?: number;
  budgets: BudgetStatus[];
}

/** What the Providers page shows: never the credentials, only which fields are set. */
export interface ConnectionView {
  id: string;
  provider: ProviderId;
  providerName: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  capabilities: readonly Capability[];
  credentialFields: readonly { name: string; label: string; secret: boolean; isSet: boolean }[];
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTestDetail: string | null;
  health: ConnectionHealth;
}

async function viewOf(db: Db, connection: ProviderConnection, all: readonly ProviderConnection[]): Promise<ConnectionView> {
  const descriptor = getProviderDescriptor(connection.provider as ProviderId);
  const http = httpFor(connection);
  const budgets = createDbStateStore(db, budgetHolderOf(connection, all));
  let stored: Record<string, string> = {};
  try {
    stored = openCredentials(connection.credentialsCiphertext);
  } catch (error) {
    log.error('provider.credentials_unreadable', { connectionId: connection.id, error });
  }
  const recent = http.stats.recent;
  return {
    id: connection.id,
    provider: descriptor.id,
    providerName: descriptor.name,
    name: connection.name,
    baseUrl: connection.baseUrl,
    enabled: connection.enabled,
    // Made without credentials: only which groups the adapter has is read, nothing is called.
    capabilities: capabilitiesOf(descriptor.create({ connectionId: connection.id, baseUrl: connection.baseUrl, credentials: {}, http, state: createDbStateStore(db, connection.id) })),
    credentialFields: descriptor.credentialFields.map((field) => ({ ...field, isSet: Boolean(stored[field.name]) })),
    lastTestedAt: connection.lastTestedAt,
    lastTestOk: connection.lastTestOk,
    lastTestDetail: connection.lastTestDetail,
    health: {
      breakerState: http.breakerState,
      lastSuccessAt: http.stats.lastSuccessAt,
      lastFailureAt: http.stats.lastFailureAt,
      lastFailure: http.stats.lastFailure,
      recentCalls: recent.length,
      recentErrorRate: recent.length ? recent.filter((ok) => !ok).length / recent.length : undefined,
      budgets: await Promise.all((descriptor.rateBudgets ?? []).map((budget) => budgetStatus(budgets, budget))),
    },
  };
}

export async function listConnections(user: SessionUser): Promise<ConnectionView[]> {
  assertStaff(user);
  const db = await getDb();
  const all = await getProviderConnections(db);
  return Promise.all(all.map((connection) => viewOf(db, connection, all)));
}

function checkCredentials(provider: ProviderId, credentials: Record<string, string>) {
  const missing = getProviderDescriptor(provider).credentialFields.filter((field) => !credentials[field.name]);
  if (missing.length > 0) {
    throw new AppError('invalid:credentials', 'Fill in every credential field.', {
      fieldErrors: Object.fromEntries(missing.map((field) => [`credential.${field.name}`, [`Enter the ${field.label.toLowerCase()}`]])),
    });
  }
}

export async function createConnection(
  user: SessionUser,
  input: { provider: ProviderId; name: string; baseUrl: string; credentials: Record<string, string> },
  ip?: string,
): Promise<ProviderConnection> {
  assertStaff(user);
  checkCredentials(input.provider, input.credentials);
  const known = Object.fromEntries(getProviderDescriptor(input.provider).credentialFields.map((field) => [field.name, input.credentials[field.name] ?? '']));
  const db = await getDb();
  return db.transaction(async (tx) => {
    const created = await insertProviderConnection(tx, { provider: input.provider, name: input.name, baseUrl: input.baseUrl, credentialsCiphertext: sealCredentials(known) });
    if (!created) throw new AppError('internal:connection_create');
    await recordPlatformAudit(tx, user, { action: 'provider.connect', targetType: 'provider_connection', targetId: created.id, after: { provider: input.provider, name: input.name, baseUrl: input.baseUrl }, ip });
    return created;
  });
}

/** Changes name and URL; credential fields given replace the stored ones, blank ones are kept. */
export async function updateConnection(
  user: SessionUser,
  input: { connectionId: string; name: string; baseUrl: string; credentials: Record<string, string> },
  ip?: string,
): Promise<void> {
  assertStaff(user);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const current = await getProviderConnectionById(tx, { connectionId: input.connectionId });
    if (!current) throw new AppError('not_found:connection');
    const merged = { ...openCredentials(current.credentialsCiphertext), ...input.credentials };
    await updateProviderConnection(tx, { connectionId: current.id, changes: { name: input.name, baseUrl: input.baseUrl, credentialsCiphertext: sealCredentials(merged), updatedAt: new Date() } });
    await recordPlatformAudit(tx, user, {
      action: 'provider.update',
      targetType: 'provider_connection',
      targetId: current.id,
      before: { name: current.name, baseUrl: current.baseUrl },
      after: { name: input.name, baseUrl: input.baseUrl, credentialsChanged: Object.keys(input.credentials) },
      ip,
    });
  });
  // New settings deserve a fresh breaker rather than the old URL's failures.
  resetBreakers(input.connectionId);
}

export async function setConnectionEnabled(user: SessionUser, connectionId: string, enabled: boolean, ip?: string): Promise<void> {
  assertStaff(user);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const current = await getProviderConnectionById(tx, { connectionId });
    if (!current) throw new AppError('not_found:connection');
    await updateProviderConnection(tx, { connectionId, changes: { enabled, updatedAt: new Date() } });
    await recordPlatformAudit(tx, user, { action: enabled ? 'provider.enable' : 'provider.disable', targetType: 'provider_connection', targetId: connectionId, before: { enabled: current.enabled }, after: { enabled }, ip });
  });
}

/** A sentence an operator can act on, from whatever the test call threw. */
function describeFailure(error: unknown, connection: ProviderConnection): string {
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

export async function testConnection(user: SessionUser, connectionId: string, ip?: string): Promise<{ ok: boolean; detail: string }> {
  assertStaff(user);
  const db = await getDb();
  const connection = await getProviderConnectionById(db, { connectionId });
  if (!connection) throw new AppError('not_found:connection');
  let result: { ok: boolean; detail: string };
  try {
    const { adapter } = adapterFor(db, connection, await getProviderConnections(db));
    const outcome = await adapter.testConnection();
    result = outcome.failure ? { ok: false, detail: describeFailure(outcome.failure, connection) } : { ok: outcome.ok, detail: outcome.detail };
  } catch (error) {
    log.warn('provider.test_failed', { connectionId, error });
    result = { ok: false, detail: describeFailure(error, connection) };
  }
  await updateProviderConnection(db, { connectionId, changes: { lastTestedAt: new Date(), lastTestOk: result.ok, lastTestDetail: result.detail.slice(0, 500) } });
  await recordPlatformAudit(db, user, { action: 'provider.test', targetType: 'provider_connection', targetId: connectionId, after: { ok: result.ok }, ip });
  return result;
}

/** The providers a connection can be made to, with the fields their form asks for. */
export function listProviderOptions() {
  return Object.values(PROVIDERS).map((descriptor) => ({
    id: descriptor.id,
    name: descriptor.name,
    defaultBaseUrl: descriptor.defaultBaseUrl,
    credentialFields: descriptor.credentialFields,
  }));
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
    await insertAuditEvent(db, { action: 'provider.connect', targetType: 'provider_connection', targetId: created?.id, actorEmail: 'seed', after: { provider: connection.provider, baseUrl: connection.baseUrl } });
  }
}
