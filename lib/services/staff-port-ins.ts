import 'server-only';

/**
 * Port-ins as our porting team sees them (issue 16 point 7): every submitted port across accounts,
 * the timeline with internal comments, and moving a port on the losing carrier's word where the
 * upstream cannot say it (exception with a typed code, FOC date, completion, cancellation). Every
 * move goes through the same state machine, events and notifications as the upstream's, and is in
 * the customer's audit log marked as staff.
 */
import type { SessionUser } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getAccountById } from '@/lib/db/queries/accounts';
import { getPollFailureRun, getPortInById, insertPortEvent, listPortInsForStaff, listPortNumbers, lockPortIn, updatePortIn, updatePortNumbersOfPort, type PollFailureRun } from '@/lib/db/queries/port-ins';
import { AppError } from '@/lib/errors';
import { assertTransition, ForbiddenPortTransition, operatorTargets, PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { PORT_EXCEPTION_TEXT, type PortStatus } from '@/lib/ports/types';
import { isCalendarDate, isSafeText } from '@/lib/validations/common';
import { staffPortTransitionSchema } from '@/lib/validations/port-ins';
import { recordStaffAccountAudit } from './audit';
import { afterPortMove, checkPreviousOrder, followPreviousOrders, leavePreviousOrder, listPreviousOrderTasks, movePort, notifyPortChange, pollPort, sendPortToUpstream, type NumberTarget } from './port-lifecycle';
import { detailOf, type PortDetailView } from './port-ins';
import { assertStaff } from './providers';

export interface StaffPortRow {
  id: string;
  reference: string;
  status: PortStatus;
  statusLabel: string;
  accountId: string;
  accountName: string;
  numberCount: number;
  losingCarrier: string | null;
  subscriberName: string | null;
  connectionName: string | null;
  requestedFocDate: string | null;
  focDate: string | null;
  exceptionCode: string | null;
  exceptionLabel: string | null;
  upstreamRef: string | null;
  upstreamStatus: string | null;
  /** The upstream said a word its adapter does not know: someone should look. */
  upstreamStatusUnknown: boolean;
  /** Submitted but not yet taken by the upstream (down, slow): the job keeps trying. */
  awaitingUpstream: boolean;
  /** The last status read that worked. */
  lastPolledAt: Date | null;
  /** Status reads failing since the last good one: since when, and the latest error. */
  pollFailure: PollFailureRun | null;
  submittedAt: Date | null;
  updatedAt: Date;
}

export async function listStaffPortIns(user: SessionUser, filters: { statuses?: PortStatus[]; dueBefore?: string; search?: string } = {}): Promise<StaffPortRow[]> {
  assertStaff(user);
  const db = await getDb();
  const dueBefore = filters.dueBefore && isCalendarDate(filters.dueBefore) ? filters.dueBefore : undefined;
  const search = filters.search?.trim().slice(0, 100);
  // NUL cannot reach PostgreSQL text (the page names such a search before it gets here).
  if (search && !isSafeText(search)) throw new AppError('invalid:query', 'The search holds characters no reference, name or number has.');
  const rows = await listPortInsForStaff(db, { statuses: filters.statuses, dueBefore, search: search || undefined });
  return rows.map(({ port, numberCount, accountName, connectionName, pollFailure }) => ({
    id: port.id,
    reference: port.reference,
    status: port.status,
    statusLabel: PORT_STATUS_LABELS[port.status],
    accountId: port.accountId,
    accountName,
    numberCount,
    losingCarrier: port.losingCarrier,
    subscriberName: port.subscriberName,
    connectionName,
    requestedFocDate: port.requestedFocDate,
    focDate: port.focDate,
    exceptionCode: port.exceptionCode,
    exceptionLabel: port.exceptionCode ? PORT_EXCEPTION_TEXT[port.exceptionCode].label : null,
    upstreamRef: port.upstreamRef,
    upstreamStatus: port.upstreamStatus,
    upstreamStatusUnknown: port.upstreamStatusUnknown,
    awaitingUpstream: port.status === 'submitted' && !port.upstreamRef,
    lastPolledAt: port.lastPolledAt,
    pollFailure,
    submittedAt: port.submittedAt,
    updatedAt: port.updatedAt,
  }));
}

export interface StaffPortDetail extends PortDetailView {
  upstreamStatus: string | null;
  upstreamStatusUnknown: boolean;
  /** The last status read that worked. */
  lastPolledAt: Date | null;
  nextPollAt: Date | null;
  pollFailure: PollFailureRun | null;
  /** Carrier orders this port left behind (sent again after an exception) that staff have yet to see withdrawn. */
  previousOrders: { taskId: string; upstreamRef: string; title: string; since: Date }[];
  /** Where staff may move the port from here. */
  targets: PortStatus[];
}

export async function getStaffPortDetail(user: SessionUser, portInId: string): Promise<StaffPortDetail> {
  assertStaff(user);
  const db = await getDb();
  const port = await getPortInById(db, { portInId });
  if (!port || port.status === 'draft') throw new AppError('not_found:port_in', 'No such port-in.');
  const account = await getAccountById(db, { accountId: port.accountId });
  const [detail, pollFailure, previous] = await Promise.all([
    detailOf(db, port, { accountName: account?.name ?? '', canWrite: false, staffView: true, viewerAccountId: null }),
    getPollFailureRun(db, { portInId: port.id }),
    listPreviousOrderTasks(db, { portInId: port.id }),
  ]);
  return {
    ...detail,
    upstreamStatus: port.upstreamStatus,
    upstreamStatusUnknown: port.upstreamStatusUnknown,
    lastPolledAt: port.lastPolledAt,
    nextPollAt: port.nextPollAt,
    pollFailure,
    previousOrders: previous.map((task) => ({ taskId: task.id, upstreamRef: task.subjectId.slice(port.id.length + 1), title: task.title, since: task.createdAt })),
    targets: operatorTargets(port.status).filter((status) => status !== 'partially_completed'),
  };
}

function invalid(issues: { path: PropertyKey[]; message: string }[]): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) (fieldErrors[String(issue.path[0] ?? 'to')] ??= []).push(issue.message);
  return new AppError('invalid:port_in', 'Please check the highlighted fields.', { fieldErrors });
}

