import 'server-only';

/**
 * My numbers: the account's numbers as the cache knows them (paged, sorted and filtered in SQL),
 * their CSV export, release (recorded first, then the upstream is asked) and moves between
 * sub-accounts. Customers never see which upstream carries a number; operator staff do.
 */
import { assertCan, can, reachAccount, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getSubtreeByAccount } from '@/lib/db/queries/accounts';
import {
  countNumbersByAccountScope,
  getConnectionsByAccountScope,
  getLiveHoldersByE164s,
  getNumberEventsByAccountSubtree,
  getNumbersByAccountScope,
  getNumbersByAccountScopeAfter,
  getNumberIdByE164InSubtree,
  getOrderLineByNumber,
  getPhoneNumberById,
  markNumberReleased,
  moveNumberToAccount,
  restoreReleasedNumber,
  type NumberRow,
  type NumberScope,
} from '@/lib/db/queries/numbers';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { isProviderError } from '@/lib/providers/errors';
import { hasCapability, type ProviderAdapter } from '@/lib/providers/types';
import { NUMBER_COUNT_CAP, NUMBER_PAGE_SIZE, type NumberInventoryFilter, type NumberInventoryQuery } from '@/lib/validations/number-inventory';
import { formatDate, formatE164 } from '@/lib/format';
import { getTrunkGroupById } from '@/lib/db/queries/trunk-groups';
import { getOpenStaffTasksBySubject } from '@/lib/db/queries/staff-tasks';
import { toE164 } from '@/lib/phone-numbers';
import type { ApiNumber } from '@/lib/views/number-api';
import { csvRow } from '@/lib/views/audit-events';
import { recordAudit } from './audit';
import { providerNameOf, scrubProviderNames, withCarrierAsTheCarrier } from './carrier-labels';
import { assignE911Address, carryE911AddressToAccount, forgetNumberE911, getE911Address, unassignE911, type E911Status, type NumberE911Result } from './e911';
import { assignNumbers, e911RequiredForRouting, getTrunkGroupUpstreamLabels } from './trunk-groups';
import type { TrunkGroup } from '@/lib/db/schema';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { e911DetailFor, e911StatusOf } from './e911-numbers';
import { getRoutingOfNumbers, type NumberRoutingView } from './number-routing';
import { openStaffTask } from './staff-tasks';
import { translateRefusal } from './upstream-refusals';
import { getConnectionAdapter } from './providers';

/** Admins and owners see the whole subtree; everyone else the current account only. */
export function numberScopeOf(access: AccountAccess): NumberScope {
  // Visibility, not a change: a suspended account's admins still see their subtree.
  return { accountId: access.account.id, accountPath: access.account.path, subtree: access.permissions.has('subaccounts.manage') };
}

export interface NumberView {
  id: string;
  e164: string;
  accountId: string;
  accountName: string;
  kind: 'local' | 'tollfree';
  state: string | null;
  npa: string;
  rateCenter: string | null;
  status: 'active' | 'released' | 'missing_upstream';
  trunkGroupRef: string | null;
  e911Status: E911Status;
  e911AddressId: string | null;
  /** Why registration failed or is unsupported, as this viewer may read it (no carrier names for customers). */
  e911Detail?: string;
  /** The carrier's own words on a failed registration: operator staff only, on the number's page. */
  e911UpstreamDetail?: string;
  /** Only for roles that read billing (DESIGN.md §1: viewers and technical roles see no money). */
  monthly?: string;
  activatedAt: Date;
  releasedAt: Date | null;
  billedUntil: Date | null;
  lastSeenUpstreamAt: Date | null;
  /** Operator staff only. */
  upstream?: { connectionId: string; provider: string; providerName: string; connectionName: string };
}

/** Whether prices reach this viewer: as in the API, on Orders and at billing, only with billing.read. */
function seesNumberPrices(access: AccountAccess): boolean {
  return can(access, 'billing.read');
}

