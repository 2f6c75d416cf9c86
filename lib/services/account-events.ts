import 'server-only';
import { randomBytes } from 'node:crypto';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getUndispatchedAccountEvents, insertAccountEvent, markAccountEventsDispatched } from '@/lib/db/queries/account-events';
import { deliverMail } from './mail';
import { notifyAccountEvent, type QueuedMail } from './notifications';
import { log } from '@/lib/log';
import { currentJobRunner } from '@/lib/jobs/lifecycle';
import { queueWebhookDeliveries, wakeDueWebhookDeliveries } from './webhooks';
import type { AccountEventData, AccountEventType } from '@/lib/api/events';
import { withCarrierAsTheCarrier } from './carrier-labels';

/**
 * Records that something happened in an account, in the transaction of the change itself, so an
 * event exists exactly when its change does. Webhook deliveries and notifications are made from it
 * afterwards (`dispatchAccountEvents`), never inline with the change.
 */
export async function publishAccountEvent<Type extends AccountEventType>(db: Db | Tx, event: { accountId: string; type: Type; data: AccountEventData<Type> }): Promise<string> {
  const publicId = `evt_${randomBytes(16).toString('base64url')}`;
  await insertAccountEvent(db, { publicId, accountId: event.accountId, type: event.type, data: withCarrierWordsScrubbed(event.data) });
  return publicId;
}

const CARRIER_WORDED_KEY = /reason|message|detail/i;

/**
 * An event's data as its account's webhooks and API may read it: the reasons a service words from a
 * carrier's answer ("VoiceTel is not answering…") speak of "the carrier", as pages and the API do.
 * Names the customer chose (a trunk group's `name`) are left as they are.
 */
function withCarrierWordsScrubbed<Data>(data: Data, key = ''): Data {
  if (typeof data === 'string') return (CARRIER_WORDED_KEY.test(key) ? withCarrierAsTheCarrier(data, false) : data) as Data;
  if (Array.isArray(data)) return data.map((item) => withCarrierWordsScrubbed(item, key)) as Data;
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([name, value]) => [name, withCarrierWordsScrubbed(value, name)])) as Data;
  return data;
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
    // Read under row locks (skipping rows another dispatcher holds) so two dispatchers never both deliver one event.
    const { count, mails } = await database.transaction(async (tx) => {
      const events = await getUndispatchedAccountEvents(tx, { limit: batch });
      const queued: QueuedMail[] = [];
      for (const event of events) {
        await queueWebhookDeliveries(tx, event);
        queued.push(...(await notifyAccountEvent(tx, event)));
      }
      await markAccountEventsDispatched(tx, { ids: events.map((event) => event.id) });
      return { count: events.length, mails: queued };
    });
    // Sent only once committed, so no one is mailed about an event the rollback undid (no-op without SMTP).
    for (const mail of mails) await deliverMail(database, mail.messageId, mail.message);
    dispatched += count;
    if (count < batch) return dispatched;
  }
}

/** What the `dispatch-account-events` job runs: events into deliveries, then wake-up jobs for the deliveries due. */
export async function dispatchAccountEventsAndWake(): Promise<number> {
  const dispatched = await dispatchAccountEvents();
  await wakeDueWebhookDeliveries();
  return dispatched;
}

/**
 * Called right after a change that published events, so deliveries go out within seconds rather
 * than at the next minute's job; fire and forget (the job catches anything this misses). Only in a
 * process that runs pg-boss: elsewhere the job does it.
 */
export function dispatchAccountEventsSoon(): void {
  if (!currentJobRunner()) return;
  void dispatchAccountEventsAndWake().catch((error: unknown) => log.error('account_events.dispatch_failed', { error }));
}
