import 'server-only';
import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '@/lib/db/client';
import { insertAccountEvent } from '@/lib/db/queries/account-events';
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