function viewOf(row: NumberRow, staff: boolean, withPrice = false): NumberView {
  return {
    id: row.id,
    e164: row.e164,
    accountId: row.accountId,
    accountName: row.accountName,
    kind: row.kind,
    state: row.state,
    npa: row.npa,
    rateCenter: row.rateCenter,
    status: row.status,
    trunkGroupRef: row.trunkGroupRef,
    e911Status: e911StatusOf(row.e911Status),
    e911AddressId: row.e911AddressId,
    e911Detail: e911DetailFor(e911StatusOf(row.e911Status), row.e911Detail, staff),
    ...(withPrice ? { monthly: row.monthly } : {}),
    activatedAt: row.activatedAt,
    releasedAt: row.releasedAt,
    billedUntil: row.billedUntil,
    lastSeenUpstreamAt: row.lastSeenUpstreamAt,
    upstream: staff ? { connectionId: row.connectionId, provider: row.provider, providerName: providerNameOf(row.provider), connectionName: row.connectionName } : undefined,
  };
}

/** The filter as this user may apply it: the account filter needs the subtree, the connection filter staff. */
function effectiveFilter(access: AccountAccess, scope: NumberScope, filter: Partial<NumberInventoryFilter>): Partial<NumberInventoryFilter> {
  return {
    ...filter,
    account: scope.subtree ? filter.account : undefined,
    connection: access.user.isOperatorStaff ? filter.connection : undefined,
  };
}

export interface NumberList {
  rows: NumberView[];
  total: { count: number; capped: boolean };
  page: number;
  pageSize: number;
  showAccount: boolean;
  showProvider: boolean;
  /** The Monthly column: for roles that read billing. */
  showPrice: boolean;
  /** The sort applied (a price sort falls back to the number for those who do not see prices). */
  sort: NumberInventoryQuery['view']['sort'];
}

export async function listAccountNumbers(access: AccountAccess, query: Pick<NumberInventoryQuery, 'filter' | 'view'>): Promise<NumberList> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const scope = numberScopeOf(access);
  const filter = effectiveFilter(access, scope, query.filter);
  const withPrice = seesNumberPrices(access);
  const { dir, page } = query.view;
  // Sorting by a price the viewer does not see would still give the prices' order away.
  const sort = query.view.sort === 'monthly' && !withPrice ? 'number' : query.view.sort;
  const [rows, total] = await Promise.all([
    getNumbersByAccountScope(db, { scope, filter, sort, dir, limit: NUMBER_PAGE_SIZE, offset: (page - 1) * NUMBER_PAGE_SIZE }),
    countNumbersByAccountScope(db, { scope, filter, cap: NUMBER_COUNT_CAP }),
  ]);
  const staff = access.user.isOperatorStaff;
  return { rows: rows.map((row) => viewOf(row, staff, withPrice)), total, page, pageSize: NUMBER_PAGE_SIZE, showAccount: scope.subtree, showProvider: staff, showPrice: withPrice, sort };
}

/** What the filter form offers beyond free text: the subtree's accounts, and connections for staff. */
export async function getNumberFilterOptions(access: AccountAccess) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const scope = numberScopeOf(access);
  const [subtree, connections] = await Promise.all([
    scope.subtree ? getSubtreeByAccount(db, { accountId: access.account.id, accountPath: access.account.path }) : Promise.resolve([]),
    access.user.isOperatorStaff ? getConnectionsByAccountScope(db, { scope }) : Promise.resolve([]),
  ]);
  return {
    accounts: subtree.length > 1 ? subtree.map((account) => ({ id: account.id, name: account.name, depth: account.depth - access.account.depth })) : [],
    connections: connections.map((connection) => ({ id: connection.id, label: `${providerNameOf(connection.provider)} · ${connection.name}` })),
  };
}

// ---------- the API's view ----------

