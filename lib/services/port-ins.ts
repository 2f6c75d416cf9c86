import 'server-only';

/**
 * Port-in orders from the customer's side (issue 16): a draft saved at every wizard step, the
 * portability of each number through every upstream that can check it, the subscriber and the
 * losing carrier's account, the FOC date, the readiness check, and submission to the winning
 * upstream. What happens after submission (upstream status, staff, completion) is in
 * port-lifecycle.ts; documents are in port-documents.ts.
 *
 * Everything is scoped by the caller's account: another account's port is "not found", like an
 * unknown id. A port's numbers are held by it from submission on (`in_flight`): the database lets
 * one live port hold a number, so two ports of the same number cannot both be submitted.
 */
import { actorOwner, assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import {
  findLiveNumbers,
  findNumbersInFlight,
  getPortInByAccount,
  insertPortEvent,
  insertPortIn,
  listCurrentPortDocuments,
  listPortEvents,
  listPortInsByAccount,
  listPortNumbers,
  lockPortIn,
  portReferenceTaken,
  replacePortNumbers,
  updatePortIn,
  updatePortNumber,
  updatePortNumbersOfPort,
  type PortInListRow,
  type PortListPosition,
} from '@/lib/db/queries/port-ins';
import { getOpenStaffTasksBySubject, getOpenStaffTasksBySubjects } from '@/lib/db/queries/staff-tasks';
import { getTrunkGroupById } from '@/lib/db/queries/trunk-groups';
import type { PortIn, PortInDocument, PortInNumber } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { checkRequestedFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import { checkReadiness, type ReadinessInput, type ReadinessReport } from '@/lib/ports/readiness';
import { assertTransition, canTransition, ForbiddenPortTransition, PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { PORT_EXCEPTION_TEXT, PORT_WIZARD_STEPS, portDeliveryOf, type PortActorKind, type PortDelivery, type PortStatus, type PortWizardStep } from '@/lib/ports/types';
import { requireCapability } from '@/lib/providers/types';
import { newPortReference, parsePortNumbers, parsePortSubscriber, portConnectionSchema, portNumbersSchema, portScheduleSchema, type PortSubscriber } from '@/lib/validations/port-ins';
import type { z } from 'zod';
import { dispatchAccountEventsSoon } from './account-events';
import { upstreamLabels, withCarrierAsTheCarrier } from './carrier-labels';
import { recordAudit } from './audit';
import { checkPreviousOrder, customerText, leavePreviousOrder, notifyPortChange, openWithdrawPortTask, sendPortToUpstream, suspendedAccountOf } from './port-lifecycle';
import { getEnabledAdapters } from './providers';
import { portPinOf } from './port-pin';
import { sealSecret } from './secret-box';

type Executor = Db | Tx;

// --- Views -------------------------------------------------------------------------------------------

export interface PortNumberView {
  id: string;
  e164: string;
  kind: 'local' | 'toll_free';
  status: PortInNumber['status'];
  portable: boolean | null;
  portabilityReason: string | null;
  losingCarrier: string | null;
  rateCenter: string | null;
  /** Live on the portal already (this account or another). */
  alreadyOwned: boolean;
  /** Held by another live port (its reference when it is this account's). */
  inOtherPort: string | null;
  exception: { code: string; label: string; message: string | null } | null;
  completedAt: Date | null;
}

export interface PortDocumentView {
  id: string;
  kind: PortInDocument['kind'];
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  signedName: string | null;
  signedAt: Date | null;
  createdAt: Date;
}

export interface PortEventView {
  id: string;
  kind: string;
  fromStatus: PortStatus | null;
  toStatus: PortStatus | null;
  internal: boolean;
  actor: string;
  body: string | null;
  createdAt: Date;
}

export interface PortSummaryView {
  id: string;
  reference: string;
  label: string | null;
  status: PortStatus;
  statusLabel: string;
  step: PortWizardStep;
  numberCount: number;
  losingCarrier: string | null;
  subscriberName: string | null;
  connectionName: string | null;
  requestedFocDate: string | null;
  focDate: string | null;
  exceptionCode: string | null;
  accountId: string;
  accountName: string;
  updatedAt: Date;
  submittedAt: Date | null;
}

export interface PortDetailView extends PortSummaryView {
  version: number;
  connectionId: string | null;
  subscriberType: 'business' | 'residential' | null;
  authorizedPerson: string | null;
  accountNumber: string | null;
  /** The PIN is never sent back: only its last two characters, to show one is saved. */
  pinHint: string | null;
  wireless: boolean;
  billingTelephoneNumber: string | null;
  serviceAddress: PortIn['serviceAddress'];
  partialPort: boolean;
  remainingNumbers: string[];
  trunkGroupId: string | null;
  upstreamRef: string | null;
  upstreamLoaUrl: string | null;
  exception: { code: string; label: string; fix: string; message: string | null } | null;
  numbers: PortNumberView[];
  documents: PortDocumentView[];
  events: PortEventView[];
  /** Numbers grouped by losing carrier, as the portability step shows them. */
  byLosingCarrier: { losingCarrier: string; numbers: string[] }[];
  /** The upstreams that can win every portable number, best first. */
  candidates: { connectionId: string; name: string; portable: number; checked: number }[];
  canEdit: boolean;
  canSubmit: boolean;
  canCancel: boolean;
  /** Submitted, but the winning upstream could not take it yet: the `port-ins` job sends it again. */
  awaitingCarrier: boolean;
  /** Awaiting the carrier because the account (or one above it) is suspended: sent once it is active again. */
  heldWhileSuspended: boolean;
  /** The winning upstream has the order: cancelling it means staff asking the upstream to withdraw it. */
  carrierHasOrder: boolean;
  /** Cancelled by the customer while the upstream had the order, and staff have not yet withdrawn it there: the numbers may still move. */
  withdrawalPending: boolean;
  completedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
}

function summaryOf(row: PortInListRow): PortSummaryView {
  const { port } = row;
  return {
    id: port.id,
    reference: port.reference,
    label: port.label,
    status: port.status,
    statusLabel: PORT_STATUS_LABELS[port.status],
    step: port.step,
    numberCount: row.numberCount,
    losingCarrier: port.losingCarrier,
    subscriberName: port.subscriberName,
    connectionName: row.connectionName,
    requestedFocDate: port.requestedFocDate,
    focDate: port.focDate,
    exceptionCode: port.exceptionCode,
    accountId: port.accountId,
    accountName: row.accountName,
    updatedAt: port.updatedAt,
    submittedAt: port.submittedAt,
  };
}

export function actorLabel(kind: PortActorKind, name: string | null, email: string | null, { staffView, apiKey = false }: { staffView: boolean; apiKey?: boolean }): string {
  if (kind === 'upstream') return 'Carrier update';
  if (kind === 'system') return 'Carrier Portal';
  if (kind === 'staff') return staffView ? (email ?? 'staff') : 'Our porting team';
  return name ?? email ?? (apiKey ? 'API key' : 'Customer');
}

const WITHDRAWAL_PENDING_LABEL = 'Cancellation requested';

/** The draft's editable fields are the customer's until it is submitted, and again after an exception. */
const editable = (status: PortStatus) => status === 'draft' || status === 'exception';

// --- Reading -----------------------------------------------------------------------------------------

/**
 * The account's ports, latest change first; `before` and `limit` read one keyset page (each port carries its `position`).
 * A cancelled port whose order the upstream still has reads "Cancellation requested", as on its own page, until staff withdraw it.
 */
export async function listPortIns(
  access: AccountAccess,
  { statuses, before, limit }: { statuses?: PortStatus[]; before?: PortListPosition; limit?: number } = {},
): Promise<(PortSummaryView & { withdrawalPending: boolean; position: PortListPosition })[]> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const rows = await listPortInsByAccount(db, { accountId: access.account.id, statuses, before, limit });
  const withdrawable = rows.filter(({ port }) => port.status === 'cancelled' && port.upstreamRef).map(({ port }) => port.id);
  const openWithdrawals = await getOpenStaffTasksBySubjects(db, { accountId: access.account.id, kind: 'withdraw_port', subjectType: 'port_in', subjectIds: withdrawable });
  const pending = new Set(openWithdrawals.map((task) => task.subjectId));
  return rows.map((row) => {
    const withdrawalPending = pending.has(row.port.id);
    return {
      ...summaryOf({ ...row, connectionName: null }),
      ...(withdrawalPending ? { statusLabel: WITHDRAWAL_PENDING_LABEL } : {}),
      withdrawalPending,
      position: row.position,
    };
  });
}

async function portOf(db: Executor, access: AccountAccess, portInId: string): Promise<PortIn> {
  const port = await getPortInByAccount(db, { accountId: access.account.id, portInId });
  if (!port) throw new AppError('not_found:port_in', 'No such port-in on this account.');
  return port;
}

export async function getPortDetail(access: AccountAccess, portInId: string, { staffView = false }: { staffView?: boolean } = {}): Promise<PortDetailView> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const port = await portOf(db, access, portInId);
  return detailOf(db, port, { accountName: access.account.name, canWrite: access.permissions.has('technical.write') && !access.readOnly, staffView, viewerAccountId: access.account.id });
}

export async function detailOf(db: Executor, port: PortIn, { accountName, canWrite, staffView, viewerAccountId }: { accountName: string; canWrite: boolean; staffView: boolean; viewerAccountId: string | null }): Promise<PortDetailView> {
  const [numbers, documents, events, openTasks] = await Promise.all([
    listPortNumbers(db, { portInId: port.id }),
    listCurrentPortDocuments(db, { portInId: port.id }),
    listPortEvents(db, { portInId: port.id, includeInternal: staffView }),
    port.status === 'cancelled' && port.upstreamRef ? getOpenStaffTasksBySubject(db, { accountId: port.accountId, subjectType: 'port_in', subjectId: port.id }) : [],
  ]);
  const withdrawalPending = openTasks.some((task) => task.kind === 'withdraw_port');
  const awaitingCarrier = port.status === 'submitted' && portDeliveryOf(port) === 'deferred';
  const heldWhileSuspended = awaitingCarrier && !!(await suspendedAccountOf(db, port.accountId));
  const e164s = numbers.map((number) => number.e164);
  const [live, inFlight] = editable(port.status)
    ? await Promise.all([findLiveNumbers(db, { e164s }), findNumbersInFlight(db, { e164s, exceptPortInId: port.id })])
    : [[], []];
  const liveSet = new Set(live.map((row) => row.e164));
  const flightOf = new Map(inFlight.map((row) => [row.e164, staffView || row.accountId === viewerAccountId ? row.reference : 'another port']));
  const connectionNames = new Map<string, string>();
  const candidates = new Map<string, { connectionId: string; name: string; portable: number; checked: number }>();
  for (const number of numbers) {
    for (const answer of number.portability ?? []) {
      connectionNames.set(answer.connectionId, answer.provider);
      const entry = candidates.get(answer.connectionId) ?? { connectionId: answer.connectionId, name: answer.provider, portable: 0, checked: 0 };
      entry.checked++;
      if (answer.portable) entry.portable++;
      candidates.set(answer.connectionId, entry);
    }
  }
  const byCarrier = new Map<string, string[]>();
  for (const number of numbers) {
    if (number.status === 'cancelled') continue;
    const carrier = number.losingCarrier ?? 'Not known yet';
    byCarrier.set(carrier, [...(byCarrier.get(carrier) ?? []), number.e164]);
  }
  const pin = portPinOf(port);
  // Customers never learn which upstream carries their numbers (lib/services/carrier-labels.ts).
  const labels = upstreamLabels([...candidates.values()].map((candidate) => ({ connectionId: candidate.connectionId, provider: candidate.name })), staffView);
  const labelOf = (connectionId: string, name: string) => (staffView ? name : (labels.get(connectionId) ?? 'A carrier'));
  const scrub = <T extends string | null>(text: T): T => (staffView ? text : customerText(text));
  return {
    ...summaryOf({ port, numberCount: numbers.filter((number) => number.status !== 'cancelled').length, accountName, connectionName: port.connectionId && connectionNames.has(port.connectionId) ? labelOf(port.connectionId, connectionNames.get(port.connectionId)!) : null }),
    ...(withdrawalPending ? { statusLabel: WITHDRAWAL_PENDING_LABEL } : {}),
    version: port.version,
    connectionId: port.connectionId,
    subscriberType: port.subscriberType,
    authorizedPerson: port.authorizedPerson,
    accountNumber: port.accountNumber,
    pinHint: pin ? `••••${pin.slice(-2)}` : null,
    wireless: port.wireless,
    billingTelephoneNumber: port.billingTelephoneNumber,
    serviceAddress: port.serviceAddress,
    partialPort: port.partialPort,
    remainingNumbers: port.remainingNumbers,
    trunkGroupId: port.trunkGroupId,
    // The upstream's own order and LOA page are our porting team's business, not the customer's.
    upstreamRef: staffView ? port.upstreamRef : null,
    upstreamLoaUrl: staffView ? port.upstreamLoaUrl : null,
    exception: port.exceptionCode ? { code: port.exceptionCode, ...PORT_EXCEPTION_TEXT[port.exceptionCode], message: scrub(port.exceptionMessage) } : null,
    numbers: numbers.map((number) => ({
      id: number.id,
      e164: number.e164,
      kind: number.kind,
      status: number.status,
      portable: number.portable,
      portabilityReason: scrub(number.portabilityReason),
      losingCarrier: number.losingCarrier,
      rateCenter: number.rateCenter,
      alreadyOwned: liveSet.has(number.e164),
      inOtherPort: flightOf.get(number.e164) ?? null,
      exception: number.exceptionCode ? { code: number.exceptionCode, label: PORT_EXCEPTION_TEXT[number.exceptionCode].label, message: scrub(number.exceptionMessage) } : null,
      completedAt: number.completedAt,
    })),
    documents: documents.map((document) => ({
      id: document.id,
      kind: document.kind,
      filename: document.filename,
      contentType: document.contentType,
      sizeBytes: document.sizeBytes,
      sha256: document.sha256,
      signedName: document.signedName,
      signedAt: document.signedAt,
      createdAt: document.createdAt,
    })),
    events: events.map(({ event, actorEmail, actorName }) => ({
      id: event.id,
      kind: event.kind,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      internal: event.visibility === 'internal',
      actor: actorLabel(event.actorKind, actorName, actorEmail, { staffView, apiKey: event.actorApiKeyId !== null }),
      body: scrub(event.body),
      createdAt: event.createdAt,
    })),
    byLosingCarrier: [...byCarrier].map(([losingCarrier, list]) => ({ losingCarrier, numbers: list })),
    candidates: [...candidates.values()].sort((a, b) => b.portable - a.portable || a.name.localeCompare(b.name)).map((candidate) => ({ ...candidate, name: labelOf(candidate.connectionId, candidate.name) })),
    canEdit: canWrite && editable(port.status),
    canSubmit: canWrite && canTransition(port.status, 'submitted', 'customer'),
    canCancel: canWrite && canTransition(port.status, 'cancelled', 'customer'),
    awaitingCarrier,
    heldWhileSuspended,
    carrierHasOrder: port.status !== 'cancelled' && !!port.upstreamRef,
    withdrawalPending,
    completedAt: port.completedAt,
    cancelledAt: port.cancelledAt,
    createdAt: port.createdAt,
  };
}

// --- Writing the draft -------------------------------------------------------------------------------

/** Runs `change` on the locked port, refused unless the customer may still edit it; bumps the version. */
async function editPort<T>(access: AccountAccess, portInId: string, change: (tx: Tx, port: PortIn) => Promise<T>): Promise<T> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port || port.accountId !== access.account.id) throw new AppError('not_found:port_in', 'No such port-in on this account.');
    if (!editable(port.status)) throw new AppError('conflict:port_in', `This port is ${PORT_STATUS_LABELS[port.status].toLowerCase()}: it can no longer be changed.`);
    return change(tx, port);
  });
}

