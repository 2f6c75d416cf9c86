/**
 * Every published /api/v1 operation, callable from tests: its contract, its route module (found by
 * path: `/numbers/{e164}` → app/api/v1/numbers/[e164]/route.ts, export named by method), a seeded
 * world of real objects in two tenants, and per operation a request that succeeds. The spec test,
 * the fuzz test and the isolation matrix share them, so an endpoint added to the contracts without
 * a fixture here fails all three with the name of what to add.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Endpoint } from '@/lib/api/contract';
import { API_ENDPOINTS } from '@/lib/api/contracts';
import { permissionsFor, type Permission } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { accountEvents, e911Addresses, numberOrders, numberSearches, phoneNumbers, providerConnections, rateDeckAssignments, rateDeckEntries, rateDeckVersions, rateDecks, trunkGroups, webhookDeliveries } from '@/lib/db/schema';
import { requireCapability } from '@/lib/providers/types';
import { generateDraftInvoice } from '@/lib/services/invoices';
import { getConnectionAdapter } from '@/lib/services/providers';
import { createDispute } from '@/lib/services/disputes';
import { createWebhookEndpoint } from '@/lib/services/webhooks';
import { resetEnvCache } from '@/lib/env';
import { callApi, createTestApiKey, type ApiAnswer, type TestApiKey } from './api';
import { lineNamed, seedIssuedUsageInvoice, undisputedCallOf } from './disputes';
import { accessAs, seedTwoTenants } from './fixtures';
import { seedReadyPort, textPdf } from './port-fixtures';

export const KEY_ROLES = ['admin', 'technical', 'finance', 'viewer'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const ROUTE_MODULES = import.meta.glob<Record<string, unknown>>('../../app/api/v1/**/route.ts');

/** The route file that serves `path`, by Next's folder convention. */
export function routeFileOf(path: string): string {
  return `../../app/api/v1${path.replace(/\{([^}]+)\}/g, '[$1]')}/route.ts`;
}

export async function routeHandlerOf(endpoint: Endpoint): Promise<RouteHandler> {
  const file = routeFileOf(endpoint.path);
  const load = ROUTE_MODULES[file];
  expect(load, `${endpoint.operationId}: no route file ${file.replace('../../', '')}`).toBeDefined();
  const handler = (await load!())[endpoint.method];
  expect(typeof handler, `${endpoint.operationId}: ${file.replace('../../', '')} exports no ${endpoint.method}`).toBe('function');
  return handler as RouteHandler;
}

export function endpointOf(operationId: string): Endpoint {
  const endpoint = API_ENDPOINTS.find((candidate) => candidate.operationId === operationId);
  if (!endpoint) throw new Error(`no contract ${operationId}`);
  return endpoint;
}

/** The permission a key needs, or undefined for public and staff endpoints. */
export const permissionOf = (endpoint: Endpoint): Permission | undefined => ('permission' in endpoint.access ? endpoint.access.permission : undefined);

export const rolesWith = (permission: Permission) => KEY_ROLES.filter((role) => permissionsFor([role]).has(permission));

/** Rate limits no test load reaches: these suites test answers, not the buckets (api-principal does). */
export function liftRateLimits() {
  process.env.API_KEY_RATE_BURST = '1000000';
  process.env.API_KEY_RATE_PER_SECOND = '100000';
  process.env.API_ACCOUNT_RATE_BURST = '1000000';
  process.env.API_ACCOUNT_RATE_PER_SECOND = '100000';
  resetEnvCache();
}

export interface ApiWorld {
  db: Db;
  tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  keys: { acme: Record<KeyRole, TestApiKey>; globex: Record<KeyRole, TestApiKey> };
  acme: {
    orderId: string;
    searchId: string;
    /** Bought on the VoiceTel sandbox, so carriers answer for it. */
    e164: string;
    releasableE164: string;
    trunkGroupId: string;
    deletableTrunkGroupId: string;
    addressId: string;
    deletableAddressId: string;
    apiKeyId: string;
    revocableApiKeyId: string;
    subAccountId: string;
    webhookId: string;
    deletableWebhookId: string;
    deliveryId: string;
    /** An issued invoice of Acme (September 2026) with a usage line of Acme East's calls, and a dispute of one of them. */
    disputeInvoiceId: string;
    disputeLineId: string;
    disputeId: string;
    /** A draft invoice of Acme (the billing account) for March 2026. */
    invoiceId: string;
    /** A port-in draft of Acme ready to submit, and its LOA. */
    portId: string;
    portDocumentId: string;
  };
  /** Every id and number of Acme's that a Globex answer must never hold. */
  acmeMarkers: string[];
  /** Calls of Acme's disputed line (call ids are short digits: never markers). */
  disputeCallIds: string[];
}

