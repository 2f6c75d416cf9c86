import 'server-only';
import { and, asc, eq, inArray, isNotNull, like, ne, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, phoneNumbers, providerConnections, trunkGroupUpstreams, trunkGroups, trunkNumberCounts } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

/**
 * Whether a number is routed as its trunk group says, in SQL: the same rule as numberRoutingOf in
 * lib/services/number-routing.ts (kept side by side with it by tests/integration/number-routing.test.ts).
 * A number is routed when its group is active, the group's copy on the number's own upstream is
 * applied at the group's current version, and that upstream has not refused to point the number at it
 * (routing_refused_at).
 */
/** The group `groupRef` is active and its copy on `connectionRef` holds the group's current settings. */
function routedAsConfigured(groupRef: SQL | AnyColumn, connectionRef: SQL | AnyColumn): SQL {
  return sql`exists (
  select 1 from ${trunkGroups} tg
  join ${trunkGroupUpstreams} tgu on tgu.trunk_group_id = tg.id
  where tg.id = ${groupRef}
    and tg.status = 'active'
    and tgu.connection_id = ${connectionRef}
    and tgu.status = 'applied'
    and (tgu.applied_version is null or tgu.applied_version = tg.version)
)`;
}

export function routingCondition(state: 'routed' | 'not_routed' | 'carrier_default'): SQL {
  if (state === 'carrier_default') return sql`${phoneNumbers.trunkGroupRef} is null`;
  const routed = routedAsConfigured(phoneNumbers.trunkGroupRef, phoneNumbers.connectionId);
  if (state === 'routed') return sql`(${phoneNumbers.trunkGroupRef} is not null and ${phoneNumbers.routingRefusedAt} is null and ${routed})`;
  return sql`(${phoneNumbers.trunkGroupRef} is not null and (${phoneNumbers.routingRefusedAt} is not null or not ${routed}))`;
}

/**
 * Live numbers of these accounts not routed as configured, in all and in `ownAccountId`. The group
 * rule depends on (group, connection) only, so it is asked once per pair of trunk_number_counts (the
 * counters the phone_numbers triggers keep, migration 0020) rather than once per number; where the
 * pair is routed, its refused numbers count.
 */
