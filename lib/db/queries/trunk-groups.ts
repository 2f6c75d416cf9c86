import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { auditEvents, phoneNumbers, providerConnections, trunkGroups, trunkGroupUpstreams, type TrunkDriftField, type UpstreamTrunkState } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/** The account's groups, each with how many of its live numbers route to it. */
function groupsWithNumberCounts(db: Executor, accountId: string) {
  const numberCounts = db
    .select({ trunkGroupRef: phoneNumbers.trunkGroupRef, numbers: sql<number>`count(*)::int`.as('numbers') })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), sql`${phoneNumbers.status} <> 'released'`))
    .groupBy(phoneNumbers.trunkGroupRef)
    .as('number_counts');
  return db
    .select({ group: trunkGroups, numbers: sql<number>`coalesce(${numberCounts.numbers}, 0)` })
    .from(trunkGroups)
    .leftJoin(numberCounts, eq(numberCounts.trunkGroupRef, trunkGroups.id))
    .$dynamic();
}

export async function getTrunkGroupsByAccount(db: Executor, { accountId }: { accountId: string }) {
  return groupsWithNumberCounts(db, accountId)
    .where(eq(trunkGroups.accountId, accountId))
    .orderBy(asc(trunkGroups.name));
}

/** One page of the account's groups by (name, id), each with its number count: `limit + 1` rows tell whether more follow. */
export async function getTrunkGroupsPageByAccount(db: Executor, { accountId, after, limit }: { accountId: string; after?: { name: string; id: string }; limit: number }) {
  return groupsWithNumberCounts(db, accountId)
    .where(and(eq(trunkGroups.accountId, accountId), after ? sql`(${trunkGroups.name}, ${trunkGroups.id}) > (${after.name}, ${after.id}::uuid)` : undefined))
    .orderBy(asc(trunkGroups.name), asc(trunkGroups.id))
    .limit(limit);
}

/** Id and name of each of the account's groups, without the number counts (for pickers and labels). */
export async function getTrunkGroupNamesByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db.select({ id: trunkGroups.id, name: trunkGroups.name }).from(trunkGroups).where(eq(trunkGroups.accountId, accountId)).orderBy(asc(trunkGroups.name));
}

export async function getTrunkGroupById(db: Executor, { trunkGroupId, accountId }: { trunkGroupId: string; accountId: string }) {
  if (!isUuid(trunkGroupId)) return undefined;
  const [row] = await db.select().from(trunkGroups).where(and(eq(trunkGroups.id, trunkGroupId), eq(trunkGroups.accountId, accountId))).limit(1);
  return row;
}

export async function getTrunkGroupUpstreams(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  return db
    .select({ upstream: trunkGroupUpstreams, provider: providerConnections.provider, connectionName: providerConnections.name })
    .from(trunkGroupUpstreams)
    .innerJoin(providerConnections, eq(providerConnections.id, trunkGroupUpstreams.connectionId))
    .where(eq(trunkGroupUpstreams.trunkGroupId, trunkGroupId))
    .orderBy(asc(providerConnections.provider));
}

/** The upstream connections that carry the group's numbers: where the group must exist. */
export async function getConnectionsCarryingTrunkGroup(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  if (!isUuid(trunkGroupId)) return [];
  const rows = await db
    .selectDistinct({ connectionId: phoneNumbers.connectionId })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.trunkGroupRef, trunkGroupId), sql`${phoneNumbers.status} <> 'released'`));
  return rows.map((row) => row.connectionId);
}

export async function getNumbersOfTrunkGroup(db: Executor, { trunkGroupId, limit = 200 }: { trunkGroupId: string; limit?: number }) {
  return db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.trunkGroupRef, trunkGroupId), sql`${phoneNumbers.status} <> 'released'`))
    .orderBy(asc(phoneNumbers.e164))
    .limit(limit);
}

