import 'server-only';

/**
 * Upstream reconciliation (issue 15.9), for operator staff: what each upstream says it charged us
 * for a month — its ledger's call charges day by day where it books them so, else its invoices at
 * the month level — against the portal's cost rating of the same calls (the cost deck's `cost`,
 * summed per connection and UTC day from the daily rollups). Statements are fetched by a daily job
 * or "Fetch now" and stored, so the page never waits on an upstream; a fetch that fails keeps the
 * last good statement and shows why it failed. Nothing unreadable is ever taken for zero.
 */
import type { SessionUser } from '@/lib/auth/access';
import { divideRoundHalfUp, formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb, type Db } from '@/lib/db/client';
import { getProviderConnections } from '@/lib/db/queries/providers';
import {
  getCostDeckCurrencies,
  getPortalCostByConnectionDay,
  getRecentStatementAttempts,
  getUpstreamStatementFetches,
  getUpstreamStatementLines,
  recordUpstreamStatementFailure,
  replaceUpstreamStatement,
  type DayRange,
  type StoredStatementFetch,
  type StoredStatementLine,
  type UpstreamStatementBasis,
  type UpstreamStatementLineInput,
} from '@/lib/db/queries/upstream-reconciliation';
import { AppError } from '@/lib/errors';
import { formatMonth } from '@/lib/format';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, isProviderError } from '@/lib/providers/errors';
import { requireCapability, type BillingCapability, type Invoice, type LedgerEntry, type ProviderAdapter, type ProviderId } from '@/lib/providers/types';
import { getEnabledAdapters } from './providers';

const DAY_MS = 86_400_000;

/** A difference is flagged when it is both more than a cent and more than 0.5 % of what the upstream says. */
export const RECONCILIATION_TOLERANCE = { amount: '0.01', percent: '0.5' } as const;
const TOLERANCE_MICROS = parseMicros(RECONCILIATION_TOLERANCE.amount);
const TOLERANCE_PER_MILLE = 5n;

/** "Fetch now" leaves a connection alone that was asked this recently (a double click, a second tab). */
export const FETCH_NOW_MIN_INTERVAL_MS = 60_000;

// --- Periods ---------------------------------------------------------------------------------------

