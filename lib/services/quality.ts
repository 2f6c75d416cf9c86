import 'server-only';

/**
 * The usage & quality overview: KPI tiles against the previous period, a series per bucket,
 * breakdowns and audit markers, over the account's subtree. Read from the rollups only (never the
 * raw calls), so a 90-day chart costs the same at ten million calls as at ten.
 */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { AppError } from '@/lib/errors';
import { QUERY_TIME_RANGE_MESSAGE, withinQueryTimes } from '@/lib/validations/common';
import { getDb } from '@/lib/db/client';
import { getSubtreeByAccount } from '@/lib/db/queries/accounts';
import { getAuditEventsByAccountSubtree } from '@/lib/db/queries/audit';
import { getRollupBreakdown, getRollupSeries, getRollupTotals, type RollupCounters, type RollupFilter } from '@/lib/db/queries/cdrs';
import { getProviderConnections } from '@/lib/db/queries/providers';
import { getTrunkGroupNamesByAccounts } from '@/lib/db/queries/quality';
import { qualityMetrics, type QualityCounters } from '@/lib/quality/metrics';
import { auditEventLabel, auditSubject } from '@/lib/views/audit-events';
import {
  GRAIN_MS,
  KPI_KEYS,
  qualityWindow,
  type KpiKey,
  type QualityBreakdownRow,
  type QualityDirection,
  type QualityFigures,
  type QualityKpi,
  type QualityMarker,
  type QualityOverview,
  type QualityRange,
  MAX_CUSTOM_RANGE_DAYS,
} from '@/lib/views/quality';
import { upstreamLabels } from './carrier-labels';

export interface QualityFilter {
  range: QualityRange;
  /** Custom range only. */
  from?: Date;
  to?: Date;
  trunkGroupId?: string;
  connectionId?: string;
  /** ISO country of the called number. */
  destination?: string;
  direction?: QualityDirection;
}

/** The filter as the URL or the API query names it; a custom range is checked here, with the field it is about. */
export function qualityFilterOf(query: { range?: QualityRange; from?: string; to?: string; trunkGroup?: string; upstream?: string; destination?: string; direction?: QualityDirection }): QualityFilter {
  const custom = query.range === 'custom' || (query.range === undefined && (query.from !== undefined || query.to !== undefined));
  const common = { trunkGroupId: query.trunkGroup, connectionId: query.upstream, destination: query.destination, direction: query.direction };
  if (!custom) {
    if (query.from !== undefined || query.to !== undefined) {
      throw new AppError('invalid:filter', 'from and to go with range=custom (or without range).', { fieldErrors: { range: ['Use range=custom with from and to, or leave range out.'] } });
    }
    return { range: query.range ?? '7d', ...common };
  }
  const fieldErrors: Record<string, string[]> = {};
  if (!query.from) fieldErrors.from = ['A custom range needs from.'];
  if (!query.to) fieldErrors.to = ['A custom range needs to.'];
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && !withinQueryTimes(from)) fieldErrors.from = [QUERY_TIME_RANGE_MESSAGE];
  if (to && !withinQueryTimes(to)) fieldErrors.to = [QUERY_TIME_RANGE_MESSAGE];
  const storable = !fieldErrors.from && !fieldErrors.to;
  if (storable && from && to && !(from < to)) fieldErrors.to = ['to must be after from.'];
  else if (storable && from && to && to.getTime() - from.getTime() > MAX_CUSTOM_RANGE_DAYS * 86_400_000) fieldErrors.to = [`A custom range is at most ${MAX_CUSTOM_RANGE_DAYS} days.`];
  if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid:filter', 'The date range is not valid.', { fieldErrors });
  return { range: 'custom', from, to, ...common };
}

/** Audit actions drawn on the time axis: changes to how calls are routed. */
export const MARKER_ACTIONS = ['trunk_group.update', 'trunk_group.enable', 'trunk_group.disable', 'trunk_group.assign_numbers', 'trunk_group.unassign_numbers', 'number.move'] as const;
const MARKER_LIMIT = 200;

export function figuresOf(counters: QualityCounters): QualityFigures {
  // MOS stays out of the overview: few sources report it, and the scorecard shows it where they do.
  const { mos, ...figures } = qualityMetrics(counters);
  void mos;
  return figures;
}

