import 'server-only';
import { and, desc, eq, gte, ilike, inArray, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, auditEvents, e911Addresses, memberships, numberOrders, phoneNumbers, trunkGroups } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

/** What the user typed, matched literally: `%` and `_` are LIKE wildcards, and backslash its escape character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function filterConditions(accountPath: string, filter: AuditFilter, beforeId?: number): SQL[] {
  return [sql`${accounts.path} like ${accountPath + '%'}`, ...eventConditions(filter, beforeId)];
}

function eventConditions(filter: AuditFilter, beforeId?: number): SQL[] {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(ilike(auditEvents.action, `${escapeLike(filter.action)}%`));
  if (filter.actor) conditions.push(ilike(auditEvents.actorEmail, `%${escapeLike(filter.actor)}%`));
  if (filter.from) conditions.push(gte(auditEvents.createdAt, filter.from));
  if (filter.to) conditions.push(lt(auditEvents.createdAt, filter.to));
  if (beforeId) conditions.push(lt(auditEvents.id, beforeId));
  return conditions;
}

/** Events of an account and its subtree, newest first, keyset-paged on id (the page and the CSV export read the same way). */
export async function getAuditEventsByAccountSubtree(
  db: Executor,
  { accountPath, filter = {}, limit = 50, beforeId }: { accountPath: string; filter?: AuditFilter; limit?: number; beforeId?: number },
) {
  const conditions = filterConditions(accountPath, filter, beforeId);
  return db
    .select({ event: auditEvents, accountName: accounts.name })
    .from(auditEvents)
    .innerJoin(accounts, eq(accounts.id, auditEvents.accountId))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

export async function getAuditActionsByAccountSubtree(db: Executor, { accountPath }: { accountPath: string }) {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .innerJoin(accounts, eq(accounts.id, auditEvents.accountId))
    .where(sql`${accounts.path} like ${accountPath + '%'}`)
    .orderBy(auditEvents.action);
  return rows.map((row) => row.action);
}

/**
 * Platform-level events (no customer account: provider connections, prices, rate decks, job retries),
 * newest first, keyset-paged on id. For operator staff only: the caller checks.
 */
export async function getPlatformAuditEvents(db: Executor, { filter = {}, limit = 50, beforeId }: { filter?: AuditFilter; limit?: number; beforeId?: number }) {
  return db
    .select()
    .from(auditEvents)
    .where(and(isNull(auditEvents.accountId), ...eventConditions(filter, beforeId)))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

export async function getPlatformAuditActions(db: Executor) {
  const rows = await db.selectDistinct({ action: auditEvents.action }).from(auditEvents).where(isNull(auditEvents.accountId)).orderBy(auditEvents.action);
  return rows.map((row) => row.action);
}

/** The objects audit events name, as they exist now and within reach of the viewer. */
export interface AuditTargetIds {
  numbers: string[];
  trunkGroups: string[];
  e911Addresses: string[];
  orders: string[];
  accounts: string[];
  /** A membership id, or (for `user.join`) the user's id. */
  memberships: string[];
}

export interface LiveAuditTargets {
  numbers: Set<string>;
  trunkGroups: Set<string>;
  e911Addresses: Set<string>;
  orders: Set<string>;
  accounts: Set<string>;
  /** Target id → the account the membership is in. */
  memberships: Map<string, string>;
}

const uuids = (ids: string[]) => [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
const inSubtree = (accountPath: string) => sql`any(array(select ${accounts.id} from ${accounts} where ${accounts.path} like ${`${accountPath}%`}))`;

/**
 * Which of the named objects still exist where the viewer's pages reach them: numbers, accounts and
 * memberships anywhere in the subtree; trunk groups and emergency addresses of the account itself
 * (their pages are per account); orders in `orderScope` (the order pages' scope).
 */
export async function getLiveAuditTargets(
  db: Executor,
  { accountId, accountPath, orderScope, ids }: { accountId: string; accountPath: string; orderScope: { subtree: boolean }; ids: AuditTargetIds },
): Promise<LiveAuditTargets> {
  const numberIds = uuids(ids.numbers);
  const trunkIds = uuids(ids.trunkGroups);
  const addressIds = uuids(ids.e911Addresses);
  const orderIds = uuids(ids.orders);
  const accountIds = uuids(ids.accounts);
  const memberIds = uuids(ids.memberships);
  const none = Promise.resolve([] as { id: string }[]);
  const [numbers, trunks, addresses, orders, reached, members] = await Promise.all([
    numberIds.length ? db.select({ id: phoneNumbers.id }).from(phoneNumbers).where(and(inArray(phoneNumbers.id, numberIds), sql`${phoneNumbers.accountId} = ${inSubtree(accountPath)}`)) : none,
    trunkIds.length ? db.select({ id: trunkGroups.id }).from(trunkGroups).where(and(inArray(trunkGroups.id, trunkIds), eq(trunkGroups.accountId, accountId))) : none,
    addressIds.length ? db.select({ id: e911Addresses.id }).from(e911Addresses).where(and(inArray(e911Addresses.id, addressIds), eq(e911Addresses.accountId, accountId))) : none,
    orderIds.length
      ? db
          .select({ id: numberOrders.id })
          .from(numberOrders)
          .where(and(inArray(numberOrders.id, orderIds), orderScope.subtree ? sql`${numberOrders.accountId} = ${inSubtree(accountPath)}` : eq(numberOrders.accountId, accountId)))
      : none,
    accountIds.length ? db.select({ id: accounts.id }).from(accounts).where(and(inArray(accounts.id, accountIds), like(accounts.path, `${accountPath}%`))) : none,
    memberIds.length
      ? db
          .select({ id: memberships.id, userId: memberships.userId, accountId: memberships.accountId })
          .from(memberships)
          .where(and(or(inArray(memberships.id, memberIds), inArray(memberships.userId, memberIds)), sql`${memberships.accountId} = ${inSubtree(accountPath)}`))
      : Promise.resolve([] as { id: string; userId: string; accountId: string }[]),
  ]);
  const ofIds = (rows: { id: string }[]) => new Set(rows.map((row) => row.id));
  const memberTargets = new Map<string, string>();
  for (const row of members) {
    memberTargets.set(row.id, row.accountId);
    if (!memberTargets.has(row.userId)) memberTargets.set(row.userId, row.accountId);
  }
  return { numbers: ofIds(numbers), trunkGroups: ofIds(trunks), e911Addresses: ofIds(addresses), orders: ofIds(orders), accounts: ofIds(reached), memberships: memberTargets };
}

export async function insertAuditEvent(db: Executor, event: typeof auditEvents.$inferInsert) {
  await db.insert(auditEvents).values(event);
}