/**
 * Staff move a port: to exception (with a code), FOC scheduled (with the committed date), pending,
 * completed (every number the port still holds goes live), cancelled, or back to submitted (sent to
 * the upstream again). A comment goes with it, public or internal.
 */
export async function transitionPortAsStaff(user: SessionUser, portInId: string, input: unknown, { now = new Date(), ip }: { now?: Date; ip?: string } = {}): Promise<StaffPortDetail> {
  assertStaff(user);
  const parsed = staffPortTransitionSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { to, exceptionCode, focDate } = parsed.data;
  const comment = parsed.data.comment ? { body: parsed.data.comment, internal: parsed.data.internal ?? false } : null;
  if (to === 'partially_completed') throw invalid([{ path: ['to'], message: 'A port is partly completed by its numbers: complete it, and put the numbers that did not port in exception.' }]);
  if (to === 'foc_scheduled' && focDate && Number.isNaN(Date.parse(`${focDate}T00:00:00Z`))) throw invalid([{ path: ['focDate'], message: 'A date, YYYY-MM-DD.' }]);
  const db = await getDb();
  // Sent again after an exception: the carrier is first asked about the order the port still names.
  const before = to === 'submitted' ? await getPortInById(db, { portInId }) : undefined;
  const previous = before && before.status !== 'draft' ? await checkPreviousOrder(before, now) : null;
  const outcome = await db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port || port.status === 'draft') throw new AppError('not_found:port_in', 'No such port-in.');
    try {
      assertTransition(port.status, to, 'staff');
    } catch (error) {
      if (error instanceof ForbiddenPortTransition) throw new AppError('conflict:port_in', error.message);
      throw error;
    }
    const actor = { kind: 'staff' as const, userId: user.id };
    const audit = { accountId: port.accountId, action: 'port_in.transition', targetType: 'port_in', targetId: port.id, before: { status: port.status, focDate: port.focDate }, ip };
    if (to === 'submitted') {
      // Sent again as the customer's resubmission would be: the numbers held once more, the upstream asked after commit.
      await updatePortNumbersOfPort(tx, { portInId: port.id, values: { status: 'submitted', inFlight: true, exceptionCode: null, exceptionMessage: null }, onlyStatuses: ['exception', 'pending', 'foc_scheduled', 'submitted'] });
      const updated = await updatePortIn(tx, { portInId: port.id, values: { status: 'submitted', submittedAt: now, upstreamRef: null, upstreamStatus: null, upstreamStatusUnknown: false, exceptionCode: null, exceptionMessage: null, focDate: null, nextPollAt: now } });
      await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'status', fromStatus: port.status, toStatus: 'submitted', actorKind: 'staff', actorUserId: user.id, body: comment && !comment.internal ? comment.body : 'Resubmitted by our porting team.', createdAt: now });
      await leavePreviousOrder(tx, port, previous);
      if (comment?.internal) await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'comment', visibility: 'internal', actorKind: 'staff', actorUserId: user.id, body: comment.body, createdAt: now });
      await notifyPortChange(tx, updated, { type: 'port.submitted', resubmitted: true });
      await recordStaffAccountAudit(tx, user, { ...audit, after: { status: 'submitted' } });
      return { port: updated, changed: true, completed: [], resend: true };
    }
    const exception = to === 'exception' && exceptionCode ? { code: exceptionCode, message: comment && !comment.internal ? comment.body : PORT_EXCEPTION_TEXT[exceptionCode].label } : undefined;
    const numberStatus = to === 'completed' ? 'completed' : to === 'cancelled' ? 'cancelled' : to;
    const moved = await movePort(
      tx,
      port,
      {
        orderStatus: to,
        exception,
        focDate: to === 'foc_scheduled' ? focDate : undefined,
        comment,
        targetOf: (number): NumberTarget | undefined => (number.status === 'completed' || number.status === 'cancelled' ? undefined : { status: numberStatus as NumberTarget['status'], exception }),
      },
      actor,
      now,
    );
    if (moved.refused) throw new AppError('conflict:port_in', moved.refused);
    if (moved.port.status === 'completed' || moved.port.status === 'cancelled') await updatePortIn(tx, { portInId: port.id, values: { nextPollAt: null } });
    await recordStaffAccountAudit(tx, user, { ...audit, after: { status: moved.port.status, focDate: moved.port.focDate, ...(exception ? { exceptionCode: exception.code } : {}), ...(moved.completed.length ? { completed: moved.completed.map((number) => number.e164) } : {}) } });
    return { ...moved, resend: false };
  });
  if (outcome.resend) await sendPortToUpstream(portInId, now);
  else await afterPortMove(outcome.port, outcome);
  return getStaffPortDetail(user, portInId);
}