const laterStep = (current: PortWizardStep, reached: PortWizardStep): PortWizardStep =>
  PORT_WIZARD_STEPS.indexOf(reached) > PORT_WIZARD_STEPS.indexOf(current) ? reached : current;

function invalid(fieldErrors: Record<string, string[]>, message = 'Please check the highlighted fields.'): AppError {
  return new AppError('invalid:port_in', message, { fieldErrors });
}

/** A new draft; with `numbers`, its first step too, in the same transaction (bad numbers: no draft). */
export async function createPortDraft(access: AccountAccess, { label, numbers }: { label?: string | null; numbers?: string } = {}): Promise<{ id: string; reference: string }> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const owner = actorOwner(access);
  const cleanLabel = label?.trim().slice(0, 80) || null;
  const parsed = numbers === undefined ? undefined : portNumbersOf({ numbers }, { refusal: 'Some lines are not numbers we can port; no draft was created.', empty: 'List at least one number to port.' });
  return db.transaction(async (tx) => {
    // A reference collision is one in a billion; a second draw settles it.
    let reference = newPortReference();
    for (let attempt = 0; attempt < 3 && (await portReferenceTaken(tx, { reference })); attempt++) reference = newPortReference();
    const port = await insertPortIn(tx, { accountId: access.account.id, reference, label: cleanLabel, createdByUserId: owner.userId, createdByApiKeyId: owner.apiKeyId });
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'created', toStatus: 'draft', actorKind: 'customer', actorUserId: owner.userId, actorApiKeyId: owner.apiKeyId, body: 'Draft started.' });
    await recordAudit(tx, access, { accountId: access.account.id, action: 'port_in.created', targetType: 'port_in', targetId: port.id, after: { reference } });
    if (parsed) await writePortNumbers(tx, access, port, parsed);
    return { id: port.id, reference };
  });
}