/** Rows as the API answers them: routing as My numbers shows it, the price only for billing readers. */
async function toApiNumbers(access: AccountAccess, rows: NumberRow[]): Promise<ApiNumber[]> {
  const staff = access.user.isOperatorStaff;
  const live = rows.filter((row) => row.status !== 'released');
  const routing = live.length > 0 ? await getRoutingOfNumbers(access, live.map((row) => row.id)) : new Map<string, NumberRoutingView>();
  const withPrice = seesNumberPrices(access);
  return rows.map((row) => {
    const view = viewOf(row, staff);
    const route = routing.get(row.id);
    return {
      id: row.id,
      e164: row.e164,
      accountId: row.accountId,
      kind: row.kind,
      state: row.state,
      npa: row.npa,
      rateCenter: row.rateCenter,
      status: row.status,
      trunkGroup: row.trunkGroupRef ? { id: row.trunkGroupRef, name: route?.trunkGroup?.name ?? null } : null,
      e911: view.e911Status === 'none' && !row.e911AddressId ? null : { status: view.e911Status, addressId: row.e911AddressId, detail: view.e911Detail ?? null },
      routing: row.status === 'released' || !route ? null : { state: route.state, reason: route.reason ?? null },
      activatedAt: row.activatedAt.toISOString(),
      releasedAt: row.releasedAt?.toISOString() ?? null,
      billedUntil: row.billedUntil?.toISOString() ?? null,
      ...(withPrice ? { monthly: row.monthly } : {}),
    };
  });
}

/** The API's list: in number order after `after` (keyset on e164, id), `limit` rows; no count. */
export async function listAccountNumbersAfter(
  access: AccountAccess,
  { filter, after, limit }: { filter: Partial<NumberInventoryFilter>; after?: { e164: string; id: string }; limit: number },
): Promise<ApiNumber[]> {
  assertCan(access, 'technical.read');
  const scope = numberScopeOf(access);
  const rows = await getNumbersByAccountScopeAfter(await getDb(), { scope, filter: effectiveFilter(access, scope, filter), after, limit });
  return toApiNumbers(access, rows);
}

/** A number as typed (`+14155550123`, `4155550123`…) → its E.164, or not_found. */
export function e164FromPath(input: string): string {
  const text = input.includes('%') ? safeDecode(input) : input;
  const e164 = toE164(text) ?? (/^\+[1-9]\d{7,14}$/.test(text) ? text : undefined);
  if (!e164) throw new AppError('not_found:number', 'No number of this account matches that; give it in E.164, such as +14155550123.');
  return e164;
}

function safeDecode(text: string) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The account's (or subtree's) number `e164`: the live one, else the last released one; not_found otherwise. */
export async function findNumberIdByE164(access: AccountAccess, input: string): Promise<string> {
  assertCan(access, 'technical.read');
  const id = await getNumberIdByE164InSubtree(await getDb(), { e164: e164FromPath(input), accountPath: access.account.path });
  if (!id) throw new AppError('not_found:number', 'That number is not on this account.');
  return id;
}

export async function getApiNumber(access: AccountAccess, numberId: string): Promise<ApiNumber> {
  assertCan(access, 'technical.read');
  const [number] = await toApiNumbers(access, [await findNumber(access, numberId)]);
  return number!;
}

export interface NumberChangeOutcome {
  /** False when a carrier did not take part of the change. */
  complete: boolean;
  trunkGroup?: { changed: boolean; sync: TrunkGroup['syncStatus'] | null; upstreams: { label: string; ok: boolean; detail: string }[] };
  e911?: { status: E911Status; detail: string | null };
}

/**
 * The API's PATCH of one number: its emergency address (first, since an account may require one
 * registered before routing) and its trunk group, through the services My numbers uses, in the
 * number's own account. Every id is checked before anything changes; a refusal of the trunk group
 * after the emergency address changed says what that change did. Carriers answer at once; what
 * each did is in the outcome.
 */
