import 'server-only';

/**
 * A port-in after submission (issue 16 points 4–6): sending it to the winning upstream, applying
 * what the upstream (or our staff) says of it through the one state machine, completing numbers
 * into My numbers, and the `port.*` events. The customer's side is port-ins.ts; staff's is
 * staff-port-ins.ts. Every change to a port happens with its row locked, and applying the same
 * answer twice changes nothing and sends nothing twice.
 */
import type { Db, Tx } from '@/lib/db/client';
import { getDb } from '@/lib/db/client';
import { getAccountById, getAccountsOnPath } from '@/lib/db/queries/accounts';
import { insertLiveNumberIfFree } from '@/lib/db/queries/numbers';
import {
  getLatestPortEvent,
  getPollFailureRun,
  getPortInById,
  insertPortEvent,
  listCurrentPortDocuments,
  listPortEvents,
  listPortInsAwaitingSubmission,
  listPortInsDueForPoll,
  listPortNumbers,
  lockPortIn,
  updatePollFailureRun,
  updatePortIn,
  updatePortNumber,
  type PollFailureDetail,
} from '@/lib/db/queries/port-ins';
import { getNumberPrices } from '@/lib/db/queries/prices';
import { getOpenStaffTasksBySubjectPrefix } from '@/lib/db/queries/staff-tasks';
import { getTrunkGroupByIdUnscoped } from '@/lib/db/queries/trunk-groups';
import type { Account, PortIn, PortInDocument, PortInNumber } from '@/lib/db/schema';
import type { AccountEventData } from '@/lib/api/events';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { canTransition, PORT_STATUS_LABELS, rollUpPortStatus } from '@/lib/ports/state-machine';
import { PORT_EXCEPTION_TEXT, type PortActorKind, type PortExceptionCode, type PortNumberStatus, type PortStatus } from '@/lib/ports/types';
import { isProviderError, PROVIDER_NAMES } from '@/lib/providers/errors';
import { callOutcomeOf } from '@/lib/providers/http';
import { CARRIER_REJECTION_PATTERNS, portExceptionFrom } from '@/lib/providers/port-rejections';
import { requireCapability, type PortException, type PortIn as UpstreamPort, type PortInRequest, type PortInStatus, type ProviderId } from '@/lib/providers/types';
import { getDocumentStorage } from '@/lib/storage/documents';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { withCarrierAsTheCarrier } from './carrier-labels';
import { portPinOf } from './port-pin';
import { closeStaffTaskIfOpen, openStaffTask } from './staff-tasks';
import { findPrice, getAccountDidTiers, numberPrice } from './pricing';
import { getConnectionAdapter } from './providers';
import { e911RequiredForRouting, routeNumbersUpstream, syncTrunkGroup } from './trunk-groups';

/** A submission the upstream could not take (down, slow): the job tries again after this. */
export const SUBMISSION_RETRY_MS = 2 * 60_000;
/** A status read that failed waits this many poll intervals before the next. */
const POLL_ERROR_BACKOFF = 3;
/** A submission held while its account is suspended is looked at again after this. */
export const SUSPENDED_RECHECK_MS = 10 * 60_000;
const RACED_MESSAGE = 'This number became live on the portal by another route while it was being ported; our porting team will sort it out with you.';

// --- Events ------------------------------------------------------------------------------------------

export type PortChange =
  | { type: 'port.submitted'; resubmitted?: boolean }
  | { type: 'port.foc_set'; focDate: string; previousFocDate: string | null; numbers?: string[] }
  | { type: 'port.exception'; code: PortExceptionCode; reason: string | null; numbers?: string[] }
  | { type: 'port.completed'; status: 'completed' | 'partially_completed'; numbers: string[]; completedAt: Date }
  | { type: 'port.cancelled'; by: PortActorKind; cancelledAt: Date };

/**
 * Records a `port.*` account event in the change's transaction; webhooks and notifications (for the
 * members with `technical.read`) are made from it by the dispatcher. Never the PIN, the account
 * number or a document.
 */
export async function notifyPortChange(tx: Tx, port: Pick<PortIn, 'id' | 'accountId' | 'reference' | 'requestedFocDate' | 'status'>, change: PortChange): Promise<void> {
  const base = { portInId: port.id, reference: port.reference };
  const liveNumbers = async () => (await listPortNumbers(tx, { portInId: port.id })).filter((number) => number.status !== 'cancelled').map((number) => number.e164);
  switch (change.type) {
    case 'port.submitted': {
      const data: AccountEventData<'port.submitted'> = { ...base, numbers: await liveNumbers(), requestedFocDate: port.requestedFocDate, resubmitted: change.resubmitted ?? false };
      await publishAccountEvent(tx, { accountId: port.accountId, type: 'port.submitted', data });
      return;
    }
    case 'port.foc_set': {
      const data: AccountEventData<'port.foc_set'> = { ...base, focDate: change.focDate, previousFocDate: change.previousFocDate, numbers: change.numbers ?? (await liveNumbers()) };
      await publishAccountEvent(tx, { accountId: port.accountId, type: 'port.foc_set', data });
      return;
    }
    case 'port.exception': {
      const data: AccountEventData<'port.exception'> = { ...base, code: change.code, reason: change.reason, numbers: change.numbers ?? (await liveNumbers()) };
      await publishAccountEvent(tx, { accountId: port.accountId, type: 'port.exception', data });
      return;
    }
    case 'port.completed': {
      const data: AccountEventData<'port.completed'> = { ...base, status: change.status, numbers: change.numbers, completedAt: change.completedAt.toISOString() };
      await publishAccountEvent(tx, { accountId: port.accountId, type: 'port.completed', data });
      return;
    }
    case 'port.cancelled': {
      const data: AccountEventData<'port.cancelled'> = { ...base, by: change.by, cancelledAt: change.cancelledAt.toISOString() };
      await publishAccountEvent(tx, { accountId: port.accountId, type: 'port.cancelled', data });
      return;
    }
  }
}

// --- Moving a port -----------------------------------------------------------------------------------

export interface PortActor {
  kind: PortActorKind;
  userId?: string | null;
}

/** What one number should become; `undefined` leaves it as it is. */
export interface NumberTarget {
  status: PortNumberStatus;
  exception?: PortException;
}

