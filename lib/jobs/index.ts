import { getDbHandle } from '@/lib/db/client';
import { dispatchAccountEventsAndWake } from '@/lib/services/account-events';
import { purgeApiLeftovers } from '@/lib/services/api-housekeeping';
import { CDR_EXPORT_QUEUE, runCdrExport, sweepCdrExports } from '@/lib/services/cdr-export';
import { pullAllCdrs } from '@/lib/services/cdr-pull';
import { applyCdrRetention } from '@/lib/services/cdr-retention';
import { purgeExpiredNumberSearches, vacuumEmbeddedDatabase } from '@/lib/services/database-maintenance';
import { runDemoLiveCalls } from '@/lib/services/demo-cdrs';
import { autoAcceptOverdueDisputes } from '@/lib/services/disputes';
import { reconcileE911 } from '@/lib/services/e911';
import { closeInvoicePeriod } from '@/lib/services/invoice-issue';
import { expireCartHolds } from '@/lib/services/number-cart';
import { pollPortIns } from '@/lib/services/port-lifecycle';
import { reconcileOrders } from '@/lib/services/number-orders';
import { refreshOwnedNumbers } from '@/lib/services/number-refresh';
import { MAIL_DELIVERY_QUEUE, MAIL_RETRY_DELAY_SECONDS, MAIL_RETRY_LIMIT, retryUnsentMail, sendOutboxMessage } from '@/lib/services/mail';
import { evaluateQualityAlertsNow } from '@/lib/services/quality-alerts';
import { RERATE_QUEUE, runReratingJob } from '@/lib/services/rerating';
import { reconcilePrepayTiersNow } from '@/lib/services/ledger';
import { evaluateSpendAlertsNow } from '@/lib/services/spend-limits';
import { checkTrunkDrift } from '@/lib/services/trunk-groups';
import { fetchAllUpstreamStatements } from '@/lib/services/upstream-reconciliation';
import { deliverWebhookAttempt, WEBHOOK_DELIVERY_QUEUE } from '@/lib/services/webhooks';
import { currentJobRunner, setJobRunner } from './lifecycle';
import { startJobRunner, type JobDefinition, type JobRunner, type QueueDefinition } from './runner';