export async function updateNumberSettings(
  access: AccountAccess,
  numberId: string,
  change: { trunkGroupId?: string | null; e911AddressId?: string | null },
): Promise<{ number: ApiNumber; outcome: NumberChangeOutcome }> {
  assertCan(access, 'technical.write');
  const number = await findNumber(access, numberId);
  if (number.status === 'released') throw new AppError('conflict:number_released', `${formatE164(number.e164)} has been released; it can no longer be changed.`);
  const db = await getDb();
  const numberAccess = number.accountId === access.account.id ? access : await reachAccount(db, access, number.accountId);
  assertCan(numberAccess, 'technical.write');
  if (change.e911AddressId) await getE911Address(numberAccess, change.e911AddressId);
  if (change.trunkGroupId && !(await getTrunkGroupById(db, { trunkGroupId: change.trunkGroupId, accountId: numberAccess.account.id }))) throw new AppError('not_found:trunk_group');
  if (change.trunkGroupId && change.e911AddressId === null && (await e911RequiredForRouting(db, numberAccess.account))) {
    throw new AppError('conflict:e911_required', 'This account requires a registered emergency address before a number can be routed to a trunk group, so its address cannot be removed while routing it. Nothing was changed.');
  }
  const staff = access.user.isOperatorStaff;
  const outcome: NumberChangeOutcome = { complete: true };
  if (change.e911AddressId !== undefined) {
    const [result] = change.e911AddressId ? await assignE911Address(numberAccess, { addressId: change.e911AddressId, numberIds: [number.id] }) : await unassignE911(numberAccess, [number.id]);
    outcome.e911 = { status: result!.status, detail: e911OutcomeDetail(result!, staff) };
    const wanted = change.e911AddressId ? ['registered', 'pending'] : ['none'];
    if (!wanted.includes(result!.status)) outcome.complete = false;
  }
  if (change.trunkGroupId !== undefined) {
    const { changed, sync } = await assignNumbers(numberAccess, { trunkGroupId: change.trunkGroupId, numberIds: [number.id] }).catch((error: unknown) => {
      throw outcome.e911 ? refusalAfterE911Change(error, outcome.e911, change.e911AddressId === null) : error;
    });
    const labels = change.trunkGroupId ? await getTrunkGroupUpstreamLabels(numberAccess, change.trunkGroupId) : new Map<string, string>();
    const upstreams = (sync?.upstreams ?? []).map((upstream) => {
      const label = labels.get(upstream.connectionId) ?? (staff ? providerNameOf(upstream.provider) : 'A carrier');
      return { label, ok: upstream.ok, detail: scrubProviderNames(upstream.detail, staff, label) };
    });
    outcome.trunkGroup = { changed: changed > 0, sync: sync?.status ?? null, upstreams };
    if (upstreams.some((upstream) => !upstream.ok)) outcome.complete = false;
  }
  const [view] = await toApiNumbers(access, [await findNumber(access, number.id)]);
  // A carrier that refused to point the number at its group leaves it on the default route: not a success either.
  if (change.trunkGroupId && view!.routing?.state === 'not_routed') outcome.complete = false;
  return { number: view!, outcome };
}

/** A registration's detail as the caller may read it: customers never learn which carrier holds the number. */
function e911OutcomeDetail(result: NumberE911Result, staff: boolean): string | null {
  if (!result.detail) return null;
  if (staff) return result.detail;
  // Its stored detail starts with the carrier's name ("VITCOM: the carrier of this number…").
  if (result.status === 'unsupported') return 'The carrier of this number cannot register emergency addresses through its API.';
  return withCarrierAsTheCarrier(result.detail, false);
}

/** The trunk group's refusal, with what the emergency address part of the request already did (it is not undone). */
function refusalAfterE911Change(error: unknown, e911: NonNullable<NumberChangeOutcome['e911']>, removal: boolean): unknown {
  if (!isAppError(error)) return error;
  const done = removal
    ? e911.status === 'none'
      ? 'its emergency address was removed'
      : `its emergency address was not removed${e911.detail ? ` (${e911.detail})` : ''}`
    : e911.status === 'registered'
      ? 'its emergency address was registered'
      : e911.status === 'pending'
        ? 'its emergency address was sent to the carrier and is pending'
        : `registering its emergency address ${e911.status === 'unsupported' ? 'is not supported by its carrier' : 'failed'}${e911.detail ? ` (${e911.detail})` : ''}`;
  return new AppError(error.code, `${error.message.replace(/\.?\s*$/, '.')} The trunk group was not changed, but ${done}.`, { fieldErrors: error.fieldErrors, cause: error, retryAfterMs: error.retryAfterMs, rateLimit: error.rateLimit });
}

// ---------- CSV ----------

export const CSV_EXPORT_BATCH = 1000;

const iso = (date: Date | null) => (date ? date.toISOString() : '');

/**
 * The filtered set as CSV, streamed: rows are read a batch at a time in number order (keyset on
 * e164, id), so 50,000 numbers never sit in memory as one string. Nothing is read until the
 * client starts reading. Cells are formula-safe, as in every export: a number's leading "+" too.
 */
