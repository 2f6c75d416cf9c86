import 'server-only';

/**
 * Webhook endpoints of an account and the deliveries of its events to them (issue 13.7). An event
 * of an account goes to the enabled endpoints of that account and of its ancestors (a role reaches
 * the subtree, so a parent's integration hears about its sub-accounts; `data.accountId` says whose
 * event it is). Each delivery is retried on its own schedule (`WEBHOOK_RETRY_DELAYS_SECONDS`), one
 * pg-boss job per attempt; the rows here are the truth, the jobs only wake the sender.
 */
import { randomBytes } from 'node:crypto';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getAccountById, pathIds } from '@/lib/db/queries/accounts';
import {
  countWebhookEndpointsByAccount,
  deleteWebhookEndpointById,
  getSubscribedWebhookEndpoints,
  getUnqueuedDueWebhookDeliveries,
  getWebhookAttemptsByDeliveries,
  getWebhookDeliveriesByEndpoint,
  getWebhookDeliveryById,
  getWebhookDeliveryWork,
  getWebhookEndpointById,
  getWebhookEndpointsByAccount,
  insertDispatchedAccountEvent,
  insertWebhookAttempt,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  leaseDueWebhookDelivery,
  lockAccountForWebhookChange,
  markWebhookDeliveriesQueued,
  updateWebhookDelivery,
  updateWebhookEndpointById,
} from '@/lib/db/queries/webhooks';
import { type AccountEventRow, type WebhookDelivery, type WebhookDeliveryAttempt, type WebhookEndpoint } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { currentJobRunner } from '@/lib/jobs/lifecycle';
import { log } from '@/lib/log';
import { webhookCreateSchema, webhookUpdateSchema, WEBHOOK_ENDPOINTS_PER_ACCOUNT, type WebhookCreateInput, type WebhookUpdateInput } from '@/lib/validations/webhooks';
import { z } from 'zod';
import { recordAudit } from './audit';
import { openSecret, sealSecret } from './secret-box';
import { postWebhook, webhookUrlRefusal } from './webhook-delivery';
import { generateWebhookSecret, webhookHeaders } from './webhook-signing';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
export const WEBHOOK_TEST_EVENT = 'webhook.test';
/** After a rotation the previous secret keeps signing beside the new one this long. */
export const WEBHOOK_SECRET_OVERLAP_HOURS = 24;

/**
 * Seconds to wait after each failed attempt: doubling from 30 s, capped at 8 h, about 24 h in all
 * (13 attempts). After the last one fails the delivery is failed.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 28800, 28800];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_SECONDS.length + 1;
/** How long one worker holds an attempt (longer than the 15 s timeout). */
const LEASE_SECONDS = 60;
/** A wake-up job not picked up in this time is assumed lost and queued again. */
const LOST_JOB_MINUTES = 10;

export interface WebhookEndpointView {
  id: string;
  accountId: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** While a rotated-out secret still signs beside the current one: until when. */
  previousSecretExpiresAt: string | null;
}

export interface WebhookAttemptView {
  attemptedAt: string;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  webhookId: string;
  /** The event's public id: the `webhook-id` header of every attempt. */
  eventId: string;
  eventType: string;
  /** The account the event happened in (this account or a sub-account). */
  eventAccountId: string;
  status: WebhookDelivery['status'];
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  redeliveryOf: string | null;
  attempts: WebhookAttemptView[];
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

function endpointView(endpoint: WebhookEndpoint, now = new Date()): WebhookEndpointView {
  const overlapping = endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? endpoint.previousSecretExpiresAt : null;
  return {
    id: endpoint.id,
    accountId: endpoint.accountId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    previousSecretExpiresAt: iso(overlapping),
  };
}

function attemptView(attempt: WebhookDeliveryAttempt): WebhookAttemptView {
  return { attemptedAt: attempt.attemptedAt.toISOString(), responseStatus: attempt.responseStatus, error: attempt.error, durationMs: attempt.durationMs, responseBody: attempt.responseBody };
}

function deliveryView(delivery: WebhookDelivery, event: { publicId: string; type: string; accountId: string }, attempts: WebhookDeliveryAttempt[]): WebhookDeliveryView {
  return {
    id: delivery.id,
    webhookId: delivery.endpointId,
    eventId: event.publicId,
    eventType: event.type,
    eventAccountId: event.accountId,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    createdAt: delivery.createdAt.toISOString(),
    finishedAt: iso(delivery.finishedAt),
    redeliveryOf: delivery.redeliveryOf,
    attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id).map(attemptView),
  };
}

