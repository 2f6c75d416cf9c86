import 'server-only';

/**
 * Margins for operator staff (issue 15.3): revenue (what rating charged customers) against cost
 * (what the upstreams' cost decks say those calls cost us), per destination and per upstream
 * connection over whole UTC days, from the daily rollups only, in exact micros.
 */
import type { SessionUser } from '@/lib/auth/access';
import { divideRoundHalfUp, formatMicros, parseMicros } from '@/lib/billing/money';
import { getDb } from '@/lib/db/client';
import { getMarginsByDestination, getMarginsByUpstream, type MarginTotalsRow } from '@/lib/db/queries/margins';
import { AppError } from '@/lib/errors';
import { providerNameOf } from './carrier-labels';
import { countryName } from './quality';

const DAY_MS = 86_400_000;
/** A year of daily rollups at most per view. */
export const MARGIN_MAX_DAYS = 366;

export interface MarginPeriod {
  /** Midnight UTC of the first day. */
  from: Date;
  /** Midnight UTC after the last day. */
  to: Date;
  direction?: 'inbound' | 'outbound';
}

export interface MarginParams {
  from?: string;
  to?: string;
  direction?: string;
}

export interface MarginLine {
  key: string;
  label: string;
  calls: number;
  answered: number;
  billedSeconds: number;
  /** Six-place decimal strings. */
  revenue: string;
  cost: string;
  margin: string;
  /** Margin over revenue, one place ("23.4"); null without revenue. */
  marginPercent: string | null;
  unrated: number;
  /** Upstreams only: false when the connection has no cost deck (its calls count no cost). */
  hasCostDeck?: boolean;
}

export interface MarginReport {
  period: MarginPeriod;
  byDestination: MarginLine[];
  byUpstream: MarginLine[];
  totals: MarginLine;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(value: string): Date | undefined {
  const match = DATE.exec(value.trim());
  if (!match) return undefined;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.toISOString().slice(0, 10) === value.trim() ? at : undefined;
}

/** This month so far, in whole UTC days (today included). */
export function defaultMarginPeriod(now = new Date()): MarginPeriod {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  return { from, to };
}

/** The period the form asks for (dates, `to` inclusive), or a message per field. */
export function parseMarginPeriod(params: MarginParams, { now = new Date() }: { now?: Date } = {}): { period?: MarginPeriod; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  const fallback = defaultMarginPeriod(now);
  const fromText = params.from?.trim() ?? '';
  const toText = params.to?.trim() ?? '';
  const from = fromText ? parseDay(fromText) : fallback.from;
  const lastDay = toText ? parseDay(toText) : new Date(fallback.to.getTime() - DAY_MS);
  if (!from) fieldErrors.from = ['Use a date like 2026-04-01.'];
  if (!lastDay) fieldErrors.to = ['Use a date like 2026-04-30.'];
  let direction: MarginPeriod['direction'];
  if (params.direction && params.direction !== 'all') {
    if (params.direction === 'inbound' || params.direction === 'outbound') direction = params.direction;
    else fieldErrors.direction = ['Direction is inbound, outbound or both.'];
  }
  if (from && lastDay) {
    const to = new Date(lastDay.getTime() + DAY_MS);
    if (to <= from) fieldErrors.to = ['“To” must be on or after “From”.'];
    else if (to.getTime() - from.getTime() > MARGIN_MAX_DAYS * DAY_MS) fieldErrors.to = [`At most ${MARGIN_MAX_DAYS} days at a time.`];
    if (Object.keys(fieldErrors).length === 0) return { period: { from, to, direction }, fieldErrors };
  }
  return { fieldErrors };
}

/** Margin as a share of revenue, to one place, half-up; null when there is no revenue. */
export function marginPercentOf(marginMicros: bigint, revenueMicros: bigint): string | null {
  if (revenueMicros === 0n) return null;
  return formatMicros(divideRoundHalfUp(marginMicros * 100n * 1_000_000n, revenueMicros), 1);
}

function lineOf(row: MarginTotalsRow, key: string, label: string): MarginLine {
  const revenue = parseMicros(row.charge);
  const cost = parseMicros(row.cost);
  return {
    key,
    label,
    calls: row.calls,
    answered: row.answered,
    billedSeconds: row.billedSeconds,
    revenue: formatMicros(revenue),
    cost: formatMicros(cost),
    margin: formatMicros(revenue - cost),
    marginPercent: marginPercentOf(revenue - cost, revenue),
    unrated: row.unrated,
  };
}

function totalOf(rows: MarginTotalsRow[]): MarginTotalsRow {
  let charge = 0n;
  let cost = 0n;
  const total = { key: 'total', calls: 0, answered: 0, billedSeconds: 0, unrated: 0 };
  for (const row of rows) {
    total.calls += row.calls;
    total.answered += row.answered;
    total.billedSeconds += row.billedSeconds;
    total.unrated += row.unrated;
    charge += parseMicros(row.charge);
    cost += parseMicros(row.cost);
  }
  return { ...total, charge: formatMicros(charge), cost: formatMicros(cost) };
}

export async function getMarginReport(user: SessionUser, period: MarginPeriod): Promise<MarginReport> {
  if (!user.isOperatorStaff) throw new AppError('forbidden:staff', 'Only the carrier’s operator staff can see margins.');
  const db = await getDb();
  const [destinations, upstreams] = await Promise.all([getMarginsByDestination(db, period), getMarginsByUpstream(db, period)]);
  return {
    period,
    byDestination: destinations.map((row) => lineOf(row, row.key ?? 'ZZ', countryName(row.key))),
    byUpstream: upstreams.map((row) => ({
      ...lineOf(row, row.key ?? 'none', row.key === null ? 'No upstream (calls pushed without one)' : row.provider ? `${providerNameOf(row.provider)} · ${row.connectionName}` : `Removed connection ${row.key.slice(0, 8)}`),
      hasCostDeck: row.key === null ? false : row.hasCostDeck,
    })),
    totals: lineOf(totalOf(destinations), 'total', 'All destinations'),
  };
}
