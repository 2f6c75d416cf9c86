import 'server-only';
import { and, count, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accounts, providerConnections, staffTasks, users, type StaffTaskKind } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export interface NewStaffTask {
  accountId: string | null;
  kind: StaffTaskKind;
  subjectType: string;
  subjectId: string;
  connectionId: string | null;
  dedupeKey: string;
  title: string;
  detail: string;
}

/**
 * Opens the task unless one with its key is open already (then refreshes that one's words): the
 * partial unique index decides, so two refusals at once still make one task. Returns the open task.
 */
export async function upsertOpenStaffTask(db: Executor, task: NewStaffTask) {
  const [row] = await db
    .insert(staffTasks)
    .values(task)
    .onConflictDoUpdate({ target: staffTasks.dedupeKey, targetWhere: sql`"status" = 'open'`, set: { detail: task.detail, title: task.title } })
    .returning();
  return row!;
}

export async function getStaffTaskById(db: Executor, { taskId }: { taskId: string }) {
  if (!isUuid(taskId)) return undefined;
  const [row] = await db.select().from(staffTasks).where(eq(staffTasks.id, taskId)).limit(1);
  return row;
}

/** Marks an open task done; undefined when it is not open (done already, or unknown). */
export async function markStaffTaskDone(db: Executor, { taskId, userId }: { taskId: string; userId: string | null }) {
  if (!isUuid(taskId)) return undefined;
  const [row] = await db
    .update(staffTasks)
    .set({ status: 'done', resolvedAt: new Date(), resolvedBy: userId })
    .where(and(eq(staffTasks.id, taskId), eq(staffTasks.status, 'open')))
    .returning();
  return row;
}

/** Closes the open task with this key, if any (the refusal went away on its own, e.g. a later push worked). */
export async function closeOpenStaffTaskByKey(db: Executor, { dedupeKey }: { dedupeKey: string }) {
  return db
    .update(staffTasks)
    .set({ status: 'done', resolvedAt: new Date(), resolvedBy: null })
    .where(and(eq(staffTasks.dedupeKey, dedupeKey), eq(staffTasks.status, 'open')))
    .returning();
}

/** The queue, newest first, with the account and connection names staff need; keyset paged on (created_at, id). */
export async function getStaffTasksPage(db: Executor, { status, limit, before }: { status: 'open' | 'done'; limit: number; before?: { createdAt: Date; id: string } }) {
  const resolver = db.select({ id: users.id, email: users.email }).from(users).as('resolver');
  return db
    .select({ task: staffTasks, accountName: accounts.name, connectionName: providerConnections.name, provider: providerConnections.provider, resolvedByEmail: resolver.email })
    .from(staffTasks)
    .leftJoin(accounts, eq(accounts.id, staffTasks.accountId))
    .leftJoin(providerConnections, eq(providerConnections.id, staffTasks.connectionId))
    .leftJoin(resolver, eq(resolver.id, staffTasks.resolvedBy))
    .where(
      and(
        eq(staffTasks.status, status),
        before ? or(lt(staffTasks.createdAt, before.createdAt), and(eq(staffTasks.createdAt, before.createdAt), lt(staffTasks.id, before.id))) : undefined,
      ),
    )
    .orderBy(desc(staffTasks.createdAt), desc(staffTasks.id))
    .limit(limit);
}

export async function countStaffTasksByStatus(db: Executor) {
  const rows = await db.select({ status: staffTasks.status, total: count() }).from(staffTasks).groupBy(staffTasks.status);
  return { open: rows.find((row) => row.status === 'open')?.total ?? 0, done: rows.find((row) => row.status === 'done')?.total ?? 0 };
}

/** Open tasks about one subject of an account (what its page says is with our team). */
export async function getOpenStaffTasksBySubject(db: Executor, { accountId, subjectType, subjectId }: { accountId: string; subjectType: string; subjectId: string }) {
  return db
    .select()
    .from(staffTasks)
    .where(and(eq(staffTasks.accountId, accountId), eq(staffTasks.subjectType, subjectType), eq(staffTasks.subjectId, subjectId), eq(staffTasks.status, 'open')))
    .orderBy(desc(staffTasks.createdAt));
}

/** Open tasks of one kind about any of an account's subjects, in one query (a list's rows, not one page per row). */
export async function getOpenStaffTasksBySubjects(db: Executor, { accountId, kind, subjectType, subjectIds }: { accountId: string; kind: StaffTaskKind; subjectType: string; subjectIds: readonly string[] }) {
  if (subjectIds.length === 0) return [];
  return db
    .select()
    .from(staffTasks)
    .where(and(eq(staffTasks.accountId, accountId), eq(staffTasks.kind, kind), eq(staffTasks.subjectType, subjectType), inArray(staffTasks.subjectId, [...subjectIds]), eq(staffTasks.status, 'open')));
}

/** Open tasks whose subject id starts with `prefix` (one subject's several orders: `<port id>/<order>`). */
export async function getOpenStaffTasksBySubjectPrefix(db: Executor, { subjectType, prefix }: { subjectType: string; prefix: string }) {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(staffTasks)
    .where(and(eq(staffTasks.subjectType, subjectType), sql`${staffTasks.subjectId} like ${pattern}`, eq(staffTasks.status, 'open')))
    .orderBy(desc(staffTasks.createdAt));
}