export function exportNumbersCsv(access: AccountAccess, filter: Partial<NumberInventoryFilter>, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  assertCan(access, 'technical.read');
  const scope = numberScopeOf(access);
  const effective = effectiveFilter(access, scope, filter);
  const staff = access.user.isOperatorStaff;
  const withPrice = seesNumberPrices(access);
  const batchSize = options.batchSize ?? CSV_EXPORT_BATCH;
  const encoder = new TextEncoder();
  const header = [
    'number',
    ...(scope.subtree ? ['account'] : []),
    'kind',
    'state',
    'npa',
    'rate_center',
    'status',
    'trunk_group_ref',
    'e911_status',
    ...(withPrice ? ['monthly_usd'] : []),
    'activated_at',
    'released_at',
    'billed_until',
    ...(staff ? ['provider', 'connection'] : []),
  ];
  const cells = (row: NumberRow) => [
    row.e164,
    ...(scope.subtree ? [row.accountName] : []),
    row.kind,
    row.state,
    row.npa,
    row.rateCenter,
    row.status,
    row.trunkGroupRef,
    row.e911Status,
    ...(withPrice ? [row.monthly] : []),
    iso(row.activatedAt),
    iso(row.releasedAt),
    iso(row.billedUntil),
    ...(staff ? [providerNameOf(row.provider), row.connectionName] : []),
  ];
  let after: { e164: string; id: string } | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow(header)));
        return;
      }
      try {
        const rows = await getNumbersByAccountScopeAfter(await getDb(), { scope, filter: effective, after, limit: batchSize });
        if (rows.length > 0) controller.enqueue(encoder.encode(rows.map((row) => csvRow(cells(row))).join('')));
        const last = rows.at(-1);
        if (rows.length < batchSize || !last) controller.close();
        else after = { e164: last.e164, id: last.id };
      } catch (error) {
        log.error('numbers.export_failed', { accountId: access.account.id, error });
        controller.error(error);
      }
    },
  });
}

// ---------- one number ----------

async function findNumber(access: AccountAccess, numberId: string) {
  const number = await getPhoneNumberById(await getDb(), { numberId, accountPath: access.account.path });
  if (!number) throw new AppError('not_found:number', 'That number is not on this account.');
  return number;
}

export async function getNumberDetail(access: AccountAccess, numberId: string) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const number = await findNumber(access, numberId);
  const released = number.status === 'released';
  const withPrice = seesNumberPrices(access);
  const mayMove = can(access, 'subaccounts.manage') && !released;
  const mayRelease = can(access, 'technical.write') && !released;
  const [order, events, subtree, trunkGroup, releaseLeftToStaff, tasks] = await Promise.all([
    number.orderLineId ? getOrderLineByNumber(db, { orderLineId: number.orderLineId }) : Promise.resolve(undefined),
    access.permissions.has('audit.read') ? getNumberEventsByAccountSubtree(db, { numberId: number.id, accountPath: access.account.path }) : Promise.resolve([]),
    mayMove ? getSubtreeByAccount(db, { accountId: access.account.id }) : Promise.resolve([]),
    number.trunkGroupRef ? getTrunkGroupById(db, { trunkGroupId: number.trunkGroupRef, accountId: number.accountId }) : Promise.resolve(undefined),
    mayRelease ? releaseIsLeftToStaff(number.connectionId) : Promise.resolve(false),
    released ? getOpenStaffTasksBySubject(db, { accountId: number.accountId, subjectType: 'phone_number', subjectId: number.id }) : Promise.resolve([]),
  ]);
  return {
    number: { ...viewOf(number, access.user.isOperatorStaff, withPrice), ...(access.user.isOperatorStaff && number.e911Status === 'failed' && number.e911UpstreamDetail ? { e911UpstreamDetail: number.e911UpstreamDetail } : {}) },
    trunkGroup: trunkGroup ? { id: trunkGroup.id, name: trunkGroup.name, status: trunkGroup.status } : undefined,
    order: order
      ? {
          orderId: order.orderId,
          orderStatus: order.orderStatus,
          orderedAt: order.orderCreatedAt,
          completedAt: order.orderCompletedAt,
          lineStatus: order.lineStatus,
          lineReason: order.lineReason,
          ...(withPrice ? { monthly: order.lineMonthly, setup: order.lineSetup } : {}),
          lineUpdatedAt: order.lineUpdatedAt,
        }
      : undefined,
    events: events.map(({ event, accountName }) => ({ id: event.id, action: event.action, at: event.createdAt, actor: event.actorEmail, accountName, before: event.before, after: event.after })),
    moveTargets: subtree
      .filter((account) => account.id !== number.accountId && account.status === 'active')
      .map((account) => ({ id: account.id, name: account.name, depth: account.depth - access.account.depth })),
    mayRelease,
    /** Its carrier cannot release it through its API: a release here leaves staff to release it there. */
    releaseLeftToStaff,
    /** Released here, and our staff have yet to release it at the carrier. */
    awaitingCarrierRelease: tasks.some((task) => task.kind === 'release_at_carrier'),
    mayMove,
  };
}