/** A comment on the timeline: internal ones only staff read; public ones the customer reads too. */
export async function addStaffPortComment(user: SessionUser, portInId: string, input: { body: string; internal: boolean }, { ip }: { ip?: string } = {}): Promise<void> {
  assertStaff(user);
  const body = input.body.trim();
  if (!body) throw new AppError('invalid:port_in', 'Write the comment.', { fieldErrors: { body: ['Write the comment.'] } });
  if (body.length > 4000) throw new AppError('invalid:port_in', 'At most 4,000 characters.', { fieldErrors: { body: ['At most 4,000 characters.'] } });
  const db = await getDb();
  await db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port || port.status === 'draft') throw new AppError('not_found:port_in', 'No such port-in.');
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'comment', visibility: input.internal ? 'internal' : 'public', actorKind: 'staff', actorUserId: user.id, body });
    await recordStaffAccountAudit(tx, user, { accountId: port.accountId, action: 'port_in.comment', targetType: 'port_in', targetId: port.id, after: { internal: input.internal }, ip });
  });
}

/** Asks the upstream now rather than at the next poll (or sends a submission it could not take). */
export async function pollPortNow(user: SessionUser, portInId: string, { now = new Date(), ip }: { now?: Date; ip?: string } = {}): Promise<{ ok: boolean; status: PortStatus; message: string }> {
  assertStaff(user);
  const db = await getDb();
  const port = await getPortInById(db, { portInId });
  if (!port || port.status === 'draft') throw new AppError('not_found:port_in', 'No such port-in.');
  await db.transaction((tx) => recordStaffAccountAudit(tx, user, { accountId: port.accountId, action: 'port_in.poll', targetType: 'port_in', targetId: port.id, ip }));
  if (port.status === 'submitted' && !port.upstreamRef) {
    await followPreviousOrders(port, now);
    const sent = await sendPortToUpstream(port.id, now);
    return { ok: sent.status !== 'submitted' || !!(await getPortInById(db, { portInId }))?.upstreamRef, status: sent.status, message: sent.message };
  }
  if (!port.upstreamRef || !port.connectionId) {
    await followPreviousOrders(port, now);
    return { ok: false, status: port.status, message: 'The carrier has no order for this port.' };
  }
  const result = await pollPort(port, now);
  const numbers = await listPortNumbers(db, { portInId });
  return result.ok
    ? { ok: true, status: result.status, message: `Asked the carrier: ${PORT_STATUS_LABELS[result.status].toLowerCase()} (${numbers.filter((number) => number.status === 'completed').length} of ${numbers.filter((number) => number.status !== 'cancelled').length} numbers ported).` }
    : { ok: false, status: port.status, message: `The carrier did not answer: ${result.error ?? 'unknown error'}.` };
}