export interface SavedNumbers {
  count: number;
  local: number;
  tollFree: number;
  duplicates: string[];
  alreadyOwned: string[];
  inOtherPort: string[];
}

type ParsedNumbers = ReturnType<typeof parsePortNumbers>;

/** The numbers of a paste or CSV, or a refusal naming the bad lines: nothing is written on a refusal. */
function portNumbersOf(input: unknown, { refusal, empty }: { refusal: string; empty: string }): ParsedNumbers {
  const parsed = portNumbersSchema.safeParse(input);
  if (!parsed.success) throw invalid({ numbers: parsed.error.issues.map((issue) => (issue.code === 'too_small' ? empty : issue.message)) }, refusal);
  const result = parsePortNumbers(parsed.data.numbers);
  if (result.errors.length) throw invalid({ numbers: result.errors.slice(0, 20).concat(result.errors.length > 20 ? [`…and ${result.errors.length - 20} more lines`] : []) }, refusal);
  if (!result.numbers.length) throw invalid({ numbers: [empty] }, refusal);
  return result;
}

async function writePortNumbers(tx: Tx, access: AccountAccess, port: PortIn, { numbers, duplicates }: ParsedNumbers): Promise<SavedNumbers> {
  const e164s = numbers.map((number) => number.e164);
  const [live, inFlight] = await Promise.all([findLiveNumbers(tx, { e164s }), findNumbersInFlight(tx, { e164s, exceptPortInId: port.id })]);
  await replacePortNumbers(tx, { portInId: port.id, accountId: port.accountId, numbers });
  const owner = actorOwner(access);
  await updatePortIn(tx, { portInId: port.id, values: { step: laterStep(port.step, 'portability'), connectionId: null, losingCarrier: null } });
  await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'numbers', actorKind: 'customer', actorUserId: owner.userId, actorApiKeyId: owner.apiKeyId, body: `${numbers.length} number${numbers.length === 1 ? '' : 's'} listed.` });
  return {
    count: numbers.length,
    local: numbers.filter((number) => number.kind === 'local').length,
    tollFree: numbers.filter((number) => number.kind === 'toll_free').length,
    duplicates,
    alreadyOwned: live.map((row) => row.e164),
    inOtherPort: inFlight.map((row) => row.e164),
  };
}