/** Whether releasing a number of this connection is left to staff at the carrier (as releaseNumber would). */
async function releaseIsLeftToStaff(connectionId: string): Promise<boolean> {
  try {
    const { adapter } = await getConnectionAdapter(connectionId);
    return !hasCapability(adapter, 'numbers.release');
  } catch (error) {
    log.warn('numbers.release_capability_unknown', { connectionId, error });
    return false;
  }
}

/** The last instant of the calendar month (UTC) that `at` falls in: a released number is billed to there. */
export function endOfMonthUtc(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) - 1);
}

export interface ReleaseOutcome {
  numberId: string;
  e164: string;
  billedUntil: Date;
  /** Whether the carrier released it through its API; false where our staff release it there (a task is open for them). */
  upstreamReleased: boolean;
  alreadyReleased?: boolean;
  /** What the person who released it reads: no carrier named, and no promise that calls stop where staff still have to act. */
  message: string;
}

/**
 * Releases a number: the release is recorded (status, billing end, audit) before the upstream is
 * asked; if the upstream fails, the record is put back and the error names the provider, so the
 * number is never half released. Where the carrier has no release call, or the record can no longer
 * be put back, the release stands here and a task asks staff to release the number at the carrier.
 */
export async function releaseNumber(access: AccountAccess, numberId: string): Promise<ReleaseOutcome> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const number = await findNumber(access, numberId);
  // The number's own account decides: a suspended sub-account is read-only even to a parent's admin.
  const numberAccess = number.accountId === access.account.id ? access : await reachAccount(db, access, number.accountId);
  assertCan(numberAccess, 'technical.write');
  const formatted = formatE164(number.e164);
  const already = (billedUntil: Date): ReleaseOutcome => ({ numberId: number.id, e164: number.e164, billedUntil, upstreamReleased: false, alreadyReleased: true, message: `${formatted} was already released.` });
  if (number.status === 'released') return already(number.billedUntil ?? endOfMonthUtc(number.releasedAt ?? new Date()));
  const previousStatus = number.status;
  const releasedAt = new Date();
  const billedUntil = endOfMonthUtc(releasedAt);
  // Customers never see which upstream carries a number; staff find it in the log, audit and tasks.
  const carrier = access.user.isOperatorStaff ? providerNameOf(number.provider) : 'our carrier';

  let upstream: Awaited<ReturnType<typeof getConnectionAdapter>>;
  try {
    upstream = await getConnectionAdapter(number.connectionId);
  } catch (error) {
    log.warn('numbers.release_upstream_failed', { numberId: number.id, connectionId: number.connectionId, error });
    throw new AppError('unavailable:provider', translateRefusal(error, 'release', { carrier, number: formatted }).customer, { cause: error });
  }
  const providerName = providerNameOf(upstream.connection.provider);
  const release = upstream.adapter.numbers?.release;

  const recorded = await db.transaction(async (tx) => {
    const row = await markNumberReleased(tx, { numberId: number.id, releasedAt, billedUntil });
    if (!row) return false;
    await recordAudit(tx, numberAccess, {
      accountId: number.accountId,
      action: 'number.release',
      targetType: 'phone_number',
      targetId: number.id,
      before: { number: number.e164, status: previousStatus },
      after: { number: number.e164, status: 'released', billedUntil: billedUntil.toISOString() },
    });
    // Opened with the release itself, so a number released here is never forgotten at the carrier.
    if (!release) await openReleaseAtCarrierTask(tx, number, providerName, `${providerName} has no release call in its API.`);
    return true;
  });
  // A second click while the first is still with the upstream: that one decides.
  if (!recorded) return already(billedUntil);

  let upstreamReleased = false;
  if (release) {
    try {
      await removeE911BeforeRelease(upstream.adapter, number);
      await release.release(number.e164);
      upstreamReleased = true;
    } catch (error) {
      log.warn('numbers.release_upstream_failed', { numberId: number.id, connectionId: number.connectionId, error });
      const refused = translateRefusal(error, 'release', { carrier, number: formatted });
      if (!(await putBackAfterRefusedRelease(db, numberAccess, number, { releasedAt, previousStatus, error }))) {
        // The release freed the number here and another account took it (or the database failed us):
        // the release stands, and staff settle the carrier side.
        const [holder] = await getLiveHoldersByE164s(db, { e164s: [number.e164] });
        const why = holder
          ? `${providerName} did not release it (${refused.staffDetail}), and meanwhile account ${holder.accountId} took the number in the portal (connection ${holder.connectionId}): check who holds it at the carrier before releasing anything.`
          : `${providerName} did not release it (${refused.staffDetail}), and the portal could not put it back on the account.`;
        await openReleaseAtCarrierTask(db, number, providerName, why);
      } else {
        if (refused.staffTask) {
          const platformWide = refused.staffTask === 'credentials';
          await openStaffTask(db, {
            accountId: platformWide ? null : number.accountId,
            kind: refused.staffTask,
            subject: platformWide ? { type: 'provider_connection', id: number.connectionId } : { type: 'phone_number', id: number.id },
            connectionId: number.connectionId,
            title: platformWide ? 'A carrier rejects the connection’s credentials' : `Release of ${formatted} refused`,
            detail: refused.staffDetail,
          });
        }
        throw new AppError(isProviderError(error) ? error.code : 'unavailable:provider', refused.customer, { cause: error });
      }
    }
  } else {
    log.info('numbers.release_left_to_staff', { numberId: number.id, connectionId: number.connectionId });
  }
  // Published once the release stands (a refused release is put back above, and never announced).
  await publishAccountEvent(db, { accountId: number.accountId, type: 'number.released', data: { e164: number.e164, releasedAt: releasedAt.toISOString() } });
  dispatchAccountEventsSoon();
  if (number.e911AddressId || number.e911Status !== 'none') await forgetNumberE911(number.id);
  const bill = `It stays on your bill until ${formatDate(billedUntil, 'long')}.`;
  const message = upstreamReleased
    ? `${formatted} is released. ${bill}`
    : `${formatted} is released here; our team releases it at the carrier, and until they have, calls to it may still reach you. ${bill}`;
  return { numberId: number.id, e164: number.e164, billedUntil, upstreamReleased, message };
}