export interface PortMove {
  /** Per number (by E.164): its new state. Completed and cancelled numbers never move again. */
  targetOf: (number: PortInNumber) => NumberTarget | undefined;
  /** The order's word from whoever moves it: an exception on the order, or on some numbers while the rest go on. */
  orderStatus: PortStatus;
  /** Set: the committed date (null clears it); undefined: unchanged. */
  focDate?: string | null;
  exception?: PortException;
  /** A comment with the move (staff), on the status event. */
  comment?: { body: string; internal: boolean } | null;
  values?: Partial<typeof import('@/lib/db/schema').portIns.$inferInsert>;
}

export interface MoveOutcome {
  port: PortIn;
  changed: boolean;
  /** Numbers that just became live on the account (routing happens after commit). */
  completed: { e164: string; connectionId: string }[];
  refused?: string;
}

/**
 * The order's state from its numbers. Numbers the upstream refused while it goes on with the others
 * (VITCOM drops what it will not port) do not put the order in exception unless nothing else is left.
 */
export function orderStatusOf(statuses: readonly PortNumberStatus[], orderSays: PortStatus): PortStatus {
  const all = rollUpPortStatus(statuses);
  if (statuses.includes('completed') || orderSays === 'exception') return all;
  const going = statuses.filter((status) => status !== 'exception');
  return going.some((status) => status !== 'cancelled') ? rollUpPortStatus(going) : all;
}

const isFinal = (status: PortNumberStatus) => status === 'completed' || status === 'cancelled';
const held = (status: PortNumberStatus) => !isFinal(status) && status !== 'draft';

/**
 * Applies a move to the locked port: number states, the order's (checked by the state machine for
 * the actor; a forbidden one is recorded for staff and nothing moves), the FOC date, the exception,
 * completed numbers into My numbers, the timeline and the `port.*` events.
 */
export async function movePort(tx: Tx, port: PortIn, given: PortMove, actor: PortActor, now: Date): Promise<MoveOutcome> {
  const move: PortMove = {
    ...given,
    exception: customerException(given.exception),
    targetOf: (number) => {
      const target = given.targetOf(number);
      return target && { ...target, exception: customerException(target.exception) };
    },
  };
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  const next = new Map<string, NumberTarget>();
  for (const number of numbers) {
    if (isFinal(number.status) || number.status === 'draft') continue;
    const target = move.targetOf(number);
    if (!target) continue;
    const exceptionChanged = target.status === 'exception' && (number.exceptionCode !== target.exception?.code || customerText(number.exceptionMessage) !== (target.exception?.message ?? null));
    if (target.status !== number.status || exceptionChanged) next.set(number.id, target);
  }
  const statusesAfter = () => numbers.map((number) => next.get(number.id)?.status ?? number.status);
  let orderStatus = orderStatusOf(statusesAfter(), move.orderStatus);
  const refusal = forbidden(port, orderStatus, actor);
  if (refusal) return { port, changed: false, completed: [], refused: refusal };

  // Numbers completing become the account's; one live elsewhere already (a race) goes to exception instead.
  const completed: PortInNumber[] = [];
  const completing = numbers.filter((number) => next.get(number.id)?.status === 'completed');
  if (completing.length) {
    if (!port.connectionId) throw new Error(`port ${port.id} has no winning connection`);
    const prices = await getNumberPrices(tx);
    const tiers = await getAccountDidTiers(tx, { accountId: port.accountId, at: now });
    const account = (await getAccountById(tx, { accountId: port.accountId }))!;
    const routeNow = port.trunkGroupId && !(await e911RequiredForRouting(tx as unknown as Db, account));
    for (const number of completing) {
      const npa = number.e164.slice(2, 5);
      const kind = number.kind === 'toll_free' ? 'tollfree' : 'local';
      const price = numberPrice(findPrice(prices, { kind, npa, state: null }), tiers, number.e164);
      if (!price) log.warn('port_in.no_price', { portInId: port.id, kind });
      const inserted = await insertLiveNumberIfFree(tx, {
        accountId: port.accountId,
        e164: number.e164,
        kind,
        npa,
        rateCenter: number.rateCenter,
        connectionId: port.connectionId,
        monthly: price?.monthly ?? '0',
        portInId: port.id,
        trunkGroupRef: routeNow ? port.trunkGroupId : null,
        e911Status: 'none',
        activatedAt: now,
      });
      if (inserted) completed.push(number);
      else next.set(number.id, { status: 'exception', exception: { code: 'other', message: RACED_MESSAGE } });
    }
    orderStatus = orderStatusOf(statusesAfter(), move.orderStatus);
    const late = forbidden(port, orderStatus, actor);
    if (late) throw new Error(late);
  }

  for (const number of numbers) {
    const target = next.get(number.id);
    if (!target) continue;
    const leaving = isFinal(target.status);
    await updatePortNumber(tx, {
      id: number.id,
      values: {
        status: target.status,
        inFlight: !leaving,
        exceptionCode: target.status === 'exception' ? (target.exception?.code ?? move.exception?.code ?? 'other') : null,
        exceptionMessage: target.status === 'exception' ? (target.exception?.message ?? move.exception?.message ?? null) : null,
        completedAt: target.status === 'completed' ? now : number.completedAt,
      },
    });
  }

  const focChanged = move.focDate !== undefined && move.focDate !== port.focDate;
  const statusChanged = orderStatus !== port.status;
  const orderException = orderStatus === 'exception' ? customerException(move.exception ?? firstException(numbers, next)) : undefined;
  const exceptionChanged = orderStatus === 'exception' && (!!orderException && (orderException.code !== port.exceptionCode || orderException.message !== customerText(port.exceptionMessage)));
  const newlyRefused = numbers.filter((number) => next.get(number.id)?.status === 'exception');
  const changed = statusChanged || focChanged || next.size > 0 || exceptionChanged || !!move.values;
  if (!changed) return { port, changed: false, completed: [] };

  const values: Partial<typeof import('@/lib/db/schema').portIns.$inferInsert> = { ...move.values, status: orderStatus };
  if (focChanged) values.focDate = move.focDate;
  if (orderStatus === 'exception') {
    values.exceptionCode = orderException?.code ?? 'other';
    values.exceptionMessage = orderException?.message ?? null;
  } else if (port.status === 'exception') {
    values.exceptionCode = null;
    values.exceptionMessage = null;
  }
  if (orderStatus === 'completed') values.completedAt = now;
  if (orderStatus === 'cancelled') values.cancelledAt = now;
  const updated = await updatePortIn(tx, { portInId: port.id, values });

  const event = { portInId: port.id, accountId: port.accountId, actorKind: actor.kind, actorUserId: actor.userId ?? null };
  if (statusChanged) {
    await insertPortEvent(tx, {
      ...event,
      kind: 'status',
      fromStatus: port.status,
      toStatus: orderStatus,
      body: move.comment && !move.comment.internal ? move.comment.body : statusSentence(orderStatus, completed.length),
      createdAt: now,
    });
  }
  if (move.comment?.internal) await insertPortEvent(tx, { ...event, kind: 'comment', visibility: 'internal', body: move.comment.body, createdAt: now });
  else if (move.comment && !statusChanged) await insertPortEvent(tx, { ...event, kind: 'comment', body: move.comment.body, createdAt: now });
  if (focChanged && move.focDate) {
    await insertPortEvent(tx, { ...event, kind: 'foc', body: port.focDate ? `FOC date moved from ${port.focDate} to ${move.focDate}.` : `FOC date set: ${move.focDate}.`, detail: { focDate: move.focDate, previousFocDate: port.focDate }, createdAt: now });
    await notifyPortChange(tx, updated, { type: 'port.foc_set', focDate: move.focDate, previousFocDate: port.focDate });
  }
  if (newlyRefused.length) {
    const byCode = new Map<PortExceptionCode, { reason: string | null; numbers: string[] }>();
    for (const number of newlyRefused) {
      const target = next.get(number.id)!;
      const code = target.exception?.code ?? move.exception?.code ?? 'other';
      const entry = byCode.get(code) ?? { reason: target.exception?.message ?? move.exception?.message ?? null, numbers: [] };
      entry.numbers.push(number.e164);
      byCode.set(code, entry);
    }
    for (const [code, entry] of byCode) {
      await insertPortEvent(tx, {
        ...event,
        kind: 'exception',
        body: `${PORT_EXCEPTION_TEXT[code].label}${entry.reason ? `: ${entry.reason}` : ''} (${entry.numbers.length === numbers.filter((number) => held(number.status)).length ? 'the whole order' : entry.numbers.join(', ')})`,
        detail: { code, numbers: entry.numbers },
        createdAt: now,
      });
      await notifyPortChange(tx, updated, { type: 'port.exception', code, reason: entry.reason, numbers: entry.numbers });
    }
  } else if (exceptionChanged && orderException) {
    await insertPortEvent(tx, { ...event, kind: 'exception', body: `${PORT_EXCEPTION_TEXT[orderException.code].label}${orderException.message ? `: ${orderException.message}` : ''}`, detail: { code: orderException.code }, createdAt: now });
    await notifyPortChange(tx, updated, { type: 'port.exception', code: orderException.code, reason: orderException.message ?? null });
  }
  if (completed.length) {
    await insertPortEvent(tx, { ...event, kind: 'numbers', body: `${completed.length} number${completed.length === 1 ? '' : 's'} live on the account: ${completed.map((number) => number.e164).join(', ')}. Register their emergency address.`, detail: { completed: completed.map((number) => number.e164) }, createdAt: now });
    await notifyPortChange(tx, updated, { type: 'port.completed', status: orderStatus === 'completed' ? 'completed' : 'partially_completed', numbers: completed.map((number) => number.e164), completedAt: now });
  }
  if (statusChanged && orderStatus === 'cancelled') await notifyPortChange(tx, updated, { type: 'port.cancelled', by: actor.kind, cancelledAt: now });
  return { port: updated, changed: true, completed: completed.map((number) => ({ e164: number.e164, connectionId: port.connectionId! })) };
}

