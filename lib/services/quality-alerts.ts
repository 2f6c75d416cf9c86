import 'server-only';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Db } from '@/lib/db/client';
import {
  acknowledgeQualityAlertById,
  getCurrentQualityAlerts,
  getQualityAlertBySubtree,
  getQualityAlertsBySubtree,
  getQualityBucketsByKey,
  getQualitySamplesForAllAccounts,
  getTrunkGroupNamesByIds,
  insertQualityAlert,
  updateOpenQualityAlert,
  type QualityAlertWithNames,
  type RollupSampleRow,
} from '@/lib/db/queries/quality-alerts';
import type { QualityAlert } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import {
  baselineWindow,
  judgeWindow,
  qualityWindow,
  QUALITY_BASELINE_WEEKS,
  QUALITY_GRID_MS,
  QUALITY_WINDOW_MS,
  WEEK_MS,
  judgeAsr,
  judgePddP50,
  type MetricJudgement,
  type PeriodSample,
  type QualityAlertMetric,
} from '@/lib/quality/baseline';
import { histogramQuantile } from '@/lib/quality/metrics';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { recordAudit } from './audit';

/**
 * CDRs of a call arrive when it ends, answered calls last: the newest minutes look worse than they
 * are. The job judges the window that ended this long ago.
 */
export const QUALITY_ALERT_SETTLE_MS = 5 * 60_000;

const keyOf = (accountId: string, trunkGroupId: string | null, destination: string) => `${accountId}|${trunkGroupId ?? ''}|${destination}`;

function periodOf(row: Pick<RollupSampleRow, 'attempts' | 'answered' | 'pddKnown' | 'pddHistogram'> | undefined): PeriodSample {
  if (!row) return { attempts: 0, answered: 0, pddKnown: 0, pddP50Ms: null };
  return { attempts: row.attempts, answered: row.answered, pddKnown: row.pddKnown, pddP50Ms: histogramQuantile(row.pddHistogram, 0.5) };
}

export interface QualityAlertEvaluation {
  windowStart: Date;
  windowEnd: Date;
  /** (account, trunk group, destination) keys with calls in the window. */
  keys: number;
  opened: number;
  updated: number;
  resolved: number;
}

/** The further from normal of two values (lower ASR, higher PDD). */
const worse = (metric: QualityAlertMetric, a: number, b: number) => (metric === 'asr' ? Math.min(a, b) : Math.max(a, b));

/**
 * Judges the 15 minutes before `at` for every account, trunk group and destination against the
 * same time of week over the previous four weeks (lib/quality/baseline.ts): opens an alert when a
 * metric leaves its range, updates the open one while it stays out, resolves it when it is back.
 * Opening and resolving publish `quality.alert` (webhooks, in-app, e-mail). Safe to run again for
 * the same `at`, and never lets an older window undo what a newer one found.
 */
export async function evaluateQualityAlerts({ at }: { at: Date }): Promise<QualityAlertEvaluation> {
  const db = await getDb();
  const window = qualityWindow(at);
  const ranges = Array.from({ length: QUALITY_BASELINE_WEEKS + 1 }, (_, week) => ({ week, ...baselineWindow(window, week) }));
  const samples = await getQualitySamplesForAllAccounts(db, { ranges });

  const byKey = new Map<string, { accountId: string; trunkGroupId: string | null; destination: string; weeks: (RollupSampleRow | undefined)[] }>();
  for (const row of samples) {
    const key = keyOf(row.accountId, row.trunkGroupId, row.destination);
    const entry = byKey.get(key) ?? { accountId: row.accountId, trunkGroupId: row.trunkGroupId, destination: row.destination, weeks: [] };
    entry.weeks[row.week] = row;
    byKey.set(key, entry);
  }
  const current = await getCurrentQualityAlerts(db, { since: window.end });
  const open = new Map(current.filter((alert) => !alert.resolvedAt).map((alert) => [`${keyOf(alert.accountId, alert.trunkGroupId, alert.destination)}|${alert.metric}`, alert]));
  // Resolved by a later window: an evaluation of an earlier time (a backfill) must not reopen it.
  const settled = new Set(current.filter((alert) => alert.resolvedAt).map((alert) => `${keyOf(alert.accountId, alert.trunkGroupId, alert.destination)}|${alert.metric}`));
  const names = await getTrunkGroupNamesByIds(db, { trunkGroupIds: [...new Set(samples.flatMap((row) => (row.trunkGroupId ? [row.trunkGroupId] : [])))] });

  const result: QualityAlertEvaluation = { windowStart: window.start, windowEnd: window.end, keys: 0, opened: 0, updated: 0, resolved: 0 };
  for (const [key, entry] of byKey) {
    if (!entry.weeks[0]) continue;
    result.keys++;
    const judgements = judgeWindow(
      periodOf(entry.weeks[0]),
      Array.from({ length: QUALITY_BASELINE_WEEKS }, (_, i) => periodOf(entry.weeks[i + 1])),
    );
    for (const judgement of judgements) {
      if (!judgement.judged) continue;
      const existing = open.get(`${key}|${judgement.metric}`);
      if (existing ? existing.windowEnd > window.end : settled.has(`${key}|${judgement.metric}`)) continue;
      const outcome = await applyJudgement(db, { ...entry, trunkGroupName: entry.trunkGroupId ? (names.get(entry.trunkGroupId) ?? null) : null }, window, judgement, existing);
      if (outcome) result[outcome]++;
    }
  }
  if (result.opened + result.resolved > 0) dispatchAccountEventsSoon();
  log.info('quality_alerts.evaluated', { ...result, windowStart: window.start.toISOString(), windowEnd: window.end.toISOString() });
  return result;
}