function kpisOf(current: QualityFigures, previous: QualityFigures): Record<KpiKey, QualityKpi> {
  return Object.fromEntries(
    KPI_KEYS.map((key) => {
      const value = current[key];
      const before = previous[key];
      return [key, { value, previous: before, change: value === null || before === null ? null : value - before }];
    }),
  ) as Record<KpiKey, QualityKpi>;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string | null): string {
  if (!code || code === 'ZZ') return 'Unknown destination';
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export async function getQualityOverview(access: AccountAccess, filter: QualityFilter, { now = new Date() }: { now?: Date } = {}): Promise<QualityOverview> {
  assertCan(access, 'usage.read');
  const db = await getDb();
  const window = qualityWindow(filter.range, { from: filter.from, to: filter.to, now });
  const subtree = await getSubtreeByAccount(db, { accountId: access.account.id, accountPath: access.account.path });
  const accountIds = subtree.map((account) => account.id);
  const base: RollupFilter = {
    accountIds,
    grain: window.grain,
    from: window.from,
    to: window.to,
    trunkGroupId: filter.trunkGroupId,
    connectionId: filter.connectionId,
    destination: filter.destination,
    direction: filter.direction,
  };
  const previousFilter: RollupFilter = { ...base, from: window.previousFrom, to: window.previousTo };
  const [totals, previous, series, byTrunkGroup, byDestination, byUpstream, trunkGroupRows, connections, markers] = await Promise.all([
    getRollupTotals(db, base),
    getRollupTotals(db, previousFilter),
    getRollupSeries(db, base),
    getRollupBreakdown(db, base, 'trunk_group_id'),
    getRollupBreakdown(db, base, 'destination'),
    getRollupBreakdown(db, base, 'connection_id'),
    getTrunkGroupNamesByAccounts(db, { accountIds }),
    getProviderConnections(db),
    getMarkers(access, window.from, window.to, window.grain, filter.trunkGroupId),
  ]);

  const step = GRAIN_MS[window.grain];
  const byBucket = new Map(series.map((row) => [row.bucketStart.getTime(), row]));
  const points = [];
  for (let at = window.from.getTime(); at < window.to.getTime(); at += step) {
    const row = byBucket.get(at);
    points.push({ bucketStart: new Date(at).toISOString(), bucketEnd: new Date(at + step).toISOString(), ...figuresOf(row ?? emptyOf()) });
  }

  const trunkGroupNames = new Map(trunkGroupRows.map((row) => [row.id, row.name]));
  const staff = access.user.isOperatorStaff;
  const carrierLabels = upstreamLabels(
    connections.map((connection) => ({ connectionId: connection.id, provider: connection.provider, connectionName: connection.name })),
    staff,
  );
  const rowsOf = (rows: ({ key: string | null } & RollupCounters)[], label: (key: string | null) => string): QualityBreakdownRow[] =>
    rows.map((row) => ({ key: row.key, label: label(row.key), ...figuresOf(row) }));
  const destinations = rowsOf(byDestination, countryName);

  return {
    account: { id: access.account.id, name: access.account.name },
    range: filter.range,
    grain: window.grain,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    previousFrom: window.previousFrom.toISOString(),
    previousTo: window.previousTo.toISOString(),
    filters: { trunkGroup: filter.trunkGroupId ?? null, upstream: filter.connectionId ?? null, destination: filter.destination ?? null, direction: filter.direction ?? null },
    kpis: kpisOf(figuresOf(totals), figuresOf(previous)),
    series: points,
    breakdowns: {
      trunkGroups: rowsOf(byTrunkGroup, (key) => (key === null ? 'No trunk group' : (trunkGroupNames.get(key) ?? 'Deleted trunk group'))),
      destinations,
      upstreams: rowsOf(byUpstream, (key) => (key === null ? 'No upstream recorded' : (carrierLabels.get(key) ?? (staff ? 'Removed connection' : 'A former carrier')))),
    },
    markers,
    options: {
      trunkGroups: trunkGroupRows.map((row) => ({ value: row.id, label: row.name })),
      upstreams: [...carrierLabels].map(([value, label]) => ({ value, label })),
      destinations: destinations.flatMap((row) => (row.key ? [{ value: row.key, label: row.label }] : [])),
    },
  };
}

function emptyOf(): QualityCounters {
  return { attempts: 0, answered: 0, nerOk: 0, billsec: 0, shortCalls: 0, pddKnown: 0, pddHistogram: [], mosSum: 0, mosCount: 0 };
}

/** Routing changes in the window, oldest first: trunk group changes (of the filtered group, when one is chosen) and number moves. */
async function getMarkers(access: AccountAccess, from: Date, to: Date, grain: keyof typeof GRAIN_MS, trunkGroupId?: string): Promise<QualityMarker[]> {
  const db = await getDb();
  const [trunkEvents, moves] = await Promise.all([
    getAuditEventsByAccountSubtree(db, { accountPath: access.account.path, filter: { action: 'trunk_group.', from, to }, limit: MARKER_LIMIT }),
    getAuditEventsByAccountSubtree(db, { accountPath: access.account.path, filter: { action: 'number.move', from, to }, limit: MARKER_LIMIT }),
  ]);
  const step = GRAIN_MS[grain];
  return [...trunkEvents, ...moves]
    .map((row) => row.event)
    .filter((event) => (MARKER_ACTIONS as readonly string[]).includes(event.action))
    .filter((event) => !trunkGroupId || !event.action.startsWith('trunk_group.') || event.targetId === trunkGroupId)
    .sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime() || left.id - right.id)
    .map((event) => {
      const subject = auditSubject(event.before, event.after);
      return {
        at: event.createdAt.toISOString(),
        bucketStart: new Date(Math.floor(event.createdAt.getTime() / step) * step).toISOString(),
        action: event.action,
        label: subject ? `${auditEventLabel(event.action)}: ${subject}` : auditEventLabel(event.action),
      };
    });
}