export interface ReconciliationPeriod {
  /** `YYYY-MM`. */
  month: string;
  /** First day of the month and of the next, `YYYY-MM-DD` (UTC). */
  range: DayRange;
  start: Date;
  end: Date;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const addDays = (day: string, days: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

export function periodOfMonth(month: string): ReconciliationPeriod {
  const start = new Date(`${month}-01T00:00:00Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { month, range: { from: isoDay(start), to: isoDay(end) }, start, end };
}

/** The month before `now`'s: its invoices have arrived and its days are all booked. */
export function defaultPeriod(now = new Date()): ReconciliationPeriod {
  return periodOfMonth(monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))));
}

/** The months the page offers, newest first: this month and the eleven before it. */
export function recentMonths(now = new Date(), count = 12): { value: string; label: string }[] {
  return Array.from({ length: count }, (_, back) => {
    const month = monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)));
    return { value: month, label: formatMonth(month) };
  });
}

/** A month from a form or a URL: `YYYY-MM`, not in the future; absent means last month. */
export function parsePeriod(value: string | undefined, now = new Date()): ReconciliationPeriod {
  if (value === undefined || value === '') return defaultPeriod(now);
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
  if (!match || Number(match[1]) < 2000) {
    throw new AppError('invalid:period', 'Choose a month.', { fieldErrors: { period: ['Choose a month from the list (YYYY-MM).'] } });
  }
  if (value > monthOf(now)) throw new AppError('invalid:period', 'Choose a month.', { fieldErrors: { period: ['That month has not begun: choose this month or an earlier one.'] } });
  return periodOfMonth(value);
}

// --- Access ----------------------------------------------------------------------------------------

/** Staff only; anyone else is told there is nothing here, as for another tenant's data. */
function assertStaffOrNotFound(user: SessionUser) {
  if (!user.isOperatorStaff) throw new AppError('not_found:reconciliation');
}

// --- Fetching ----------------------------------------------------------------------------------------

/** An upstream answer the adapter let through but that cannot be a statement line. */
class UnreadableStatement extends Error {}

function exactAmount(money: { amount: string; currency: string } | undefined, what: string): { amount: string; currency: string } {
  if (!money) throw new UnreadableStatement(`${what} has no amount`);
  let micros: bigint;
  try {
    micros = parseMicros(money.amount);
  } catch {
    throw new UnreadableStatement(`${what} has an amount that is not a decimal with at most 6 places: "${String(money.amount).slice(0, 30)}"`);
  }
  if (!/^[A-Z]{3}$/.test(money.currency)) throw new UnreadableStatement(`${what} has no currency code: "${String(money.currency).slice(0, 10)}"`);
  return { amount: formatMicros(micros), currency: money.currency };
}

function validDate(at: Date, what: string): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new UnreadableStatement(`${what} has no readable date`);
  return at;
}

export function basisOf(billing: BillingCapability): UpstreamStatementBasis {
  return billing.ledger?.usageByDay ? 'daily_usage' : 'invoices';
}

/** A day's call charges in the upstream's ledger, as a line; other entries (payments, fees, orders) are not calls. */
function usageLines(entries: readonly LedgerEntry[], period: ReconciliationPeriod): UpstreamStatementLineInput[] {
  return entries
    .filter((entry) => entry.kind === 'usage')
    .map((entry) => {
      const what = `ledger entry ${entry.entryRef}`;
      const day = isoDay(validDate(entry.at, what));
      return { day, periodEnd: null, kind: 'usage' as const, reference: `usage:${entry.entryRef}`, description: entry.description, ...exactAmount(entry.amount, what) };
    })
    .filter((line) => line.day >= period.range.from && line.day < period.range.to);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The days an invoice bills: its own period where it states one; else the calendar month before
 * the one it was issued in (upstreams bill a month in arrears).
 */
export function invoicePeriodOf(invoice: Invoice): { from: string; through: string; assumed: boolean } {
  const what = `invoice ${invoice.invoiceRef}`;
  if (invoice.periodStart) {
    if (!ISO_DAY.test(invoice.periodStart) || Number.isNaN(Date.parse(invoice.periodStart))) throw new UnreadableStatement(`${what} has an unreadable period start "${invoice.periodStart}"`);
    const end = invoice.periodEnd ?? addDays(periodOfMonth(invoice.periodStart.slice(0, 7)).range.to, -1);
    if (!ISO_DAY.test(end) || Number.isNaN(Date.parse(end)) || end < invoice.periodStart) throw new UnreadableStatement(`${what} has an unreadable period end "${invoice.periodEnd}"`);
    return { from: invoice.periodStart, through: end, assumed: false };
  }
  const issued = validDate(invoice.issuedAt, what);
  const month = periodOfMonth(monthOf(new Date(Date.UTC(issued.getUTCFullYear(), issued.getUTCMonth() - 1, 1))));
  return { from: month.range.from, through: addDays(month.range.to, -1), assumed: true };
}

/** Invoices that bill a period starting in the month: their calls part where itemized, else their total. */
function invoiceLines(invoices: readonly Invoice[], period: ReconciliationPeriod): UpstreamStatementLineInput[] {
  return invoices
    .filter((invoice) => invoice.status !== 'void')
    .map((invoice) => {
      const what = `invoice ${invoice.invoiceRef}`;
      const covers = invoicePeriodOf(invoice);
      const itemized = invoice.usage !== undefined;
      const status = invoice.status === 'open' ? ', still open' : '';
      return {
        day: covers.from,
        periodEnd: covers.through,
        kind: itemized ? ('invoice_usage' as const) : ('invoice_total' as const),
        reference: `invoice:${invoice.invoiceRef}`,
        description: `Invoice ${invoice.invoiceRef}${itemized ? ': calls' : ': total'}${covers.assumed ? ' (no period stated: taken as the month before it was issued)' : ''}${status}`,
        ...exactAmount(itemized ? invoice.usage : invoice.total, what),
      };
    })
    .filter((line) => line.day >= period.range.from && line.day < period.range.to);
}

export interface StatementFetchOutcome {
  connectionId: string;
  provider: ProviderId;
  name: string;
  period: string;
  basis: UpstreamStatementBasis;
  ok: boolean;
  lines?: number;
  /** `malformed`, `rate_limited`, `unavailable`, `auth`, …; set when `ok` is false. */
  errorKind?: string;
  error?: string;
  /** Asked less than FETCH_NOW_MIN_INTERVAL_MS ago: left alone. */
  skipped?: boolean;
}

const FAILURE_WORDS: Record<string, string> = {
  malformed: 'an answer of unknown shape',
  rate_limited: 'rate-limited, tried again at the next fetch',
  unavailable: 'not answering',
  auth: 'credentials refused',
  unsupported: 'no statement to fetch',
};

/** A fetch failure's kind in words, for the page and the action's message. */
export function failureWords(kind: string | undefined): string {
  return (kind && FAILURE_WORDS[kind]) || 'failed';
}

function describeFailure(error: unknown): { kind: string; message: string } {
  if (error instanceof UnreadableStatement) return { kind: 'malformed', message: `The answer could not be read as a statement: ${error.message}.` };
  if (isProviderError(error)) return { kind: error.providerKind, message: error.upstreamMessage ? `${error.message} (${error.upstreamMessage})` : error.message };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Fetches and stores one connection's statement for one month. Never throws for an upstream fault: it is recorded. */
export async function fetchConnectionStatement(
  db: Db,
  connection: { id: string; provider: ProviderId; name: string },
  adapter: ProviderAdapter,
  period: ReconciliationPeriod,
  options: { now?: Date } = {},
): Promise<StatementFetchOutcome> {
  const billing = requireCapability(adapter, 'billing');
  const basis = basisOf(billing);
  const outcome: StatementFetchOutcome = { connectionId: connection.id, provider: connection.provider, name: connection.name, period: period.month, basis, ok: false };
  try {
    const lines =
      basis === 'daily_usage'
        ? usageLines(await requireCapability(adapter, 'billing.ledger').list({ since: period.start, until: period.end }), period)
        : invoiceLines(await billing.listInvoices({ since: period.start }), period);
    const references = new Set<string>();
    for (const line of lines) {
      if (references.has(line.reference)) throw new UnreadableStatement(`the entry ${line.reference.replace(/^\w+:/, '')} is listed twice`);
      references.add(line.reference);
    }
    const fetchedAt = options.now ?? new Date();
    await db.transaction((tx) => replaceUpstreamStatement(tx, { connectionId: connection.id, period: period.range, basis, lines, fetchedAt }));
    Object.assign(outcome, { ok: true, lines: lines.length });
    log.info('reconciliation.fetched', { connectionId: connection.id, provider: connection.provider, period: period.month, lines: lines.length });
  } catch (error) {
    const failure = describeFailure(error);
    Object.assign(outcome, { errorKind: failure.kind, error: failure.message });
    await recordUpstreamStatementFailure(db, { connectionId: connection.id, period: period.range.from, basis, at: options.now ?? new Date(), kind: failure.kind, message: failure.message });
    log.warn('reconciliation.fetch_failed', { connectionId: connection.id, provider: connection.provider, period: period.month, kind: failure.kind, error });
  }
  return outcome;
}

async function fetchEach(
  targets: Awaited<ReturnType<typeof getEnabledAdapters>>,
  periods: readonly ReconciliationPeriod[],
  options: { now?: Date; skip?: (connectionId: string, period: ReconciliationPeriod) => boolean },
): Promise<StatementFetchOutcome[]> {
  const db = await getDb();
  const outcomes: StatementFetchOutcome[] = [];
  // One after another: upstream budgets are per host, and a month of ledger is one or two reads.
  for (const period of periods) {
    for (const { connection, adapter } of targets) {
      const target = { id: connection.id, provider: connection.provider as ProviderId, name: connection.name };
      if (options.skip?.(connection.id, period)) {
        outcomes.push({ connectionId: target.id, provider: target.provider, name: target.name, period: period.month, basis: basisOf(requireCapability(adapter, 'billing')), ok: true, skipped: true });
        continue;
      }
      outcomes.push(await fetchConnectionStatement(db, target, adapter, period, options));
    }
  }
  return outcomes;
}

/** The daily job: last month (its invoices and last days arrive now) and this month so far, for every upstream with billing. */
export async function fetchAllUpstreamStatements(options: { now?: Date } = {}): Promise<StatementFetchOutcome[]> {
  const now = options.now ?? new Date();
  return fetchEach(await getEnabledAdapters('billing'), [defaultPeriod(now), periodOfMonth(monthOf(now))], { now });
}

/** "Fetch now" from the page: one month, every upstream or one. */
export async function fetchUpstreamStatementsNow(
  user: SessionUser,
  input: { period?: string; connectionId?: string },
  options: { now?: Date } = {},
): Promise<StatementFetchOutcome[]> {
  assertStaffOrNotFound(user);
  const now = options.now ?? new Date();
  const period = parsePeriod(input.period, now);
  const enabled = await getEnabledAdapters('billing');
  const targets = input.connectionId ? enabled.filter(({ connection }) => connection.id === input.connectionId) : enabled;
  if (input.connectionId && targets.length === 0) throw new AppError('not_found:connection', 'That upstream connection is not enabled or has no billing to fetch.');
  const recent = await getRecentStatementAttempts(await getDb(), {
    period: period.range.from,
    connectionIds: targets.map(({ connection }) => connection.id),
    since: new Date(now.getTime() - FETCH_NOW_MIN_INTERVAL_MS),
  });
  return fetchEach(targets, [period], { now, skip: (connectionId) => recent.has(connectionId) });
}

// --- Comparing ---------------------------------------------------------------------------------------

export type ReconciliationStatus = 'matched' | 'flagged' | 'open' | 'not_fetched' | 'not_compared';

export interface ReconciliationRow {
  /** A day (`YYYY-MM-DD`) or an invoice's reference. */
  key: string;
  /** The UTC day, or the invoice's period. */
  from: string;
  through: string;
  level: 'day' | 'month';
  /** Six places. */
  portalCost: string;
  /** Null where the upstream has said nothing (yet) for these days: never a zero standing in for it. */
  upstreamAmount: string | null;
  /** Upstream − portal; null where not compared. */
  difference: string | null;
  /** The difference as a percentage of the upstream amount, two places; null where that is zero or not compared. */
  percent: string | null;
  status: ReconciliationStatus;
  /** Why the row is not compared, or what the upstream line is. */
  note?: string;
  references: string[];
}

export interface UpstreamReconciliation {
  connectionId: string;
  name: string;
  provider: ProviderId;
  providerName: string;
  enabled: boolean;
  /** Null when never fetched for the month. */
  basis: UpstreamStatementBasis | null;
  /** What is compared with what, in words: the page says so. */
  basisNote: string;
  /** The upstream's amounts and the differences are in this currency. */
  currency: string;
  /** The portal's cost is in the cost deck's currency. */
  deckCurrency: string | null;
  portalCurrency: string;
  lastFetchedAt: Date | null;
  lastAttemptAt: Date | null;
  error: { kind: string; message: string; at: Date } | null;
  warnings: string[];
  rows: ReconciliationRow[];
  totals: { portalCost: string; upstreamAmount: string | null; compared: number; flagged: number; difference: string | null; percent: string | null };
}

export interface ReconciliationView {
  period: ReconciliationPeriod & { label: string };
  tolerance: typeof RECONCILIATION_TOLERANCE;
  upstreams: UpstreamReconciliation[];
}

/** Upstream − portal and whether it is beyond the tolerance, exactly. */
export function compareAmounts(portalMicros: bigint, upstreamMicros: bigint): { difference: string; percent: string | null; flagged: boolean } {
  const difference = upstreamMicros - portalMicros;
  const magnitude = difference < 0n ? -difference : difference;
  const base = upstreamMicros < 0n ? -upstreamMicros : upstreamMicros;
  const flagged = magnitude > TOLERANCE_MICROS && magnitude * 1000n > base * TOLERANCE_PER_MILLE;
  // Hundredths of a percent, as micros of a unit with two places shown.
  const percent = upstreamMicros === 0n ? null : formatMicros(divideRoundHalfUp(difference * 10_000n, upstreamMicros) * 10_000n, 2);
  return { difference: formatMicros(difference), percent, flagged };
}

function basisNoteOf(providerName: string, basis: UpstreamStatementBasis | null, lines: readonly StoredStatementLine[]): string {
  if (basis === null) return `Not fetched for this month yet: the daily job fetches ${providerName}'s statement, or use Fetch now.`;
  if (basis === 'daily_usage') return `${providerName}'s ledger books calls once a day: compared day by day (UTC) with the portal's cost of the calls it carried.`;
  const itemized = lines.some((line) => line.kind === 'invoice_usage');
  const totals = lines.some((line) => line.kind === 'invoice_total');
  if (itemized && !totals) return `${providerName} bills monthly and itemizes calls on its invoices: each invoice's call charges are compared with the portal's cost over the invoice's period (month level, not day by day).`;
  return `${providerName} gives only monthly invoice totals: compared at the month level, not day by day. A total also holds recurring charges, fees and taxes, so some difference is expected.`;
}

interface BuildInput {
  period: ReconciliationPeriod;
  fetch: StoredStatementFetch | undefined;
  lines: readonly StoredStatementLine[];
  /** Portal cost in micros per UTC day, over the period and any invoice period reaching outside it. */
  portalByDay: ReadonlyMap<string, bigint>;
  deckCurrency: string | null;
}

const sumDays = (portalByDay: ReadonlyMap<string, bigint>, from: string, through: string) => {
  let total = 0n;
  for (const [day, micros] of portalByDay) if (day >= from && day <= through) total += micros;
  return total;
};

/** The rows of one upstream for the month, from what is stored. Pure. */
export function buildReconciliationRows(input: BuildInput): ReconciliationRow[] {
  const { period, fetch, lines, portalByDay } = input;
  const lastDay = addDays(period.range.to, -1);
  const fetched = fetch?.lastSuccessAt ?? null;
  const currencyMismatch = (line: StoredStatementLine) => input.deckCurrency !== null && line.currency !== input.deckCurrency;
  const compared = (row: Omit<ReconciliationRow, 'difference' | 'percent' | 'status'>, upstream: bigint | null, mismatch?: string): ReconciliationRow => {
    if (upstream === null) return { ...row, difference: null, percent: null, status: fetched ? 'open' : 'not_fetched' };
    if (mismatch) return { ...row, difference: null, percent: null, status: 'not_compared', note: mismatch };
    const result = compareAmounts(parseMicros(row.portalCost), upstream);
    return { ...row, difference: result.difference, percent: result.percent, status: result.flagged ? 'flagged' : 'matched' };
  };

  if (fetch?.basis === 'daily_usage') {
    const days = new Set<string>();
    for (const day of portalByDay.keys()) if (day >= period.range.from && day <= lastDay) days.add(day);
    for (const line of lines) days.add(line.day);
    // A day the last good fetch saw end (the upstream books a day's calls as it closes) and that has no line was charged nothing.
    const closedBefore = fetched ? isoDay(fetched) : null;
    return [...days].sort().map((day) => {
      const own = lines.filter((line) => line.day === day);
      const portal = portalByDay.get(day) ?? 0n;
      const upstream = own.length > 0 ? own.reduce((sum, line) => sum + parseMicros(line.amount), 0n) : closedBefore !== null && day < closedBefore ? 0n : null;
      const mismatch = own.find(currencyMismatch);
      const row = compared(
        { key: day, from: day, through: day, level: 'day', portalCost: formatMicros(portal), upstreamAmount: upstream === null ? null : formatMicros(upstream), references: own.map((line) => line.reference), note: own.length === 0 && upstream === 0n ? 'No call charges booked upstream for this day.' : undefined },
        upstream,
        mismatch ? `Upstream amounts are in ${mismatch.currency}, the cost deck in ${input.deckCurrency}: not compared.` : undefined,
      );
      if (row.status === 'open') row.note = fetched ? 'Not booked upstream yet when last fetched.' : undefined;
      return row;
    });
  }

  const invoices = fetch ? lines.filter((line) => line.kind !== 'usage') : [];
  if (invoices.length === 0) {
    const portal = sumDays(portalByDay, period.range.from, lastDay);
    return [
      {
        key: period.month,
        from: period.range.from,
        through: lastDay,
        level: 'month',
        portalCost: formatMicros(portal),
        upstreamAmount: null,
        difference: null,
        percent: null,
        status: fetched ? 'open' : 'not_fetched',
        note: fetched ? 'No invoice for this month yet.' : undefined,
        references: [],
      },
    ];
  }
  return invoices.map((line) => {
    const through = line.periodEnd ?? lastDay;
    return compared(
      { key: line.reference, from: line.day, through, level: 'month', portalCost: formatMicros(sumDays(portalByDay, line.day, through)), upstreamAmount: line.amount, references: [line.reference], note: line.description },
      parseMicros(line.amount),
      currencyMismatch(line) ? `The invoice is in ${line.currency}, the cost deck in ${input.deckCurrency}: not compared.` : undefined,
    );
  });
}

function totalsOf(rows: readonly ReconciliationRow[]): UpstreamReconciliation['totals'] {
  let portal = 0n;
  let upstream: bigint | null = null;
  let comparedPortal = 0n;
  let comparedUpstream = 0n;
  let compared = 0;
  let flagged = 0;
  for (const row of rows) {
    portal += parseMicros(row.portalCost);
    if (row.upstreamAmount !== null) upstream = (upstream ?? 0n) + parseMicros(row.upstreamAmount);
    if (row.status === 'matched' || row.status === 'flagged') {
      compared++;
      comparedPortal += parseMicros(row.portalCost);
      comparedUpstream += parseMicros(row.upstreamAmount!);
      if (row.status === 'flagged') flagged++;
    }
  }
  const difference = compared > 0 ? compareAmounts(comparedPortal, comparedUpstream) : null;
  return { portalCost: formatMicros(portal), upstreamAmount: upstream === null ? null : formatMicros(upstream), compared, flagged, difference: difference?.difference ?? null, percent: difference?.percent ?? null };
}

/** The page: every connection with billing, enabled or holding statements or costs for the month. */
export async function getUpstreamReconciliation(user: SessionUser, input: { period?: string }, options: { now?: Date } = {}): Promise<ReconciliationView> {
  assertStaffOrNotFound(user);
  const now = options.now ?? new Date();
  const period = parsePeriod(input.period, now);
  const db = await getDb();
  const [connections, fetches, lines] = await Promise.all([getProviderConnections(db), getUpstreamStatementFetches(db, { period: period.range.from }), getUpstreamStatementLines(db, period.range)]);
  // Invoices may bill days outside the month (a period from the 20th to the 19th).
  const from = [period.range.from, ...lines.map((line) => line.day)].sort()[0]!;
  const to = [period.range.to, ...lines.map((line) => (line.periodEnd ? addDays(line.periodEnd, 1) : line.day))].sort().at(-1)!;
  const [costs, deckCurrencies] = await Promise.all([getPortalCostByConnectionDay(db, { from, to }), getCostDeckCurrencies(db, { connectionIds: connections.map((c) => c.id) })]);

  const fetchOf = new Map(fetches.map((fetch) => [fetch.connectionId, fetch]));
  const portalOf = new Map<string, Map<string, bigint>>();
  for (const cost of costs) {
    const days = portalOf.get(cost.connectionId) ?? new Map<string, bigint>();
    days.set(cost.day, (days.get(cost.day) ?? 0n) + parseMicros(cost.cost));
    portalOf.set(cost.connectionId, days);
  }

  const upstreams = connections
    .filter((connection) => connection.enabled || fetchOf.has(connection.id) || portalOf.has(connection.id) || lines.some((line) => line.connectionId === connection.id))
    .map((connection): UpstreamReconciliation => {
      const provider = connection.provider as ProviderId;
      const providerName = PROVIDER_NAMES[provider] ?? connection.provider;
      const fetch = fetchOf.get(connection.id);
      const own = lines.filter((line) => line.connectionId === connection.id);
      const deckCurrency = deckCurrencies.get(connection.id) ?? null;
      const rows = buildReconciliationRows({ period, fetch, lines: own, portalByDay: portalOf.get(connection.id) ?? new Map(), deckCurrency });
      const warnings: string[] = [];
      if (!deckCurrency) warnings.push(`No cost deck for ${connection.name}: its calls are not costed, so the portal's cost is zero. Add a cost deck for this connection.`);
      if (!connection.enabled) warnings.push('This connection is disabled: its statement is no longer fetched.');
      return {
        connectionId: connection.id,
        name: connection.name,
        provider,
        providerName,
        enabled: connection.enabled,
        basis: fetch?.basis ?? null,
        basisNote: basisNoteOf(providerName, fetch?.lastSuccessAt ? fetch.basis : null, own),
        currency: own[0]?.currency ?? deckCurrency ?? 'USD',
        deckCurrency,
        portalCurrency: deckCurrency ?? own[0]?.currency ?? 'USD',
        lastFetchedAt: fetch?.lastSuccessAt ?? null,
        lastAttemptAt: fetch?.lastAttemptAt ?? null,
        error: fetch?.lastError && fetch.lastErrorAt ? { kind: fetch.lastErrorKind ?? 'internal', message: fetch.lastError, at: fetch.lastErrorAt } : null,
        warnings,
        rows,
        totals: totalsOf(rows),
      };
    });
  return { period: { ...period, label: formatMonth(period.month) }, tolerance: RECONCILIATION_TOLERANCE, upstreams };
}
