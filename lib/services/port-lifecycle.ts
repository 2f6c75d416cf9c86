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
import { getAccountById } from '@/lib/db/queries/accounts';
import { insertLiveNumberIfFree } from '@/lib/db/queries/numbers';
import {
  getPortInById,
  insertPortEvent,
  listCurrentPortDocuments,
  listPortEvents,
  listPortInsAwaitingSubmission,
  listPortInsDueForPoll,
  listPortNumbers,
  lockPortIn,
  updatePortIn,
  updatePortNumber,
} from '@/lib/db/queries/port-ins';
import { getNumberPrices } from '@/lib/db/queries/prices';
import { getTrunkGroupByIdUnscoped } from '@/lib/db/queries/trunk-groups';
import type { PortIn, PortInDocument, PortInNumber } from '@/lib/db/schema';
import type { AccountEventData } from '@/lib/api/events';
import { log } from '@/lib/log';
import { canTransition, PORT_STATUS_LABELS, rollUpPortStatus } from '@/lib/ports/state-machine';
import { PORT_EXCEPTION_TEXT, type PortActorKind, type PortExceptionCode, type PortNumberStatus, type PortStatus } from '@/lib/ports/types';
import { isProviderError, PROVIDER_NAMES } from '@/lib/providers/errors';
import { CARRIER_REJECTION_PATTERNS, portExceptionFrom } from '@/lib/providers/port-rejections';
import { requireCapability, type PortException, type PortIn as UpstreamPort, type PortInRequest, type PortInStatus, type ProviderId } from '@/lib/providers/types';
import { getDocumentStorage } from '@/lib/storage/documents';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { withCarrierAsTheCarrier } from './carrier-labels';
import { portPinOf } from './port-pin';
import { openStaffTask } from './staff-tasks';
import { findPrice, getAccountDidTiers, numberPrice } from './pricing';
import { getConnectionAdapter } from './providers';
import { e911RequiredForRouting, routeNumbersUpstream, syncTrunkGroup } from './trunk-groups';

/** A submission the upstream could not take (down, slow): the job tries again after this. */
export const SUBMISSION_RETRY_MS = 2 * 60_000;
/** A status read that failed waits this many poll intervals before the next. */
const POLL_ERROR_BACKOFF = 3;
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
  const [numbers, documents, events] = await Promise.all([listPortNumbers(db, { portInId }), listCurrentPortDocuments(db, { portInId }), listPortEvents(db, { portInId, includeInternal: true })]);
  const resubmissions = events.filter(({ event }) => event.kind === 'status' && event.toStatus === 'submitted').length - 1;
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
      reference: resubmissions > 0 ? `${port.reference}-R${resubmissions}` : port.reference,
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
    await db.transaction(async (tx) => {
      const current = await lockPortIn(tx, { portInId });
      if (current?.status === 'submitted' && !current.upstreamRef) await updatePortIn(tx, { portInId, values: { nextPollAt: new Date(now.getTime() + SUBMISSION_RETRY_MS) } });
    });
    return { status: 'submitted', message: `Submitted. ${carrier} could not take it right now; we will send it again in a few minutes.` };
  }

  const connection = await getConnectionAdapter(port.connectionId);
  const interval = requireCapability(connection.adapter, 'ports').statusPollIntervalMs;
  const outcome = await db.transaction(async (tx) => {
    const current = await lockPortIn(tx, { portInId });
    if (current?.status === 'cancelled' && !current.upstreamRef) {
      // Cancelled while the order was on its way: keep what the upstream made, and have staff withdraw it.
      await updatePortIn(tx, { portInId, values: { upstreamRef: answer.portRef, upstreamStatus: answer.upstreamStatus } });
      await insertPortEvent(tx, { portInId, accountId: port.accountId, kind: 'upstream', actorKind: 'system', visibility: 'internal', body: `${carrier} had already taken it as order ${answer.portRef}; staff are asked to withdraw it.`, detail: { upstreamRef: answer.portRef }, createdAt: now });
      await openWithdrawPortTask(tx, { ...current, upstreamRef: answer.portRef });
      return undefined;
    }
    if (!current || current.status !== 'submitted' || current.upstreamRef) return undefined;
    const sent = await updatePortIn(tx, {
      portInId,
      values: { upstreamRef: answer.portRef, upstreamStatus: answer.upstreamStatus, upstreamStatusUnknown: false, upstreamLoaUrl: answer.loaUrl ?? null, nextPollAt: new Date(now.getTime() + interval) },
    });
    await insertPortEvent(tx, { portInId, accountId: port.accountId, kind: 'upstream', actorKind: 'system', body: `Sent to ${carrier} as order ${answer.portRef}.`, detail: { upstreamRef: answer.portRef }, createdAt: now });
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
export async function openWithdrawPortTask(tx: Tx, port: Pick<PortIn, 'id' | 'accountId' | 'reference' | 'connectionId' | 'upstreamRef'>): Promise<void> {
  if (!port.upstreamRef) return;
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  await openStaffTask(tx, {
    accountId: port.accountId,
    kind: 'withdraw_port',
    subject: { type: 'port_in', id: port.id },
    connectionId: port.connectionId,
    title: `Withdraw port order ${port.upstreamRef} (${port.reference}): the customer cancelled it`,
    detail: `Ask the carrier to cancel its order ${port.upstreamRef} for ${numbers.map((number) => number.e164).join(', ')}. Until it does, the numbers may still move to the carrier account without belonging to any customer.`,
  });
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

/** Asks the upstream about one port now and applies the answer; the next poll is one interval later (longer after an error). */
export async function pollPort(port: PortIn, now: Date = new Date()): Promise<{ ok: boolean; status: PortStatus; error?: string }> {
  const db = await getDb();
  let interval = 10 * 60_000;
  try {
    const { adapter } = await getConnectionAdapter(port.connectionId!);
    const ports = requireCapability(adapter, 'ports');
    interval = ports.statusPollIntervalMs;
    const upstream = await ports.get(port.upstreamRef!);
    if (!upstream) throw new Error(`the upstream does not know order ${port.upstreamRef}`);
    await updatePortIn(db, { portInId: port.id, values: { lastPolledAt: now, nextPollAt: new Date(now.getTime() + interval) } });
    const applied = await applyUpstreamPort(port.id, upstream, now);
    return { ok: true, status: applied.status };
  } catch (error) {
    log.warn('port_in.poll_failed', { portInId: port.id, error });
    await updatePortIn(db, { portInId: port.id, values: { lastPolledAt: now, nextPollAt: new Date(now.getTime() + interval * POLL_ERROR_BACKOFF) } });
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
  for (const port of await listPortInsAwaitingSubmission(db)) {
    // Not one the customer's own request is sending right now: only after its retry time.
    const due = port.nextPollAt ?? port.submittedAt;
    if (!due || due.getTime() > now.getTime() || (port.submittedAt && now.getTime() - port.submittedAt.getTime() < SUBMISSION_RETRY_MS)) continue;
    try {
      const result = await sendPortToUpstream(port.id, now);
      if (result.status !== 'submitted' || (await getPortInById(db, { portInId: port.id }))?.upstreamRef) sent++;
    } catch (error) {
      log.error('port_in.resubmission_failed', { portInId: port.id, error });
    }
  }
  return { polled, failed, sent };
}