export const JOBS: readonly JobDefinition[] = [
  // At start: an order a crash left in flight is asked of the upstream and settled.
  { name: 'reconcile-orders', cron: '* * * * *', runAtStart: true, run: () => reconcileOrders() },
  { name: 'expire-cart-holds', cron: '* * * * *', run: () => expireCartHolds() },
  // Upstream listings are rate-limited (VoiceTel: 6 account reads an hour): a few times a day is enough.
  { name: 'refresh-owned-numbers', cron: '7 */6 * * *', expireInSeconds: 3600, run: () => refreshOwnedNumbers() },
  // Emergency records removed or changed upstream behind the portal's back: the number shows as failed.
  { name: 'reconcile-e911', cron: '17 */6 * * *', expireInSeconds: 3600, run: () => reconcileE911() },
  { name: 'check-trunk-drift', cron: '*/15 * * * *', run: () => checkTrunkDrift() },
  { name: 'vacuum-embedded-database', cron: '37 */6 * * *', runAtStart: true, expireInSeconds: 3600, run: () => vacuumEmbeddedDatabase() },
  { name: 'purge-number-searches', cron: '*/15 * * * *', run: () => purgeExpiredNumberSearches() },
  // Idempotency answers past their 24 hours and rate buckets idle for a day (full again anyway).
  { name: 'purge-api-leftovers', cron: '41 * * * *', run: () => purgeApiLeftovers() },
  // Upstream CDRs into the store from each connection's cursor; paced per upstream (VoiceTel: a window every 30 minutes).
  { name: 'pull-cdrs', cron: '*/5 * * * *', runAtStart: true, expireInSeconds: 1800, run: () => pullAllCdrs() },
  // The demo only (SEED_DEMO with its seeded calls): its calls go on arriving, for the live feed and the charts.
  { name: 'demo-live-calls', cron: '* * * * *', run: () => runDemoLiveCalls() },
  // CDR month partitions created 3 months ahead; months past CDR_RETENTION_MONTHS dropped whole, with their rollups.
  { name: 'cdr-retention', cron: '23 */24 * * *', runAtStart: true, expireInSeconds: 3600, run: () => applyCdrRetention() },
  // Account events into webhook deliveries and notifications (changes also trigger it at once), and wake-ups for deliveries due.
  { name: 'dispatch-account-events', cron: '* * * * *', runAtStart: true, run: () => dispatchAccountEventsAndWake() },
  // ASR and PDD of the last 15 minutes (settled 5) against the same time of week over 4 weeks: opens, updates, resolves quality alerts.
  { name: 'evaluate-quality-alerts', cron: '*/5 * * * *', run: () => evaluateQualityAlertsNow() },
  // Spend caps and credit limits against rated usage: an alert at 80% and 100%, once per account, month and limit.
  { name: 'evaluate-spend-alerts', cron: '*/5 * * * *', run: () => evaluateSpendAlertsNow() },
  // Prepay tiers whose credit is used up end from the new month; in the morning, after the month's invoices are issued.
  { name: 'reconcile-prepay-tiers', cron: '0 6 1 * *', run: () => reconcilePrepayTiersNow() },
  // CDR export files past their 7 days deleted; exports asked for while no runner ran get queued.
  { name: 'sweep-cdr-exports', cron: '*/5 * * * *', run: () => sweepCdrExports() },
  // Each upstream's ledger or invoices for last month and this one, stored for the staff reconciliation page.
  { name: 'fetch-upstream-statements', cron: '43 5 * * *', expireInSeconds: 1800, run: () => fetchAllUpstreamStatements() },
  // Period close: every month over and not yet issued, oldest first, of every billing account. Daily (00:15 UTC): a month skipped on the 1st, or a run missed, is caught up.
  { name: 'close-invoice-period', cron: '15 0 * * *', expireInSeconds: 3600, run: () => closeInvoicePeriod() },
  // Seed 000's promise, "credited within 2 business days or we eat it": open disputes past their due time accepted in full.
  { name: 'auto-accept-overdue-disputes', cron: '*/15 * * * *', run: () => autoAcceptOverdueDisputes() },
  // Port-ins: each due for a status read asked of its upstream (within its interval), and submissions an upstream could not take sent again.
  { name: 'port-ins', cron: '* * * * *', run: () => pollPortIns() },
  // Outbox mail a request could not send (SMTP down, or a crash before it tried): one job per message on the mail queue.
  { name: 'retry-unsent-mail', cron: '* * * * *', run: () => retryUnsentMail() },
];

/** Queues of one job per piece of work, sent by services (each webhook attempt, at its time). */
export const QUEUES: readonly QueueDefinition[] = [
  { name: WEBHOOK_DELIVERY_QUEUE, description: 'one webhook delivery attempt, at its time', batchSize: 5, work: (data) => deliverWebhookAttempt((data as { deliveryId: string }).deliveryId) },
  // One CSV file per export; a million rows take minutes, so the run may last an hour.
  { name: CDR_EXPORT_QUEUE, description: 'one CDR export file', batchSize: 1, expireInSeconds: 3600, work: (data) => runCdrExport((data as { exportId: string }).exportId) },
  // A deck change re-prices un-invoiced calls: one account-day per transaction, so a long run may take an hour.
  { name: RERATE_QUEUE, description: 'one re-rating of stored calls after a deck change or assignment', batchSize: 1, expireInSeconds: 3600, work: (data) => runReratingJob(data) },
  // An SMTP outage of a few hours is outlasted: about 1, 2, 4 … 128 minutes apart (with jitter), then failed here for staff.
  {
    name: MAIL_DELIVERY_QUEUE,
    description: 'one e-mail the first attempt did not send',
    batchSize: 5,
    retryLimit: MAIL_RETRY_LIMIT,
    retryDelaySeconds: MAIL_RETRY_DELAY_SECONDS,
    work: (data) => sendOutboxMessage((data as { messageId: string }).messageId),
  },
];

/** Starts pg-boss (migrating its schema), the schedules and the workers: once per process. */
export function startJobs(): Promise<JobRunner> {
  return currentJobRunner() ?? setJobRunner(getDbHandle().then((handle) => startJobRunner(JOBS, { handle, queues: QUEUES })))!;
}

/**
 * pg-boss for queueing and reading when this process runs no workers (JOBS=0, or a page asked
 * before the jobs started): the same queues, no schedules, no workers.
 */
export function getJobRunner(): Promise<JobRunner> {
  return currentJobRunner() ?? setJobRunner(getDbHandle().then((handle) => startJobRunner(JOBS, { handle, queues: QUEUES, workers: false })))!;
}