async function applyJudgement(
  db: Db,
  key: { accountId: string; trunkGroupId: string | null; trunkGroupName: string | null; destination: string },
  window: { start: Date; end: Date },
  judgement: MetricJudgement,
  existing: QualityAlert | undefined,
): Promise<'opened' | 'updated' | 'resolved' | undefined> {
  const figures = {
    windowStart: window.start,
    windowEnd: window.end,
    observed: judgement.observed!,
    baseline: judgement.baseline!,
    spread: judgement.spread!,
    threshold: judgement.threshold!,
    volume: judgement.volume,
    baselineWeeks: judgement.baselineWeeks,
    evaluatedAt: new Date(),
  };
  const eventData = (alert: QualityAlert, status: 'open' | 'resolved') => ({
    alertId: alert.id,
    status,
    metric: alert.metric,
    trunkGroupId: alert.trunkGroupId,
    trunkGroupName: key.trunkGroupName,
    destination: alert.destination,
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    observed: judgement.observed!,
    baseline: judgement.baseline!,
    threshold: judgement.threshold!,
    attempts: judgement.volume,
  });

  if (judgement.breached && existing) {
    await updateOpenQualityAlert(db, { accountId: existing.accountId, alertId: existing.id, changes: { ...figures, worstObserved: worse(judgement.metric, existing.worstObserved, judgement.observed!) } });
    return 'updated';
  }
  if (judgement.breached) {
    return db.transaction(async (tx) => {
      const alert = await insertQualityAlert(tx, {
        accountId: key.accountId,
        metric: judgement.metric,
        trunkGroupId: key.trunkGroupId,
        destination: key.destination,
        ...figures,
        worstObserved: judgement.observed!,
        openedAt: window.end,
      });
      if (!alert) return undefined;
      await publishAccountEvent(tx, { accountId: key.accountId, type: 'quality.alert', data: eventData(alert, 'open') });
      return 'opened' as const;
    });
  }
  if (existing) {
    return db.transaction(async (tx) => {
      // The figures of the breach stay; only the time it ended is added.
      const alert = await updateOpenQualityAlert(tx, { accountId: existing.accountId, alertId: existing.id, changes: { resolvedAt: window.end, evaluatedAt: figures.evaluatedAt } });
      if (!alert) return undefined;
      await publishAccountEvent(tx, { accountId: key.accountId, type: 'quality.alert', data: eventData(alert, 'resolved') });
      return 'resolved' as const;
    });
  }
  return undefined;
}

/** What the `evaluate-quality-alerts` job runs every 5 minutes. */
export function evaluateQualityAlertsNow(): Promise<QualityAlertEvaluation> {
  return evaluateQualityAlerts({ at: new Date(Date.now() - QUALITY_ALERT_SETTLE_MS) });
}