export async function countNotRoutedNumbersByAccounts(db: Executor, { accountIds, ownAccountId }: { accountIds: SQL; ownAccountId: string }): Promise<{ total: number; own: number }> {
  const result = await db.execute(sql`
    select coalesce(sum(pairs.not_routed), 0)::int as total,
           coalesce(sum(pairs.not_routed) filter (where pairs.account_id = ${ownAccountId}), 0)::int as own
    from (
      select grouped.account_id,
             case when ${routedAsConfigured(sql`grouped.trunk_group_ref`, sql`grouped.connection_id`)} then grouped.refused else grouped.numbers end as not_routed
      from (
        select ${trunkNumberCounts.accountId} as account_id, ${trunkNumberCounts.trunkGroupId} as trunk_group_ref, ${trunkNumberCounts.connectionId} as connection_id,
               ${trunkNumberCounts.live} as numbers, ${trunkNumberCounts.refused} as refused
        from ${trunkNumberCounts}
        where ${trunkNumberCounts.accountId} = any(array(${accountIds}))
          and ${trunkNumberCounts.live} > 0
      ) grouped
    ) pairs`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { total: number | string; own: number | string }[];
  return { total: Number(rows[0]?.total ?? 0), own: Number(rows[0]?.own ?? 0) };
}

export interface NumberRoutingFactsRow {
  numberId: string;
  e164: string;
  connectionId: string;
  provider: string;
  trunkGroupRef: string | null;
  routingRefusedAt: Date | null;
  routingRefusal: string | null;
  routingRefusalDetail: string | null;
  group: { id: string; name: string; status: 'active' | 'disabled'; version: number; accountId: string } | null;
  upstream: { status: 'pending' | 'applied' | 'failed' | 'disabled'; appliedVersion: number | null; lastError: string | null } | null;
}

/** What the routing rule needs for each of these numbers, within the subtree (never another tenant's). */
export async function getRoutingFactsByNumberIds(db: Executor, { numberIds, accountPath }: { numberIds: string[]; accountPath: string }): Promise<NumberRoutingFactsRow[]> {
  const ids = numberIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      numberId: phoneNumbers.id,
      e164: phoneNumbers.e164,
      connectionId: phoneNumbers.connectionId,
      provider: providerConnections.provider,
      trunkGroupRef: phoneNumbers.trunkGroupRef,
      routingRefusedAt: phoneNumbers.routingRefusedAt,
      routingRefusal: phoneNumbers.routingRefusal,
      routingRefusalDetail: phoneNumbers.routingRefusalDetail,
      groupId: trunkGroups.id,
      groupName: trunkGroups.name,
      groupStatus: trunkGroups.status,
      groupVersion: trunkGroups.version,
      groupAccountId: trunkGroups.accountId,
      upstreamStatus: trunkGroupUpstreams.status,
      appliedVersion: trunkGroupUpstreams.appliedVersion,
      lastError: trunkGroupUpstreams.lastError,
    })
    .from(phoneNumbers)
    .innerJoin(accounts, eq(accounts.id, phoneNumbers.accountId))
    .innerJoin(providerConnections, eq(providerConnections.id, phoneNumbers.connectionId))
    .leftJoin(trunkGroups, eq(trunkGroups.id, phoneNumbers.trunkGroupRef))
    .leftJoin(trunkGroupUpstreams, and(eq(trunkGroupUpstreams.trunkGroupId, phoneNumbers.trunkGroupRef), eq(trunkGroupUpstreams.connectionId, phoneNumbers.connectionId)))
    .where(and(inArray(phoneNumbers.id, ids), like(accounts.path, `${accountPath}%`)));
  return rows.map((row) => ({
    numberId: row.numberId,
    e164: row.e164,
    connectionId: row.connectionId,
    provider: row.provider,
    trunkGroupRef: row.trunkGroupRef,
    routingRefusedAt: row.routingRefusedAt,
    routingRefusal: row.routingRefusal,
    routingRefusalDetail: row.routingRefusalDetail,
    group: row.groupId ? { id: row.groupId, name: row.groupName!, status: row.groupStatus!, version: row.groupVersion!, accountId: row.groupAccountId! } : null,
    upstream: row.upstreamStatus ? { status: row.upstreamStatus, appliedVersion: row.appliedVersion, lastError: row.lastError } : null,
  }));
}

/**
 * A trunk group's live numbers by the upstream connection that carries them: how many, and the
 * first `sample` in number order; and of them, those the connection refused to point at the group
 * (with the first refusal's customer sentence). The group rule depends on the connection only, so
 * this is enough to say which numbers are not routed without reading thousands of rows.
 */
export async function getTrunkGroupNumbersByConnection(db: Executor, { trunkGroupId, accountId, sample }: { trunkGroupId: string; accountId: string; sample: number }) {
  if (!isUuid(trunkGroupId)) return [];
  const first = sql.raw(String(Math.max(1, Math.floor(sample))));
  const refused = sql`${phoneNumbers.routingRefusedAt} is not null`;
  const rows = await db
    .select({
      connectionId: phoneNumbers.connectionId,
      provider: providerConnections.provider,
      connectionName: providerConnections.name,
      numbers: sql<number>`count(*)::int`,
      sample: sql<string[]>`(array_agg(${phoneNumbers.id}::text || ' ' || ${phoneNumbers.e164} order by ${phoneNumbers.e164}))[1:${first}]`,
      refused: sql<number>`(count(*) filter (where ${refused}))::int`,
      refusedSample: sql<string[] | null>`(array_agg(${phoneNumbers.id}::text || ' ' || ${phoneNumbers.e164} order by ${phoneNumbers.e164}) filter (where ${refused}))[1:${first}]`,
      firstRefusal: sql<string | null>`(array_agg(${phoneNumbers.routingRefusal} order by ${phoneNumbers.e164}) filter (where ${refused}))[1]`,
    })
    .from(phoneNumbers)
    .innerJoin(providerConnections, eq(providerConnections.id, phoneNumbers.connectionId))
    .where(and(eq(phoneNumbers.trunkGroupRef, trunkGroupId), eq(phoneNumbers.accountId, accountId), sql`${phoneNumbers.status} <> 'released'`))
    .groupBy(phoneNumbers.connectionId, providerConnections.provider, providerConnections.name)
    .orderBy(asc(providerConnections.provider), asc(phoneNumbers.connectionId));
  const entries = (sampled: string[] | null) =>
    (sampled ?? []).map((entry) => {
      const [id, e164] = entry.split(' ');
      return { id: id!, e164: e164! };
    });
  return rows.map((row) => ({
    connectionId: row.connectionId,
    provider: row.provider,
    connectionName: row.connectionName,
    numbers: Number(row.numbers),
    sample: entries(row.sample),
    refused: Number(row.refused),
    refusedSample: entries(row.refusedSample),
    firstRefusal: row.firstRefusal,
  }));
}

