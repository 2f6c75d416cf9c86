import 'server-only';
/**
 * CDR search: the one place besides export that reads raw calls. Filters are checked here for the
 * page and the API alike (a clear message per field), scoped to the caller's account and its
 * subtree, and paged by keyset (invite time, id) newest first, the invite-time range always in the
 * WHERE so month partitions outside it are never read.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@/lib/api/cursor';
import { assertCan, can, type AccountAccess } from '@/lib/auth/access';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb } from '@/lib/db/client';
import { withinQueryTimes } from '@/lib/validations/common';
import { getSubtreeByAccount } from '@/lib/db/queries/accounts';
import { getCdrFilterChoicesByAccounts, getCdrsByAccounts, type CdrPosition, type CdrSearchFilter, type CdrSearchRow } from '@/lib/db/queries/cdr-search';
import { getProviderConnections } from '@/lib/db/queries/providers';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { parsePhoneNumber } from '@/lib/phone-numbers';
import { csvRow } from '@/lib/views/audit-events';
import { upstreamLabels } from './carrier-labels';

/** The widest range one search reads: about three months of partitions. */
export const CDR_SEARCH_MAX_DAYS = 93;
export const CDR_SEARCH_DEFAULT_HOURS = 24;
/** Rows per keyset read while streaming CSV: a few thousand, so memory stays bounded at any size. */
export const CDR_CSV_BATCH = 5000;

const DAY_MS = 86_400_000;

/** A checked search: `to` is exclusive. */
export type CdrSearch = Omit<CdrSearchFilter, 'accountIds'>;