/** What the audit log keeps of an endpoint: never its secrets. */
const auditedEndpoint = (endpoint: WebhookEndpoint) => ({ url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes, enabled: endpoint.enabled });

async function assertReceivable(url: string) {
  const refusal = await webhookUrlRefusal(url);
  if (refusal) throw new AppError('invalid:url', refusal, { fieldErrors: { url: [refusal] } });
}

async function endpointOf(db: Db | Tx, access: AccountAccess, webhookId: string, forUpdate = false): Promise<WebhookEndpoint> {
  const endpoint = await getWebhookEndpointById(db, { webhookId, accountId: access.account.id, forUpdate });
  if (!endpoint) throw new AppError('not_found:webhook', 'No webhook endpoint with that id in this account.');
  return endpoint;
}

export async function listWebhookEndpoints(access: AccountAccess): Promise<WebhookEndpointView[]> {
  assertCan(access, 'technical.read');
  const rows = await getWebhookEndpointsByAccount(await getDb(), { accountId: access.account.id });
  return rows.map((row) => endpointView(row));
}

export async function getWebhookEndpoint(access: AccountAccess, webhookId: string): Promise<WebhookEndpointView> {
  assertCan(access, 'technical.read');
  return endpointView(await endpointOf(await getDb(), access, webhookId));
}

/** Creates an endpoint; the answer carries its secret, the only time it is shown. */
export async function createWebhookEndpoint(access: AccountAccess, input: WebhookCreateInput): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  assertCan(access, 'technical.write');
  const values = webhookCreateSchema.parse(input);
  const url = new URL(values.url).toString();
  await assertReceivable(url);
  const secret = generateWebhookSecret();
  const db = await getDb();
  const endpoint = await db.transaction(async (tx) => {
    // One writer at a time per account, so two creations cannot both pass the limit.
    await lockAccountForWebhookChange(tx, { accountId: access.account.id });
    if ((await countWebhookEndpointsByAccount(tx, { accountId: access.account.id })) >= WEBHOOK_ENDPOINTS_PER_ACCOUNT) {
      throw new AppError('conflict:webhook_limit', `An account can have at most ${WEBHOOK_ENDPOINTS_PER_ACCOUNT} webhook endpoints; delete one first.`);
    }
    const created = await insertWebhookEndpoint(tx, {
      accountId: access.account.id,
      url,
      description: values.description,
      eventTypes: values.eventTypes,
      enabled: values.enabled,
      secretSealed: sealSecret(secret),
    });
    await recordAudit(tx, access, { accountId: access.account.id, action: 'webhook.create', targetType: 'webhook', targetId: created.id, after: auditedEndpoint(created) });
    return created;
  });
  return { endpoint: endpointView(endpoint), secret };
}

export async function updateWebhookEndpoint(access: AccountAccess, webhookId: string, input: WebhookUpdateInput): Promise<WebhookEndpointView> {
  assertCan(access, 'technical.write');
  const values = webhookUpdateSchema.parse(input);
  const url = values.url === undefined ? undefined : new URL(values.url).toString();
  const db = await getDb();
  await endpointOf(db, access, webhookId);
  if (url !== undefined) await assertReceivable(url);
  const updated = await db.transaction(async (tx) => {
    const before = await endpointOf(tx, access, webhookId, true);
    const changes = {
      ...(url !== undefined ? { url } : {}),
      ...(values.description !== undefined ? { description: values.description } : {}),
      ...(values.eventTypes !== undefined ? { eventTypes: values.eventTypes } : {}),
      ...(values.enabled !== undefined ? { enabled: values.enabled } : {}),
    };
    const after = (await updateWebhookEndpointById(tx, { webhookId, accountId: access.account.id, values: changes }))!;
    const action = values.enabled !== undefined && values.enabled !== before.enabled && Object.keys(changes).length === 1 ? (values.enabled ? 'webhook.enable' : 'webhook.disable') : 'webhook.update';
    await recordAudit(tx, access, { accountId: access.account.id, action, targetType: 'webhook', targetId: webhookId, before: auditedEndpoint(before), after: auditedEndpoint(after) });
    return after;
  });
  return endpointView(updated);
}

