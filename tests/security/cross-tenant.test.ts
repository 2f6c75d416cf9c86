/**
 * Cross-tenant security: every server action and route handler the code exports (discovered from the
 * files, so a new one cannot be forgotten) is called by every role of another tenant with the
 * victim's ids, with the victim's ids one at a time among the caller's own, and with the account
 * cookie pointed at the victim. Every call must answer not found or forbidden, and the victim's rows
 * must be exactly as they were.
 *
 * Two attackers: Globex (an unrelated customer) against Acme Telecom and Acme East, and users whose
 * only membership is in the sub-account Acme West against its sibling Acme East and its parent Acme
 * Telecom (a sub-account is the "second tenant" that finds real bugs).
 */
import { randomBytes } from 'node:crypto';
import { and, eq, getTableColumns, sql, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLES, type Role } from '@/lib/auth/permissions';
import {
  accountEvents,
  accountLedger,
  cdrExports,
  qualityAlerts,
  accounts,
  apiKeys,
  auditEvents,
  cartItems,
  carts,
  e911AddressUpstreams,
  e911Addresses,
  invitations,
  memberships,
  numberOrderLines,
  numberOrders,
  numberSearches,
  phoneNumbers,
  portInDocuments,
  portInEvents,
  portInNumbers,
  portIns,
  providerConnections,
  trunkGroupUpstreams,
  trunkGroups,
  users,
  webhookDeliveries,
  webhookEndpoints,
} from '@/lib/db/schema';
import { sealCredentials, sealSecret } from '@/lib/services/secret-box';
import { hashInvitationToken } from '@/lib/services/users';
import { rowsOf as resultRows } from '@/lib/db/rows';
import { UNSCOPED_ENDPOINTS, SURFACES, type ActionSurface, type RouteSurface, type SurfaceContext } from '../isolation/surfaces';
import { API_ENDPOINTS } from '@/lib/api/contracts';
import { routeFileOf } from '../support/api-operations';
import { createTestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { seedRoleUsers, seedTwoTenants } from '../support/fixtures';
import { seedReadyPort } from '../support/port-fixtures';
import { discoverEndpoints, endpointLabel, inlineServerActionFiles, type DiscoveredEndpoint } from './discover';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next-auth', async () => (await import('../support/next-mocks')).nextAuthMock());
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

type CallableSurface = ActionSurface | RouteSurface;
const CALLABLE = SURFACES.filter((surface): surface is CallableSurface => surface.kind !== 'page');

/** The context fields that name an object of one side (the connection is the platform's, shared). */
const ID_FIELDS = ['accountId', 'membershipId', 'invitationId', 'invitationToken', 'numberId', 'orderId', 'searchId', 'trunkGroupId', 'e911AddressId', 'cartItemId', 'apiKeyId', 'webhookId', 'webhookDeliveryId', 'qualityAlertId', 'cdrExportId', 'portInId', 'portDocumentId', 'livePortInId', 'livePortDocumentId'] as const;

interface Attacker {
  name: string;
  /** Users of every role whose memberships are all inside `own`. */
  users: Record<Role, { id: string; email: string }>;
  own: SurfaceContext;
  victims: { name: string; context: SurfaceContext }[];
  /** Accounts whose rows must not change whatever the attacker calls. */
  protectedIds: () => Set<string>;
}

type Outcome = { kind: 'ok' | 'redirect' } | { kind: 'threw'; message: string } | { kind: 'refused'; status: 403 | 404; code?: string } | { kind: 'error'; status?: number; code?: string; message?: string };

async function call(surface: CallableSurface, handler: unknown, context: SurfaceContext): Promise<Outcome> {
  try {
    if (surface.kind === 'action') {
      const formData = new FormData();
      for (const [key, value] of Object.entries(surface.form(context))) formData.set(key, value);
      const result = await (handler as (state: unknown, formData: FormData) => Promise<{ status: string; code?: string; message?: string }>)({ status: 'idle' }, formData);
      if (result.status !== 'error') return { kind: 'ok' };
      if (result.code?.startsWith('not_found:')) return { kind: 'refused', status: 404, code: result.code };
      if (result.code?.startsWith('forbidden:')) return { kind: 'refused', status: 403, code: result.code };
      return { kind: 'error', code: result.code, message: result.message };
    }
    const response = await (handler as (request: Request, context: unknown) => Promise<Response>)(new Request(surface.url(context)), { params: Promise.resolve(surface.params(context)) });
    if (response.status === 404 || response.status === 403) return { kind: 'refused', status: response.status };
    // A stream (CSV, server-sent events) left unread would stay open: let it go.
    if (response.ok) {
      await response.body?.cancel();
      return { kind: 'ok' };
    }
    return { kind: 'error', status: response.status, message: (await response.text()).slice(0, 200) };
  } catch (error) {
    const digest = String((error as { digest?: unknown }).digest ?? '');
    if (digest.endsWith(';404')) return { kind: 'refused', status: 404 };
    if (digest.endsWith(';403')) return { kind: 'refused', status: 403 };
    if (digest.startsWith('NEXT_REDIRECT')) return { kind: 'redirect' };
    return { kind: 'threw', message: String((error as Error).stack ?? error).slice(0, 400) };
  }
}

/** What a surface sends for a context: the form, or the URL and params. */
function materialize(surface: CallableSurface, context: SurfaceContext): string {
  return surface.kind === 'action' ? JSON.stringify(surface.form(context)) : JSON.stringify([surface.url(context), surface.params(context)]);
}

/** Which of the victim's ids a request names. */
function victimIdsIn(request: string, victim: SurfaceContext): string[] {
  return ID_FIELDS.filter((field) => victim[field] && request.includes(victim[field]!));
}

interface Variant {
  name: string;
  context: SurfaceContext;
  cookie?: string;
}

/**
 * The victim's ids; the same with the account cookie on the victim's account; and each victim id the
 * request uses on its own among the caller's ids (another tenant's number on the caller's own trunk
 * group, the caller's own number moved into the victim's account).
 */
function variantsOf(surface: CallableSurface, own: SurfaceContext, victim: SurfaceContext): Variant[] {
  const variants: Variant[] = [
    { name: 'victim ids', context: victim },
    { name: 'victim ids, account cookie on the victim', context: victim, cookie: victim.accountId },
  ];
  const all = victimIdsIn(materialize(surface, victim), victim);
  if (all.length < 2) return variants;
  for (const field of ID_FIELDS) {
    if (!victim[field]) continue;
    const context = { ...own, [field]: victim[field] };
    const used = victimIdsIn(materialize(surface, context), victim);
    if (used.length === 1 && used[0] === field) variants.push({ name: `only ${field} of the victim`, context });
  }
  return variants;
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'refused') return `${outcome.status} ${outcome.code ?? ''}`.trim();
  if (outcome.kind === 'error') return `error ${outcome.status ?? ''} ${outcome.code ?? ''} ${outcome.message ?? ''}`.replace(/\s+/g, ' ').trim();
  if (outcome.kind === 'threw') return `threw ${outcome.message}`;
  return outcome.kind === 'ok' ? 'SUCCESS' : outcome.kind;
}

