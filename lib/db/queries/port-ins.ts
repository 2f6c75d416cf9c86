import 'server-only';
import { and, asc, count, desc, eq, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, phoneNumbers, portInDocuments, portInEvents, portInNumbers, portIns, providerConnections, users, type PortIn, type PortInDocument, type PortInEvent, type PortInNumber } from '@/lib/db/schema';
import type { PortStatus } from '@/lib/ports/types';
import { isUuid } from './accounts';

type Executor = Db | Tx;

// --- Orders ------------------------------------------------------------------------------------------

export async function insertPortIn(db: Executor, values: typeof portIns.$inferInsert): Promise<PortIn> {
  const [row] = await db.insert(portIns).values(values).returning();
  return row!;
}

export async function portReferenceTaken(db: Executor, { reference }: { reference: string }): Promise<boolean> {
  const [row] = await db.select({ id: portIns.id }).from(portIns).where(eq(portIns.reference, reference));
  return !!row;
}

export async function getPortInByAccount(db: Executor, { accountId, portInId }: { accountId: string; portInId: string }): Promise<PortIn | undefined> {
  if (!isUuid(portInId)) return undefined;
  const [row] = await db.select().from(portIns).where(and(eq(portIns.id, portInId), eq(portIns.accountId, accountId)));
  return row;
}

/** Staff and jobs only: a port by id in any account. */
export async function getPortInById(db: Executor, { portInId }: { portInId: string }): Promise<PortIn | undefined> {
  if (!isUuid(portInId)) return undefined;
  const [row] = await db.select().from(portIns).where(eq(portIns.id, portInId));
  return row;
}

/** The row locked for the rest of the transaction: every change to a port goes through this. */
export async function lockPortIn(tx: Tx, { portInId }: { portInId: string }): Promise<PortIn | undefined> {
  if (!isUuid(portInId)) return undefined;
  const [row] = await tx.select().from(portIns).where(eq(portIns.id, portInId)).for('update');
  return row;
}

export async function updatePortIn(db: Executor, { portInId, values }: { portInId: string; values: Partial<typeof portIns.$inferInsert> }): Promise<PortIn> {
  const [row] = await db
    .update(portIns)
    .set({ ...values, version: sql`${portIns.version} + 1`, updatedAt: new Date() })
    .where(eq(portIns.id, portInId))
    .returning();
  return row!;
}

export interface PortInListRow {
  port: PortIn;
  numberCount: number;
  accountName: string;
  connectionName: string | null;
}

/**
 * Status reads of a port failing since its last good one (`last_polled_at`): one timeline entry marks
 * the run, its detail kept up to date with the latest error, when it happened, and how many failed.
 */
export interface PollFailureRun {
  eventId: string;
  since: Date;
  lastError: string;
  lastFailedAt: Date;
  attempts: number;
}
export interface PollFailureDetail {
  pollFailed: true;
  error: string;
  lastFailedAt: string;
  attempts: number;
}

const firstPollFailureOf = (columns: SQL) =>
  sql`(select ${columns} from ${portInEvents} where ${portInEvents.portInId} = ${portIns.id} and ${portInEvents.kind} = 'upstream' and ${portInEvents.detail}->>'pollFailed' = 'true' and ${portInEvents.createdAt} > coalesce(${portIns.lastPolledAt}, '-infinity'::timestamptz) order by ${portInEvents.createdAt}, ${portInEvents.id} limit 1)`;