/**
 * A port's text as customers read it: our upstreams' names become "the carrier". Exceptions are
 * stored and published (page, API, `port.exception` webhooks) in these words; rows stored before
 * compare by the same wording, so they are not told again.
 */
export function customerText<T extends string | null>(text: T): T {
  return withCarrierAsTheCarrier(text, false);
}
function customerException(exception: PortException | undefined): PortException | undefined {
  return exception && { ...exception, message: customerText(exception.message) };
}

function forbidden(port: PortIn, to: PortStatus, actor: PortActor): string | undefined {
  if (to === port.status) return port.status === 'completed' || port.status === 'cancelled' ? `This port is ${PORT_STATUS_LABELS[port.status].toLowerCase()}; it can no longer change.` : undefined;
  if (canTransition(port.status, to, actor.kind)) return undefined;
  return `A port cannot go from ${PORT_STATUS_LABELS[port.status].toLowerCase()} to ${PORT_STATUS_LABELS[to].toLowerCase()}${actor.kind === 'customer' ? ' by the customer' : ''}.`;
}

function firstException(numbers: PortInNumber[], next: Map<string, NumberTarget>): PortException | undefined {
  for (const number of numbers) {
    const target = next.get(number.id);
    if (target?.status === 'exception' && target.exception) return target.exception;
    if (!target && number.status === 'exception' && number.exceptionCode) return { code: number.exceptionCode, message: number.exceptionMessage ?? '' };
  }
  return undefined;
}

function statusSentence(status: PortStatus, completed: number): string {
  switch (status) {
    case 'pending':
      return 'The losing carrier is reviewing the port.';
    case 'foc_scheduled':
      return 'The losing carrier committed to a date (FOC).';
    case 'exception':
      return 'The port ran into an exception; see what to fix.';
    case 'partially_completed':
      return `${completed} number${completed === 1 ? '' : 's'} ported; the others are not done yet.`;
    case 'completed':
      return 'Ported: the numbers are live on the account.';
    case 'cancelled':
      return 'Cancelled.';
    default:
      return `${PORT_STATUS_LABELS[status]}.`;
  }
}

/**
 * After a move commits: completed numbers are routed to the port's trunk group the way assigning
 * numbers to a group does (the group's copy applied at the upstream, then the numbers pointed at it),
 * and events are dispatched. A routing failure is recorded on the numbers, not thrown.
 */
export async function afterPortMove(port: PortIn, outcome: Pick<MoveOutcome, 'completed'>): Promise<void> {
  if (outcome.completed.length && port.trunkGroupId) {
    const db = await getDb();
    try {
      const account = await getAccountById(db, { accountId: port.accountId });
      const group = await getTrunkGroupByIdUnscoped(db, { trunkGroupId: port.trunkGroupId });
      if (account && group && !(await e911RequiredForRouting(db, account))) {
        if (group.status === 'active') await syncTrunkGroup(group.id);
        await routeNumbersUpstream(db, outcome.completed, group.status === 'active' ? group.id : null);
      }
    } catch (error) {
      log.error('port_in.route_failed', { portInId: port.id, error });
    }
  }
  dispatchAccountEventsSoon();
}