async function buyOnVoiceTel(db: Db, accountId: string, count: number): Promise<string[]> {
  const [connection] = await db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
  const numbers = requireCapability((await getConnectionAdapter(connection!.id)).adapter, 'numbers');
  const found = (await numbers.search({ kind: 'local', npa: '214', quantity: count + 2 })).slice(0, count);
  expect(found, 'the VoiceTel sandbox has numbers in 214').toHaveLength(count);
  let holdRef: string | undefined;
  if (numbers.holds) holdRef = (await numbers.holds.hold(found)).holdRef;
  await numbers.order({ numbers: found.map((number) => number.e164), idempotencyKey: `api-world-${randomUUID()}`, holdRef });
  await db
    .insert(phoneNumbers)
    .values(found.map((number) => ({ accountId, e164: number.e164, kind: 'local' as const, npa: number.npa, state: number.state, connectionId: connection!.id, monthly: '1.2500' })));
  return found.map((number) => number.e164);
}

/** A kept number search of the account (as a search on the Buy numbers page leaves one). */
export async function insertSearch(db: Db, accountId: string) {
  const [connection] = await db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
  const searchResult = { e164: '+12145550123', kind: 'local', state: 'TX', npa: '214', nxx: '555', features: ['voice'], monthly: '1.2500', setup: '0.5000', connectionId: connection!.id, provider: 'voicetel' };
  const [search] = await db
    .insert(numberSearches)
    .values({ accountId, queryKey: `api-world-${randomUUID()}`, query: { kind: 'local', npa: '214', quantity: 1 }, results: [searchResult], providers: [], expiresAt: new Date(Date.now() + 3600_000) })
    .returning();
  return search!.id;
}

