import 'server-only';

/**
 * The staff queue: refusals only the operator's staff can act on (a trunk group to link upstream by
 * hand, credentials a carrier rejects, a number a carrier no longer lists on our account). Opened by
 * the services that meet the refusal, one open task per kind and subject; closed by staff (audited),
 * or on its own when the refusal goes away.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { StaffTask, StaffTaskKind } from '@/lib/db/schema';
import {
  closeOpenStaffTaskByKey,
  countStaffTasksByStatus,
  getStaffTaskById,
  getStaffTasksPage,
  markStaffTaskDone,
  upsertOpenStaffTask,
} from '@/lib/db/queries/staff-tasks';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { insertAuditEvent } from '@/lib/db/queries/audit';
import { isUuid } from '@/lib/db/queries/accounts';
import { recordPlatformAudit } from './audit';
import { assertStaff } from './providers';

export interface StaffTaskSubject {
  type: string;
  id: string;
}

export interface OpenStaffTaskInput {
  accountId: string | null;
  kind: StaffTaskKind;
  subject: StaffTaskSubject;
  connectionId: string | null;
  title: string;
  /** The carrier's own words: staff only. */
  detail: string;
}

/** Platform-wide refusals (a connection's credentials) are one task whichever account met them. */
function dedupeKeyOf(input: Pick<OpenStaffTaskInput, 'kind' | 'subject' | 'connectionId'>): string {
  return [input.kind, input.subject.type, input.subject.id, input.connectionId ?? ''].join(':');
}

/** Opens the task, or refreshes the open one with the same kind and subject; never a second one. */
export async function openStaffTask(db: Db | Tx, input: OpenStaffTaskInput): Promise<StaffTask> {
  const task = await upsertOpenStaffTask(db, {
    accountId: input.accountId,
    kind: input.kind,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    connectionId: input.connectionId,
    dedupeKey: dedupeKeyOf(input),
    title: input.title.slice(0, 300),
    detail: input.detail.slice(0, 2000),
  });
  log.info('staff_task.open', { taskId: task.id, kind: task.kind, subjectType: task.subjectType, subjectId: task.subjectId });
  return task;
}

/** The refusal went away (a later push worked): its open task, if any, is done, by nobody in particular. */
export async function closeStaffTaskIfOpen(db: Db | Tx, input: Pick<OpenStaffTaskInput, 'kind' | 'subject' | 'connectionId'>) {
  const closed = await closeOpenStaffTaskByKey(db, { dedupeKey: dedupeKeyOf(input) });
  for (const task of closed) {
    await insertAuditEvent(db, { accountId: null, actorUserId: null, actorEmail: 'system', action: 'staff_task.resolved_by_itself', targetType: 'staff_task', targetId: task.id, before: { status: 'open' }, after: { status: 'done' }, ip: null });
  }
  return closed.length;
}

export const STAFF_TASK_PAGE_SIZE = 50;

const KIND_LABELS: Record<StaffTaskKind, string> = {
  link_trunk: 'Link a trunk group upstream',
  credentials: 'Carrier rejects our credentials',
  number_not_on_account: 'Number missing on the carrier account',
  upstream_setting: 'Carrier account setting',
  withdraw_port: 'Withdraw a port order (cancelled, or left behind by a resubmission)',
  release_at_carrier: 'Release a number at the carrier',
};

export function staffTaskKindLabel(kind: StaffTaskKind): string {
  return KIND_LABELS[kind];
}

/** One page of the queue (open or done), newest first; staff only. */
export async function listStaffTasks(user: SessionUser, { status, cursor }: { status: 'open' | 'done'; cursor?: string }) {
  assertStaff(user);
  const db = await getDb();
  const before = decodeCursor(cursor);
  const [rows, counts] = await Promise.all([getStaffTasksPage(db, { status, limit: STAFF_TASK_PAGE_SIZE + 1, before }), countStaffTasksByStatus(db)]);
  const page = rows.slice(0, STAFF_TASK_PAGE_SIZE);
  const last = page.at(-1);
  return {
    counts,
    tasks: page,
    nextCursor: rows.length > STAFF_TASK_PAGE_SIZE && last ? `${last.task.createdAt.toISOString()}_${last.task.id}` : undefined,
  };
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  // Only what the list itself writes (an ISO time, "_", a task id); anything else is the first page.
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/i.exec(cursor);
  if (!match || !isUuid(match[2]!)) return undefined;
  const createdAt = new Date(match[1]!);
  if (Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, id: match[2]! };
}

/** Staff mark a task done; audited. A task already done (or unknown) is "not found", so a double click changes nothing. */
export async function resolveStaffTask(user: SessionUser, taskId: string, options: { ip?: string } = {}): Promise<StaffTask> {
  assertStaff(user);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const current = await getStaffTaskById(tx, { taskId });
    if (!current) throw new AppError('not_found:staff_task');
    if (current.status !== 'open') throw new AppError('conflict:staff_task', 'That task is already done; reload the page.');
    const done = await markStaffTaskDone(tx, { taskId: current.id, userId: user.id });
    if (!done) throw new AppError('conflict:staff_task', 'That task is already done; reload the page.');
    await recordPlatformAudit(tx, user, {
      action: 'staff_task.resolve',
      targetType: 'staff_task',
      targetId: done.id,
      before: { status: 'open', kind: current.kind, title: current.title },
      after: { status: 'done' },
      ip: options.ip,
    });
    return done;
  });
}