// --- Snapshots of the victim's rows -----------------------------------------------------------

type Row = Record<string, unknown>;
const stable = (row: Row) => JSON.stringify(row, Object.keys(row).sort());

async function rowsOf<Table extends PgTable>(db: ReturnType<typeof useTestDatabase>['db'], table: Table): Promise<InferSelectModel<Table>[]> {
  return (await db.select(getTableColumns(table)).from(table as PgTable)) as InferSelectModel<Table>[];
}

/** Every row that belongs to a protected account, per table, in a stable order. */
async function snapshot(db: ReturnType<typeof useTestDatabase>['db'], protectedIds: Set<string>, ownIds: Set<string>) {
  const mine = (id: unknown) => typeof id === 'string' && protectedIds.has(id);
  const out: Record<string, string[]> = {};
  const keep = (name: string, rows: Row[]) => {
    out[name] = rows.map(stable).sort();
  };
  const allAccounts = await rowsOf(db, accounts);
  // New children of a protected account count too (a sub-account created under the victim).
  keep('accounts', allAccounts.filter((row) => mine(row.id) || (mine(row.parentId) && !ownIds.has(row.id))));
  const allMemberships = await rowsOf(db, memberships);
  keep('memberships', allMemberships.filter((row) => mine(row.accountId)));
  const victimUsers = new Set(allMemberships.filter((row) => mine(row.accountId)).map((row) => row.userId));
  keep('users', (await rowsOf(db, users)).filter((row) => victimUsers.has(row.id)));
  keep('invitations', (await rowsOf(db, invitations)).filter((row) => mine(row.accountId)));
  keep('phone_numbers', (await rowsOf(db, phoneNumbers)).filter((row) => mine(row.accountId)));
  const groups = (await rowsOf(db, trunkGroups)).filter((row) => mine(row.accountId));
  keep('trunk_groups', groups);
  const groupIds = new Set(groups.map((row) => row.id));
  keep('trunk_group_upstreams', (await rowsOf(db, trunkGroupUpstreams)).filter((row) => groupIds.has(row.trunkGroupId)));
  const addresses = (await rowsOf(db, e911Addresses)).filter((row) => mine(row.accountId));
  keep('e911_addresses', addresses);
  const addressIds = new Set(addresses.map((row) => row.id));
  keep('e911_address_upstreams', (await rowsOf(db, e911AddressUpstreams)).filter((row) => addressIds.has(row.addressId)));
  const orders = (await rowsOf(db, numberOrders)).filter((row) => mine(row.accountId));
  keep('number_orders', orders);
  const orderIds = new Set(orders.map((row) => row.id));
  keep('number_order_lines', (await rowsOf(db, numberOrderLines)).filter((row) => orderIds.has(row.orderId)));
  // The master pays for its subtree: a charge on the victim's billing account by anyone else counts.
  keep('account_ledger', (await rowsOf(db, accountLedger)).filter((row) => mine(row.accountId) || (mine(row.billingAccountId) && !ownIds.has(row.accountId))));
  keep('api_keys', (await rowsOf(db, apiKeys)).filter((row) => mine(row.accountId)));
  keep('webhook_endpoints', (await rowsOf(db, webhookEndpoints)).filter((row) => mine(row.accountId)));
  keep('webhook_deliveries', (await rowsOf(db, webhookDeliveries)).filter((row) => mine(row.accountId)));
  keep('quality_alerts', (await rowsOf(db, qualityAlerts)).filter((row) => mine(row.accountId)));
  keep('cdr_exports', (await rowsOf(db, cdrExports)).filter((row) => mine(row.accountId)));
  const victimCarts = (await rowsOf(db, carts)).filter((row) => mine(row.accountId));
  keep('carts', victimCarts);
  const cartIds = new Set(victimCarts.map((row) => row.id));
  keep('cart_items', (await rowsOf(db, cartItems)).filter((row) => cartIds.has(row.cartId)));
  keep('number_searches', (await rowsOf(db, numberSearches)).filter((row) => mine(row.accountId)));
  keep('port_ins', (await rowsOf(db, portIns)).filter((row) => mine(row.accountId)));
  keep('port_in_numbers', (await rowsOf(db, portInNumbers)).filter((row) => mine(row.accountId)));
  keep('port_in_documents', (await rowsOf(db, portInDocuments)).filter((row) => mine(row.accountId)));
  keep('port_in_events', (await rowsOf(db, portInEvents)).filter((row) => mine(row.accountId)));
  keep('audit_events', (await rowsOf(db, auditEvents)).filter((row) => mine(row.accountId)));
  return out;
}