/** Step 1: the numbers, replacing the draft's list. Nothing is saved when any entry is not a number. */
export async function savePortNumbers(access: AccountAccess, portInId: string, input: unknown): Promise<SavedNumbers> {
  const parsed = portNumbersOf(input, { refusal: 'Some lines are not numbers we can port; nothing was saved.', empty: 'Paste the numbers to port, or choose a CSV file.' });
  return editPort(access, portInId, (tx, port) => writePortNumbers(tx, access, port, parsed));
}

export interface PortabilityOutcome {
  checked: number;
  portable: number;
  /** Upstreams that could not answer (down, rate-limited): the others' answers still count. */
  unavailable: { provider: string; message: string }[];
  connectionId: string | null;
}

/**
 * Step 2: asks every enabled upstream that ports whether each number can come to it, and keeps the
 * answers. The winning upstream is the one that can take the most numbers (the customer may pick
 * another that can take them all).
 */
export async function checkPortPortability(access: AccountAccess, portInId: string): Promise<PortabilityOutcome> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const port = await portOf(db, access, portInId);
  if (!editable(port.status)) throw new AppError('conflict:port_in', 'This port can no longer be changed.');
  const numbers = (await listPortNumbers(db, { portInId })).filter((number) => number.status !== 'cancelled');
  if (!numbers.length) throw invalid({ numbers: ['List the numbers first.'] }, 'List the numbers first.');
  const upstreams = await getEnabledAdapters('ports');
  if (!upstreams.length) throw new AppError('unavailable:port_in', 'No carrier that handles port-ins is connected; ask your carrier.');
  const answers = new Map<string, NonNullable<PortInNumber['portability']>>();
  const unavailable: PortabilityOutcome['unavailable'] = [];
  const e164s = numbers.map((number) => number.e164);
  await Promise.all(
    upstreams.map(async ({ connection, adapter }) => {
      try {
        const results = await requireCapability(adapter, 'ports').checkPortability(e164s);
        for (const result of results) {
          const list = answers.get(result.e164) ?? [];
          list.push({
            connectionId: connection.id,
            provider: connection.name,
            portable: result.portable && result.rateCenterPortable !== false,
            reason: result.reason ?? (result.rateCenterPortable === false ? 'Rate centre not covered by this carrier' : null),
            losingCarrier: result.losingCarrier ?? null,
            rateCenter: result.rateCenter ?? null,
          });
          answers.set(result.e164, list);
        }
      } catch (error) {
        log.warn('port portability check failed', { connectionId: connection.id, error: String(error) });
        const staff = access.user.isOperatorStaff;
        // A connection's name is ours to choose ("VoiceTel East"): the scrub below knows only providers' names.
        const message = error instanceof AppError ? error.message : staff ? `${connection.name} could not be reached.` : 'It could not be reached; check again in a few minutes.';
        unavailable.push({ provider: staff ? connection.name : 'One of our carriers', message: withCarrierAsTheCarrier(message, staff) });
      }
    }),
  );
  const tally = new Map<string, { portable: number; name: string }>();
  for (const list of answers.values()) {
    for (const answer of list) {
      if (!answer.portable) continue;
      const entry = tally.get(answer.connectionId) ?? { portable: 0, name: answer.provider };
      entry.portable++;
      tally.set(answer.connectionId, entry);
    }
  }
  // Ties go the way the step lists the candidates (by name), not to whichever upstream answered first.
  const best = [...tally].sort(([, a], [, b]) => b.portable - a.portable || a.name.localeCompare(b.name))[0]?.[0] ?? null;
  const most = Math.max(0, ...[...tally.values()].map((entry) => entry.portable));
  const connectionId = port.connectionId && tally.get(port.connectionId)?.portable === most ? port.connectionId : best;
  await editPort(access, portInId, async (tx, locked) => {
    const now = new Date();
    for (const number of numbers) await updatePortNumber(tx, { id: number.id, values: portabilityValues(answers.get(number.e164) ?? [], connectionId, now) });
    const carriers = new Set(numbers.map((number) => pickAnswer(answers.get(number.e164) ?? [], connectionId)?.losingCarrier).filter(Boolean));
    await updatePortIn(tx, {
      portInId: locked.id,
      values: { connectionId, losingCarrier: locked.losingCarrier ?? (carriers.size === 1 ? [...carriers][0]! : null), step: laterStep(locked.step, 'subscriber') },
    });
  });
  const portable = numbers.filter((number) => pickAnswer(answers.get(number.e164) ?? [], connectionId)?.portable).length;
  return { checked: numbers.length, portable, unavailable, connectionId };
}