export async function deleteWebhookEndpoint(access: AccountAccess, webhookId: string): Promise<void> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const endpoint = await endpointOf(tx, access, webhookId, true);
    await deleteWebhookEndpointById(tx, { webhookId, accountId: access.account.id });
    await recordAudit(tx, access, { accountId: access.account.id, action: 'webhook.delete', targetType: 'webhook', targetId: webhookId, before: auditedEndpoint(endpoint) });
  });
}

/**
 * A new secret, shown once. The one it replaces keeps signing beside it for 24 hours so receivers
 * can switch without losing a delivery; a rotation during an overlap drops the oldest.
 */
export async function rotateWebhookSecret(access: AccountAccess, webhookId: string, now = new Date()): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  assertCan(access, 'technical.write');
  const secret = generateWebhookSecret();
  const db = await getDb();
  const endpoint = await db.transaction(async (tx) => {
    const current = await endpointOf(tx, access, webhookId, true);
    const previousSecretExpiresAt = new Date(now.getTime() + WEBHOOK_SECRET_OVERLAP_HOURS * 3600_000);
    const rotated = (await updateWebhookEndpointById(tx, {
      webhookId,
      accountId: access.account.id,
      values: { secretSealed: sealSecret(secret), previousSecretSealed: current.secretSealed, previousSecretExpiresAt },
    }))!;
    await recordAudit(tx, access, { accountId: access.account.id, action: 'webhook.rotate_secret', targetType: 'webhook', targetId: webhookId, after: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() } });
    return rotated;
  });
  return { endpoint: endpointView(endpoint, now), secret };
}

const deliveryCursor = z.object({ c: z.string().datetime(), i: z.string().uuid() });

export async function listWebhookDeliveries(access: AccountAccess, webhookId: string, { cursor, limit }: { cursor?: string; limit: number }) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  await endpointOf(db, access, webhookId);
  const position = decodeCursor(cursor, deliveryCursor);
  const rows = await getWebhookDeliveriesByEndpoint(db, {
    endpointId: webhookId,
    accountId: access.account.id,
    before: position ? { createdAt: new Date(position.c), id: position.i } : undefined,
    limit: limit + 1,
  });
  const attempts = await getWebhookAttemptsByDeliveries(db, { deliveryIds: rows.slice(0, limit).map((row) => row.delivery.id) });
  return pageFrom(
    rows,
    limit,
    (row) => deliveryView(row.delivery, row.event, attempts),
    (row) => ({ c: row.delivery.createdAt.toISOString(), i: row.delivery.id }),
  );
}

async function deliveryViewById(db: Db | Tx, deliveryId: string): Promise<WebhookDeliveryView> {
  const work = (await getWebhookDeliveryWork(db, { deliveryId }))!;
  return deliveryView(work.delivery, work.event, await getWebhookAttemptsByDeliveries(db, { deliveryIds: [deliveryId] }));
}

function assertEnabled(endpoint: WebhookEndpoint) {
  if (!endpoint.enabled) throw new AppError('conflict:webhook_disabled', 'The endpoint is disabled; enable it first.');
}