// --- The upstream's answer ---------------------------------------------------------------------------

const NUMBER_STATUS_OF: Partial<Record<PortInStatus, PortNumberStatus>> = {
  submitted: 'submitted',
  pending: 'pending',
  foc_scheduled: 'foc_scheduled',
  exception: 'exception',
  completed: 'completed',
  cancelled: 'cancelled',
};

/** What the upstream's answer means for the locked port; unknown words are kept for staff and move nothing. */
async function applyUpstreamInTx(tx: Tx, port: PortIn, upstream: UpstreamPort, now: Date): Promise<MoveOutcome> {
  if (upstream.status === 'unknown') {
    const isNewWord = !port.upstreamStatusUnknown || port.upstreamStatus !== upstream.upstreamStatus;
    if (!isNewWord) return { port, changed: false, completed: [] };
    const updated = await updatePortIn(tx, { portInId: port.id, values: { upstreamStatus: upstream.upstreamStatus, upstreamStatusUnknown: true } });
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'upstream', visibility: 'internal', actorKind: 'upstream', body: `Unknown carrier status “${upstream.upstreamStatus}”: the port is left ${PORT_STATUS_LABELS[port.status].toLowerCase()} until someone checks.`, detail: { upstreamStatus: upstream.upstreamStatus }, createdAt: now });
    log.warn('port_in.unknown_upstream_status', { portInId: port.id, upstreamStatus: upstream.upstreamStatus });
    return { port: updated, changed: true, completed: [] };
  }
  const perNumber = new Map((upstream.numberStatuses ?? []).map((entry) => [entry.e164, entry]));
  const orderTarget = NUMBER_STATUS_OF[upstream.status];
  const move: PortMove = {
    orderStatus: upstream.status === 'partially_completed' ? 'partially_completed' : (upstream.status as PortStatus),
    targetOf: (number) => {
      const own = perNumber.get(number.e164);
      const status = own ? NUMBER_STATUS_OF[own.status] : orderTarget;
      if (!status) return undefined;
      return { status, exception: status === 'exception' ? (own?.exception ?? upstream.exception ?? { code: 'other', message: upstream.message ?? upstream.upstreamStatus }) : undefined };
    },
    focDate: upstream.focDate ?? undefined,
    exception: upstream.exception,
    values: port.upstreamStatus !== upstream.upstreamStatus || port.upstreamStatusUnknown || (upstream.loaUrl && upstream.loaUrl !== port.upstreamLoaUrl) ? { upstreamStatus: upstream.upstreamStatus, upstreamStatusUnknown: false, ...(upstream.loaUrl ? { upstreamLoaUrl: upstream.loaUrl } : {}) } : undefined,
  };
  const outcome = await movePort(tx, port, move, { kind: 'upstream' }, now);
  if (outcome.refused) {
    // Recorded once per upstream word; the port stays as it is for staff to look at.
    if (port.upstreamStatus !== upstream.upstreamStatus) {
      await updatePortIn(tx, { portInId: port.id, values: { upstreamStatus: upstream.upstreamStatus } });
      await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'upstream', visibility: 'internal', actorKind: 'upstream', body: `Carrier status “${upstream.upstreamStatus}” not applied: ${outcome.refused}`, detail: { upstreamStatus: upstream.upstreamStatus }, createdAt: now });
    }
    log.warn('port_in.upstream_move_refused', { portInId: port.id, from: port.status, upstreamStatus: upstream.upstreamStatus });
  }
  return outcome;
}

/** Applies an upstream's view of the port (the poll, a submission's answer): see applyUpstreamInTx. */
export async function applyUpstreamPort(portInId: string, upstream: UpstreamPort, now: Date = new Date()): Promise<{ status: PortStatus; changed: boolean }> {
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port) return undefined;
    if (port.status === 'completed' || port.status === 'cancelled' || port.status === 'draft') return { port, changed: false, completed: [] };
    return applyUpstreamInTx(tx, port, upstream, now);
  });
  if (!outcome) return { status: 'draft', changed: false };
  if (outcome.changed) await afterPortMove(outcome.port, outcome);
  return { status: outcome.port.status, changed: outcome.changed };
}

// --- Submission --------------------------------------------------------------------------------------

const REFUSED_KINDS = new Set(['invalid', 'conflict', 'not_found', 'unsupported']);

async function documentFile(document: PortInDocument | undefined): Promise<PortInRequest['loa']> {
  if (!document) return undefined;
  const stored = await getDocumentStorage().get(document.storageKey);
  if (!stored) {
    log.error('port_in.document_missing', { documentId: document.id });
    return undefined;
  }
  return { filename: document.filename, contentType: document.contentType, content: new Uint8Array(stored.bytes) };
}

/**
 * Sends a submitted port to its upstream. The reference is the port's, with `-R<n>` for the n-th
 * resubmission, so a retry after a timeout finds the order the first try placed instead of placing
 * a second one. A refusal puts the port in exception with the upstream's words; an upstream that is
 * down or slow leaves it submitted for the `port-ins` job to send later.
 */