const pickAnswer = (list: NonNullable<PortInNumber['portability']>, connectionId: string | null) => list.find((answer) => answer.connectionId === connectionId) ?? list[0];

function portabilityValues(list: NonNullable<PortInNumber['portability']>, connectionId: string | null, now: Date): Partial<PortInNumber> {
  const chosen = pickAnswer(list, connectionId);
  const losingCarrier = chosen?.losingCarrier ?? list.find((answer) => answer.losingCarrier)?.losingCarrier ?? null;
  return {
    portability: list,
    portable: chosen ? chosen.portable : null,
    portabilityReason: chosen && !chosen.portable ? (chosen.reason ?? 'Not portable to this carrier') : null,
    losingCarrier,
    rateCenter: chosen?.rateCenter ?? list.find((answer) => answer.rateCenter)?.rateCenter ?? null,
    rateCenterPortable: chosen ? chosen.portable || !/rate cent/i.test(chosen.reason ?? '') : null,
    checkedAt: now,
  };
}

/** Step 2 choice: another upstream among those that answered. */
export async function choosePortConnection(access: AccountAccess, portInId: string, input: unknown): Promise<void> {
  const connectionId = parsePortConnection(input);
  await editPort(access, portInId, (tx, port) => writePortConnection(tx, port, connectionId));
}

function parsePortConnection(input: unknown): string {
  const parsed = portConnectionSchema.safeParse(input);
  if (!parsed.success) throw invalid({ connectionId: parsed.error.issues.map((issue) => issue.message) });
  return parsed.data.connectionId;
}

async function writePortConnection(tx: Tx, port: PortIn, connectionId: string): Promise<void> {
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  if (!numbers.some((number) => number.portability?.some((answer) => answer.connectionId === connectionId))) {
    throw invalid({ connectionId: ['That carrier has not checked these numbers; run the portability check again.'] });
  }
  const now = new Date();
  for (const number of numbers) await updatePortNumber(tx, { id: number.id, values: portabilityValues(number.portability ?? [], connectionId, now) });
  await updatePortIn(tx, { portInId: port.id, values: { connectionId } });
}

/** Step 3: subscriber, the losing carrier's account and the service address. */
export async function savePortSubscriber(access: AccountAccess, portInId: string, input: unknown): Promise<void> {
  const parsed = parsePortSubscriber(input);
  if (!parsed.ok) throw invalid(parsed.fieldErrors);
  await editPort(access, portInId, (tx, port) => writePortSubscriber(tx, port, parsed.value));
}

async function writePortSubscriber(tx: Tx, port: PortIn, value: PortSubscriber): Promise<void> {
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  const ported = new Set(numbers.map((number) => number.e164));
  let remaining: string[] = [];
  if (value.partialPort) {
    const parsedRemaining = parsePortNumbers(value.remainingNumbers ?? '');
    if (parsedRemaining.errors.length) throw invalid({ remainingNumbers: parsedRemaining.errors.slice(0, 10) });
    remaining = parsedRemaining.numbers.map((number) => number.e164);
    const both = remaining.filter((e164) => ported.has(e164));
    if (both.length) throw invalid({ remainingNumbers: [`${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} being ported, so cannot also stay.`] });
    if (value.billingTelephoneNumber && ported.has(value.billingTelephoneNumber)) {
      throw invalid({ billingTelephoneNumber: ['In a partial port the billing telephone number stays with the losing carrier: remove it from the numbers, or port them all.'] });
    }
    if (value.billingTelephoneNumber && !remaining.includes(value.billingTelephoneNumber)) remaining.unshift(value.billingTelephoneNumber);
  }
  const pinSealed = value.clearPin ? null : value.pin ? sealSecret(value.pin) : port.pinSealed;
  await updatePortIn(tx, {
    portInId: port.id,
    values: {
      subscriberType: value.subscriberType,
      subscriberName: value.subscriberName,
      authorizedPerson: value.authorizedPerson,
      losingCarrier: value.losingCarrier ?? port.losingCarrier,
      accountNumber: value.accountNumber,
      pinSealed,
      wireless: value.wireless ?? false,
      billingTelephoneNumber: value.billingTelephoneNumber,
      serviceAddress: value.serviceAddress,
      partialPort: value.partialPort ?? false,
      remainingNumbers: remaining,
      step: laterStep(port.step, 'documents'),
    },
  });
}