/** Numbers of the account not routed to this group, for the assign picker. */
export async function getAssignableNumbers(db: Executor, { accountId, trunkGroupId, limit = 200 }: { accountId: string; trunkGroupId: string; limit?: number }) {
  return db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), sql`${phoneNumbers.status} <> 'released'`, sql`${phoneNumbers.trunkGroupRef} is distinct from ${trunkGroupId}`))
    .orderBy(asc(phoneNumbers.e164))
    .limit(limit);
}

export async function getNumbersByIdsInAccount(db: Executor, { accountId, numberIds }: { accountId: string; numberIds: string[] }) {
  const ids = numberIds.filter(isUuid);
  if (ids.length === 0) return [];
  return db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.accountId, accountId), inArray(phoneNumbers.id, ids), sql`${phoneNumbers.status} <> 'released'`));
}

export async function getTrunkGroupAudit(db: Executor, { trunkGroupId, limit = 30 }: { trunkGroupId: string; limit?: number }) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'trunk_group'), eq(auditEvents.targetId, trunkGroupId)))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

/** Platform job: every upstream copy that was applied, to read back for drift. */
export async function getAppliedTrunkUpstreams(db: Executor) {
  return db.select().from(trunkGroupUpstreams).where(eq(trunkGroupUpstreams.status, 'applied'));
}

/** Platform-level (the sync job and services that already checked the account). */
export async function getTrunkGroupByIdUnscoped(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  const [row] = await db.select().from(trunkGroups).where(eq(trunkGroups.id, trunkGroupId));
  return row;
}

export async function getTrunkGroupIdByName(db: Executor, { accountId, name }: { accountId: string; name: string }) {
  const [row] = await db.select({ id: trunkGroups.id }).from(trunkGroups).where(and(eq(trunkGroups.accountId, accountId), eq(trunkGroups.name, name)));
  return row;
}

export async function insertTrunkGroup(db: Executor, group: typeof trunkGroups.$inferInsert) {
  const [row] = await db.insert(trunkGroups).values(group).returning();
  return row;
}

export async function updateTrunkGroupById(db: Executor, { trunkGroupId, changes }: { trunkGroupId: string; changes: Partial<typeof trunkGroups.$inferInsert> }) {
  const [row] = await db.update(trunkGroups).set(changes).where(eq(trunkGroups.id, trunkGroupId)).returning();
  return row;
}

export async function deleteTrunkGroupById(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  await db.delete(trunkGroups).where(eq(trunkGroups.id, trunkGroupId));
}

const routed = inArray(phoneNumbers.status, ['active', 'missing_upstream']);

/** Numbers whose calls the group carries (active or missing upstream; released ones are history). */
export async function getRoutedNumbersOfTrunkGroup(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  return db.select().from(phoneNumbers).where(and(eq(phoneNumbers.trunkGroupRef, trunkGroupId), routed));
}

export async function countRoutedNumbersOfTrunkGroup(db: Executor, { trunkGroupId }: { trunkGroupId: string }) {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(phoneNumbers).where(and(eq(phoneNumbers.trunkGroupRef, trunkGroupId), routed));
  return row?.count ?? 0;
}

/** Routes the numbers to the group, or with `null` away from any group; a carrier's refusal to route them to the old group no longer holds. */
/** Routes the numbers to the group (or none); with `accountId`, only those still in that account. Answers how many changed. */
export async function setTrunkGroupOfNumbers(db: Executor, { numberIds, trunkGroupId, accountId }: { numberIds: string[]; trunkGroupId: string | null; accountId?: string }): Promise<number> {
  if (numberIds.length === 0) return 0;
  const rows = await db
    .update(phoneNumbers)
    .set({ trunkGroupRef: trunkGroupId, routingRefusedAt: null, routingRefusal: null, routingRefusalDetail: null })
    .where(and(inArray(phoneNumbers.id, numberIds), accountId ? eq(phoneNumbers.accountId, accountId) : undefined))
    .returning({ id: phoneNumbers.id });
  return rows.length;
}

