/**
 * Tenant isolation across every registered surface (surfaces.ts): a user of another account gets
 * 404, and every role without the right gets 403 or 404, whatever the page, action or route.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLES, type Role } from '@/lib/auth/permissions';
import { accountEvents, cdrExports, invitations, invoices, memberships, numberOrders, numberSearches, phoneNumbers, providerConnections, qualityAlerts, trunkGroups, users, webhookDeliveries, webhookEndpoints } from '@/lib/db/schema';
import { sealCredentials, sealSecret } from '@/lib/services/secret-box';
import { createTestApiKey } from '../support/api';
import { useTestDatabase } from '../support/db';
import { lineNamed, seedIssuedUsageInvoice } from '../support/disputes';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { seedReadyPort } from '../support/port-fixtures';
import { createDispute } from '@/lib/services/disputes';
import { textOf } from '../support/render-text';
import { SURFACES, type Surface, type SurfaceContext } from './surfaces';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
// Work scheduled after the response (an order's upstream calls) is not this suite's subject.
vi.mock('next/server', () => ({ after: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

type Outcome = 'ok' | 403 | 404 | 401 | 'redirect' | 'invalid';

async function outcomeOf(surface: Surface, context: SurfaceContext): Promise<{ outcome: Outcome; rendered?: string; code?: string }> {
  try {
    if (surface.kind === 'page') {
      const { default: Page } = await surface.load();
      const element = await (Page as (props: unknown) => Promise<unknown>)({
        params: Promise.resolve(surface.params?.(context) ?? {}),
        searchParams: Promise.resolve({}),
      });
      return { outcome: 'ok', rendered: textOf(element) };
    }
    if (surface.kind === 'action') {
      const action = await surface.load();
      const formData = new FormData();
      for (const [key, value] of Object.entries(surface.form(context))) formData.set(key, value);
      const result = await (action as (state: unknown, formData: FormData) => Promise<{ status: string; code?: string }>)({ status: 'idle' }, formData);
      const code = result.code;
      if (result.status !== 'error') return { outcome: 'ok' };
      if (code?.startsWith('not_found:')) return { outcome: 404, code };
      if (code?.startsWith('forbidden:')) return { outcome: 403, code };
      if (code?.startsWith('unauthorized:')) return { outcome: 401, code };
      return { outcome: 'invalid', code };
    }
    const handler = await surface.load();
    const response = await (handler as (request: Request, context: unknown) => Promise<Response>)(new Request(surface.url(context)), { params: Promise.resolve(surface.params(context)) });
    // A stream (CSV, server-sent events) left unread would stay open: let it go.
    if (response.ok) await response.body?.cancel();
    return { outcome: response.ok ? 'ok' : (response.status as Outcome) };
  } catch (error) {
    const digest = String((error as { digest?: unknown }).digest ?? '');
    if (digest.endsWith(';404')) return { outcome: 404 };
    if (digest.endsWith(';403')) return { outcome: 403 };
    if (digest.startsWith('NEXT_REDIRECT')) return { outcome: 'redirect' };
    throw error;
  }
}

describe('tenant isolation of every page, action and route handler', () => {
  const test = useTestDatabase();
  const userIds = new Map<string, string>();
  let acmeEast: SurfaceContext;
  let globexBranch: SurfaceContext;
  let names: { acmeEast: string; globex: string };

  const emailOf: Record<Role, string> = {
    owner: 'owner@acme.example',
    admin: 'admin@acme.example',
    technical: 'tech@acme.example',
    finance: 'finance@acme.example',
    viewer: 'viewer@acme.example',
  };

  function signInAs(email: string, accountCookie?: string) {
    session.userId = userIds.get(email);
    session.accountCookie = accountCookie;
  }

  beforeAll(async () => {
    const tenants = await seedTwoTenants(test.db);
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    // Ids that belong to each side, so a cross-tenant call names real objects of the other tenant.
    const [eastMember] = await test.db.insert(memberships).values({ userId: userIds.get('staff@carrier.example')!, accountId: tenants.east.id, role: 'viewer' }).returning();
    const [eastInvite] = await test.db
      .insert(invitations)
      .values({ accountId: tenants.east.id, email: 'pending@acme.example', role: 'viewer', tokenHash: 'a'.repeat(64), expiresAt: new Date(Date.now() + 86_400_000) })
      .returning();
    const [branchMember] = await test.db.insert(memberships).values({ userId: userIds.get('owner@acme.example')!, accountId: tenants.globexBranch.id, role: 'viewer' }).returning();
    await test.db.delete(memberships).where(eq(memberships.id, branchMember!.id));
    const [globexMember] = await test.db.select().from(memberships).where(eq(memberships.accountId, tenants.globex.id));
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Platform connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    const [eastNumber, branchNumber] = await test.db
      .insert(phoneNumbers)
      .values([
        { accountId: tenants.east.id, e164: '+13125550100', kind: 'local', state: 'IL', npa: '312', connectionId: connection!.id, monthly: '1.2500' },
        { accountId: tenants.globexBranch.id, e164: '+12125550199', kind: 'local', state: 'NY', npa: '212', connectionId: connection!.id, monthly: '3.0000' },
      ])
      .returning();
    const order = async (accountId: string) =>
      (await test.db.insert(numberOrders).values({ accountId, idempotencyKey: `probe-${accountId}`, totalMonthly: '0', totalSetup: '0' }).returning())[0]!;
    const searchResult = { e164: '+13125550123', kind: 'local', state: 'IL', npa: '312', nxx: '555', features: ['voice'], monthly: '1.2500', setup: '0.5000', connectionId: connection!.id, provider: 'voicetel' };
    const search = async (accountId: string) =>
      (await test.db.insert(numberSearches).values({ accountId, queryKey: 'probe', query: { kind: 'local', quantity: 1 }, results: [searchResult], providers: [], expiresAt: new Date(Date.now() + 3600_000) }).returning())[0]!;
    const [acmeOrder, globexOrder, acmeSearch, globexSearch] = [await order(tenants.acme.id), await order(tenants.globexBranch.id), await search(tenants.acme.id), await search(tenants.globexBranch.id)];
    const trunkGroup = async (accountId: string) =>
      (
        await test.db
          .insert(trunkGroups)
          .values({ accountId, name: 'Isolation trunk', direction: 'both', auth: 'both', allowedIps: ['44.10.20.30/32'], destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }], codecs: ['PCMU', 'PCMA'] })
          .returning()
      )[0]!;
    const [acmeTrunk, globexTrunk] = [await trunkGroup(tenants.acme.id), await trunkGroup(tenants.globexBranch.id)];
    // Keys and webhooks of the top accounts (their pages read the current account), each with a delivery to redeliver.
    const developerObjects = async (accountId: string, createdBy: string) => {
      const apiKey = await createTestApiKey(test.db, { accountId, role: 'viewer', createdBy });
      const [webhook] = await test.db
        .insert(webhookEndpoints)
        .values({ accountId, url: 'https://93.184.216.34/hooks/isolation', description: 'Isolation feed', eventTypes: ['order.completed'], secretSealed: sealSecret('whsec_aXNvbGF0aW9uLXByb2JlLXNlY3JldC0xMjM0') })
        .returning();
      const [event] = await test.db.insert(accountEvents).values({ publicId: `evt_isolation_${accountId}`, accountId, type: 'order.completed', data: { orderId: accountId, status: 'completed', activated: [], failed: [] } }).returning();
      const [delivery] = await test.db.insert(webhookDeliveries).values({ accountId, endpointId: webhook!.id, eventId: event!.id, status: 'failed', attemptCount: 1, finishedAt: new Date() }).returning();
      const at = new Date();
      const [alert] = await test.db
        .insert(qualityAlerts)
        .values({ accountId, metric: 'asr', destination: 'US', windowStart: new Date(at.getTime() - 15 * 60_000), windowEnd: at, observed: 0.2, baseline: 0.5, spread: 0.01, threshold: 0.4, volume: 60, baselineWeeks: 4, worstObserved: 0.2, openedAt: at, evaluatedAt: at })
        .returning();
      const [cdrExport] = await test.db
        .insert(cdrExports)
        .values({ accountId, filter: { from: new Date(at.getTime() - 86_400_000).toISOString(), to: at.toISOString() }, rowsTotal: 150_000, expiresAt: new Date(at.getTime() + 7 * 86_400_000) })
        .returning();
      // A draft invoice of the side's billing account (a month long past, so no action here touches it).
      const [invoice] = await test.db
        .insert(invoices)
        .values({ billingAccountId: accountId, number: `INV-2025-01-${accountId.slice(0, 5).toUpperCase()}`, currency: 'USD', periodStart: new Date('2025-01-01T00:00:00Z'), periodEnd: new Date('2025-02-01T00:00:00Z') })
        .returning();
      return { apiKeyId: apiKey.id, webhookId: webhook!.id, webhookDeliveryId: delivery!.id, qualityAlertId: alert!.id, cdrExportId: cdrExport!.id, invoiceId: invoice!.id };
    };
    const [acmeDeveloper, globexDeveloper] = [await developerObjects(tenants.acme.id, 'owner@acme.example'), await developerObjects(tenants.globex.id, 'owner@globex.example')];
    // An issued invoice of each side's billing account with calls of its sub-account, one of them disputed, the others free to dispute.
    const disputeObjects = async (billingAccountId: string, lineAccountId: string, ownerEmail: string) => {
      const to = ['+14155550101', '+14155550102', '+14155550103'];
      const { invoice, lines, callIds } = await seedIssuedUsageInvoice(test.db, { billingAccountId, month: '2026-10', calls: to.map((number) => ({ accountId: lineAccountId, to: number, billsec: 90 })) });
      const line = lineNamed(lines, 'United States termination');
      const dispute = await createDispute(await accessAs(test.db, ownerEmail, billingAccountId), { invoiceId: invoice.id, lineId: line.id, callIds: [callIds[0]!], reason: 'Isolation seed: this call was never made.' });
      return { disputeInvoiceId: invoice.id, disputeLineId: line.id, disputeId: dispute.id, disputeCallIds: callIds.slice(1).join(',') };
    };
    const [acmeDisputes, globexDisputes] = [await disputeObjects(tenants.acme.id, tenants.east.id, 'owner@acme.example'), await disputeObjects(tenants.globex.id, tenants.globexBranch.id, 'owner@globex.example')];
    // A port-in draft of each side's top account (the port pages read the session's current account), with its LOA.
    const portObjects = async (accountId: string) => {
      const port = await seedReadyPort(test.db, { accountId, label: 'Isolation port' });
      const live = await seedReadyPort(test.db, { accountId, status: 'pending', label: 'Isolation live port' });
      return { portInId: port.portInId, portDocumentId: port.documentId, livePortInId: live.portInId, livePortDocumentId: live.documentId };
    };
    const [acmePort, globexPort] = [await portObjects(tenants.acme.id), await portObjects(tenants.globex.id)];
    acmeEast = { ...acmePort, accountId: tenants.east.id, membershipId: eastMember!.id, invitationId: eastInvite!.id, connectionId: connection!.id, numberId: eastNumber!.id, orderId: acmeOrder.id, searchId: acmeSearch.id, searchNumber: searchResult.e164, trunkGroupId: acmeTrunk.id, ...acmeDeveloper, ...acmeDisputes };
    globexBranch = { ...globexPort, accountId: tenants.globexBranch.id, membershipId: globexMember!.id, invitationId: '00000000-0000-4000-8000-000000000001', connectionId: connection!.id, numberId: branchNumber!.id, orderId: globexOrder.id, searchId: globexSearch.id, searchNumber: searchResult.e164, trunkGroupId: globexTrunk.id, ...globexDeveloper, ...globexDisputes };
    names = { acmeEast: tenants.east.name, globex: tenants.globex.name };
  });

  it('registers every surface once', () => {
    const keys = SURFACES.map((surface) => `${surface.kind}:${surface.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  describe.each(SURFACES.map((surface) => [`${surface.kind} ${surface.name}`, surface] as const))('%s', (_label, surface) => {
    it('answers 404 to a user of another account', async () => {
      if (surface.platform) {
        // Operator surfaces: a customer of any account is refused outright.
        signInAs('owner@globex.example');
        expect((await outcomeOf(surface, acmeEast)).outcome).toBe(403);
        return;
      }
      if (surface.kind === 'action' && surface.scope === 'current') {
        // It names nothing of the other tenant: it may only act on the caller's own account.
        signInAs('owner@globex.example', acmeEast.accountId);
        expect((await outcomeOf(surface, acmeEast)).outcome).not.toBe('ok');
        return;
      }
      if (surface.kind === 'page' && surface.scope === 'current') {
        // The account switch cookie names a foreign account: it is ignored, and nothing of it shows.
        signInAs('owner@globex.example', acmeEast.accountId);
        const { outcome, rendered } = await outcomeOf(surface, acmeEast);
        expect([403, 404, 'ok']).toContain(outcome);
        expect(rendered ?? '').not.toContain(names.acmeEast);
        signInAs('owner@acme.example', globexBranch.accountId);
        const reverse = await outcomeOf(surface, globexBranch);
        expect(reverse.rendered ?? '').not.toContain(names.globex);
        return;
      }
      signInAs('owner@globex.example');
      expect((await outcomeOf(surface, acmeEast)).outcome).toBe(404);
      signInAs('owner@acme.example');
      expect((await outcomeOf(surface, globexBranch)).outcome).toBe(404);
    });

    if (surface.platform) {
      it('is allowed to operator staff', async () => {
        signInAs('staff@carrier.example');
        const { outcome } = await outcomeOf(surface, acmeEast);
        expect([403, 401]).not.toContain(outcome);
      });
    }

    it.each(ROLES.map((role) => [role] as const))('as %s: allowed only where the role permits', async (role) => {
      signInAs(emailOf[role]);
      const { outcome, code } = await outcomeOf(surface, acmeEast);
      if (surface.allowed.includes(role)) {
        // Allowed: never refused. A missing object (an earlier role already removed it) may still 404.
        // A step-up refusal (confirm your authenticator code, issue 13.6) comes after the role was allowed.
        if (code !== 'forbidden:step_up') expect([403, 401]).not.toContain(outcome);
        if (outcome === 404) expect(code).toBeDefined();
        expect(code).not.toBe('not_found:account');
      } else {
        expect([403, 404]).toContain(outcome);
      }
    });

    it('refuses anonymous callers', async () => {
      session.userId = undefined;
      const { outcome } = await outcomeOf(surface, acmeEast);
      expect(['redirect', 401, 404]).toContain(outcome);
    });
  });
});