type PortSchedule = z.output<typeof portScheduleSchema>;

function parsePortSchedule(input: unknown): { ok: true; value: PortSchedule } | { ok: false; fieldErrors: Record<string, string[]> } {
  const parsed = portScheduleSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
  return { ok: false, fieldErrors };
}

/** Step 5: the requested FOC date and where the numbers go once ported. */
export async function savePortSchedule(access: AccountAccess, portInId: string, input: unknown, now: Date = new Date()): Promise<void> {
  const parsed = parsePortSchedule(input);
  if (!parsed.ok) throw invalid(parsed.fieldErrors);
  await editPort(access, portInId, (tx, port) => writePortSchedule(tx, port, parsed.value, now));
}

async function writePortSchedule(tx: Tx, port: PortIn, schedule: PortSchedule, now: Date): Promise<void> {
  const numbers = await listPortNumbers(tx, { portInId: port.id });
  const kind = numbers.some((number) => number.kind === 'toll_free') ? 'toll_free' : 'local';
  const check = checkRequestedFocDate(schedule.requestedFocDate, now, minFocBusinessDays(kind, port.wireless));
  if (!check.ok) throw invalid({ requestedFocDate: [check.message] });
  if (schedule.trunkGroupId) {
    const group = await getTrunkGroupById(tx, { trunkGroupId: schedule.trunkGroupId, accountId: port.accountId });
    // Another account's group is "not found", as its id would be anywhere else.
    if (!group) throw new AppError('not_found:trunk_group', 'That trunk group is not in this account.', { fieldErrors: { trunkGroupId: ['Choose one of this account’s trunk groups.'] } });
  }
  await updatePortIn(tx, { portInId: port.id, values: { requestedFocDate: schedule.requestedFocDate, trunkGroupId: schedule.trunkGroupId, step: laterStep(port.step, 'review') } });
}

/** A change to a draft (or a port in exception) in one request: the public API's PATCH. Fields left out keep their saved values. */
export interface PortDraftPatch {
  numbers?: string | string[];
  connectionId?: string;
  subscriberType?: 'business' | 'residential';
  subscriberName?: string;
  authorizedPerson?: string;
  losingCarrier?: string | null;
  accountNumber?: string;
  /** null removes the saved PIN. */
  pin?: string | null;
  wireless?: boolean;
  billingTelephoneNumber?: string | null;
  partialPort?: boolean;
  remainingNumbers?: string[];
  serviceAddress?: { street: string; unit?: string; city: string; state: string; postalCode: string };
  requestedFocDate?: string;
  trunkGroupId?: string | null;
}

const SUBSCRIBER_FIELDS = ['subscriberType', 'subscriberName', 'authorizedPerson', 'losingCarrier', 'accountNumber', 'pin', 'wireless', 'billingTelephoneNumber', 'partialPort', 'remainingNumbers', 'serviceAddress'] as const;

/**
 * Changes any of the wizard's groups at once, all or nothing: every group is checked as its step
 * checks it (the subscriber and the schedule as whole steps, what the patch leaves out filled in from
 * the saved port), their refusals reported together, and the groups saved in the wizard's order in
 * one transaction, so a refusal by a later group (a FOC date too soon for the new numbers) saves none.
 */
export async function updatePortDraft(access: AccountAccess, portInId: string, patch: PortDraftPatch, now: Date = new Date()): Promise<void> {
  const fieldErrors: Record<string, string[]> = {};
  const refusalsOf = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof AppError) || !error.fieldErrors) throw error;
      for (const [field, messages] of Object.entries(error.fieldErrors)) (fieldErrors[field] ??= []).push(...messages);
      return undefined;
    }
  };
  const numbers =
    patch.numbers === undefined
      ? undefined
      : refusalsOf(() =>
          portNumbersOf({ numbers: Array.isArray(patch.numbers) ? patch.numbers.join('\n') : patch.numbers }, { refusal: 'Some lines are not numbers we can port; nothing was saved.', empty: 'Paste the numbers to port, or choose a CSV file.' }),
        );
  const connectionId = patch.connectionId === undefined ? undefined : refusalsOf(() => parsePortConnection({ connectionId: patch.connectionId }));
  await editPort(access, portInId, async (tx, locked) => {
    let subscriber: PortSubscriber | undefined;
    if (SUBSCRIBER_FIELDS.some((field) => patch[field] !== undefined)) {
      const address = patch.serviceAddress ?? locked.serviceAddress;
      const parsed = parsePortSubscriber({
        subscriberType: patch.subscriberType ?? locked.subscriberType ?? undefined,
        subscriberName: patch.subscriberName ?? locked.subscriberName ?? '',
        authorizedPerson: patch.authorizedPerson ?? locked.authorizedPerson ?? '',
        losingCarrier: patch.losingCarrier !== undefined ? patch.losingCarrier : locked.losingCarrier,
        accountNumber: patch.accountNumber ?? locked.accountNumber ?? '',
        ...(typeof patch.pin === 'string' && patch.pin ? { pin: patch.pin } : {}),
        clearPin: patch.pin === null,
        wireless: patch.wireless ?? locked.wireless,
        billingTelephoneNumber: (patch.billingTelephoneNumber !== undefined ? patch.billingTelephoneNumber : locked.billingTelephoneNumber) ?? '',
        partialPort: patch.partialPort ?? locked.partialPort,
        remainingNumbers: (patch.remainingNumbers ?? locked.remainingNumbers).join('\n'),
        street: address?.street ?? '',
        unit: address?.unit ?? '',
        city: address?.city ?? '',
        state: address?.state ?? '',
        postalCode: address?.postalCode ?? '',
      });
      if (parsed.ok) subscriber = parsed.value;
      else for (const [field, messages] of Object.entries(parsed.fieldErrors)) (fieldErrors[field] ??= []).push(...messages);
    }
    let schedule: PortSchedule | undefined;
    if (patch.requestedFocDate !== undefined || patch.trunkGroupId !== undefined) {
      const parsed = parsePortSchedule({
        requestedFocDate: patch.requestedFocDate ?? locked.requestedFocDate ?? '',
        trunkGroupId: (patch.trunkGroupId !== undefined ? patch.trunkGroupId : locked.trunkGroupId) ?? '',
      });
      if (parsed.ok) schedule = parsed.value;
      else for (const [field, messages] of Object.entries(parsed.fieldErrors)) (fieldErrors[field] ??= []).push(...messages);
    }
    if (Object.keys(fieldErrors).length) throw invalid(fieldErrors, 'Please check the highlighted fields; nothing was saved.');
    // Each group sees what the groups before it wrote (the new numbers, the new subscriber's wireless flag).
    const current = async () => (await lockPortIn(tx, { portInId: locked.id }))!;
    try {
      if (numbers) await writePortNumbers(tx, access, await current(), numbers);
      if (connectionId) await writePortConnection(tx, await current(), connectionId);
      if (subscriber) await writePortSubscriber(tx, await current(), subscriber);
      if (schedule) await writePortSchedule(tx, await current(), schedule, now);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid:port_in' && error.fieldErrors) throw invalid(error.fieldErrors, 'Please check the highlighted fields; nothing was saved.');
      throw error;
    }
  });
}