/** The carrier refused the release: the record goes back as it was. False when it cannot (the number was taken meanwhile, or the write failed). */
async function putBackAfterRefusedRelease(
  db: Db,
  access: AccountAccess,
  number: NumberRow,
  { releasedAt, previousStatus, error }: { releasedAt: Date; previousStatus: 'active' | 'missing_upstream'; error: unknown },
): Promise<boolean> {
  try {
    return await db.transaction(async (tx) => {
      const restored = await restoreReleasedNumber(tx, { numberId: number.id, releasedAt, status: previousStatus });
      if (!restored) return false;
      await recordAudit(tx, access, {
        accountId: number.accountId,
        action: 'number.release_failed',
        targetType: 'phone_number',
        targetId: number.id,
        before: { number: number.e164, status: 'released' },
        after: { number: number.e164, status: previousStatus, reason: isAppError(error) ? error.code : 'internal:unexpected' },
      });
      return true;
    });
  } catch (restoreError) {
    // Another account's order can take the number between our check and our write (the unique index refuses ours).
    log.error('numbers.release_restore_failed', { numberId: number.id, error: restoreError });
    return false;
  }
}

/** A number released here that the carrier still carries: staff release it there (one open task per number). */
async function openReleaseAtCarrierTask(db: Db | Tx, number: NumberRow, providerName: string, why: string) {
  const formatted = formatE164(number.e164);
  const leftovers = [number.trunkGroupRef ? 'its routing to the customer’s trunk group' : '', number.e911Status === 'registered' ? 'its emergency address' : ''].filter(Boolean);
  await openStaffTask(db, {
    accountId: number.accountId,
    kind: 'release_at_carrier',
    subject: { type: 'phone_number', id: number.id },
    connectionId: number.connectionId,
    title: `Release ${formatted} at ${providerName}`,
    detail: `${number.accountName} released ${formatted} in the portal (connection “${number.connectionName}”). ${why} Release it at the carrier${leftovers.length > 0 ? `, with ${leftovers.join(' and ')}` : ''}; until then its calls still reach the customer.`,
  });
}

