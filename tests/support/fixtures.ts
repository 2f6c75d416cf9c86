import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { resolveAccess, type SessionUser } from '@/lib/auth/access';
import type { Db } from '@/lib/db/client';
import { accounts, memberRole, memberships, users, type MemberRole } from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed-demo';
import { createSubAccount } from '@/lib/services/accounts';
import { hashPassword } from '@/lib/services/users';
import type { TrunkGroupInput } from '@/lib/services/trunk-groups';

export async function sessionUser(db: Db, email: string): Promise<SessionUser> {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  return { id: user.id, email: user.email, name: user.name, isOperatorStaff: user.isOperatorStaff };
}

export async function accessAs(db: Db, email: string, accountId: string) {
  return resolveAccess(db, await sessionUser(db, email), accountId, '127.0.0.1');
}

/** The demo tree plus a second, unrelated customer ("Globex") with its own owner. */
export async function seedTwoTenants(db: Db) {
  const demo = await seedDemo(db);
  const staff = await sessionUser(db, 'staff@carrier.example');
  const [globexOwner] = await db
    .insert(users)
    .values({ email: 'owner@globex.example', name: 'Gina Globex', passwordHash: await hashPassword('globex-password-1') })
    .returning();
  // Globex is created as a root by hand: customers never create roots themselves.
  const id = randomUUID();
  const [globex] = await db.insert(accounts).values({ id, name: 'Globex', billingAccountId: id, path: `/${id}/`, depth: 0 }).returning();
  await db.insert(memberships).values({ userId: globexOwner!.id, accountId: id, role: 'owner' });
  const globexAccess = await resolveAccess(db, await sessionUser(db, 'owner@globex.example'), id);
  const globexBranch = await createSubAccount(globexAccess, { name: 'Globex Branch', internationalAllowed: false, maxConcurrentCalls: undefined, maxCallsPerSecond: undefined, monthlySpendCap: undefined });
  return { ...demo, globex: globex!, globexBranch, staff };
}

/**
 * A user of each role with a membership in `accountId` only (`<role>@<domain>`), for suites that sign
 * in as every role of a tenant. Returns the users by role.
 */
export async function seedRoleUsers(db: Db, accountId: string, domain: string) {
  const passwordHash = await hashPassword(`${domain}-password-1`);
  const byRole = {} as Record<MemberRole, { id: string; email: string; membershipId: string }>;
  for (const role of memberRole.enumValues) {
    const email = `${role}@${domain}`;
    const [user] = await db.insert(users).values({ email, name: `${role} of ${domain}`, passwordHash }).onConflictDoNothing().returning();
    const userId = user?.id ?? (await sessionUser(db, email)).id;
    const [membership] = await db.insert(memberships).values({ userId, accountId, role }).onConflictDoNothing().returning();
    const membershipId = membership?.id ?? (await db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.accountId, accountId))))[0]!.id;
    byRole[role] = { id: userId, email, membershipId };
  }
  return byRole;
}

/** A plain IP-authenticated trunk group every sandbox carrier with a trunk API accepts; override what a test is about. */
export function trunkGroupInput(overrides: Partial<TrunkGroupInput> = {}): TrunkGroupInput {
  return {
    name: 'Main PBX',
    direction: 'both',
    auth: 'ip',
    allowedIps: ['44.10.20.30/32'],
    destinations: [{ host: '44.10.20.30', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
    codecs: ['PCMU', 'PCMA'],
    callerIdPolicy: 'pass_through',
    ...overrides,
  };
}