export interface RoutingRefusalRecord {
  e164: string;
  /** What the customer reads (upstream-refusals' 'route_number' sentence). */
  refusal: string;
  /** The carrier's own words: staff only. */
  detail: string;
}

/**
 * The connection refused to point these live numbers at the group: recorded on each number still in
 * that group on that connection (a number moved meanwhile is left alone). Answers the numbers marked.
 */
export async function markRoutingRefused(db: Executor, { trunkGroupId, connectionId, refusals }: { trunkGroupId: string; connectionId: string; refusals: RoutingRefusalRecord[] }) {
  const marked: { id: string; accountId: string; e164: string }[] = [];
  const now = new Date();
  for (const { e164, refusal, detail } of refusals) {
    const rows = await db
      .update(phoneNumbers)
      .set({ routingRefusedAt: now, routingRefusal: refusal, routingRefusalDetail: detail.slice(0, 1000) })
      .where(and(eq(phoneNumbers.e164, e164), eq(phoneNumbers.connectionId, connectionId), eq(phoneNumbers.trunkGroupRef, trunkGroupId), ne(phoneNumbers.status, 'released')))
      .returning({ id: phoneNumbers.id, accountId: phoneNumbers.accountId, e164: phoneNumbers.e164 });
    marked.push(...rows);
  }
  return marked;
}

/** The connection routed these live numbers as asked: any refusal recorded on them is over. Answers the numbers cleared. */
export async function clearRoutingRefusals(db: Executor, { connectionId, e164s }: { connectionId: string; e164s: string[] }) {
  if (e164s.length === 0) return [];
  return db
    .update(phoneNumbers)
    .set({ routingRefusedAt: null, routingRefusal: null, routingRefusalDetail: null })
    .where(and(inArray(phoneNumbers.e164, e164s), eq(phoneNumbers.connectionId, connectionId), ne(phoneNumbers.status, 'released'), isNotNull(phoneNumbers.routingRefusedAt)))
    .returning({ id: phoneNumbers.id, accountId: phoneNumbers.accountId });
}

/**
 * The connection did not confirm routing these live numbers to its default route. Recorded only on
 * those of them whose trunk group is disabled: calls to them may still reach the group's hosts, and
 * the group's page says so until a later route of them succeeds. Answers the numbers marked.
 */
export async function markDefaultRouteUnconfirmed(db: Executor, { connectionId, refusals }: { connectionId: string; refusals: RoutingRefusalRecord[] }) {
  const marked: { id: string; accountId: string; e164: string }[] = [];
  const now = new Date();
  const disabledGroups = db.select({ id: trunkGroups.id }).from(trunkGroups).where(eq(trunkGroups.status, 'disabled'));
  // A call that failed as a whole gives every number the same words: one update for them all.
  const byWords = new Map<string, { refusal: string; detail: string; e164s: string[] }>();
  for (const { e164, refusal, detail } of refusals) {
    const key = `${refusal}\n${detail}`;
    const entry = byWords.get(key) ?? { refusal, detail, e164s: [] };
    entry.e164s.push(e164);
    byWords.set(key, entry);
  }
  for (const { refusal, detail, e164s } of byWords.values()) {
    const rows = await db
      .update(phoneNumbers)
      .set({ routingRefusedAt: now, routingRefusal: refusal, routingRefusalDetail: detail.slice(0, 1000) })
      .where(and(inArray(phoneNumbers.e164, e164s), eq(phoneNumbers.connectionId, connectionId), ne(phoneNumbers.status, 'released'), inArray(phoneNumbers.trunkGroupRef, disabledGroups)))
      .returning({ id: phoneNumbers.id, accountId: phoneNumbers.accountId, e164: phoneNumbers.e164 });
    marked.push(...rows);
  }
  return marked;
}