export async function getTrunkGroupUpstream(db: Executor, { trunkGroupId, connectionId }: { trunkGroupId: string; connectionId: string }) {
  const [row] = await db.select().from(trunkGroupUpstreams).where(and(eq(trunkGroupUpstreams.trunkGroupId, trunkGroupId), eq(trunkGroupUpstreams.connectionId, connectionId)));
  return row;
}

/** The upstream's copy after a successful apply: what it held right then, and what it cannot express. */
export async function saveAppliedTrunkUpstream(
  db: Executor,
  copy: { trunkGroupId: string; connectionId: string; trunkRef: string; appliedVersion: number; appliedState: UpstreamTrunkState; limitations: string[] },
) {
  const applied = { trunkRef: copy.trunkRef, status: 'applied' as const, appliedVersion: copy.appliedVersion, appliedState: copy.appliedState, limitations: copy.limitations, drift: [], lastError: null, lastErrorDetail: null, lastAppliedAt: new Date(), lastCheckedAt: new Date() };
  await db
    .insert(trunkGroupUpstreams)
    .values({ trunkGroupId: copy.trunkGroupId, connectionId: copy.connectionId, ...applied })
    .onConflictDoUpdate({ target: [trunkGroupUpstreams.trunkGroupId, trunkGroupUpstreams.connectionId], set: applied });
}

/** `lastError` is the customer's sentence; `lastErrorDetail` the carrier's own words, for staff. */
export async function saveFailedTrunkUpstream(db: Executor, copy: { trunkGroupId: string; connectionId: string; trunkRef: string | null; lastError: string; lastErrorDetail?: string | null }) {
  const failed = { status: 'failed' as const, lastError: copy.lastError, lastErrorDetail: copy.lastErrorDetail ?? null };
  await db
    .insert(trunkGroupUpstreams)
    .values({ trunkGroupId: copy.trunkGroupId, connectionId: copy.connectionId, trunkRef: copy.trunkRef, ...failed })
    .onConflictDoUpdate({ target: [trunkGroupUpstreams.trunkGroupId, trunkGroupUpstreams.connectionId], set: failed });
}

export async function setTrunkUpstreamDrift(db: Executor, { trunkGroupId, connectionId, drift }: { trunkGroupId: string; connectionId: string; drift: TrunkDriftField[] }) {
  await db
    .update(trunkGroupUpstreams)
    .set({ drift, lastCheckedAt: new Date() })
    .where(and(eq(trunkGroupUpstreams.trunkGroupId, trunkGroupId), eq(trunkGroupUpstreams.connectionId, connectionId)));
}

/** What choosing an upstream for a new number needs of the account's active groups: no number counts. */
export async function getActiveTrunkGroupsByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db
    .select({
      id: trunkGroups.id,
      name: trunkGroups.name,
      direction: trunkGroups.direction,
      auth: trunkGroups.auth,
      allowedIps: trunkGroups.allowedIps,
      destinations: trunkGroups.destinations,
      maxChannels: trunkGroups.maxChannels,
      maxCps: trunkGroups.maxCps,
      codecs: trunkGroups.codecs,
    })
    .from(trunkGroups)
    .where(and(eq(trunkGroups.accountId, accountId), eq(trunkGroups.status, 'active')))
    .orderBy(asc(trunkGroups.name));
}

/** The upstream copies of these groups (callers pass groups of one account they have already read). */
export async function getTrunkGroupCopiesByGroups(db: Executor, { trunkGroupIds }: { trunkGroupIds: string[] }) {
  if (trunkGroupIds.length === 0) return [];
  return db
    .select({ trunkGroupId: trunkGroupUpstreams.trunkGroupId, connectionId: trunkGroupUpstreams.connectionId, trunkRef: trunkGroupUpstreams.trunkRef })
    .from(trunkGroupUpstreams)
    .where(inArray(trunkGroupUpstreams.trunkGroupId, trunkGroupIds));
}
