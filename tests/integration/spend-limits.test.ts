/**
 * Issue 15.4: spend caps and credit limits are enforced from rated usage over the subtree. Calls
 * ingested through ingestCdrBatch are priced against a deck assigned to the account; their usage
 * counts against the monthly spend cap (this month) and the credit (since the last issued
 * invoice), checkout refuses past either, and an alert goes out once at 80% and once at 100%.
 */
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountAccess } from '@/lib/auth/access';
import {
  accountEvents,
  accountLedger,
  accounts,
  cartItems,
  carts,
  cdrs,
  invoices,
  notifications,
  providerConnections,
  rateDeckAssignments,
  rateDeckEntries,
  rateDecks,
  rateDeckVersions,
  spendAlerts,
  users,
  webhookDeliveries,
  webhookEndpoints,
} from '@/lib/db/schema';
import { dispatchAccountEvents } from '@/lib/services/account-events';
import { monthStart } from '@/lib/services/account-funds';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { getCheckoutSummary, placeOrder } from '@/lib/services/number-orders';
import { sealCredentials, sealSecret } from '@/lib/services/secret-box';
import { evaluateSpendAlerts, getStaffLimitUse } from '@/lib/services/spend-limits';
import { useTestDatabase } from '../support/db';
import { accessAs, seedRoleUsers, seedTwoTenants } from '../support/fixtures';

const DAY = 86_400_000;