export async function sendPortToUpstream(portInId: string, now: Date = new Date()): Promise<{ status: PortStatus; message: string }> {
  const db = await getDb();
  const port = await getPortInById(db, { portInId });
  if (!port) return { status: 'draft', message: 'No such port-in.' };
  if (port.status !== 'submitted' || port.upstreamRef) return { status: port.status, message: `The port is ${PORT_STATUS_LABELS[port.status].toLowerCase()}.` };
  if (!port.connectionId) return refuse(port, { code: 'other', message: 'No carrier was chosen to win these numbers.' }, now);
  const suspended = await suspendedAccountOf(db, port.accountId);
  if (suspended) return holdWhileSuspended(port, suspended, now);
  const [numbers, documents, events] = await Promise.all([listPortNumbers(db, { portInId }), listCurrentPortDocuments(db, { portInId }), listPortEvents(db, { portInId, includeInternal: true })]);
  const reference = submissionReferenceOf(port, events);
  const loa = documents.find((document) => document.kind === 'signed_loa') ?? documents.find((document) => document.kind === 'loa');
  const bill = documents.find((document) => document.kind === 'bill');
  const address = port.serviceAddress;
  let carrier = 'The carrier';
  let answer: UpstreamPort;
  try {
    const { adapter, connection } = await getConnectionAdapter(port.connectionId);
    carrier = PROVIDER_NAMES[connection.provider as ProviderId] ?? connection.name;
    answer = await requireCapability(adapter, 'ports').submit({
      numbers: numbers.filter((number) => number.status === 'submitted').map((number) => number.e164),
      reference,
      subscriberType: port.subscriberType ?? 'business',
      losingCarrier: port.losingCarrier ?? undefined,
      accountNumber: port.accountNumber ?? '',
      pin: portPinOf(port),
      authorizedName: port.authorizedPerson ?? port.subscriberName ?? '',
      businessName: port.subscriberType === 'business' ? (port.subscriberName ?? undefined) : undefined,
      serviceAddress: { street: address?.street ?? '', unit: address?.unit, city: address?.city ?? '', state: address?.state ?? '', postalCode: address?.postalCode ?? '', country: address?.country ?? 'US' },
      billingTelephoneNumber: port.billingTelephoneNumber ?? undefined,
      requestedFocDate: port.requestedFocDate ?? undefined,
      loa: await documentFile(loa),
      bill: await documentFile(bill),
    });
  } catch (error) {
    if (isProviderError(error) && REFUSED_KINDS.has(error.providerKind)) {
      // The adapter's own sentence names the upstream ("VoiceTel rejected the request."): the reason is stored for customers.
      const words = customerText(error.upstreamMessage?.trim() || error.message);
      return refuse(port, portExceptionFrom(words, CARRIER_REJECTION_PATTERNS), now, carrier);
    }
    log.warn('port_in.submission_deferred', { portInId, error });
    // No answer, a 5xx or an unreadable one: the carrier may have the order, and the next try looks for it before sending.
    const unconfirmed = outcomeUnknown(error);
    await db.transaction(async (tx) => {
      const current = await lockPortIn(tx, { portInId });
      if (current?.status !== 'submitted' || current.upstreamRef) return;
      await updatePortIn(tx, { portInId, values: { nextPollAt: new Date(now.getTime() + SUBMISSION_RETRY_MS) } });
      if (!unconfirmed || (await unconfirmedSubmissionOf(tx, current)) === reference) return;
      await insertPortEvent(tx, {
        portInId,
        accountId: port.accountId,
        kind: 'upstream',
        actorKind: 'system',
        visibility: 'internal',
        body: `${carrier} did not confirm submission ${reference} (${errorText(error)}): it may have placed the order, so the next try looks for it there before sending again.`,
        detail: { unconfirmed: reference, connectionId: port.connectionId },
        createdAt: now,
      });
    });
    if (unconfirmed) {
      return { status: 'submitted', message: `Submitted. ${carrier} did not confirm that it took the order; in a few minutes we check with ${carrier} and send it again only if it did not.` };
    }
    return { status: 'submitted', message: `Submitted. ${carrier} could not take it right now; we will send it again in a few minutes.` };
  }

  const connection = await getConnectionAdapter(port.connectionId);
  const interval = requireCapability(connection.adapter, 'ports').statusPollIntervalMs;
  const outcome = await db.transaction(async (tx) => {
    const current = await lockPortIn(tx, { portInId });
    if (current?.status === 'cancelled' && !current.upstreamRef) {
      // Cancelled while the order was on its way: keep what the upstream made, and have staff withdraw it.
      await updatePortIn(tx, { portInId, values: { upstreamRef: answer.portRef, upstreamStatus: answer.upstreamStatus } });
      await insertPortEvent(tx, { portInId, accountId: port.accountId, kind: 'upstream', actorKind: 'system', visibility: 'internal', body: `${carrier} had already taken it as order ${answer.portRef}; staff are asked to withdraw it.`, detail: { upstreamRef: answer.portRef, connectionId: port.connectionId }, createdAt: now });
      await openWithdrawPortTask(tx, { ...current, upstreamRef: answer.portRef });
      return undefined;
    }
    if (!current || current.status !== 'submitted' || current.upstreamRef) return undefined;
    const sent = await updatePortIn(tx, {
      portInId,
      values: { upstreamRef: answer.portRef, upstreamStatus: answer.upstreamStatus, upstreamStatusUnknown: false, upstreamLoaUrl: answer.loaUrl ?? null, nextPollAt: new Date(now.getTime() + interval) },
    });
    await insertPortEvent(tx, { portInId, accountId: port.accountId, kind: 'upstream', actorKind: 'system', body: `Sent to ${carrier} as order ${answer.portRef}.`, detail: { upstreamRef: answer.portRef, connectionId: port.connectionId }, createdAt: now });
    return applyUpstreamInTx(tx, sent, answer, now);
  });
  if (!outcome) {
    const latest = (await getPortInById(db, { portInId }))!;
    return { status: latest.status, message: `The port is ${PORT_STATUS_LABELS[latest.status].toLowerCase()}.` };
  }
  await afterPortMove(outcome.port, outcome);
  if (outcome.port.status === 'exception' && outcome.port.exceptionCode) return { status: 'exception', message: exceptionSentence(outcome.port.exceptionCode, outcome.port.exceptionMessage) };
  return { status: outcome.port.status, message: `Submitted: ${carrier} has it as order ${answer.portRef}. We will tell you when the losing carrier answers.` };
}

/**
 * A port the customer cancelled after the upstream took it: ports have no cancel call upstream, so
 * the order would go on and the numbers arrive in no one's inventory. Staff withdraw it by hand.
 */
export async function openWithdrawPortTask(tx: Tx, port: Pick<PortIn, 'id' | 'accountId' | 'reference' | 'connectionId' | 'upstreamRef' | 'status'>): Promise<void> {
  if (!port.upstreamRef) return openUnconfirmedSubmissionTask(tx, port);
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  await openStaffTask(tx, {
    accountId: port.accountId,
    kind: 'withdraw_port',
    subject: { type: 'port_in', id: port.id },
    connectionId: await orderConnectionOf(tx, port),
    title: `Withdraw port order ${port.upstreamRef} (${port.reference}): the customer cancelled it`,
    detail: `Ask the carrier to cancel its order ${port.upstreamRef} for ${numbers.map((number) => number.e164).join(', ')}. Until it does, the numbers may still move to the carrier account without belonging to any customer.`,
  });
}