/** Sends an event again to the endpoint now, as a new delivery with the same `webhook-id` and its own retries. */
export async function redeliverWebhook(access: AccountAccess, webhookId: string, deliveryId: string): Promise<WebhookDeliveryView> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const now = new Date();
  const created = await db.transaction(async (tx) => {
    const endpoint = await endpointOf(tx, access, webhookId);
    const original = await getWebhookDeliveryById(tx, { deliveryId, endpointId: webhookId, accountId: access.account.id });
    if (!original) throw new AppError('not_found:webhook_delivery', 'No delivery with that id for this endpoint.');
    assertEnabled(endpoint);
    const [row] = await insertWebhookDeliveries(tx, [
      { accountId: access.account.id, endpointId: webhookId, eventId: original.eventId, nextAttemptAt: now, createdAt: now, redeliveryOf: original.id },
    ]);
    await recordAudit(tx, access, { accountId: access.account.id, action: 'webhook.redeliver', targetType: 'webhook', targetId: webhookId, after: { deliveryId: row!.id, redeliveryOf: original.id } });
    return row!;
  });
  wakeDeliveriesSoon([{ id: created.id, nextAttemptAt: now }]);
  return deliveryViewById(db, created.id);
}

/** A `webhook.test` event delivered to this endpoint only (never to the account's others). */
export async function sendTestWebhook(access: AccountAccess, webhookId: string): Promise<WebhookDeliveryView> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const now = new Date();
  const created = await db.transaction(async (tx) => {
    const endpoint = await endpointOf(tx, access, webhookId);
    assertEnabled(endpoint);
    const event = await insertDispatchedAccountEvent(tx, {
      publicId: `evt_${randomBytes(16).toString('base64url')}`,
      accountId: access.account.id,
      type: WEBHOOK_TEST_EVENT,
      data: { webhookId, message: 'A test event from the Carrier Portal.' },
      createdAt: now,
      dispatchedAt: now,
    });
    const [row] = await insertWebhookDeliveries(tx, [{ accountId: access.account.id, endpointId: webhookId, eventId: event.id, nextAttemptAt: now, createdAt: now }]);
    await recordAudit(tx, access, { accountId: access.account.id, action: 'webhook.test', targetType: 'webhook', targetId: webhookId, after: { deliveryId: row!.id } });
    return row!;
  });
  wakeDeliveriesSoon([{ id: created.id, nextAttemptAt: now }]);
  return deliveryViewById(db, created.id);
}

/**
 * One delivery per enabled endpoint of the event's account and its ancestors that takes the
 * event's type, in the dispatcher's transaction. The wake-up jobs are sent after it commits
 * (`wakeDueWebhookDeliveries`), since pg-boss writes on its own connection.
 */
export async function queueWebhookDeliveries(tx: Tx, event: AccountEventRow): Promise<void> {
  const account = await getAccountById(tx, { accountId: event.accountId });
  if (!account) return;
  const endpoints = await getSubscribedWebhookEndpoints(tx, { accountIds: pathIds(account.path), type: event.type });
  const now = new Date();
  await insertWebhookDeliveries(
    tx,
    endpoints.map((endpoint) => ({ accountId: endpoint.accountId, endpointId: endpoint.id, eventId: event.id, nextAttemptAt: now, createdAt: now })),
  );
}

/** The body every attempt of an event sends: `{ type, timestamp, data }`, `data.accountId` naming whose event it is. */
export function webhookPayload(event: Pick<AccountEventRow, 'type' | 'createdAt' | 'data' | 'accountId'>): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: { ...(event.data as Record<string, unknown>), accountId: event.accountId } });
}

/** The secrets that sign now: the current one, and the rotated-out one during its overlap. */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, 'secretSealed' | 'previousSecretSealed' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const secrets = [openSecret(endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) secrets.push(openSecret(endpoint.previousSecretSealed));
  return secrets;
}

export type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'cancelled' | 'not_due';

/**
 * Makes the due attempt of one delivery (the pg-boss job's work): sign, POST, log the attempt, and
 * either finish the delivery or schedule its next attempt. A delivery not due, already done or held
 * by another worker is left alone.
 */
