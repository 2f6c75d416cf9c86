/**
 * Issue 10.3: an account's limits are set one level up and never exceed its parent's; effective
 * limits are the tightest along the path to the billing account; trunk group channels and monthly
 * spend are enforced over the subtree of every account on the path.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountAccess } from '@/lib/auth/access';
import { accountLedger, accounts, cartItems, carts, memberships, numberOrders, providerConnections, trunkGroups, users, type Account, type MemberRole } from '@/lib/db/schema';
import {
  createSubAccount,
  effectiveLimitsOf,
  effectiveLimitsOfTree,
  getEffectiveLimits,
  getLimitsAuthority,
  setRequireE911ForRouting,
  updateAccountLimits,
} from '@/lib/services/accounts';
import { getCheckoutSummary, placeOrder } from '@/lib/services/number-orders';
import { sealCredentials } from '@/lib/services/secret-box';
import { createTrunkGroup, updateTrunkGroup, type TrunkGroupInput } from '@/lib/services/trunk-groups';
import { hashPassword } from '@/lib/services/users';
import { useTestDatabase } from '../support/db';
import { confirmNoE911 } from '../support/checkout';
import { reverseEntriesByDescription } from '../support/ledger';
import { accessAs, seedTwoTenants } from '../support/fixtures';

const noLimits = { maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined, internationalAllowed: false };

const trunk = (name: string, maxChannels?: number, maxCps?: number): TrunkGroupInput => ({
  name,
  direction: 'both',
  auth: 'ip',
  allowedIps: ['44.10.20.30/32'],
  destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
  ...(maxChannels === undefined ? {} : { maxChannels }),
  ...(maxCps === undefined ? {} : { maxCps }),
  codecs: ['PCMU'],
  callerIdPolicy: 'pass_through',
});

describe('account limits', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let connectionId: string;
  let boston: Account;

  const reload = async (accountId: string) => (await test.db.select().from(accounts).where(eq(accounts.id, accountId)))[0]!;
  const limitsOf = (account: Account) => ({
    maxConcurrentCalls: account.maxConcurrentCalls ?? undefined,
    maxCallsPerSecond: account.maxCallsPerSecond ?? undefined,
    monthlySpendCap: account.monthlySpendCap ?? undefined,
    internationalAllowed: account.internationalAllowed,
  });

  /** A user whose only membership is `role` on `accountId`: their reach starts there. */
  async function memberOnly(email: string, accountId: string, role: MemberRole) {
    const [user] = await test.db.insert(users).values({ email, name: email, passwordHash: await hashPassword('limits-password-1') }).returning();
    await test.db.insert(memberships).values({ userId: user!.id, accountId, role });
    return email;
  }

  /** Puts numbers straight into the user's cart (no upstream involved: placing an order only records it). */
  async function fillCart(access: AccountAccess, numbers: string[], price = { monthly: '4.0000', setup: '1.0000' }) {
    await test.db.insert(carts).values({ accountId: access.account.id, userId: access.user.id }).onConflictDoNothing();
    const [cart] = await test.db.select().from(carts).where(and(eq(carts.accountId, access.account.id), eq(carts.userId, access.user.id)));
    await test.db.insert(cartItems).values(numbers.map((e164) => ({ cartId: cart!.id, e164, kind: 'local' as const, state: 'IL', connectionId, ...price })));
  }

  async function charge(accountId: string, amount: string, description: string) {
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.acme.id, accountId, kind: 'charge', amount: `-${amount}`, description });
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await memberOnly('admin@east.example', tenants.east.id, 'admin');
    const [connection] = await test.db
      .insert(providerConnections)
      .values({ provider: 'voicetel', name: 'Limits connection', baseUrl: 'http://127.0.0.1:9', credentialsCiphertext: sealCredentials({ username: 'u', password: 'p' }) })
      .returning();
    connectionId = connection!.id;
    // Plenty of money, so only the spend caps can refuse an order here.
    await test.db.insert(accountLedger).values({ billingAccountId: tenants.acme.id, accountId: tenants.acme.id, kind: 'payment', amount: '100000.0000', description: 'Test: prepayment' });
  });

  it('takes effective limits as the tightest along the path to the billing account', async () => {
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    boston = await createSubAccount(admin, { ...noLimits, name: 'Acme Boston' });
    const effective = await getEffectiveLimits(test.db, boston);
    // Acme Telecom: 500 calls, 50 cps, $25,000, international; Acme East: 200, 20, $10,000, no international.
    expect(effective).toEqual({
      maxConcurrentCalls: { value: 200, setBy: { id: tenants.east.id, name: 'Acme East' } },
      maxCallsPerSecond: { value: 20, setBy: { id: tenants.east.id, name: 'Acme East' } },
      monthlySpendCap: { value: '10000.00', setBy: { id: tenants.east.id, name: 'Acme East' } },
      internationalAllowed: { value: false, setBy: { id: tenants.east.id, name: 'Acme East' } },
    });
    const chain = [
      { id: 'root', name: 'Root', maxConcurrentCalls: 40, maxCallsPerSecond: null, monthlySpendCap: '900.00', internationalAllowed: true },
      { id: 'mid', name: 'Mid', maxConcurrentCalls: 300, maxCallsPerSecond: 9, monthlySpendCap: null, internationalAllowed: true },
      { id: 'leaf', name: 'Leaf', maxConcurrentCalls: null, maxCallsPerSecond: 12, monthlySpendCap: '1000.00', internationalAllowed: true },
    ];
    expect(effectiveLimitsOf(chain)).toEqual({
      maxConcurrentCalls: { value: 40, setBy: { id: 'root', name: 'Root' } },
      maxCallsPerSecond: { value: 9, setBy: { id: 'mid', name: 'Mid' } },
      monthlySpendCap: { value: '900.00', setBy: { id: 'root', name: 'Root' } },
      internationalAllowed: { value: true },
    });
    const tree = effectiveLimitsOfTree([await reload(tenants.acme.id)], [await reload(tenants.acme.id), await reload(tenants.east.id), boston]);
    expect(tree.get(boston.id)!.maxConcurrentCalls.value).toBe(200);
    expect(tree.get(tenants.acme.id)!.maxConcurrentCalls.value).toBe(500);
  });

  it('lets only the parent’s managers set a sub-account’s limits, never above the parent’s', async () => {
    const eastOnly = await accessAs(test.db, 'admin@east.example', tenants.east.id);
    const east = await reload(tenants.east.id);
    await expect(updateAccountLimits(eastOnly, { ...limitsOf(east), maxConcurrentCalls: 100_000, monthlySpendCap: '9999999.00' })).rejects.toMatchObject({
      code: 'forbidden:account_limits',
      message: expect.stringContaining('set by Acme Telecom'),
    });
    expect(await getLimitsAuthority(test.db, eastOnly)).toEqual({ editable: false, setBy: 'Acme Telecom' });
    expect(await reload(tenants.east.id)).toMatchObject({ maxConcurrentCalls: 200, monthlySpendCap: '10000.00' });

    // The same admin manages Boston's parent (Acme East), so Boston's limits are theirs to set, within East's.
    const bostonByEastAdmin = await accessAs(test.db, 'admin@east.example', boston.id);
    expect(await getLimitsAuthority(test.db, bostonByEastAdmin)).toEqual({ editable: true, setBy: 'Acme East' });
    await expect(updateAccountLimits(bostonByEastAdmin, { ...noLimits, maxConcurrentCalls: 201, maxCallsPerSecond: 21, monthlySpendCap: '10000.01', internationalAllowed: true })).rejects.toMatchObject({
      code: 'invalid:account_limits',
      fieldErrors: {
        maxConcurrentCalls: ["At most 200: Acme East's limit"],
        maxCallsPerSecond: ["At most 20: Acme East's limit"],
        monthlySpendCap: ["At most $10,000.00: Acme East's spend cap"],
        internationalAllowed: ['Not allowed: Acme East does not allow international calls'],
      },
    });
    expect(await updateAccountLimits(bostonByEastAdmin, { ...noLimits, maxConcurrentCalls: 150 })).toMatchObject({ maxConcurrentCalls: 150 });

    // An admin of Acme Telecom sets East's, up to Acme Telecom's own.
    const onEast = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    await expect(updateAccountLimits(onEast, { ...limitsOf(east), maxConcurrentCalls: 501 })).rejects.toMatchObject({ fieldErrors: { maxConcurrentCalls: ["At most 500: Acme Telecom's limit"] } });
    expect(await updateAccountLimits(onEast, { ...limitsOf(east), maxConcurrentCalls: 300 })).toMatchObject({ maxConcurrentCalls: 300 });
    expect(await updateAccountLimits(onEast, { ...limitsOf(east), maxConcurrentCalls: 200 })).toMatchObject({ maxConcurrentCalls: 200 });

    // A top-level account's limits are the carrier's to set, not its owner's.
    const owner = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const acme = await reload(tenants.acme.id);
    await expect(updateAccountLimits(owner, { ...limitsOf(acme), maxConcurrentCalls: 5000 })).rejects.toMatchObject({ code: 'forbidden:account_limits' });
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    expect(await updateAccountLimits(staff, { ...limitsOf(acme), maxConcurrentCalls: 5000 })).toMatchObject({ maxConcurrentCalls: 5000 });
    expect(await updateAccountLimits(staff, { ...limitsOf(acme), maxConcurrentCalls: 500 })).toMatchObject({ maxConcurrentCalls: 500 });
  });

  it('keeps the emergency routing rule the account’s own to set', async () => {
    const eastOnly = await accessAs(test.db, 'admin@east.example', tenants.east.id);
    expect(await setRequireE911ForRouting(eastOnly, true)).toMatchObject({ requireE911ForRouting: true });
    expect(await setRequireE911ForRouting(eastOnly, false)).toMatchObject({ requireE911ForRouting: false });
    const tech = await accessAs(test.db, 'tech@acme.example', tenants.east.id);
    await expect(setRequireE911ForRouting(tech, true)).rejects.toMatchObject({ code: 'forbidden:role' });
  });

  it('refuses a sub-account created above its parent’s effective limits, and writes nothing', async () => {
    const eastOnly = await accessAs(test.db, 'admin@east.example', boston.id);
    const before = await test.db.select().from(accounts);
    await expect(createSubAccount(eastOnly, { ...noLimits, name: 'Back Bay', maxConcurrentCalls: 151, maxCallsPerSecond: 21, monthlySpendCap: '20000', internationalAllowed: true })).rejects.toMatchObject({
      code: 'invalid:account_limits',
      fieldErrors: {
        maxConcurrentCalls: ["At most 150: Acme Boston's limit"],
        maxCallsPerSecond: ["At most 20: Acme East's limit"],
        monthlySpendCap: ["At most $10,000.00: Acme East's spend cap"],
        internationalAllowed: ['Not allowed: Acme East does not allow international calls'],
      },
    });
    expect(await test.db.select().from(accounts)).toEqual(before);
    expect(await createSubAccount(eastOnly, { ...noLimits, name: 'Back Bay', maxConcurrentCalls: 150 })).toMatchObject({ maxConcurrentCalls: 150 });
  });

  it('refuses to lower a limit below what sub-accounts have, naming them', async () => {
    const staff = await accessAs(test.db, 'staff@carrier.example', tenants.acme.id);
    const acme = await reload(tenants.acme.id);
    await expect(updateAccountLimits(staff, { ...limitsOf(acme), maxConcurrentCalls: 120, monthlySpendCap: '6000' })).rejects.toMatchObject({
      code: 'invalid:account_limits',
      fieldErrors: {
        maxConcurrentCalls: ['Below what sub-accounts have: Acme East (200), Acme Boston (150), Back Bay (150). Lower theirs first.'],
        monthlySpendCap: ['Below what sub-accounts have: Acme East ($10,000.00). Lower theirs first.'],
      },
    });
    expect((await reload(tenants.acme.id)).maxConcurrentCalls).toBe(500);
  });

  it('refuses a trunk group above the effective limits, even where the account has none of its own', async () => {
    const backBay = (await test.db.select().from(accounts).where(eq(accounts.name, 'Back Bay')))[0]!;
    await test.db.update(accounts).set({ maxConcurrentCalls: null }).where(eq(accounts.id, backBay.id));
    const tech = await accessAs(test.db, 'tech@acme.example', backBay.id);
    await expect(createTrunkGroup(tech, trunk('Huge', 100_000, 21))).rejects.toMatchObject({
      code: 'invalid:trunk_limits',
      fieldErrors: { maxChannels: ["Above Acme Boston's limit of 150 concurrent calls"], maxCps: ["Above Acme East's limit of 20 calls per second"] },
    });
    expect(await test.db.select().from(trunkGroups).where(eq(trunkGroups.name, 'Huge'))).toEqual([]);
  });

  it('refuses trunk groups whose channels add up to more than an account on the path allows', async () => {
    const onBoston = await accessAs(test.db, 'tech@acme.example', boston.id);
    const onEast = await accessAs(test.db, 'tech@acme.example', tenants.east.id);
    await createTrunkGroup(onBoston, trunk('Boston PBX', 120));
    // Acme Boston allows 150 and already has 120.
    await expect(createTrunkGroup(onBoston, trunk('Boston overflow', 40))).rejects.toMatchObject({
      fieldErrors: { maxChannels: ['Acme Boston allows 150 concurrent calls and its trunk groups already have 120: at most 30 here'] },
    });
    const { group: east } = await createTrunkGroup(onEast, trunk('East PBX', 60));
    // Acme East allows 200: 120 below it in Boston, 60 here.
    await expect(updateTrunkGroup(onEast, east.id, trunk('East PBX', 81))).rejects.toMatchObject({
      fieldErrors: { maxChannels: ['Acme East allows 200 concurrent calls and its trunk groups already have 120: at most 80 here'] },
    });
    expect((await updateTrunkGroup(onEast, east.id, trunk('East PBX', 80))).group.maxChannels).toBe(80);
    // Lowering the account below what its trunk groups promise is refused too.
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    await expect(updateAccountLimits(admin, { ...limitsOf(await reload(tenants.east.id)), maxConcurrentCalls: 199 })).rejects.toMatchObject({
      fieldErrors: { maxConcurrentCalls: ['Trunk groups of Acme East and its sub-accounts allow 200 channels in total. Lower them first.'] },
    });
  });

  it('lets saves made at once take only the channels that are left', async () => {
    const onWest = await accessAs(test.db, 'tech@acme.example', tenants.west.id);
    // Acme West allows 100 concurrent calls.
    const results = await Promise.allSettled(['A', 'B', 'C', 'D', 'E', 'F'].map((letter) => createTrunkGroup(onWest, trunk(`West ${letter}`, 30))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(Array(3).fill('invalid:trunk_limits'));
  });

  it('counts the whole subtree’s spending this month against each spend cap on the path', async () => {
    const tech = await accessAs(test.db, 'tech@acme.example', tenants.east.id);
    // Acme East's cap is $10,000; its sub-account Acme Boston spent $9,998.
    await charge(boston.id, '9998.0000', 'Test: Boston usage');
    await fillCart(tech, ['+13125550001']);
    await expect(placeOrder(tech, { idempotencyKey: 'subtree-cap-1' })).rejects.toMatchObject({ code: 'conflict:funds', message: 'This order would take Acme East past its monthly spend cap.' });
    // Someone who reads billing is told the figures.
    const admin = await accessAs(test.db, 'admin@acme.example', tenants.east.id);
    await fillCart(admin, ['+13125550003']);
    expect((await getCheckoutSummary(admin)).problems).toEqual(['This order would take Acme East past its monthly spend cap of $10,000.00 ($9,998.00 spent this month).']);
    // Acme Telecom's cap ($25,000) counts Acme East's subtree and its own charges when Acme West buys.
    const west = await accessAs(test.db, 'tech@acme.example', tenants.west.id);
    await charge(tenants.acme.id, '15000.0000', 'Test: Acme usage');
    await fillCart(west, ['+13125550002']);
    await expect(placeOrder(west, { idempotencyKey: 'ancestor-cap-1' })).rejects.toMatchObject({ message: 'This order would take Acme Telecom past its monthly spend cap.' });
    await reverseEntriesByDescription(test.db, 'Test: Acme usage');
    await reverseEntriesByDescription(test.db, 'Test: Boston usage');
    expect(await placeOrder(west, { idempotencyKey: 'ancestor-cap-2', ...(await confirmNoE911(west)) })).toMatchObject({ accountId: tenants.west.id });
    await test.db.delete(cartItems);
  });

  it('counts orders placed but not charged yet, so checkouts at once cannot together pass a cap', async () => {
    await test.db.update(accounts).set({ monthlySpendCap: '8.00' }).where(eq(accounts.id, boston.id));
    const tech = await accessAs(test.db, 'tech@acme.example', boston.id);
    const admin = await accessAs(test.db, 'admin@acme.example', boston.id);
    const owner = await accessAs(test.db, 'owner@acme.example', boston.id);
    await fillCart(tech, ['+13125550011']);
    await fillCart(admin, ['+13125550012']);
    await fillCart(owner, ['+13125550015']);
    const confirmed = await Promise.all([tech, admin, owner].map(confirmNoE911));
    const results = await Promise.allSettled([tech, admin, owner].map((access, index) => placeOrder(access, { idempotencyKey: `race-cap-${access.role}`, ...confirmed[index] })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((item) => item.status === 'rejected')) {
      expect(result).toMatchObject({ reason: { code: 'conflict:funds', message: expect.stringContaining('Acme Boston past its monthly spend cap') } });
    }
    expect(await test.db.select().from(numberOrders).where(eq(numberOrders.accountId, boston.id))).toHaveLength(1);
    // The order placed is not charged yet (nothing was bought), and still counts.
    await fillCart(admin, ['+13125550013'], { monthly: '2.0000', setup: '0.0000' });
    await fillCart(tech, ['+13125550014'], { monthly: '2.0000', setup: '0.0000' });
    expect((await getCheckoutSummary(admin)).spendCaps).toContainEqual({ accountId: boston.id, accountName: 'Acme Boston', cap: '8.00', spent: '5.0000' });
  });
});