/** Moves the draft's "furthest step" marker when the customer navigates (never backwards). */
export async function reachPortStep(access: AccountAccess, portInId: string, step: PortWizardStep): Promise<void> {
  await editPort(access, portInId, async (tx, port) => {
    if (laterStep(port.step, step) !== port.step) await updatePortIn(tx, { portInId: port.id, values: { step } });
  });
}

// --- Readiness ---------------------------------------------------------------------------------------

/** The upstreams that answered the portability check for these numbers, once each (the first answer's name). */
function answeringUpstreams(numbers: readonly PortInNumber[]): { connectionId: string; provider: string }[] {
  const byConnection = new Map<string, { connectionId: string; provider: string }>();
  for (const answer of numbers.flatMap((number) => number.portability ?? [])) {
    if (!byConnection.has(answer.connectionId)) byConnection.set(answer.connectionId, { connectionId: answer.connectionId, provider: answer.provider });
  }
  return [...byConnection.values()];
}

/**
 * What the readiness check works from. Its sentences reach customers (the review step, the API, the
 * submit refusal), so the winning upstream is "Carrier 1"… as the portability step numbers it, and
 * the upstreams' own words lose our carriers' names; staff see the connection's name.
 */
export async function readinessInputOf(db: Executor, port: PortIn, now: Date, { staffView }: { staffView: boolean }): Promise<ReadinessInput> {
  const [numbers, documents] = await Promise.all([listPortNumbers(db, { portInId: port.id }), listCurrentPortDocuments(db, { portInId: port.id })]);
  const active = numbers.filter((number) => number.status !== 'cancelled');
  const e164s = active.map((number) => number.e164);
  const [live, inFlight] = await Promise.all([findLiveNumbers(db, { e164s }), findNumbersInFlight(db, { e164s, exceptPortInId: port.id })]);
  const liveSet = new Set(live.map((row) => row.e164));
  const flightSet = new Set(inFlight.map((row) => row.e164));
  const loa = documents.find((document) => document.kind === 'signed_loa') ?? documents.find((document) => document.kind === 'loa');
  const bill = documents.find((document) => document.kind === 'bill');
  const labels = upstreamLabels(answeringUpstreams(numbers), staffView);
  return {
    now,
    numbers: active.map((number) => ({
      e164: number.e164,
      kind: number.kind,
      portable: number.portable,
      reason: staffView ? number.portabilityReason : customerText(number.portabilityReason),
      losingCarrier: number.losingCarrier,
      rateCenter: number.rateCenter,
      rateCenterPortable: number.rateCenterPortable,
      alreadyOwned: liveSet.has(number.e164),
      inOtherPort: flightSet.has(number.e164),
    })),
    upstream: port.connectionId ? { connectionId: port.connectionId, label: labels.get(port.connectionId) ?? 'The chosen carrier' } : null,
    subscriber: port.subscriberType
      ? {
          type: port.subscriberType,
          name: port.subscriberName ?? '',
          authorizedPerson: port.authorizedPerson ?? '',
          accountNumber: port.accountNumber ?? '',
          pinProvided: !!port.pinSealed,
          wireless: port.wireless,
          btn: port.billingTelephoneNumber,
          serviceAddress: port.serviceAddress,
          partialPort: port.partialPort,
          remainingNumbers: port.remainingNumbers,
        }
      : null,
    requestedFocDate: port.requestedFocDate,
    documents: {
      loa: loa ? { source: loa.kind === 'signed_loa' ? 'signed' : 'uploaded', signed: loa.kind === 'signed_loa' || loa.kind === 'loa' } : null,
      bill: bill ? { present: true, text: bill.extractedText } : null,
    },
  };
}

/** The readiness check as the customer reads it (the upstreams numbered, never named), like getPortDetail. */
export async function getPortReadiness(access: AccountAccess, portInId: string, now: Date = new Date(), { staffView = false }: { staffView?: boolean } = {}): Promise<ReadinessReport> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const port = await portOf(db, access, portInId);
  return checkReadiness(await readinessInputOf(db, port, now, { staffView }));
}

// --- Submitting and cancelling -----------------------------------------------------------------------

/**
 * Submits (or, after an exception, resubmits) the port: refused unless the readiness check finds
 * no blocker. The numbers become held by this port in the same transaction, so a race with another
 * port of the same number ends with one of them refused. The upstream is then asked right away; if
 * it cannot be reached the port stays submitted and the `port-ins` job sends it later.
 */