export interface QualityAlertView {
  id: string;
  accountId: string;
  accountName: string;
  metric: QualityAlertMetric;
  trunkGroupId: string | null;
  trunkGroupName: string | null;
  destination: string;
  windowStart: string;
  windowEnd: string;
  observed: number;
  baseline: number;
  spread: number;
  threshold: number;
  worstObserved: number;
  volume: number;
  baselineWeeks: number;
  status: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

function viewOf({ alert, accountName, trunkGroupName }: QualityAlertWithNames): QualityAlertView {
  return {
    id: alert.id,
    accountId: alert.accountId,
    accountName,
    metric: alert.metric,
    trunkGroupId: alert.trunkGroupId,
    trunkGroupName,
    destination: alert.destination,
    windowStart: alert.windowStart.toISOString(),
    windowEnd: alert.windowEnd.toISOString(),
    observed: alert.observed,
    baseline: alert.baseline,
    spread: alert.spread,
    threshold: alert.threshold,
    worstObserved: alert.worstObserved,
    volume: alert.volume,
    baselineWeeks: alert.baselineWeeks,
    status: alert.resolvedAt ? 'resolved' : 'open',
    openedAt: alert.openedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
  };
}

export const QUALITY_ALERTS_PAGE_SIZE = 25;

/** The alerts of the caller's account and its sub-accounts, open first, newest first. */
export async function listQualityAlerts(
  access: AccountAccess,
  { status = 'all', page = 1, pageSize = QUALITY_ALERTS_PAGE_SIZE }: { status?: 'open' | 'resolved' | 'all'; page?: number; pageSize?: number } = {},
): Promise<{ data: QualityAlertView[]; total: number }> {
  assertCan(access, 'usage.read');
  const { rows, total } = await getQualityAlertsBySubtree(await getDb(), { accountPath: access.account.path, status, limit: pageSize, offset: (page - 1) * pageSize });
  return { data: rows.map(viewOf), total };
}

/** Another tenant's alert, or an id that is none, is "not found". */
export async function getQualityAlert(access: AccountAccess, alertId: string): Promise<QualityAlertView> {
  assertCan(access, 'usage.read');
  const row = await getQualityAlertBySubtree(await getDb(), { alertId, accountPath: access.account.path });
  if (!row) throw new AppError('not_found:quality_alert', 'No such alert.');
  return viewOf(row);
}

/** Says someone is on it; the first acknowledgement stands (a second one changes nothing). */
export async function acknowledgeQualityAlert(access: AccountAccess, alertId: string, now = new Date()): Promise<QualityAlertView> {
  assertCan(access, 'usage.read');
  const db = await getDb();
  const row = await getQualityAlertBySubtree(db, { alertId, accountPath: access.account.path });
  if (!row) throw new AppError('not_found:quality_alert', 'No such alert.');
  assertCan(access, 'technical.write');
  if (row.alert.acknowledgedAt) return viewOf(row);
  const by = access.actor.kind === 'api_key' ? access.user.name : access.user.name || access.user.email;
  const acknowledged = await db.transaction(async (tx) => {
    const updated = await acknowledgeQualityAlertById(tx, {
      accountId: row.alert.accountId,
      alertId: row.alert.id,
      userId: access.actor.kind === 'user' ? access.actor.user.id : null,
      by,
      at: now,
    });
    if (updated) await recordAudit(tx, access, { accountId: row.alert.accountId, action: 'quality_alert.acknowledge', targetType: 'quality_alert', targetId: row.alert.id });
    return updated;
  });
  return viewOf({ ...row, alert: acknowledged ?? row.alert });
}

export interface QualityAlertChartPoint {
  /** End of the 15-minute window this point judges. */
  at: string;
  attempts: number;
  observed: number | null;
  baseline: number | null;
  threshold: number | null;
}

/**
 * The alert's metric around it: the same 15-minute rule evaluated at every 5-minute step from three
 * hours before the alert to an hour after it ended (or now), so the chart shows what the rule saw.
 */
export async function getQualityAlertChart(access: AccountAccess, alertId: string, now = new Date()): Promise<{ alert: QualityAlertView; points: QualityAlertChartPoint[] }> {
  const alert = await getQualityAlert(access, alertId);
  const opened = new Date(alert.openedAt).getTime();
  const ended = alert.resolvedAt ? new Date(alert.resolvedAt).getTime() : new Date(alert.windowEnd).getTime();
  const from = opened - 3 * 3600_000;
  const to = Math.min(Math.max(ended, opened) + 3600_000, Math.floor(now.getTime() / QUALITY_GRID_MS) * QUALITY_GRID_MS, opened + 12 * 3600_000);
  const ranges = Array.from({ length: QUALITY_BASELINE_WEEKS + 1 }, (_, week) => ({
    week,
    start: new Date(from - QUALITY_WINDOW_MS - week * WEEK_MS),
    end: new Date(to - week * WEEK_MS),
  }));
  const buckets = await getQualityBucketsByKey(await getDb(), { accountId: alert.accountId, trunkGroupId: alert.trunkGroupId, destination: alert.destination, ranges });
  const byTime = new Map(buckets.map((bucket) => [`${bucket.week}|${bucket.bucketStart.getTime() + bucket.week * WEEK_MS}`, bucket]));
  const sumAt = (week: number, end: number) => {
    const total = { attempts: 0, answered: 0, pddKnown: 0, pddHistogram: [] as number[] };
    for (let start = end - QUALITY_WINDOW_MS; start < end; start += QUALITY_GRID_MS) {
      const bucket = byTime.get(`${week}|${start}`);
      if (!bucket) continue;
      total.attempts += bucket.attempts;
      total.answered += bucket.answered;
      total.pddKnown += bucket.pddKnown;
      bucket.pddHistogram.forEach((count, i) => (total.pddHistogram[i] = (total.pddHistogram[i] ?? 0) + count));
    }
    return periodOf(total);
  };
  const judge = alert.metric === 'asr' ? judgeAsr : judgePddP50;
  const points: QualityAlertChartPoint[] = [];
  for (let end = from; end <= to; end += QUALITY_GRID_MS) {
    const current = sumAt(0, end);
    const judgement = judge(
      current,
      Array.from({ length: QUALITY_BASELINE_WEEKS }, (_, i) => sumAt(i + 1, end)),
    );
    const observed = alert.metric === 'asr' ? (current.attempts > 0 ? current.answered / current.attempts : null) : current.pddP50Ms;
    points.push({ at: new Date(end).toISOString(), attempts: current.attempts, observed, baseline: judgement.baseline, threshold: judgement.threshold });
  }
  return { alert, points };
}