/** The search's URL parameters (page and API share the names; the usage charts link with them). */
export interface CdrSearchParams {
  from?: string;
  to?: string;
  number?: string;
  direction?: string;
  sipCode?: string;
  trunkGroup?: string;
  destination?: string;
  upstream?: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TIME_HINT = 'Use a date (2026-04-01) or an ISO time (2026-04-01T10:00:00Z; UTC when no offset is given), from the year 2000 to 2999.';

/** A date is a whole UTC day (`to` inclusive: up to the end of that day); a time is taken as given, UTC without an offset. */
function parseTime(value: string, end: boolean): Date | undefined {
  const text = value.trim();
  const day = DATE_ONLY.exec(text);
  if (day) {
    const at = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    // Date.UTC rolls 2026-02-30 over to March: refuse it instead.
    if (!withinQueryTimes(at) || at.toISOString().slice(0, 10) !== text) return undefined;
    return end ? new Date(at.getTime() + DAY_MS) : at;
  }
  if (!ISO_TIME.test(text)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const at = new Date(hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return withinQueryTimes(at) ? at : undefined;
}

const blank = (value: string | undefined) => value === undefined || value.trim() === '';

/**
 * The search the parameters describe, or what is wrong with each. From/to default to the last 24
 * hours; one bound alone reaches 24 hours from it.
 */
export function parseCdrSearch(params: CdrSearchParams, { now = new Date(), maxDays = CDR_SEARCH_MAX_DAYS }: { now?: Date; maxDays?: number } = {}): { search?: CdrSearch; fieldErrors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  let from = blank(params.from) ? undefined : parseTime(params.from!, false);
  let to = blank(params.to) ? undefined : parseTime(params.to!, true);
  if (!blank(params.from) && !from) fail('from', TIME_HINT);
  if (!blank(params.to) && !to) fail('to', TIME_HINT);
  if (!errors.from && !errors.to) {
    if (!from && !to) {
      to = now;
      from = new Date(now.getTime() - CDR_SEARCH_DEFAULT_HOURS * 3_600_000);
    } else if (!to) to = new Date(from!.getTime() + CDR_SEARCH_DEFAULT_HOURS * 3_600_000);
    else if (!from) from = new Date(to.getTime() - CDR_SEARCH_DEFAULT_HOURS * 3_600_000);
    if (to!.getTime() <= from!.getTime()) fail('to', '“To” must be after “From”.');
    else if (to!.getTime() - from!.getTime() > maxDays * DAY_MS) fail('to', `At most ${maxDays} days at a time: narrow the range.`);
  }
  const search: Partial<CdrSearch> = { from, to };
  if (!blank(params.number)) {
    const parsed = parsePhoneNumber(params.number!);
    if (parsed) search.number = parsed.e164;
    else fail('number', 'Not a phone number: use E.164 like +14155550123 (a US number may omit +1).');
  }
  if (!blank(params.direction)) {
    if (params.direction === 'inbound' || params.direction === 'outbound') search.direction = params.direction;
    else fail('direction', 'Direction is inbound or outbound.');
  }
  if (!blank(params.sipCode)) {
    const code = params.sipCode!.trim();
    if (/^[1-6]\d{2}$/.test(code)) search.sipCode = Number(code);
    else fail('sipCode', 'A SIP code is three digits, 100–699 (e.g. 486).');
  }
  if (!blank(params.trunkGroup)) {
    if (UUID.test(params.trunkGroup!.trim())) search.trunkGroupId = params.trunkGroup!.trim().toLowerCase();
    else fail('trunkGroup', 'Not a trunk group id.');
  }
  if (!blank(params.destination)) {
    const country = params.destination!.trim().toUpperCase();
    if (/^[A-Z]{2}$/.test(country)) search.destination = country;
    else fail('destination', 'Use a two-letter country code, like US or MX.');
  }
  if (!blank(params.upstream)) {
    if (UUID.test(params.upstream!.trim())) search.connectionId = params.upstream!.trim().toLowerCase();
    else fail('upstream', 'Not an upstream id.');
  }
  return Object.keys(errors).length > 0 ? { fieldErrors: errors } : { search: search as CdrSearch, fieldErrors: errors };
}

/** The search, or a 400 naming each bad parameter. */
export function requireCdrSearch(params: CdrSearchParams, options?: { now?: Date }): CdrSearch {
  const { search, fieldErrors } = parseCdrSearch(params, options);
  if (!search) {
    const first = Object.values(fieldErrors)[0]?.[0] ?? '';
    throw new AppError('invalid:query', `The search is not valid: ${first}`, { fieldErrors });
  }
  return search;
}

/** Whose calls a search reads and how upstreams are named to the reader. */
export interface CdrScope {
  accountIds: string[];
  /** Operator staff see provider names; everyone else "Carrier 1…". */
  staff: boolean;
}

export async function cdrScopeOfAccount(accountId: string, staff: boolean): Promise<CdrScope> {
  const subtree = await getSubtreeByAccount(await getDb(), { accountId });
  return { accountIds: subtree.map((account) => account.id), staff };
}

/** The caller's account and its subtree, for a caller who may read usage. */
export async function cdrScopeOf(access: AccountAccess): Promise<CdrScope> {
  assertCan(access, 'usage.read');
  const subtree = await getSubtreeByAccount(await getDb(), { accountId: access.account.id, accountPath: access.account.path });
  return { accountIds: subtree.map((account) => account.id), staff: access.user.isOperatorStaff };
}

/** connection id → what this reader calls the upstream, numbered over every connection so "Carrier 2" is the same upstream on every page. */
export async function carrierLabelsFor(staff: boolean): Promise<Map<string, string>> {
  const connections = await getProviderConnections(await getDb());
  return upstreamLabels(
    connections.map((connection) => ({ connectionId: connection.id, provider: connection.provider, connectionName: connection.name })),
    staff,
  );
}

/** One call as the page, the API and the CSV show it. */
export interface CdrView {
  id: string;
  accountId: string;
  inviteAt: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  destination: string;
  trunkGroup: { id: string; name: string | null } | null;
  carrier: string | null;
  sipCode: number;
  q850Cause: number | null;
  /** INVITE → first 18x; null when the source gave no ringing time. */
  pddMs: number | null;
  answerAt: string | null;
  endAt: string | null;
  billsec: number;
  mos: number | null;
  /** Only where asked for and allowed (the calls page): the charge for billing roles and staff, the cost and margin for staff. */
  money?: CallMoney;
}

/** Six-place decimal strings; null when the call was not rated (or has no cost deck). */
export interface CallMoney {
  charge: string | null;
  cost?: string | null;
  margin?: string | null;
}

/** What of a call's money this reader may see: billing roles the charge, operator staff the cost and margin too; technical and viewer nothing. */
function moneyOf(row: CdrSearchRow, show: { charge: boolean; cost: boolean }): CallMoney | undefined {
  if (!show.charge) return undefined;
  if (!show.cost) return { charge: row.charge };
  const margin = row.charge !== null && row.cost !== null ? formatMicros(parseMicros(row.charge) - parseMicros(row.cost)) : null;
  return { charge: row.charge, cost: row.cost, margin };
}

function viewOf(row: CdrSearchRow, labels: Map<string, string>, staff: boolean): CdrView {
  return {
    id: String(row.id),
    accountId: row.accountId,
    inviteAt: row.inviteAt.toISOString(),
    direction: row.direction,
    from: row.fromE164,
    to: row.toE164,
    destination: row.destinationCountry,
    trunkGroup: row.trunkGroupId ? { id: row.trunkGroupId, name: row.trunkGroupName } : null,
    carrier: row.connectionId ? (labels.get(row.connectionId) ?? (staff ? 'Removed connection' : 'A carrier')) : null,
    sipCode: row.sipCode,
    q850Cause: row.q850Cause,
    pddMs: row.ringingAt ? row.ringingAt.getTime() - row.inviteAt.getTime() : null,
    answerAt: row.answerAt?.toISOString() ?? null,
    endAt: row.endAt?.toISOString() ?? null,
    billsec: row.billsec,
    mos: row.mos === null ? null : Number(row.mos),
  };
}

const positionSchema = z.object({ t: z.string().datetime({ offset: true }), id: z.number().int().nonnegative() });

export function encodeCdrCursor(position: CdrPosition): string {
  return encodeCursor({ t: position.inviteAt.toISOString(), id: position.id });
}

export function decodeCdrCursor(cursor: string | undefined): CdrPosition | undefined {
  const decoded = decodeCursor(cursor, positionSchema);
  return decoded ? { inviteAt: new Date(decoded.t), id: decoded.id } : undefined;
}

export function filterOf(scope: CdrScope, search: CdrSearch): CdrSearchFilter {
  return { accountIds: scope.accountIds, ...search };
}

/**
 * One page of calls, newest first, and the cursor of the next (null on the last). `money`: each
 * call's charge (and cost, for staff) as this reader may see it.
 */
export async function searchCdrs(access: AccountAccess, search: CdrSearch, { cursor, limit = 50, money = false }: { cursor?: string; limit?: number; money?: boolean } = {}): Promise<{ data: CdrView[]; nextCursor: string | null }> {
  const after = decodeCdrCursor(cursor);
  const scope = await cdrScopeOf(access);
  const [rows, labels] = await Promise.all([getCdrsByAccounts(await getDb(), { filter: filterOf(scope, search), after, limit: limit + 1 }), carrierLabelsFor(scope.staff)]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const show = { charge: money && (can(access, 'billing.read') || access.user.isOperatorStaff), cost: money && access.user.isOperatorStaff };
  const data = page.map((row) => {
    const view = viewOf(row, labels, scope.staff);
    const shown = moneyOf(row, show);
    return shown ? { ...view, money: shown } : view;
  });
  return { data, nextCursor: rows.length > limit && last ? encodeCdrCursor(last) : null };
}

/** The trunk groups and upstreams the filter form offers. */
export async function getCdrSearchChoices(access: AccountAccess) {
  const scope = await cdrScopeOf(access);
  const [{ trunkGroups }, labels] = await Promise.all([getCdrFilterChoicesByAccounts(await getDb(), { accountIds: scope.accountIds }), carrierLabelsFor(scope.staff)]);
  return { trunkGroups, upstreams: [...labels].map(([id, label]) => ({ id, label })) };
}

export const CDR_CSV_HEADER = ['call_id', 'account_id', 'invite_at_utc', 'direction', 'from', 'to', 'destination', 'trunk_group', 'carrier', 'sip_code', 'q850_cause', 'pdd_ms', 'answer_at_utc', 'end_at_utc', 'billsec', 'mos'];

export function cdrCsvLine(view: CdrView): string {
  return csvRow([
    view.id,
    view.accountId,
    view.inviteAt,
    view.direction,
    view.from,
    view.to,
    view.destination,
    view.trunkGroup?.name ?? view.trunkGroup?.id ?? '',
    view.carrier,
    view.sipCode,
    view.q850Cause,
    view.pddMs,
    view.answerAt,
    view.endAt,
    view.billsec,
    view.mos === null ? null : view.mos.toFixed(2),
  ]);
}

/**
 * The search as CSV (formula-safe cells), streamed: each pull reads the next keyset batch, so a
 * million rows never sit in memory and nothing is read until the reader asks. `onBatch` hears the
 * running row count (the export job's progress).
 */
export function cdrCsvStream(
  scope: CdrScope,
  search: CdrSearch,
  { batchSize = CDR_CSV_BATCH, onBatch }: { batchSize?: number; onBatch?: (rowsWritten: number) => Promise<void> | void } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const filter = filterOf(scope, search);
  let labels: Map<string, string> | undefined;
  let after: CdrPosition | undefined;
  let written = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!labels) {
            labels = await carrierLabelsFor(scope.staff);
            controller.enqueue(encoder.encode(csvRow(CDR_CSV_HEADER)));
            return;
          }
          const rows = await getCdrsByAccounts(await getDb(), { filter, after, limit: batchSize });
          if (rows.length > 0) {
            let chunk = '';
            for (const row of rows) chunk += cdrCsvLine(viewOf(row, labels, scope.staff));
            controller.enqueue(encoder.encode(chunk));
            written += rows.length;
            await onBatch?.(written);
          }
          const last = rows.at(-1);
          if (rows.length < batchSize || !last) controller.close();
          else after = { inviteAt: last.inviteAt, id: last.id };
        } catch (error) {
          log.error('cdrs.csv_failed', { accountIds: scope.accountIds.length, error });
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
}
