import 'server-only';

/**
 * The demo tree: Acme Telecom with Acme East and Acme West, a user per role, and an operator staff
 * member. Idempotent: running it again changes nothing that exists.
 */
import { hash } from '@node-rs/argon2';
import { and, eq, isNull } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from './client';
import { seedDemoRateDecks } from '@/lib/services/demo-rate-decks';
import { sealSecret } from '@/lib/services/secret-box';
import { accountLedger, accounts, auditEvents, memberships, numberPrices, users, userTwoFactor, type MemberRole } from './schema';

export const DEMO_PASSWORD = 'portal-demo';
/** The demo staff member's authenticator secret (staff always sign in with 2FA): fixed, so README and e2e can give the code. */
export const DEMO_STAFF_TOTP_SECRET = 'CPDEMOSTAFFTOTPSECRETKEY2345ABCD';

export const DEMO_USERS: { email: string; name: string; role?: MemberRole; staff?: boolean }[] = [
  { email: 'owner@acme.example', name: 'Olivia Owner', role: 'owner' },
  { email: 'admin@acme.example', name: 'Adam Admin', role: 'admin' },
  { email: 'tech@acme.example', name: 'Tara Tech', role: 'technical' },
  { email: 'finance@acme.example', name: 'Fred Finance', role: 'finance' },
  { email: 'viewer@acme.example', name: 'Vera Viewer', role: 'viewer' },
  { email: 'staff@carrier.example', name: 'Sam Staff', staff: true },
];

async function ensureAccount(db: Db, name: string, parent?: typeof accounts.$inferSelect, limits: Partial<typeof accounts.$inferInsert> = {}) {
  const [existing] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.name, name), parent ? eq(accounts.parentId, parent.id) : isNull(accounts.parentId)))
    .limit(1);
  if (existing) return existing;
  const id = randomUUID();
  const [created] = await db
    .insert(accounts)
    .values({
      id,
      name,
      parentId: parent?.id ?? null,
      billingAccountId: parent?.billingAccountId ?? id,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
      ...limits,
    })
    .returning();
  if (!created) throw new Error(`could not create ${name}`);
  await db.insert(auditEvents).values({ accountId: id, action: 'account.create', targetType: 'account', targetId: id, actorEmail: 'seed', after: { name } });
  return created;
}

export async function seedDemo(db: Db) {
  const acme = await ensureAccount(db, 'Acme Telecom', undefined, { maxConcurrentCalls: 500, maxCallsPerSecond: 50, monthlySpendCap: '25000.00', internationalAllowed: true });
  const east = await ensureAccount(db, 'Acme East', acme, { maxConcurrentCalls: 200, maxCallsPerSecond: 20, monthlySpendCap: '10000.00' });
  const west = await ensureAccount(db, 'Acme West', acme, { maxConcurrentCalls: 100, maxCallsPerSecond: 10, monthlySpendCap: '5000.00' });
  const passwordHash = await hash(DEMO_PASSWORD, { algorithm: 2 });
  for (const demo of DEMO_USERS) {
    let [user] = await db.select().from(users).where(eq(users.email, demo.email)).limit(1);
    if (!user) {
      [user] = await db.insert(users).values({ email: demo.email, name: demo.name, passwordHash, isOperatorStaff: Boolean(demo.staff) }).returning();
    }
    if (user && demo.role) {
      await db.insert(memberships).values({ userId: user.id, accountId: acme.id, role: demo.role }).onConflictDoNothing();
    }
    if (user && demo.staff) {
      await db.insert(userTwoFactor).values({ userId: user.id, secretSealed: sealSecret(DEMO_STAFF_TOTP_SECRET), enabledAt: new Date() }).onConflictDoNothing();
    }
  }
  await seedPriceList(db);
  await seedDemoRateDecks(db);
  const [funded] = await db.select({ id: accountLedger.id }).from(accountLedger).where(eq(accountLedger.billingAccountId, acme.id)).limit(1);
  if (!funded) {
    await db.insert(accountLedger).values({ billingAccountId: acme.id, accountId: acme.id, kind: 'payment', amount: '500.0000', description: 'Opening prepayment (demo)' });
    await db.update(accounts).set({ creditLimit: '250.00' }).where(eq(accounts.id, acme.id));
  }
  return { acme, east, west };
}

/** The carrier's default sell prices, with a few state and NPA overrides to show how they layer. */
export async function seedPriceList(db: Db) {
  await db
    .insert(numberPrices)
    .values([
      { kind: 'local', monthly: '1.2500', setup: '0.5000' },
      { kind: 'tollfree', monthly: '2.0000', setup: '1.0000' },
      { kind: 'local', state: 'NY', monthly: '1.5000', setup: '0.7500' },
      { kind: 'local', npa: '212', monthly: '3.0000', setup: '2.0000' },
      { kind: 'local', state: 'ON', monthly: '1.4000', setup: '0.5000' },
    ])
    .onConflictDoNothing();
}