/** The reference a submission is sent under: the port's, with `-R<n>` for the n-th resubmission. */
function submissionReferenceOf(port: Pick<PortIn, 'reference'>, events: { event: { kind: string; toStatus: PortStatus | null } }[]): string {
  const resubmissions = events.filter(({ event }) => event.kind === 'status' && event.toStatus === 'submitted').length - 1;
  return resubmissions > 0 ? `${port.reference}-R${resubmissions}` : port.reference;
}

/** The submission the carrier never confirmed and the port is still waiting on, if its latest one is that. */
async function unconfirmedSubmissionOf(db: Db | Tx, port: Pick<PortIn, 'id' | 'reference' | 'status' | 'upstreamRef'>): Promise<string | undefined> {
  if (port.status !== 'submitted' || port.upstreamRef) return undefined;
  const events = await listPortEvents(db, { portInId: port.id, includeInternal: true });
  const reference = submissionReferenceOf(port, events);
  return events.some(({ event }) => event.detail?.unconfirmed === reference) ? reference : undefined;
}

/**
 * A port cancelled while its submission's outcome is unknown (no answer, a 5xx, an unreadable one):
 * the carrier may have placed the order all the same, so staff check there and withdraw it.
 */
async function openUnconfirmedSubmissionTask(tx: Tx, port: Pick<PortIn, 'id' | 'accountId' | 'reference' | 'connectionId' | 'upstreamRef' | 'status'>): Promise<void> {
  const reference = await unconfirmedSubmissionOf(tx, port);
  if (!reference) return;
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  await openStaffTask(tx, {
    accountId: port.accountId,
    kind: 'withdraw_port',
    subject: { type: 'port_in', id: port.id },
    connectionId: port.connectionId,
    title: `Check the carrier for port ${reference} (${port.reference}): the customer cancelled it while its submission was unconfirmed`,
    detail: `The carrier never confirmed submission ${reference} for ${numbers.map((number) => number.e164).join(', ')}; it may have placed (and charged) the order all the same. Look for a port order of these numbers made since the submission, and ask the carrier to cancel it if there is one.`,
  });
}

function outcomeUnknown(error: unknown): boolean {
  if (!isProviderError(error)) return false;
  const outcome = callOutcomeOf(error);
  return outcome === 'timeout' || outcome === 'server_error' || outcome === 'unreachable' || outcome === 'malformed';
}

// --- Suspended accounts ------------------------------------------------------------------------------

/** The port's account, or the account above it that is suspended now: nothing new is sent to a carrier for it. */
export async function suspendedAccountOf(db: Db | Tx, accountId: string): Promise<Account | undefined> {
  const account = await getAccountById(db, { accountId });
  if (!account) return undefined;
  return (await getAccountsOnPath(db, { path: account.path })).find((candidate) => candidate.status === 'suspended');
}

const HELD_WHILE_SUSPENDED = 'suspended';

/**
 * A submission of a suspended account is not sent (the carrier charges per number): the port says so
 * once, and the `port-ins` job sends it once the account is active again.
 */
async function holdWhileSuspended(port: PortIn, suspended: Account, now: Date): Promise<{ status: PortStatus; message: string }> {
  const db = await getDb();
  const whose = suspended.id === port.accountId ? 'this account is suspended' : `${suspended.name}, the account this one belongs to, is suspended`;
  const message = `Not sent to the carrier: ${whose}. It will be sent once the account is active again.`;
  await db.transaction(async (tx) => {
    const current = await lockPortIn(tx, { portInId: port.id });
    if (current?.status !== 'submitted' || current.upstreamRef) return;
    await updatePortIn(tx, { portInId: port.id, values: { nextPollAt: new Date(now.getTime() + SUSPENDED_RECHECK_MS) } });
    const latest = await getLatestPortEvent(tx, { portInId: port.id, kind: 'upstream' });
    if (latest?.detail?.notSent !== HELD_WHILE_SUSPENDED) {
      await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'upstream', actorKind: 'system', body: message, detail: { notSent: HELD_WHILE_SUSPENDED, suspendedAccountId: suspended.id }, createdAt: now });
    }
  });
  log.info('port_in.held_while_suspended', { portInId: port.id, suspendedAccountId: suspended.id });
  dispatchAccountEventsSoon();
  return { status: 'submitted', message };
}

// --- The order a resubmission leaves behind ----------------------------------------------------------

/**
 * What the carrier says of the order a port in exception still names, asked before the port is sent
 * again as a new order (ports have no cancel or supplement call upstream): ended there, ported,
 * still open, or unknown (the carrier could not be asked).
 */
export type PreviousOrder = { upstreamRef: string; connectionId: string | null } & (
  | { state: 'ended'; word: string }
  | { state: 'ported'; word: string; upstream: UpstreamPort }
  | { state: 'open'; word: string }
  | { state: 'unknown'; error: string }
);

/**
 * The connection that holds the port's carrier order: the one it was sent through (recorded on the
 * "Sent" event), since a port in exception may have chosen another carrier since.
 */
export async function orderConnectionOf(db: Db | Tx, port: Pick<PortIn, 'id' | 'upstreamRef' | 'connectionId'>): Promise<string | null> {
  if (!port.upstreamRef) return port.connectionId;
  const sent = (await listPortEvents(db, { portInId: port.id, includeInternal: true })).findLast(({ event }) => event.kind === 'upstream' && event.detail?.upstreamRef === port.upstreamRef);
  const recorded = sent?.event.detail?.connectionId;
  return typeof recorded === 'string' ? recorded : port.connectionId;
}

/** Staff-task subject of an order a port left behind: `<port id>/<carrier's order>`. */
const PREVIOUS_ORDER_SUBJECT = 'port_in_order';

/** Asks the connection that holds the order what it says of it; never throws. */
export async function askAboutOrder(portInId: string, upstreamRef: string, connectionId: string | null): Promise<PreviousOrder> {
  const order = { upstreamRef, connectionId };
  if (!connectionId) return { ...order, state: 'unknown', error: 'no carrier connection is recorded for it' };
  try {
    const { adapter } = await getConnectionAdapter(connectionId);
    const upstream = await requireCapability(adapter, 'ports').get(upstreamRef);
    if (!upstream) return { ...order, state: 'ended', word: 'no such order at the carrier' };
    if (upstream.status === 'exception' || upstream.status === 'cancelled') return { ...order, state: 'ended', word: upstream.upstreamStatus };
    if (upstream.status === 'completed' || upstream.status === 'partially_completed') return { ...order, state: 'ported', word: upstream.upstreamStatus, upstream };
    return { ...order, state: 'open', word: upstream.upstreamStatus };
  } catch (error) {
    log.warn('port_in.previous_order_unread', { portInId, upstreamRef, error });
    return { ...order, state: 'unknown', error: errorText(error) };
  }
}

