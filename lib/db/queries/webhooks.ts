import 'server-only';
import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { accountEvents, accounts, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints, type WebhookDeliveryStatus } from '@/lib/db/schema';
import { isUuid } from './accounts';

type Executor = Db | Tx;

export async function getWebhookEndpointsByAccount(db: Executor, { accountId }: { accountId: string }) {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.accountId, accountId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function countWebhookEndpointsByAccount(db: Executor, { accountId }: { accountId: string }): Promise<number> {
  const [row] = await db.select({ total: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.accountId, accountId));
  return Number(row?.total ?? 0);
}

export async function getWebhookEndpointById(db: Executor, { webhookId, accountId, forUpdate = false }: { webhookId: string; accountId: string; forUpdate?: boolean }) {
  if (!isUuid(webhookId)) return undefined;
  const query = db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.accountId, accountId))).limit(1);
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

export async function insertWebhookEndpoint(db: Executor, values: typeof webhookEndpoints.$inferInsert) {
  const [row] = await db.insert(webhookEndpoints).values(values).returning();
  return row!;
}

export async function updateWebhookEndpointById(db: Executor, { webhookId, accountId, values }: { webhookId: string; accountId: string; values: Partial<typeof webhookEndpoints.$inferInsert> }) {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.accountId, accountId)))
    .returning();
  return row;
}

export async function deleteWebhookEndpointById(db: Executor, { webhookId, accountId }: { webhookId: string; accountId: string }) {
  await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.accountId, accountId)));
}

/** Enabled endpoints of these accounts (an account and its ancestors) that take `type`. */
export async function getSubscribedWebhookEndpoints(db: Executor, { accountIds, type }: { accountIds: string[]; type: string }) {
  if (accountIds.length === 0) return [];
  return db
    .select({ id: webhookEndpoints.id, accountId: webhookEndpoints.accountId })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.accountId, accountIds), eq(webhookEndpoints.enabled, true), sql`${type} = any(${webhookEndpoints.eventTypes})`));
}

export async function insertWebhookDeliveries(db: Executor, rows: (typeof webhookDeliveries.$inferInsert)[]) {
  if (rows.length === 0) return [];
  return db.insert(webhookDeliveries).values(rows).returning({ id: webhookDeliveries.id });
}

export async function getWebhookDeliveryById(db: Executor, { deliveryId, endpointId, accountId }: { deliveryId: string; endpointId: string; accountId: string }) {
  if (!isUuid(deliveryId)) return undefined;
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.accountId, accountId)))
    .limit(1);
  return row;
}

/** A page of an endpoint's deliveries, newest first, with their events; `before` is the last row's (createdAt, id). */
export async function getWebhookDeliveriesByEndpoint(
  db: Executor,
  { endpointId, accountId, before, limit }: { endpointId: string; accountId: string; before?: { createdAt: Date; id: string }; limit: number },
) {
  const after = before
    ? or(lt(webhookDeliveries.createdAt, before.createdAt), and(eq(webhookDeliveries.createdAt, before.createdAt), lt(webhookDeliveries.id, before.id)))
    : undefined;
  return db
    .select({ delivery: webhookDeliveries, event: { publicId: accountEvents.publicId, type: accountEvents.type, accountId: accountEvents.accountId, createdAt: accountEvents.createdAt } })
    .from(webhookDeliveries)
    .innerJoin(accountEvents, eq(accountEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.accountId, accountId), after))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}

export async function getWebhookAttemptsByDeliveries(db: Executor, { deliveryIds }: { deliveryIds: string[] }) {
  if (deliveryIds.length === 0) return [];
  return db.select().from(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, deliveryIds)).orderBy(asc(webhookDeliveryAttempts.id));
}

/**
 * Takes the delivery's due attempt for one worker: the lease keeps a second job for the same
 * delivery (a duplicate wake-up) from sending it again while this one runs.
 */
export async function leaseDueWebhookDelivery(db: Executor, { deliveryId, now, leaseSeconds }: { deliveryId: string; now: Date; leaseSeconds: number }) {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ leasedUntil: new Date(now.getTime() + leaseSeconds * 1000) })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.leasedUntil), lt(webhookDeliveries.leasedUntil, now)),
      ),
    )
    .returning();
  return row;
}

/**
 * What an attempt needs: the delivery's endpoint (with its sealed secrets), its event, and the name of
 * the endpoint's account or ancestor that is suspended, if one is.
 */
export async function getWebhookDeliveryWork(db: Executor, { deliveryId }: { deliveryId: string }) {
  const [row] = await db
    .select({
      delivery: webhookDeliveries,
      endpoint: webhookEndpoints,
      event: accountEvents,
      suspendedAccountName: sql<string | null>`(
        select a.name from ${accounts} a
        where a.id = any(string_to_array(trim(both '/' from ${accounts.path}), '/')::uuid[]) and a.status = 'suspended'
        order by a.depth limit 1
      )`,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(accounts, eq(accounts.id, webhookEndpoints.accountId))
    .innerJoin(accountEvents, eq(accountEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  return row;
}

export async function insertWebhookAttempt(db: Executor, values: typeof webhookDeliveryAttempts.$inferInsert) {
  await db.insert(webhookDeliveryAttempts).values(values);
}

export async function updateWebhookDelivery(
  db: Executor,
  { deliveryId, values }: { deliveryId: string; values: Partial<{ status: WebhookDeliveryStatus; attemptCount: number; nextAttemptAt: Date | null; queuedAt: Date | null; leasedUntil: Date | null; finishedAt: Date | null }> },
) {
  await db.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.id, deliveryId));
}

/** Pending deliveries due by `dueBy` with no wake-up job queued (or one queued long ago and lost). */
export async function getUnqueuedDueWebhookDeliveries(db: Executor, { dueBy, queuedBefore, limit }: { dueBy: Date; queuedBefore: Date; limit: number }) {
  return db
    .select({ id: webhookDeliveries.id, nextAttemptAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, dueBy), or(isNull(webhookDeliveries.queuedAt), lt(webhookDeliveries.queuedAt, queuedBefore))))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit);
}

export async function markWebhookDeliveriesQueued(db: Executor, { deliveryIds, at }: { deliveryIds: string[]; at: Date }) {
  if (deliveryIds.length === 0) return;
  await db.update(webhookDeliveries).set({ queuedAt: at }).where(inArray(webhookDeliveries.id, deliveryIds));
}

/** An event made for one endpoint alone (a test): recorded already dispatched, so no other endpoint gets it. */
export async function insertDispatchedAccountEvent(db: Executor, values: typeof accountEvents.$inferInsert & { dispatchedAt: Date }) {
  const [row] = await db.insert(accountEvents).values(values).returning({ id: accountEvents.id });
  return row!;
}

/** Holds the account's row for the transaction: endpoint creations of one account run one at a time. */
export async function lockAccountForWebhookChange(db: Executor, { accountId }: { accountId: string }) {
  await db.execute(sql`select id from accounts where id = ${accountId} for update`);
}