describe('spend caps and credit limits from rated usage', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let connectionId: string;
  let sequence = 0;

  /** `count` answered calls to London of 10 minutes each: $10.00 apiece on the test deck ($1.00 a minute, 60/60). */
  async function ingestCalls(accountId: string, count: number, at: Date) {
    const inputs: CdrInput[] = Array.from({ length: count }, (_, i) => {
      const inviteAt = new Date(at.getTime() + i * 1000);
      return { source: 'switch-test', sourceId: `spend-${sequence++}`, accountId, direction: 'outbound', from: '+12125550100', to: '+442079460123', inviteAt, answerAt: inviteAt, billsec: 600, sipCode: 200 };
    });
    const result = await ingestCdrBatch(test.db, inputs.map((input, i) => ({ line: i + 1, input })));
    expect(result).toMatchObject({ accepted: count, rejected: [] });
  }

  /** Within this month and in the past, whatever the day (calls may start up to 5 minutes ahead). */
  const thisMonth = () => new Date(Math.max(monthStart(new Date()).getTime(), Date.now() - 60_000));

  async function fillCart(access: AccountAccess, count: number) {
    await test.db.insert(carts).values({ accountId: access.account.id, userId: access.user.id }).onConflictDoNothing();
    const [cart] = await test.db.select().from(carts).where(and(eq(carts.accountId, access.account.id), eq(carts.userId, access.user.id)));
    await test.db.delete(cartItems).where(eq(cartItems.cartId, cart!.id));
    await test.db.insert(cartItems).values(Array.from({ length: count }, (_, i) => ({ cartId: cart!.id, e164: `+1312555${String(7000 + sequence++ + i).padStart(4, '0')}`, kind: 'local' as const, state: 'IL', connectionId, monthly: '4.0000', setup: '1.0000' })));
  }

  const alertsOf = (accountId: string) => test.db.select().from(spendAlerts).where(eq(spendAlerts.accountId, accountId)).orderBy(spendAlerts.thresholdPercent);
  const eventsOf = (accountId: string) => test.db.select().from(accountEvents).where(and(eq(accountEvents.accountId, accountId), eq(accountEvents.type, 'billing.spend_threshold'))).orderBy(accountEvents.id);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Spend connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    connectionId = connection!.id;
    // A sell deck, assigned to both top-level accounts (their sub-accounts inherit it).
    const [deck] = await test.db.insert(rateDecks).values({ name: 'Spend limits test deck', purpose: 'sell' }).returning();
    const [version] = await test.db.insert(rateDeckVersions).values({ deckId: deck!.id, version: 1, effectiveFrom: new Date('2020-01-01T00:00:00Z'), entryCount: 1 }).returning();
    await test.db.insert(rateDeckEntries).values({ versionId: version!.id, kind: 'termination', prefix: '44', destination: 'United Kingdom', rate: '1.000000', firstIncrement: 60, nextIncrement: 60 });
    for (const accountId of [tenants.globex.id, tenants.acme.id]) {
      await test.db.insert(rateDeckAssignments).values({ accountId, deckId: deck!.id }).onConflictDoUpdate({ target: rateDeckAssignments.accountId, set: { deckId: deck!.id } });
    }
    // Globex: money enough, and a $100 monthly cap over its tree.
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.globex.id, accountId: tenants.globex.id, kind: 'payment', amount: '1000.0000', description: 'Test: Globex payment' });
    await test.db.update(accounts).set({ monthlySpendCap: '100.00' }).where(eq(accounts.id, tenants.globex.id));
    await test.db.insert(webhookEndpoints).values({
      accountId: tenants.globex.id,
      url: 'https://93.184.216.34/hooks/spend',
      eventTypes: ['billing.spend_threshold'],
      secretSealed: sealSecret('whsec_c3BlbmQtbGltaXRzLXRlc3Qtc2VjcmV0LTEyMzQ1'),
    });
  });

  it('counts a sub-account’s rated calls against the cap above it, and refuses a checkout past it', async () => {
    await ingestCalls(tenants.globexBranch.id, 8, thisMonth());
    const rated = await test.db.select({ charge: sql<string>`sum(${cdrs.charge})::text`, unrated: sql<number>`count(*) filter (where ${cdrs.ratingError} is not null)::int` }).from(cdrs).where(eq(cdrs.accountId, tenants.globexBranch.id));
    expect(rated[0]).toMatchObject({ unrated: 0 });
    expect(Number(rated[0]!.charge)).toBe(80);

    const owner = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    await fillCart(owner, 4);
    const within = await getCheckoutSummary(owner);
    expect(within.problems).toEqual([]);
    expect(within.spendCaps).toEqual([{ accountId: tenants.globex.id, accountName: 'Globex', cap: '100.00', spent: '80.0000' }]);
    await fillCart(owner, 5);
    expect((await getCheckoutSummary(owner)).problems).toEqual(['This order would take Globex past its monthly spend cap of $100.00 ($80.00 spent this month).']);

    const technical = await accessAs(test.db, 'technical@globex.example', tenants.globexBranch.id);
    await fillCart(technical, 5);
    await expect(placeOrder(technical, { idempotencyKey: 'spend-cap-usage-1' })).rejects.toMatchObject({ code: 'conflict:funds', message: 'This order would take Globex past its monthly spend cap.' });
  });

  it('alerts once at 80% and once at 100% of the cap, to billing readers and webhooks, without amounts', async () => {
    const now = new Date();
    expect(await evaluateSpendAlerts({ now })).toMatchObject({ alerts: 1 });
    expect((await alertsOf(tenants.globex.id)).map((alert) => [alert.limitKind, alert.thresholdPercent])).toEqual([['spend_cap', 80]]);
    expect((await eventsOf(tenants.globex.id)).map((event) => event.data)).toEqual([{ limit: 'spend_cap', thresholdPercent: 80, usedPercent: 80, periodStart: monthStart(now).toISOString() }]);
    // Evaluated again: nothing new.
    expect(await evaluateSpendAlerts({ now })).toMatchObject({ alerts: 0 });

    await ingestCalls(tenants.globex.id, 3, thisMonth());
    expect(await evaluateSpendAlerts({ now })).toMatchObject({ alerts: 1 });
    expect(await evaluateSpendAlerts({ now })).toMatchObject({ alerts: 0 });
    expect((await alertsOf(tenants.globex.id)).map((alert) => alert.thresholdPercent)).toEqual([80, 100]);
    const events = await eventsOf(tenants.globex.id);
    expect(events.map((event) => event.data)).toEqual([
      { limit: 'spend_cap', thresholdPercent: 80, usedPercent: 80, periodStart: monthStart(now).toISOString() },
      { limit: 'spend_cap', thresholdPercent: 100, usedPercent: 110, periodStart: monthStart(now).toISOString() },
    ]);

    await dispatchAccountEvents(test.db);
    const told = await test.db
      .select({ email: users.email, title: notifications.title, body: notifications.body })
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(eq(notifications.eventId, events[1]!.publicId));
    expect(told.map((row) => row.email).sort()).toEqual(['admin@globex.example', 'finance@globex.example', 'owner@globex.example']);
    expect(told[0]).toMatchObject({ title: 'Monthly spend cap reached' });
    expect(told[0]!.body).toContain('110% of their monthly spend cap');
    expect(await test.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, events[1]!.id))).toHaveLength(1);
    // Technical roles manage webhooks and never see money: the event carries percentages only.
    for (const event of events) expect(Object.keys(event.data as object).sort()).toEqual(['limit', 'periodStart', 'thresholdPercent', 'usedPercent']);
  });

  it('counts usage not invoiced yet against the credit, refuses a checkout past it, and alerts at 80%', async () => {
    // Acme (demo): $500 paid, a $250 credit limit. Last month's calls are not invoiced yet…
    const start = monthStart(new Date());
    await ingestCalls(tenants.acme.id, 5, new Date(start.getTime() - 2 * DAY));
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    expect((await getCheckoutSummary(owner)).funds).toMatchObject({ balance: '500.0000', creditLimit: '250.00', unbilledUsage: '50.0000', available: '700.0000' });
    // …until last month's invoice is issued: its usage is then in the ledger, not counted again.
    const previous = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
    const [entry] = await test.db.insert(accountLedger).values({ billingAccountId: tenants.acme.id, accountId: tenants.acme.id, kind: 'invoice', amount: '-50.0000', description: 'Test: last month’s invoice' }).returning();
    await test.db.insert(invoices).values({
      billingAccountId: tenants.acme.id,
      number: `INV-${previous.toISOString().slice(0, 7)}-0A0B1`,
      status: 'issued',
      currency: 'USD',
      periodStart: previous,
      periodEnd: start,
      chargesCents: 5000,
      totalDueCents: 5000,
      issuedAt: new Date(),
      ledgerEntryId: entry!.id,
    });
    expect((await getCheckoutSummary(owner)).funds).toMatchObject({ balance: '450.0000', unbilledUsage: '0.0000', available: '700.0000' });

    // This month: $650 of calls against $450 + $250 of credit: $200 of the credit used, 80%.
    await ingestCalls(tenants.acme.id, 65, thisMonth());
    await fillCart(owner, 11);
    expect((await getCheckoutSummary(owner)).problems).toEqual(['This order costs $55.00 now; the account has $50.00 available (balance plus credit, less usage not invoiced yet).']);
    const technical = await accessAs(test.db, 'tech@acme.example', tenants.acme.id);
    await fillCart(technical, 11);
    await expect(placeOrder(technical, { idempotencyKey: 'credit-usage-1' })).rejects.toMatchObject({
      code: 'conflict:funds',
      message: 'This order costs $55.00 now, more than the billing account has available (balance plus credit). Ask an owner, admin or finance user of the billing account.',
    });

    expect(await evaluateSpendAlerts({ now: new Date() })).toMatchObject({ alerts: 1 });
    expect((await alertsOf(tenants.acme.id)).map((alert) => [alert.limitKind, alert.thresholdPercent])).toEqual([['credit_limit', 80]]);
    expect((await eventsOf(tenants.acme.id)).map((event) => event.data)).toEqual([{ limit: 'credit_limit', thresholdPercent: 80, usedPercent: 80, periodStart: start.toISOString() }]);

    const { funds, limits } = await getStaffLimitUse(tenants.staff, { accountId: tenants.acme.id });
    expect(funds).toMatchObject({ balance: '450.0000', unbilledUsage: '650.0000', available: '50.0000', invoicedUntil: start });
    expect(limits.find((use) => use.limitKind === 'credit_limit')).toMatchObject({ used: '200.0000', usedPercent: 80, alerted: [80] });
    expect(limits.find((use) => use.limitKind === 'spend_cap' && use.accountId === tenants.acme.id)).toMatchObject({ used: '650.0000', alerted: [] });
    await expect(getStaffLimitUse(await accessAs(test.db, 'owner@acme.example', tenants.acme.id).then((access) => access.user), { accountId: tenants.acme.id })).rejects.toMatchObject({ code: 'forbidden:staff' });
  });

  it('keeps each tenant’s usage to itself', async () => {
    const globex = await accessAs(test.db, 'owner@globex.example', tenants.globex.id);
    // Globex's cap counts its own $110, none of Acme's $700.
    expect((await getCheckoutSummary(globex)).spendCaps).toEqual([{ accountId: tenants.globex.id, accountName: 'Globex', cap: '100.00', spent: '110.0000' }]);
    expect((await getCheckoutSummary(globex)).funds).toMatchObject({ unbilledUsage: '110.0000' });
    expect(await alertsOf(tenants.globexBranch.id)).toEqual([]);
  });
});