/**
 * Before a port in exception is sent again: its earlier order is asked about. One the carrier has
 * ported is applied to the port instead (its numbers become the account's) and the resubmission is
 * refused; the answer is handed to `leavePreviousOrder` in the resubmission's transaction.
 */
export async function checkPreviousOrder(port: PortIn, now: Date): Promise<PreviousOrder | null> {
  if (port.status !== 'exception' || !port.upstreamRef) return null;
  const db = await getDb();
  const previous = await askAboutOrder(port.id, port.upstreamRef, await orderConnectionOf(db, port));
  if (previous.state !== 'ported') return previous;
  // The answer moves the port only if it is still about the port's current order.
  const applied = previous.connectionId === port.connectionId ? await applyUpstreamPort(port.id, previous.upstream, now) : { status: port.status };
  if (applied.status === 'exception') return previous;
  throw new AppError('conflict:port_in', `The carrier has just reported the earlier order ported: the port is now ${PORT_STATUS_LABELS[applied.status].toLowerCase()}, and it was not sent again.`);
}

/**
 * In the resubmission's transaction, before the port forgets its order: an order that ended at the
 * carrier is noted; any other (open, ported, or one the carrier could not be asked about) gets a
 * withdraw task that the port's status reads follow until the carrier says it has ended, and the
 * customer is told.
 */
export async function leavePreviousOrder(tx: Tx, port: PortIn, asked: PreviousOrder | null): Promise<void> {
  if (!port.upstreamRef) return;
  // The port moved on while the carrier was being asked: that answer was about another order.
  const previous: PreviousOrder =
    asked?.upstreamRef === port.upstreamRef ? asked : { upstreamRef: port.upstreamRef, connectionId: await orderConnectionOf(tx, port), state: 'unknown', error: 'the port changed while the carrier was being asked' };
  // Written after the resubmission's own entry, in its order (no createdAt: the transaction's clock).
  const event = { portInId: port.id, accountId: port.accountId, kind: 'upstream' as const, actorKind: 'system' as const };
  if (previous.state === 'ended') {
    await insertPortEvent(tx, { ...event, visibility: 'internal', body: `The earlier carrier order ${previous.upstreamRef} has ended there (“${previous.word}”): nothing to withdraw.`, detail: { previousRef: previous.upstreamRef, settled: true } });
    return;
  }
  await openPreviousOrderTask(tx, port, previous);
  await insertPortEvent(tx, { ...event, visibility: 'internal', body: `The earlier carrier order ${previous.upstreamRef} ${previousOrderWhy(previous)}: staff are asked to withdraw it, and status reads follow it until it has ended.`, detail: { previousRef: previous.upstreamRef, settled: false } });
  await insertPortEvent(tx, {
    ...event,
    body:
      previous.state === 'unknown'
        ? 'We could not confirm with the carrier that the earlier order has ended. Our porting team is checking, and will have it withdrawn if it is still open; until then the numbers could still move under it.'
        : 'The carrier still has the earlier order open. Our porting team is asking the carrier to withdraw it; until then the numbers could still move under it.',
  });
}

function previousOrderWhy(previous: Exclude<PreviousOrder, { state: 'ended' }>): string {
  if (previous.state === 'open') return `is still open at the carrier (“${previous.word}”)`;
  if (previous.state === 'ported') return `was reported ported by the carrier (“${previous.word}”)`;
  return `could not be asked about (${previous.error})`;
}

async function openPreviousOrderTask(tx: Tx, port: PortIn, previous: Exclude<PreviousOrder, { state: 'ended' }>): Promise<void> {
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  const ported = previous.state === 'ported';
  await openStaffTask(tx, {
    accountId: port.accountId,
    kind: 'withdraw_port',
    subject: { type: PREVIOUS_ORDER_SUBJECT, id: `${port.id}/${previous.upstreamRef}` },
    connectionId: previous.connectionId,
    title: ported
      ? `Port order ${previous.upstreamRef} (${port.reference}) ported after the port was sent again: reconcile its numbers`
      : `Withdraw port order ${previous.upstreamRef} (${port.reference}): the port was sent again as a new order`,
    detail: ported
      ? `The carrier reports the earlier order ${previous.upstreamRef} ported (“${previous.word}”) after ${port.reference} was sent again as a new order: ${numbers.map((number) => number.e164).join(', ')} may be on our carrier account without belonging to any customer. Complete the port by hand if the new order does not, and have the new order withdrawn.`
      : `${port.reference} was sent again after an exception while its earlier order ${previous.upstreamRef} ${previousOrderWhy(previous)}. Ask the carrier to cancel ${previous.upstreamRef} for ${numbers.map((number) => number.e164).join(', ')}: until it does, the numbers may move under it without belonging to any customer. The port's status reads ask the carrier about it and close this task once it has ended there.`,
  });
}

/** The open withdraw tasks of orders this port left behind, newest first. */
export async function listPreviousOrderTasks(db: Db | Tx, { portInId }: { portInId: string }) {
  return getOpenStaffTasksBySubjectPrefix(db, { subjectType: PREVIOUS_ORDER_SUBJECT, prefix: `${portInId}/` });
}

/**
 * Asks the carrier about each order this port left behind that staff have not yet closed: one that has
 * ended there closes its task (the customer is told); one that ported turns its task into a reconcile.
 */