export async function submitPortIn(access: AccountAccess, portInId: string, now: Date = new Date()): Promise<{ status: PortStatus; delivery: PortDelivery; message: string }> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const owner = actorOwner(access);
  // After an exception the port may still name a carrier order: the carrier is asked about it first.
  const previous = await checkPreviousOrder(await portOf(db, access, portInId), now);
  await db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port || port.accountId !== access.account.id) throw new AppError('not_found:port_in', 'No such port-in on this account.');
    try {
      assertTransition(port.status, 'submitted', 'customer');
    } catch (error) {
      if (error instanceof ForbiddenPortTransition) throw new AppError('conflict:port_in', error.message);
      throw error;
    }
    const report = checkReadiness(await readinessInputOf(tx, port, now, { staffView: access.user.isOperatorStaff }));
    if (!report.ready) {
      const blockers = report.findings.filter((finding) => !finding.ok && finding.severity === 'blocker');
      throw new AppError('unprocessable:port_not_ready', `Not ready to submit: ${blockers.map((finding) => finding.fix ?? finding.title).join(' ')}`);
    }
    const numbers = (await listPortNumbers(tx, { portInId: port.id })).filter((number) => number.status !== 'cancelled' && number.status !== 'completed');
    try {
      await tx.transaction(async (inner) => {
        for (const number of numbers) await updatePortNumber(inner, { id: number.id, values: { status: 'submitted', inFlight: true, exceptionCode: null, exceptionMessage: null } });
      });
    } catch (error) {
      if (String((error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code) === '23505') {
        throw new AppError('conflict:port_in', 'One of these numbers was just submitted in another port; check the numbers and try again.');
      }
      throw error;
    }
    await updatePortIn(tx, {
      portInId: port.id,
      values: { status: 'submitted', submittedAt: now, readinessScore: report.score, upstreamRef: null, upstreamStatus: null, upstreamStatusUnknown: false, exceptionCode: null, exceptionMessage: null, focDate: null, nextPollAt: now },
    });
    await insertPortEvent(tx, {
      portInId: port.id,
      accountId: port.accountId,
      kind: 'status',
      fromStatus: port.status,
      toStatus: 'submitted',
      actorKind: 'customer',
      actorUserId: owner.userId,
      actorApiKeyId: owner.apiKeyId,
      body: port.status === 'exception' ? `Corrected and resubmitted (readiness ${report.score}/100).` : `Submitted (readiness ${report.score}/100).`,
    });
    await leavePreviousOrder(tx, port, previous);
    await recordAudit(tx, access, { accountId: port.accountId, action: 'port_in.submitted', targetType: 'port_in', targetId: port.id, after: { reference: port.reference, numbers: numbers.length } });
    await notifyPortChange(tx, { ...port, status: 'submitted' }, { type: 'port.submitted', resubmitted: port.status === 'exception' });
  });
  dispatchAccountEventsSoon();
  const sent = await sendPortToUpstream(portInId);
  // The row, not the message, says whether the upstream has it: a page reloaded later reads the same.
  const after = await portOf(db, access, portInId);
  return { status: after.status, delivery: portDeliveryOf(after), message: access.user.isOperatorStaff ? sent.message : customerText(sent.message) };
}

export async function cancelPortIn(access: AccountAccess, portInId: string, { reason }: { reason?: string } = {}): Promise<void> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const owner = actorOwner(access);
  await db.transaction(async (tx) => {
    const port = await lockPortIn(tx, { portInId });
    if (!port || port.accountId !== access.account.id) throw new AppError('not_found:port_in', 'No such port-in on this account.');
    if (!canTransition(port.status, 'cancelled', 'customer')) throw new AppError('conflict:port_in', new ForbiddenPortTransition(port.status, 'cancelled', 'customer').message);
    await updatePortNumbersOfPort(tx, { portInId: port.id, values: { status: 'cancelled', inFlight: false }, onlyStatuses: ['draft', 'submitted', 'pending', 'foc_scheduled', 'exception'] });
    await updatePortIn(tx, { portInId: port.id, values: { status: 'cancelled', cancelledAt: new Date(), nextPollAt: null } });
    await insertPortEvent(tx, {
      portInId: port.id,
      accountId: port.accountId,
      kind: 'status',
      fromStatus: port.status,
      toStatus: 'cancelled',
      actorKind: 'customer',
      actorUserId: owner.userId,
      actorApiKeyId: owner.apiKeyId,
      body: reason?.trim().slice(0, 1000) || (port.status === 'draft' ? 'Draft discarded.' : 'Cancelled by the customer.'),
    });
    await recordAudit(tx, access, { accountId: port.accountId, action: 'port_in.cancelled', targetType: 'port_in', targetId: port.id, after: { reference: port.reference, from: port.status } });
    await openWithdrawPortTask(tx, port);
    // A draft was never announced: only a port that was submitted tells webhooks it is cancelled.
    if (port.status !== 'draft') await notifyPortChange(tx, { ...port, status: 'cancelled' }, { type: 'port.cancelled', by: 'customer', cancelledAt: new Date() });
  });
  dispatchAccountEventsSoon();
}

/** A public comment on the timeline by the customer (our staff add internal ones in the staff view). */
export async function addCustomerPortComment(access: AccountAccess, portInId: string, body: string): Promise<void> {
  assertCan(access, 'technical.write');
  const text = body.trim();
  if (!text) throw invalid({ body: ['Write the comment.'] });
  if (text.length > 4000) throw invalid({ body: ['At most 4,000 characters.'] });
  const db = await getDb();
  const port = await portOf(db, access, portInId);
  const owner = actorOwner(access);
  await insertPortEvent(db, { portInId: port.id, accountId: port.accountId, kind: 'comment', actorKind: 'customer', actorUserId: owner.userId, actorApiKeyId: owner.apiKeyId, body: text });
}