describe('cross-tenant security of every server action and route handler', () => {
  const test = useTestDatabase();
  const attackers: Attacker[] = [];
  let discovered: DiscoveredEndpoint[] = [];
  let connectionId: string;
  let ownSubtrees: Map<string, Set<string>>;

  /** One of each object a surface can name, in `accountId`, as the side's SurfaceContext. */
  async function seedSide(accountId: string, side: { memberUserId: string; cartUserId: string; e164: string; searchNumber: string }): Promise<SurfaceContext> {
    const db = test.db;
    const [membership] = await db.select().from(memberships).where(and(eq(memberships.userId, side.memberUserId), eq(memberships.accountId, accountId)));
    const invitationToken = randomBytes(24).toString('base64url');
    // Sent by an owner of the account or an ancestor: an invitation nobody may send any more grants nothing.
    const inviter = await db.execute(sql`
      SELECT m.user_id::text AS id FROM memberships m JOIN accounts holder ON holder.id = m.account_id JOIN accounts target ON target.id = ${accountId}::uuid
      WHERE m.role = 'owner' AND starts_with(target.path, holder.path) LIMIT 1`);
    const [invitation] = await db
      .insert(invitations)
      .values({ accountId, email: `invited-${side.e164.slice(-4)}@example.com`, role: 'viewer', tokenHash: hashInvitationToken(invitationToken), invitedByUserId: resultRows<{ id: string }>(inviter)[0]!.id, expiresAt: new Date(Date.now() + 86_400_000) })
      .returning();
    const [address] = await db
      .insert(e911Addresses)
      .values({ accountId, street: `${side.e164.slice(-4)} MAIN ST`, city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US', callerName: 'PROBE' })
      .returning();
    const [number] = await db
      .insert(phoneNumbers)
      .values({ accountId, e164: side.e164, kind: 'local', state: 'TX', npa: side.e164.slice(2, 5), connectionId, monthly: '1.2500', e911Status: 'registered', e911AddressId: address!.id })
      .returning();
    const [order] = await db.insert(numberOrders).values({ accountId, userId: side.cartUserId, idempotencyKey: `cross-tenant-${accountId}`, totalMonthly: '1.2500', totalSetup: '0.5000' }).returning();
    await db.insert(numberOrderLines).values({ orderId: order!.id, e164: side.e164, kind: 'local', state: 'TX', connectionId, monthly: '1.2500', setup: '0.5000', status: 'active' });
    const result = { e164: side.searchNumber, kind: 'local', state: 'TX', npa: side.searchNumber.slice(2, 5), nxx: side.searchNumber.slice(5, 8), features: ['voice'], monthly: '1.2500', setup: '0.5000', connectionId, provider: 'voicetel' };
    const [search] = await db
      .insert(numberSearches)
      .values({ accountId, queryKey: 'cross-tenant', query: { kind: 'local', quantity: 1 }, results: [result], providers: [], expiresAt: new Date(Date.now() + 86_400_000) })
      .returning();
    const [group] = await db
      .insert(trunkGroups)
      .values({ accountId, name: 'Cross-tenant trunk', direction: 'both', auth: 'both', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU', 'PCMA'] })
      .returning();
    const [cart] = await db.insert(carts).values({ accountId, userId: side.cartUserId }).returning();
    const [item] = await db.insert(cartItems).values({ cartId: cart!.id, e164: side.searchNumber, kind: 'local', state: 'TX', connectionId, monthly: '1.2500', setup: '0.5000' }).returning();
    const apiKey = await createTestApiKey(db, { accountId, role: 'viewer', createdBy: (await db.select().from(users).where(eq(users.id, side.cartUserId)))[0]!.email });
    const [webhook] = await db
      .insert(webhookEndpoints)
      .values({ accountId, url: 'https://93.184.216.34/hooks/cross-tenant', description: 'Cross-tenant feed', eventTypes: ['order.completed'], secretSealed: sealSecret(`whsec_${randomBytes(24).toString('base64')}`) })
      .returning();
    const [event] = await db.insert(accountEvents).values({ publicId: `evt_${randomBytes(12).toString('hex')}`, accountId, type: 'order.completed', data: { orderId: order!.id, status: 'completed', activated: [], failed: [] } }).returning();
    const [delivery] = await db.insert(webhookDeliveries).values({ accountId, endpointId: webhook!.id, eventId: event!.id, status: 'failed', attemptCount: 1, finishedAt: new Date() }).returning();
    const at = new Date();
    const [alert] = await db
      .insert(qualityAlerts)
      .values({ accountId, metric: 'asr', destination: 'US', windowStart: new Date(at.getTime() - 15 * 60_000), windowEnd: at, observed: 0.2, baseline: 0.5, spread: 0.01, threshold: 0.4, volume: 60, baselineWeeks: 4, worstObserved: 0.2, openedAt: at, evaluatedAt: at })
      .returning();
    const [cdrExport] = await db
      .insert(cdrExports)
      .values({ accountId, filter: { from: new Date(at.getTime() - 86_400_000).toISOString(), to: at.toISOString() }, rowsTotal: 150_000, expiresAt: new Date(at.getTime() + 7 * 86_400_000) })
      .returning();
    // A draft the wizard's actions edit and a submitted port (what staff and the carrier move).
    const port = await seedReadyPort(db, { accountId, label: 'Cross-tenant port' });
    const livePort = await seedReadyPort(db, { accountId, status: 'pending', label: 'Cross-tenant live port' });
    return {
      accountId,
      membershipId: membership!.id,
      invitationId: invitation!.id,
      invitationToken,
      connectionId,
      numberId: number!.id,
      orderId: order!.id,
      searchId: search!.id,
      searchNumber: side.searchNumber,
      trunkGroupId: group!.id,
      e911AddressId: address!.id,
      cartItemId: item!.id,
      apiKeyId: apiKey.id,
      webhookId: webhook!.id,
      webhookDeliveryId: delivery!.id,
      qualityAlertId: alert!.id,
      cdrExportId: cdrExport!.id,
      portInId: port.portInId,
      portDocumentId: port.documentId,
      livePortInId: livePort.portInId,
      livePortDocumentId: livePort.documentId,
    };
  }

  beforeAll(async () => {
    const db = test.db;
    const tenants = await seedTwoTenants(db);
    const [connection] = await db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Platform connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    connectionId = connection!.id;
    const userId = async (email: string) => (await db.select().from(users).where(eq(users.email, email)))[0]!.id;

    const globexUsers = await seedRoleUsers(db, tenants.globex.id, 'globex.example');
    const westUsers = await seedRoleUsers(db, tenants.west.id, 'west.acme.example');
    const eastUsers = await seedRoleUsers(db, tenants.east.id, 'east.acme.example');

    const acme = await seedSide(tenants.acme.id, { memberUserId: await userId('admin@acme.example'), cartUserId: await userId('owner@acme.example'), e164: '+12145550101', searchNumber: '+12145550111' });
    const east = await seedSide(tenants.east.id, { memberUserId: eastUsers.viewer.id, cartUserId: eastUsers.technical.id, e164: '+12145550102', searchNumber: '+12145550112' });
    const globex = await seedSide(tenants.globex.id, { memberUserId: globexUsers.viewer.id, cartUserId: globexUsers.owner.id, e164: '+12145550103', searchNumber: '+12145550113' });
    const west = await seedSide(tenants.west.id, { memberUserId: westUsers.viewer.id, cartUserId: westUsers.owner.id, e164: '+12145550104', searchNumber: '+12145550114' });

    const subtree = async (rootId: string) => new Set((await db.select({ id: accounts.id, path: accounts.path }).from(accounts)).filter((row) => row.path.includes(`/${rootId}/`)).map((row) => row.id));
    ownSubtrees = new Map([
      ['Globex', await subtree(tenants.globex.id)],
      ['Acme West', await subtree(tenants.west.id)],
    ]);
    const victims = [
      { name: 'Acme Telecom', context: acme },
      { name: 'Acme East', context: east },
    ];
    attackers.push(
      {
        name: 'Globex',
        users: globexUsers,
        own: globex,
        victims,
        protectedIds: () => new Set([tenants.acme.id, tenants.east.id, tenants.west.id]),
      },
      {
        name: 'Acme West',
        users: westUsers,
        own: west,
        victims,
        protectedIds: () => new Set([tenants.acme.id, tenants.east.id]),
      },
    );
    discovered = await discoverEndpoints();
  });

  describe('the registry covers every action, route handler and page the code exports', () => {
    it('finds the server actions and route handlers from the files', () => {
      const actions = discovered.filter((endpoint) => endpoint.kind === 'action');
      const routes = discovered.filter((endpoint) => endpoint.kind === 'route');
      // The discovery itself works: known exports are found where they live.
      expect(actions.map(endpointLabel)).toContain('action app/(portal)/account/actions.ts#changeRoleAction');
      expect(routes.map(endpointLabel)).toContain('route app/api/v1/accounts/[accountId]/route.ts#GET');
      expect(actions.length).toBeGreaterThan(30);
      expect(inlineServerActionFiles()).toEqual([]);
    });

    it('has every discovered endpoint registered in SURFACES or listed as unscoped with a reason', async () => {
      const registered = new Set<unknown>();
      for (const surface of SURFACES) {
        const loaded = await surface.load();
        expect(typeof (surface.kind === 'page' ? (loaded as { default: unknown }).default : loaded), `${surface.kind} ${surface.name} loads nothing`).toBe('function');
        registered.add(surface.kind === 'page' ? (loaded as { default: unknown }).default : loaded);
      }
      const unscoped = new Set(UNSCOPED_ENDPOINTS.map(endpointLabel));
      // Routes of published API operations: every key role and every session role of another tenant, in tests/isolation/api-isolation.test.ts.
      const apiRoutes = new Set(API_ENDPOINTS.map((endpoint) => `route ${routeFileOf(endpoint.path).replace('../../', '')} ${endpoint.method}`));
      const uncovered = discovered
        .filter((endpoint) => !registered.has(endpoint.fn) && !unscoped.has(endpointLabel(endpoint)) && !apiRoutes.has(`route ${endpoint.file} ${endpoint.export}`))
        .map(endpointLabel);
      expect(uncovered, 'register these in tests/isolation/surfaces.ts').toEqual([]);
      const stale = UNSCOPED_ENDPOINTS.filter((entry) => !discovered.some((endpoint) => endpointLabel(endpoint) === endpointLabel(entry))).map(endpointLabel);
      expect(stale, 'unscoped entries that no longer exist').toEqual([]);
      for (const entry of UNSCOPED_ENDPOINTS) expect(entry.reason.length, endpointLabel(entry)).toBeGreaterThan(10);
    });
  });

  describe.each(CALLABLE.map((surface) => [`${surface.kind} ${surface.name}`, surface] as const))('%s', (_label, surface) => {
    it.each([['Globex'], ['Acme West']] as const)('refuses every role of %s with the victim’s ids and changes none of its rows', async (attackerName) => {
      const attacker = attackers.find((candidate) => candidate.name === attackerName)!;
      const handler = await surface.load();
      const protectedIds = attacker.protectedIds();
      const own = ownSubtrees.get(attacker.name)!;
      const before = await snapshot(test.db, protectedIds, own);
      const failures: string[] = [];
      let calls = 0;
      for (const role of ROLES) {
        for (const victim of attacker.victims) {
          for (const variant of variantsOf(surface, attacker.own, victim.context)) {
            session.userId = attacker.users[role].id;
            session.accountCookie = variant.cookie;
            const outcome = await call(surface, handler, variant.context);
            calls += 1;
            // An action on the caller's own account or user that names nothing of the victim may do its
            // work there (the cookie is ignored), which the snapshot below checks.
            const ownOnly = surface.kind === 'action' && surface.scope === 'current' && victimIdsIn(materialize(surface, variant.context), victim.context).length === 0;
            const acceptable = outcome.kind === 'refused' || (ownOnly && outcome.kind !== 'threw');
            if (!acceptable) failures.push(`${role} vs ${victim.name}, ${variant.name}: ${describeOutcome(outcome)}`);
          }
        }
      }
      session.userId = undefined;
      session.accountCookie = undefined;
      expect(calls).toBeGreaterThanOrEqual(ROLES.length * attacker.victims.length * 2);
      expect(failures).toEqual([]);
      expect(await snapshot(test.db, protectedIds, own)).toEqual(before);
    });
  });
});