export async function followPreviousOrders(port: Pick<PortIn, 'id' | 'accountId' | 'reference'>, now: Date = new Date()): Promise<void> {
  const db = await getDb();
  for (const task of await listPreviousOrderTasks(db, { portInId: port.id })) {
    const upstreamRef = task.subjectId.slice(port.id.length + 1);
    const previous = await askAboutOrder(port.id, upstreamRef, task.connectionId);
    if (previous.state === 'open' || previous.state === 'unknown') continue;
    const event = { portInId: port.id, accountId: port.accountId, kind: 'upstream' as const, actorKind: 'system' as const, createdAt: now };
    await db.transaction(async (tx) => {
      const current = await lockPortIn(tx, { portInId: port.id });
      if (!current) return;
      if (previous.state === 'ended') {
        const closed = await closeStaffTaskIfOpen(tx, { kind: 'withdraw_port', subject: { type: PREVIOUS_ORDER_SUBJECT, id: task.subjectId }, connectionId: task.connectionId });
        if (!closed) return;
        await insertPortEvent(tx, { ...event, visibility: 'internal', body: `The earlier carrier order ${upstreamRef} has ended there (“${previous.word}”): its withdraw task is closed.`, detail: { previousRef: upstreamRef, settled: true } });
        await insertPortEvent(tx, { ...event, body: 'The carrier’s earlier order has ended: the numbers can move only under the current order.' });
        return;
      }
      if (task.title.includes('reconcile')) return;
      await openPreviousOrderTask(tx, current, previous);
      await insertPortEvent(tx, { ...event, visibility: 'internal', body: `The earlier carrier order ${upstreamRef} was reported ported (“${previous.word}”): its numbers may be on our carrier account under no customer; see the staff task.`, detail: { previousRef: upstreamRef, settled: false, ported: true } });
    });
  }
}

function errorText(error: unknown): string {
  if (isProviderError(error)) {
    const words = error.upstreamMessage?.replace(/\s+/g, ' ').trim().slice(0, 160);
    return `${error.message}${words ? ` (${error.httpStatus ? `HTTP ${error.httpStatus}: ` : ''}${words})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function exceptionSentence(code: PortExceptionCode, message: string | null): string {
  const text = PORT_EXCEPTION_TEXT[code];
  return `${text.label}${message ? ` (“${message}”)` : ''}. ${text.fix}`;
}

/** The upstream refused the order itself: exception with its words; the numbers stay held by this port. */
async function refuse(port: PortIn, exception: PortException, now: Date, carrier = 'The carrier'): Promise<{ status: PortStatus; message: string }> {
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const current = await lockPortIn(tx, { portInId: port.id });
    if (!current || current.status !== 'submitted' || current.upstreamRef) return undefined;
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'upstream', actorKind: 'upstream', body: `${carrier} refused the order: ${exception.message}`, createdAt: now });
    return movePort(tx, current, { orderStatus: 'exception', exception, targetOf: (number) => (number.status === 'submitted' ? { status: 'exception', exception } : undefined) }, { kind: 'upstream' }, now);
  });
  if (outcome) await afterPortMove(outcome.port, outcome);
  return { status: outcome?.port.status ?? port.status, message: exceptionSentence(exception.code, exception.message) };
}

// --- Polling -----------------------------------------------------------------------------------------

/**
 * Asks the upstream about one port now and applies the answer; the next poll is one interval later
 * (longer after an error). `last_polled_at` is the last read that worked: failed ones are one staff
 * entry on the timeline per run (since when, how many, the latest error), never a fresh read. A read
 * that works also asks after the orders the port left behind.
 */
export async function pollPort(port: PortIn, now: Date = new Date()): Promise<{ ok: boolean; status: PortStatus; error?: string }> {
  const db = await getDb();
  let interval = 10 * 60_000;
  let upstream: UpstreamPort;
  try {
    const { adapter } = await getConnectionAdapter(port.connectionId!);
    const ports = requireCapability(adapter, 'ports');
    interval = ports.statusPollIntervalMs;
    const answer = await ports.get(port.upstreamRef!);
    if (!answer) throw new Error(`the carrier does not know order ${port.upstreamRef}`);
    upstream = answer;
  } catch (error) {
    log.warn('port_in.poll_failed', { portInId: port.id, error });
    const text = errorText(error);
    const failing = await getPollFailureRun(db, { portInId: port.id });
    await db.transaction(async (tx) => {
      await updatePortIn(tx, { portInId: port.id, values: { nextPollAt: new Date(now.getTime() + interval * POLL_ERROR_BACKOFF) } });
      const detail: PollFailureDetail = { pollFailed: true, error: text, lastFailedAt: now.toISOString(), attempts: (failing?.attempts ?? 0) + 1 };
      if (failing) return updatePollFailureRun(tx, { eventId: failing.eventId, detail });
      await insertPortEvent(tx, {
        portInId: port.id,
        accountId: port.accountId,
        kind: 'upstream',
        visibility: 'internal',
        actorKind: 'system',
        body: `Status reads failing: ${text}. The port stays as the last good read left it until a read works.`,
        detail: { ...detail },
        createdAt: now,
      });
    });
    return { ok: false, status: port.status, error: text };
  }
  const failing = await getPollFailureRun(db, { portInId: port.id });
  await db.transaction(async (tx) => {
    await updatePortIn(tx, { portInId: port.id, values: { lastPolledAt: now, nextPollAt: new Date(now.getTime() + interval) } });
    if (failing) {
      await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'upstream', visibility: 'internal', actorKind: 'system', body: `Status reads work again (${failing.attempts} had failed since ${failing.since.toISOString().slice(0, 16).replace('T', ' ')} UTC; the last: ${failing.lastError}).`, detail: { pollRecovered: true }, createdAt: now });
    }
  });
  await followPreviousOrders(port, now).catch((error: unknown) => log.error('port_in.previous_orders_follow_failed', { portInId: port.id, error }));
  try {
    const applied = await applyUpstreamPort(port.id, upstream, now);
    return { ok: true, status: applied.status };
  } catch (error) {
    log.error('port_in.poll_apply_failed', { portInId: port.id, error });
    return { ok: false, status: port.status, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The `port-ins` job (every minute): each port due for a status read is asked of its upstream (one
 * failing does not stop the others), and submissions an upstream could not take are sent again.
 */
export async function pollPortIns(now: Date = new Date()): Promise<{ polled: number; failed: number; sent: number }> {
  const db = await getDb();
  let polled = 0;
  let failed = 0;
  let sent = 0;
  for (const port of await listPortInsDueForPoll(db, { now })) {
    const result = await pollPort(port, now);
    if (result.ok) polled++;
    else failed++;
  }
  for (const port of await listPortInsAwaitingSubmission(db, { now })) {
    // Not one the customer's own request is sending right now: only after its retry time.
    if (port.submittedAt && now.getTime() - port.submittedAt.getTime() < SUBMISSION_RETRY_MS) continue;
    try {
      const result = await sendPortToUpstream(port.id, now);
      if (result.status !== 'submitted' || (await getPortInById(db, { portInId: port.id }))?.upstreamRef) sent++;
    } catch (error) {
      log.error('port_in.resubmission_failed', { portInId: port.id, error });
    }
  }
  return { polled, failed, sent };
}

