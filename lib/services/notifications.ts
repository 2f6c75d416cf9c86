import 'server-only';
import type { Tx } from '@/lib/db/client';
import type { AccountEventRow } from '@/lib/db/schema';

/** In-app notifications and e-mail for the account's members who want this event (the notifications helper fills this in). */
export async function notifyAccountEvent(_tx: Tx, _event: AccountEventRow): Promise<void> {}