/**
 * A released number's emergency record would stay with the carrier (billed monthly, and wrong for
 * whoever gets the number next): it is removed first. Best effort: the release goes ahead anyway.
 */
async function removeE911BeforeRelease(adapter: ProviderAdapter, number: NumberRow) {
  if (number.e911Status !== 'registered' || !adapter.e911) return;
  try {
    await adapter.e911.remove(number.e164);
  } catch (error) {
    log.warn('numbers.release_e911_removal_failed', { numberId: number.id, connectionId: number.connectionId, error });
  }
}

/**
 * Moves a number to another account of the same tree. The user must manage both the account the
 * number is in and the target (each resolved from the session), and the target must lie within the
 * account they are working in.
 */
export async function moveNumber(access: AccountAccess, input: { numberId: string; targetAccountId: string }) {
  assertCan(access, 'subaccounts.manage');
  const db = await getDb();
  const number = await findNumber(access, input.numberId);
  if (number.status === 'released') throw new AppError('conflict:number_released', `${formatE164(number.e164)} has been released; it can no longer be moved.`);
  if (input.targetAccountId === number.accountId) {
    throw new AppError('invalid:move_target', `${formatE164(number.e164)} is already in ${number.accountName}.`, {
      fieldErrors: { targetAccountId: [`Already in ${number.accountName}: choose another account`] },
    });
  }
  const sourceAccess = number.accountId === access.account.id ? access : await reachAccount(db, access, number.accountId);
  assertCan(sourceAccess, 'subaccounts.manage');
  const targetAccess = await reachAccount(db, access, input.targetAccountId);
  const target = targetAccess.account;
  if (!target.path.startsWith(access.account.path) || target.billingAccountId !== sourceAccess.account.billingAccountId) {
    throw new AppError('not_found:account', 'Choose an account from the list.', { fieldErrors: { targetAccountId: ['Choose an account from the list'] } });
  }
  assertCan(targetAccess, 'subaccounts.manage');
  // A trunk group belongs to its account: the number would keep ringing on a PBX the new owner cannot see or change.
  if (number.trunkGroupRef) {
    const group = await getTrunkGroupById(db, { trunkGroupId: number.trunkGroupRef, accountId: number.accountId });
    const message = `${formatE164(number.e164)} rings on trunk group “${group?.name ?? 'unknown'}” of ${number.accountName}. Take it off that trunk group first, then move it and route it in ${target.name}.`;
    throw new AppError('conflict:number_routed', message, { fieldErrors: { targetAccountId: [message] } });
  }

  await db.transaction(async (tx) => {
    const moved = await moveNumberToAccount(tx, { numberId: number.id, fromAccountId: number.accountId, toAccountId: target.id });
    if (!moved) throw new AppError('conflict:number_changed', 'The number changed meanwhile; reload and try again.');
    await carryE911AddressToAccount(tx, { numberId: number.id, addressId: number.e911AddressId, toAccountId: target.id });
    await recordAudit(tx, sourceAccess, {
      accountId: number.accountId,
      action: 'number.move',
      targetType: 'phone_number',
      targetId: number.id,
      before: { number: number.e164, accountId: number.accountId, account: number.accountName },
      after: { number: number.e164, accountId: target.id, account: target.name },
    });
  });
  return { numberId: number.id, e164: number.e164, from: number.accountName, to: target.name };
}