async function insertTrunkGroup(db: Db, accountId: string, name: string) {
  const [group] = await db
    .insert(trunkGroups)
    .values({ accountId, name, direction: 'both', auth: 'ip', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU', 'PCMA'] })
    .returning();
  return group!.id;
}

async function insertAddress(db: Db, accountId: string, street: string) {
  const [address] = await db.insert(e911Addresses).values({ accountId, street, city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' }).returning();
  return address!.id;
}

/** A public address the SSRF guard accepts without DNS (the test machine has none). */
export const WEBHOOK_URL = 'https://93.184.216.34/hooks/carrier-portal';

async function createWebhook(db: Db, accountId: string, description: string) {
  const access = await accessAs(db, 'tech@acme.example', accountId);
  return (await createWebhookEndpoint(access, { url: WEBHOOK_URL, description, eventTypes: ['order.completed'] })).endpoint.id;
}

/** A failed delivery of an order event to the endpoint, as the delivery log shows one. */
async function insertDelivery(db: Db, accountId: string, endpointId: string) {
  const [event] = await db.insert(accountEvents).values({ publicId: `evt_${randomUUID().replace(/-/g, '')}`, accountId, type: 'order.completed', data: { orderId: randomUUID(), status: 'completed', activated: [], failed: [] } }).returning();
  const [delivery] = await db.insert(webhookDeliveries).values({ accountId, endpointId, eventId: event!.id, status: 'failed', attemptCount: 1, finishedAt: new Date() }).returning();
  return delivery!.id;
}

/** An issued invoice of twenty 30-second calls to the US, the first one disputed by Acme's finance user. */
async function seedDisputedInvoice(db: Db, { billingAccountId, lineAccountId }: { billingAccountId: string; lineAccountId: string }) {
  const calls = Array.from({ length: 20 }, (_, i) => ({ accountId: lineAccountId, to: `+1415555${String(2000 + i)}`, billsec: 30 }));
  const { invoice, lines, callIds } = await seedIssuedUsageInvoice(db, { billingAccountId, month: '2026-09', calls });
  const line = lineNamed(lines, 'United States termination');
  const dispute = await createDispute(await accessAs(db, 'finance@acme.example', billingAccountId), { invoiceId: invoice.id, lineId: line.id, callIds: [callIds[0]!], reason: 'API world: this call was never made.' });
  return { ids: { disputeInvoiceId: invoice.id, disputeLineId: line.id, disputeId: dispute.id }, callIds };
}

/** Two tenants with keys of every role and one object of each kind in Acme (sandboxes connected first). */
export async function seedApiWorld(db: Db): Promise<ApiWorld> {
  const tenants = await seedTwoTenants(db);
  // Every key may push CDRs (cdr:write), so the suites reach the push past its scope check and try it across tenants; tests/integration/api-cdr-push.test.ts refuses keys without it.
  const keysOf = async (accountId: string, createdBy: string) =>
    Object.fromEntries(await Promise.all(KEY_ROLES.map(async (role) => [role, await createTestApiKey(db, { accountId, role, createdBy, scopes: ['cdr:write'] })]))) as Record<KeyRole, TestApiKey>;
  const keys = { acme: await keysOf(tenants.acme.id, 'owner@acme.example'), globex: await keysOf(tenants.globex.id, 'owner@globex.example') };
  const acmeId = tenants.acme.id;
  const [order] = await db.insert(numberOrders).values({ accountId: acmeId, idempotencyKey: 'api-world', status: 'completed', totalMonthly: '0', totalSetup: '0' }).returning();
  const [e164, releasableE164] = await buyOnVoiceTel(db, acmeId, 2);
  const acme = {
    orderId: order!.id,
    searchId: await insertSearch(db, acmeId),
    e164: e164!,
    releasableE164: releasableE164!,
    trunkGroupId: await insertTrunkGroup(db, acmeId, 'Acme PBX'),
    deletableTrunkGroupId: await insertTrunkGroup(db, acmeId, 'Acme old PBX'),
    addressId: await insertAddress(db, acmeId, '233 N AKARD ST'),
    deletableAddressId: await insertAddress(db, acmeId, '1500 MARILLA ST'),
    apiKeyId: (await createTestApiKey(db, { accountId: acmeId, role: 'viewer', createdBy: 'owner@acme.example', name: 'Acme reporting' })).id,
    revocableApiKeyId: (await createTestApiKey(db, { accountId: acmeId, role: 'viewer', createdBy: 'owner@acme.example', name: 'Acme old script' })).id,
    subAccountId: tenants.east.id,
    webhookId: await createWebhook(db, acmeId, 'Acme orders feed'),
    deletableWebhookId: await createWebhook(db, acmeId, 'Acme old feed'),
    deliveryId: '',
    disputeInvoiceId: '',
    disputeLineId: '',
    disputeId: '',
    invoiceId: (await generateDraftInvoice(db, { billingAccountId: acmeId, month: '2026-03' })).invoice.id,
    portId: '',
    portDocumentId: '',
  };
  const port = await seedReadyPort(db, { accountId: acmeId, label: 'Acme world port' });
  Object.assign(acme, { portId: port.portInId, portDocumentId: port.documentId });
  acme.deliveryId = await insertDelivery(db, acmeId, acme.webhookId);
  const disputed = await seedDisputedInvoice(db, { billingAccountId: acmeId, lineAccountId: tenants.east.id });
  Object.assign(acme, disputed.ids);
  const acmeMarkers = [tenants.acme.id, tenants.east.id, tenants.west.id, ...Object.values(acme), ...Object.values(keys.acme).map((key) => key.id)];
  return { db, tenants, keys, acme, acmeMarkers, disputeCallIds: disputed.callIds };
}

/** A request of an operation: path parameters, a query string (without `?`) and a JSON body. */
export interface FixtureCall {
  params?: Record<string, string>;
  query?: string;
  json?: unknown;
  /** A body that is not JSON (the CDR push), with its media type. */
  raw?: { contentType: string; text: string };
}

export interface OperationFixture {
  /** A request that succeeds with a key of a role that has the permission. */
  success: (world: ApiWorld) => FixtureCall | Promise<FixtureCall>;
  /** Who succeeds: a key (default admin), or a portal session (endpoints keys may not call). */
  succeedsAs?: { session: string; steppedUp?: boolean };
  /** Keys with the permission are still refused with this code (by design). */
  keysRefused?: string;
  /** What the success needs beyond the request, said when it fails. */
  note?: string;
}

const AREA_CODE_ORDER = { npa: '214', count: 1, acknowledgeNoE911: true };

/** Per operationId. Keep in the order of API_ENDPOINTS. */
export const OPERATION_FIXTURES: Record<string, OperationFixture> = {
  listNumbers: { success: () => ({ query: 'limit=5' }) },
  purchaseNumbers: { success: () => ({ json: AREA_CODE_ORDER }) },
  searchNumbers: { success: () => ({ query: 'npa=214' }) },
  // A search of its own: a newer search of the account may retire older ones.
  getNumberSearch: { success: async (world) => ({ params: { searchId: await insertSearch(world.db, world.tenants.acme.id) } }) },
  exportNumbers: { success: () => ({}) },
  getNumber: { success: (world) => ({ params: { e164: world.acme.e164 } }) },
  updateNumber: { success: (world) => ({ params: { e164: world.acme.e164 }, json: { trunkGroupId: world.acme.trunkGroupId } }) },
  releaseNumber: { success: (world) => ({ params: { e164: world.acme.releasableE164 } }) },
  listOrders: { success: () => ({ query: 'limit=5' }) },
  getOrder: { success: (world) => ({ params: { orderId: world.acme.orderId } }) },
  listTrunkGroups: { success: () => ({}) },
  createTrunkGroup: {
    success: () => ({
      json: { name: 'API PBX', direction: 'both', auth: 'ip', allowedIps: ['44.10.20.31/32'], destinations: [{ host: '44.10.20.31', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU'], callerIdPolicy: 'pass_through' },
    }),
  },
  getTrunkGroup: { success: (world) => ({ params: { trunkGroupId: world.acme.trunkGroupId } }) },
  updateTrunkGroup: { success: (world) => ({ params: { trunkGroupId: world.acme.trunkGroupId }, json: { name: 'Acme PBX (renamed)' } }) },
  deleteTrunkGroup: { success: (world) => ({ params: { trunkGroupId: world.acme.deletableTrunkGroupId } }) },
  getTrunkGroupSync: { success: (world) => ({ params: { trunkGroupId: world.acme.trunkGroupId } }) },
  reapplyTrunkGroup: { success: (world) => ({ params: { trunkGroupId: world.acme.trunkGroupId } }) },
  listE911Addresses: { success: () => ({}) },
  getQualityOverview: { success: () => ({ query: 'range=24h' }) },
  createE911Address: { success: () => ({ json: { street: '2200 Ross Ave', city: 'Dallas', state: 'TX', postalCode: '75201' } }) },
  validateE911Address: { success: () => ({ json: { street: '2200 Ross Ave', city: 'Dallas', state: 'TX', postalCode: '75201' } }) },
  getE911Address: { success: (world) => ({ params: { addressId: world.acme.addressId } }) },
  updateE911Address: { success: (world) => ({ params: { addressId: world.acme.addressId }, json: { callerName: 'ACME FRONT DESK' } }) },
  deleteE911Address: { success: (world) => ({ params: { addressId: world.acme.deletableAddressId } }) },
  listAccounts: { success: () => ({}) },
  getAccount: { success: (world) => ({ params: { accountId: world.acme.subAccountId } }) },
  listApiKeys: { success: () => ({}) },
  createApiKey: {
    success: () => ({ json: { name: 'Made by a person', role: 'viewer' } }),
    succeedsAs: { session: 'owner@acme.example', steppedUp: true },
    keysRefused: 'forbidden:api_key_creation',
    note: 'a person with two-factor on and a step-up in this session',
  },
  getApiKey: { success: (world) => ({ params: { keyId: world.acme.apiKeyId } }) },
  revokeApiKey: { success: (world) => ({ params: { keyId: world.acme.revocableApiKeyId } }) },
  listWebhooks: { success: () => ({}) },
  createWebhook: { success: () => ({ json: { url: WEBHOOK_URL, eventTypes: ['order.completed', 'number.released'] } }) },
  getWebhook: { success: (world) => ({ params: { webhookId: world.acme.webhookId } }) },
  updateWebhook: { success: (world) => ({ params: { webhookId: world.acme.webhookId }, json: { description: 'Acme orders feed (renamed)' } }) },
  deleteWebhook: { success: (world) => ({ params: { webhookId: world.acme.deletableWebhookId } }) },
  rotateWebhookSecret: { success: (world) => ({ params: { webhookId: world.acme.webhookId } }) },
  listWebhookDeliveries: { success: (world) => ({ params: { webhookId: world.acme.webhookId } }) },
  redeliverWebhook: { success: (world) => ({ params: { webhookId: world.acme.webhookId, deliveryId: world.acme.deliveryId } }) },
  testWebhook: { success: (world) => ({ params: { webhookId: world.acme.webhookId } }) },
  pushCdrs: { success: (world) => ({ raw: { contentType: 'application/x-ndjson', text: `${JSON.stringify(pushedCall(world.acme.e164))}\n` } }) },
  listCdrs: { success: () => ({ query: 'from=2026-04-01&to=2026-04-17&direction=inbound' }) },
  listInvoices: { success: () => ({}) },
  getInvoice: { success: (world) => ({ params: { invoiceId: world.acme.invoiceId } }) },
  getInvoiceCalls: { success: (world) => ({ params: { invoiceId: world.acme.invoiceId } }) },
  quoteCdrFile: { success: async (world) => ({ raw: await quoteUpload(world) }) },
  // The demo's default deck (seedDemo) prices Acme.
  getRates: { success: () => ({}) },
  listDisputes: { success: () => ({ query: 'limit=5' }) },
  // A call no dispute holds yet, each time (a dispute of the same call again is a conflict).
  createDispute: {
    success: async (world) => ({ json: { invoiceId: world.acme.disputeInvoiceId, lineId: world.acme.disputeLineId, callIds: [await undisputedCallOf(world.db, world.disputeCallIds)], reason: 'Billed a full call; the switch shows it failed.' } }),
  },
  getDispute: { success: (world) => ({ params: { disputeId: world.acme.disputeId } }) },
  listPorts: { success: () => ({ query: 'limit=5&status=draft,exception' }) },
  createPort: { success: () => ({ json: { label: 'Branch office', numbers: ['+14695550990', '(469) 555-0991'] } }) },
  getPort: { success: (world) => ({ params: { portId: world.acme.portId } }) },
  updatePort: { success: (world) => ({ params: { portId: world.acme.portId }, json: { subscriberName: 'ACME TELECOM LLC', accountNumber: 'AC-99812' } }) },
  // A port of its own each time: the check rewrites the draft's winning carrier.
  checkPortPortability: { success: async (world) => ({ params: { portId: (await seedReadyPort(world.db, { accountId: world.tenants.acme.id })).portInId } }) },
  getPortReadiness: { success: (world) => ({ params: { portId: world.acme.portId } }) },
  // A ready draft each time: a submitted port cannot be submitted again.
  submitPort: { success: async (world) => ({ params: { portId: (await seedReadyPort(world.db, { accountId: world.tenants.acme.id })).portInId } }) },
  cancelPort: { success: async (world) => ({ params: { portId: (await seedReadyPort(world.db, { accountId: world.tenants.acme.id })).portInId } }) },
  addPortComment: { success: (world) => ({ params: { portId: world.acme.portId }, json: { body: 'The bill is in the name of our parent company.' } }) },
  uploadPortDocument: { success: async (world) => ({ params: { portId: world.acme.portId }, raw: await portDocumentUpload('bill') }) },
  downloadPortDocument: { success: (world) => ({ params: { portId: world.acme.portId, documentId: world.acme.portDocumentId } }) },
};

/** A PDF bill as the multipart form the documents endpoint reads (text, so the test can send it as a string). */
async function portDocumentUpload(kind: 'loa' | 'bill'): Promise<{ contentType: string; text: string }> {
  const pdf = (await textPdf(['ACME TELECOM LLC', '2200 ROSS AVE, DALLAS, TX 75201'])).toString('ascii');
  return {
    contentType: 'multipart/form-data; boundary=port-fixture',
    text: `--port-fixture\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n--port-fixture\r\nContent-Disposition: form-data; name="file"; filename="bill.pdf"\r\nContent-Type: application/pdf\r\n\r\n${pdf}\r\n--port-fixture--\r\n`,
  };
}

/** One answered inbound call to Acme's number, an hour ago, with an id of its own. */
export function pushedCall(e164: string) {
  const invite = Date.now() - 3600_000;
  const at = (ms: number) => new Date(invite + ms).toISOString();
  return { source_id: randomUUID(), direction: 'inbound', from: '+12145550100', to: e164, invite_at: at(0), ringing_at: at(1200), answer_at: at(4000), end_at: at(64_000), sip_code: 200 };
}

/** A two-call CDR file as multipart, with a sell deck for Acme (its own, unless a default deck already prices it). */
async function quoteUpload(world: ApiWorld): Promise<{ contentType: string; text: string }> {
  const [priced] = await world.db.select({ id: rateDecks.id }).from(rateDecks).where(eq(rateDecks.isDefault, true));
  const [assigned] = await world.db.select().from(rateDeckAssignments).where(eq(rateDeckAssignments.accountId, world.tenants.acme.id));
  if (!priced && !assigned) {
    const [deck] = await world.db.insert(rateDecks).values({ name: 'Acme fixture deck', purpose: 'sell' }).returning();
    const [version] = await world.db.insert(rateDeckVersions).values({ deckId: deck!.id, version: 1, effectiveFrom: new Date('2020-01-01T00:00:00Z'), entryCount: 1 }).returning();
    await world.db.insert(rateDeckEntries).values({ versionId: version!.id, kind: 'termination', prefix: '44', destination: 'United Kingdom', rate: '0.012000' });
    await world.db.insert(rateDeckAssignments).values({ accountId: world.tenants.acme.id, deckId: deck!.id });
  }
  const csv = 'dst,billsec,disposition\r\n+442079460000,61,ANSWERED\r\n+442079460001,0,NO ANSWER\r\n';
  return { contentType: 'multipart/form-data; boundary=quote-fixture', text: `--quote-fixture\r\nContent-Disposition: form-data; name="file"; filename="cdr.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--quote-fixture--\r\n` };
}

export function fixtureOf(operationId: string): OperationFixture {
  const fixture = OPERATION_FIXTURES[operationId];
  expect(fixture, `add a fixture for ${operationId} to OPERATION_FIXTURES in tests/support/api-operations.ts`).toBeDefined();
  return fixture!;
}

/** Path parameters naming nothing that exists, shaped like real ones (so the 404 comes from the lookup). */
export function missingParams(params: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([name, value]) => [
      name,
      /^[0-9a-f-]{36}$/i.test(value) ? randomUUID() : /^\+\d+$/.test(value) ? '+12145550999' : `missing-${name}`,
    ]),
  );
}

export function urlOf(endpoint: Endpoint, call: FixtureCall): string {
  const path = endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? ''));
  return `/api/v1${path}${call.query ? `?${call.query}` : ''}`;
}

/** Calls the operation with a key (or none), checking the answer against the published document. */
export async function callOperation(endpoint: Endpoint, call: FixtureCall, key: TestApiKey | undefined, extra: { headers?: Record<string, string>; body?: string } = {}): Promise<ApiAnswer> {
  const handler = await routeHandlerOf(endpoint);
  return callApi(handler, {
    method: endpoint.method,
    url: urlOf(endpoint, call),
    params: call.params ?? {},
    key,
    json: extra.body === undefined && !call.raw ? call.json : undefined,
    body: extra.body ?? call.raw?.text,
    headers: extra.body === undefined && call.raw ? { 'content-type': call.raw.contentType, ...extra.headers } : extra.headers,
    endpoint,
  });
}

export const expectErrorShape = (answer: ApiAnswer, label: string) =>
  expect(answer.body, `${label}: the one error shape`).toEqual({ error: { code: expect.stringMatching(/^[a-z_]+:[a-z0-9_.]+$/), message: expect.any(String), ...(answer.body?.error?.fields ? { fields: expect.any(Object) } : {}) } });