export async function deliverWebhookAttempt(deliveryId: string, { now = new Date(), timeoutMs }: { now?: Date; timeoutMs?: number } = {}): Promise<AttemptOutcome> {
  const db = await getDb();
  const leased = await leaseDueWebhookDelivery(db, { deliveryId, now, leaseSeconds: LEASE_SECONDS });
  if (!leased) return 'not_due';
  const work = await getWebhookDeliveryWork(db, { deliveryId });
  if (!work) return 'not_due';
  const { endpoint, event, suspendedAccountName } = work;
  // A suspended account's endpoints receive nothing (suspension is how its access is stopped at once);
  // the log says why, and the event can be sent again once the account is reactivated.
  const notSent = !endpoint.enabled ? 'Not sent: the endpoint is disabled' : suspendedAccountName ? `Not sent: ${suspendedAccountName} is suspended` : null;
  if (notSent) {
    await db.transaction(async (tx) => {
      await insertWebhookAttempt(tx, { deliveryId, attemptedAt: now, responseStatus: null, error: notSent, durationMs: 0, responseBody: null });
      await updateWebhookDelivery(tx, { deliveryId, values: { status: 'cancelled', attemptCount: leased.attemptCount + 1, finishedAt: now, nextAttemptAt: null, queuedAt: null, leasedUntil: null } });
    });
    return 'cancelled';
  }
  const body = webhookPayload(event);
  const headers = webhookHeaders(signingSecrets(endpoint, now), { id: event.publicId, timestamp: Math.floor(now.getTime() / 1000), body });
  const result = await postWebhook(endpoint.url, headers, body, { timeoutMs });
  const delivered = result.status !== null && result.status >= 200 && result.status < 300;
  const attemptCount = leased.attemptCount + 1;
  const retryDelay = WEBHOOK_RETRY_DELAYS_SECONDS[attemptCount - 1];
  const outcome: AttemptOutcome = delivered ? 'delivered' : retryDelay === undefined ? 'failed' : 'retrying';
  const nextAttemptAt = outcome === 'retrying' ? new Date(now.getTime() + retryDelay! * 1000) : null;
  await db.transaction(async (tx) => {
    await insertWebhookAttempt(tx, { deliveryId, attemptedAt: now, responseStatus: result.status, error: result.error, durationMs: result.durationMs, responseBody: result.responseBody });
    await updateWebhookDelivery(tx, {
      deliveryId,
      values: {
        attemptCount,
        status: outcome === 'retrying' ? 'pending' : outcome,
        nextAttemptAt,
        queuedAt: null,
        leasedUntil: null,
        finishedAt: outcome === 'retrying' ? null : now,
      },
    });
  });
  log.info('webhook.attempt', { deliveryId, endpointId: endpoint.id, status: result.status, error: result.error, attempt: attemptCount, outcome });
  if (nextAttemptAt) wakeDeliveriesSoon([{ id: deliveryId, nextAttemptAt }]);
  return outcome;
}

/** Sends one wake-up job per delivery (at its next attempt) when this process runs pg-boss; the cron catches the rest. */
async function wakeDeliveries(deliveries: { id: string; nextAttemptAt: Date | null }[]): Promise<number> {
  const running = currentJobRunner();
  if (!running || deliveries.length === 0) return 0;
  const runner = await running;
  const db = await getDb();
  const queued: string[] = [];
  for (const delivery of deliveries) {
    await runner.boss.send(WEBHOOK_DELIVERY_QUEUE, { deliveryId: delivery.id }, { startAfter: delivery.nextAttemptAt ?? new Date() });
    queued.push(delivery.id);
  }
  await markWebhookDeliveriesQueued(db, { deliveryIds: queued, at: new Date() });
  return queued.length;
}

function wakeDeliveriesSoon(deliveries: { id: string; nextAttemptAt: Date | null }[]) {
  void wakeDeliveries(deliveries).catch((error: unknown) => log.error('webhook.wake_failed', { error }));
}

/** Queues wake-up jobs for deliveries due within the minute that have none (new ones, or a lost job). */
export async function wakeDueWebhookDeliveries({ now = new Date(), batch = 500 }: { now?: Date; batch?: number } = {}): Promise<number> {
  const db = await getDb();
  const due = await getUnqueuedDueWebhookDeliveries(db, { dueBy: new Date(now.getTime() + 60_000), queuedBefore: new Date(now.getTime() - LOST_JOB_MINUTES * 60_000), limit: batch });
  return wakeDeliveries(due);
}
