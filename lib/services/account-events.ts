import 'server-only';
import { randomBytes } from 'node:crypto';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getUndispatchedAccountEvents, insertAccountEvent, markAccountEventsDispatched } from '@/lib/db/queries/account-events';
import { notifyAccountEvent } from './notifications';
import { queueWebhookDeliveries } from './webhooks';
import type { AccountEventData, AccountEventType } from '@/lib/api/events';

/**
 * Records that something happened in an account, in the transaction of the change itself, so an
 * event exists exactly when its change does. Webhook deliveries and notifications are made from it
 * afterwards (`dispatchAccountEvents`), never inline with the change.
 */
export async function publishAccountEvent<Type extends AccountEventType>(db: Db | Tx, event: { accountId: string; type: Type; data: AccountEventData<Type> }): Promise<string> {
  const publicId = `evt_${randomBytes(16).toString('base64url')}`;
  await insertAccountEvent(db, { publicId, accountId: event.accountId, type: event.type, data: event.data });
  return publicId;
}

/**
 * Turns recorded events into webhook deliveries and notifications, oldest first, each event once
 * (marked dispatched in the same transaction as what it produced). Run by a job and right after a
 * change that published events.
 */
export async function dispatchAccountEvents(db?: Db, { batch = 100 }: { batch?: number } = {}): Promise<number> {
  const database = db ?? (await getDb());
  let dispatched = 0;
  for (;;) {
    const events = await getUndispatchedAccountEvents(database, { limit: batch });
    if (events.length === 0) return dispatched;
    await database.transaction(async (tx) => {
      for (const event of events) {
        await queueWebhookDeliveries(tx, event);
        await notifyAccountEvent(tx, event);
      }
      await markAccountEventsDispatched(tx, { ids: events.map((event) => event.id) });
    });
    dispatched += events.length;
    if (events.length < batch) return dispatched;
  }
}