const pollFailureRunOf = sql<{ eventId: string; since: string; detail: PollFailureDetail } | null>`${firstPollFailureOf(
  sql`json_build_object('eventId', ${portInEvents.id}, 'since', to_char(${portInEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'detail', ${portInEvents.detail})`,
)}`;

function pollFailureOf(row: { eventId: string; since: string; detail: PollFailureDetail } | null | string): PollFailureRun | null {
  const run = typeof row === 'string' ? (JSON.parse(row) as { eventId: string; since: string; detail: PollFailureDetail }) : row;
  if (!run) return null;
  const since = new Date(run.since);
  return { eventId: run.eventId, since, lastError: run.detail.error, lastFailedAt: run.detail.lastFailedAt ? new Date(run.detail.lastFailedAt) : since, attempts: run.detail.attempts ?? 1 };
}

export async function getPollFailureRun(db: Executor, { portInId }: { portInId: string }): Promise<PollFailureRun | null> {
  if (!isUuid(portInId)) return null;
  const [row] = await db.select({ run: pollFailureRunOf }).from(portIns).where(eq(portIns.id, portInId));
  return row ? pollFailureOf(row.run) : null;
}

/** A run of failed reads goes on: its entry's detail takes the latest error (the entry's words stay as first written). */
export async function updatePollFailureRun(db: Executor, { eventId, detail }: { eventId: string; detail: PollFailureDetail }): Promise<void> {
  await db.update(portInEvents).set({ detail: { ...detail } }).where(eq(portInEvents.id, eventId));
}

const numberCountOf = sql<number>`(select count(*)::int from ${portInNumbers} where ${portInNumbers.portInId} = ${portIns.id} and ${portInNumbers.status} <> 'cancelled')`;

/** A port's place in the account's list: updated_at in UTC to the microsecond (a JS Date would drop them), and the id. */
export interface PortListPosition {
  updatedAt: string;
  id: string;
}

const positionTextOf = sql<string>`to_char(${portIns.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The account's ports, latest change first; after `before` (the previous page's last position) when given. */
export async function listPortInsByAccount(
  db: Executor,
  { accountId, statuses, before, limit = 200 }: { accountId: string; statuses?: readonly PortStatus[]; before?: PortListPosition; limit?: number },
): Promise<(PortInListRow & { position: PortListPosition })[]> {
  const where = [eq(portIns.accountId, accountId)];
  if (statuses?.length) where.push(inArray(portIns.status, [...statuses]));
  if (before) where.push(sql`(${portIns.updatedAt}, ${portIns.id}) < (${before.updatedAt}::timestamptz, ${before.id}::uuid)`);
  const rows = await db
    .select({ port: portIns, numberCount: numberCountOf, accountName: accounts.name, connectionName: providerConnections.name, updatedAtText: positionTextOf })
    .from(portIns)
    .innerJoin(accounts, eq(accounts.id, portIns.accountId))
    .leftJoin(providerConnections, eq(providerConnections.id, portIns.connectionId))
    .where(and(...where))
    .orderBy(desc(portIns.updatedAt), desc(portIns.id))
    .limit(limit);
  return rows.map(({ updatedAtText, ...row }) => ({ ...row, position: { updatedAt: updatedAtText, id: row.port.id } }));
}

/** Every submitted port across accounts (staff), filtered by state and by requested/committed date. */
export async function listPortInsForStaff(
  db: Executor,
  { statuses, dueBefore, search, limit = 200 }: { statuses?: readonly PortStatus[]; dueBefore?: string; search?: string; limit?: number },
): Promise<(PortInListRow & { pollFailure: PollFailureRun | null })[]> {
  const where: SQL[] = [ne(portIns.status, 'draft')];
  if (statuses?.length) where.push(inArray(portIns.status, [...statuses]));
  if (dueBefore) where.push(lte(sql`coalesce(${portIns.focDate}, ${portIns.requestedFocDate})`, dueBefore));
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        sql`${portIns.reference} ilike ${pattern}`,
        sql`${accounts.name} ilike ${pattern}`,
        sql`${portIns.subscriberName} ilike ${pattern}`,
        sql`exists (select 1 from ${portInNumbers} where ${portInNumbers.portInId} = ${portIns.id} and ${portInNumbers.e164} like ${pattern})`,
      )!,
    );
  }
  const rows = await db
    .select({ port: portIns, numberCount: numberCountOf, accountName: accounts.name, connectionName: providerConnections.name, pollFailureRun: pollFailureRunOf })
    .from(portIns)
    .innerJoin(accounts, eq(accounts.id, portIns.accountId))
    .leftJoin(providerConnections, eq(providerConnections.id, portIns.connectionId))
    .where(and(...where))
    .orderBy(sql`coalesce(${portIns.focDate}, ${portIns.requestedFocDate}) asc nulls last`, desc(portIns.updatedAt))
    .limit(limit);
  return rows.map(({ pollFailureRun, ...row }) => ({ ...row, pollFailure: pollFailureOf(pollFailureRun) }));
}

export async function countPortInsByStatusForStaff(db: Executor): Promise<Partial<Record<PortStatus, number>>> {
  const rows = await db.select({ status: portIns.status, n: count() }).from(portIns).where(ne(portIns.status, 'draft')).groupBy(portIns.status);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** Ports the poller should ask their upstream about now. */
export async function listPortInsDueForPoll(db: Executor, { now, limit = 50 }: { now: Date; limit?: number }): Promise<PortIn[]> {
  return db
    .select()
    .from(portIns)
    .where(
      and(
        sql`${portIns.upstreamRef} is not null`,
        inArray(portIns.status, ['submitted', 'pending', 'foc_scheduled', 'partially_completed']),
        lte(portIns.nextPollAt, now),
        // Nothing left to ask once every number is done or in exception (a partial completion).
        sql`exists (select 1 from ${portInNumbers} where ${portInNumbers.portInId} = ${portIns.id} and ${portInNumbers.status} in ('submitted', 'pending', 'foc_scheduled'))`,
      ),
    )
    .orderBy(asc(portIns.nextPollAt))
    .limit(limit);
}

/** Submitted ports whose upstream submission has not gone through yet (a timeout, an outage, a suspension), due to be tried again. */
export async function listPortInsAwaitingSubmission(db: Executor, { now, limit = 20 }: { now: Date; limit?: number }): Promise<PortIn[]> {
  return db
    .select()
    .from(portIns)
    .where(and(eq(portIns.status, 'submitted'), isNull(portIns.upstreamRef), sql`coalesce(${portIns.nextPollAt}, ${portIns.submittedAt}) <= ${now.toISOString()}::timestamptz`))
    .orderBy(asc(portIns.submittedAt))
    .limit(limit);
}

// --- Numbers -----------------------------------------------------------------------------------------

export async function listPortNumbers(db: Executor, { portInId }: { portInId: string }): Promise<PortInNumber[]> {
  return db.select().from(portInNumbers).where(eq(portInNumbers.portInId, portInId)).orderBy(asc(portInNumbers.e164));
}

export async function replacePortNumbers(tx: Tx, { portInId, accountId, numbers }: { portInId: string; accountId: string; numbers: { e164: string; kind: 'local' | 'toll_free' }[] }): Promise<void> {
  await tx.delete(portInNumbers).where(eq(portInNumbers.portInId, portInId));
  for (let start = 0; start < numbers.length; start += 500) {
    const chunk = numbers.slice(start, start + 500);
    if (chunk.length) await tx.insert(portInNumbers).values(chunk.map((number) => ({ portInId, accountId, e164: number.e164, kind: number.kind })));
  }
}

export async function updatePortNumber(db: Executor, { id, values }: { id: string; values: Partial<typeof portInNumbers.$inferInsert> }): Promise<void> {
  await db.update(portInNumbers).set(values).where(eq(portInNumbers.id, id));
}

export async function updatePortNumbersOfPort(db: Executor, { portInId, values, onlyStatuses }: { portInId: string; values: Partial<typeof portInNumbers.$inferInsert>; onlyStatuses?: readonly PortInNumber['status'][] }): Promise<void> {
  const where = [eq(portInNumbers.portInId, portInId)];
  if (onlyStatuses?.length) where.push(inArray(portInNumbers.status, [...onlyStatuses]));
  await db.update(portInNumbers).set(values).where(and(...where));
}

/** Which of these numbers are live on the portal already, and in which account. */
export async function findLiveNumbers(db: Executor, { e164s }: { e164s: string[] }): Promise<{ e164: string; accountId: string }[]> {
  if (!e164s.length) return [];
  return db
    .select({ e164: phoneNumbers.e164, accountId: phoneNumbers.accountId })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.e164, e164s), ne(phoneNumbers.status, 'released')));
}

/** Which of these numbers another live port holds (with its reference; the account only for the caller's own). */
export async function findNumbersInFlight(db: Executor, { e164s, exceptPortInId }: { e164s: string[]; exceptPortInId: string }): Promise<{ e164: string; portInId: string; accountId: string; reference: string }[]> {
  if (!e164s.length) return [];
  return db
    .select({ e164: portInNumbers.e164, portInId: portInNumbers.portInId, accountId: portInNumbers.accountId, reference: portIns.reference })
    .from(portInNumbers)
    .innerJoin(portIns, eq(portIns.id, portInNumbers.portInId))
    .where(and(inArray(portInNumbers.e164, e164s), eq(portInNumbers.inFlight, true), ne(portInNumbers.portInId, exceptPortInId)));
}

// --- Documents ---------------------------------------------------------------------------------------

export async function listCurrentPortDocuments(db: Executor, { portInId }: { portInId: string }): Promise<PortInDocument[]> {
  return db
    .select()
    .from(portInDocuments)
    .where(and(eq(portInDocuments.portInId, portInId), isNull(portInDocuments.supersededAt)))
    .orderBy(asc(portInDocuments.kind));
}

export async function getPortDocument(db: Executor, { portInId, documentId }: { portInId: string; documentId: string }): Promise<PortInDocument | undefined> {
  if (!isUuid(documentId)) return undefined;
  const [row] = await db.select().from(portInDocuments).where(and(eq(portInDocuments.id, documentId), eq(portInDocuments.portInId, portInId)));
  return row;
}

/** Stores a document as the current one of its kind; the previous current one is kept, superseded. */
export async function insertPortDocument(tx: Tx, values: typeof portInDocuments.$inferInsert): Promise<PortInDocument> {
  await tx
    .update(portInDocuments)
    .set({ supersededAt: new Date() })
    .where(and(eq(portInDocuments.portInId, values.portInId), eq(portInDocuments.kind, values.kind), isNull(portInDocuments.supersededAt)));
  const [row] = await tx.insert(portInDocuments).values(values).returning();
  return row!;
}

// --- Timeline ----------------------------------------------------------------------------------------

export async function insertPortEvent(db: Executor, values: typeof portInEvents.$inferInsert): Promise<void> {
  // now() is the transaction's start: events written in one transaction would tie and list in any order.
  await db.insert(portInEvents).values({ ...values, createdAt: values.createdAt ?? sql`clock_timestamp()` });
}

/** The port's newest timeline entry (internal ones too). */
export async function getLatestPortEvent(db: Executor, { portInId, kind }: { portInId: string; kind?: PortInEvent['kind'] }) {
  const [row] = await db
    .select()
    .from(portInEvents)
    .where(and(eq(portInEvents.portInId, portInId), kind ? eq(portInEvents.kind, kind) : undefined))
    .orderBy(desc(portInEvents.createdAt), desc(portInEvents.id))
    .limit(1);
  return row;
}

export interface PortEventRow {
  event: typeof portInEvents.$inferSelect;
  actorEmail: string | null;
  actorName: string | null;
}

export async function listPortEvents(db: Executor, { portInId, includeInternal }: { portInId: string; includeInternal: boolean }): Promise<PortEventRow[]> {
  const where = [eq(portInEvents.portInId, portInId)];
  if (!includeInternal) where.push(eq(portInEvents.visibility, 'public'));
  return db
    .select({ event: portInEvents, actorEmail: users.email, actorName: users.name })
    .from(portInEvents)
    .leftJoin(users, eq(users.id, portInEvents.actorUserId))
    .where(and(...where))
    .orderBy(asc(portInEvents.createdAt), asc(portInEvents.id));
}
