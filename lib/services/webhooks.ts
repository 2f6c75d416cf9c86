import 'server-only';
import type { Tx } from '@/lib/db/client';
import type { AccountEventRow } from '@/lib/db/schema';

/** One delivery per endpoint of the event's account subscribed to its type (the webhooks helper fills this in). */
export async function queueWebhookDeliveries(_tx: Tx, _event: AccountEventRow): Promise<void> {}
