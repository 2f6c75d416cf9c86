import { z } from 'zod';
import { ACCOUNT_EVENT_TYPES, type AccountEventType } from '@/lib/api/events';
import { tickedCheckbox } from './common';

/** Form names cannot hold the event type's dot (dotted names nest): `order.completed` → `order_completed`. */
export function preferenceFieldKey(type: AccountEventType): string {
  return type.replace(/\./g, '_');
}

const choiceSchema = z.object({ inApp: tickedCheckbox, email: tickedCheckbox }, { message: 'This row was not sent; reload the page and try again.' });

export const notificationPreferencesSchema = z
  .object(Object.fromEntries(ACCOUNT_EVENT_TYPES.map((type) => [preferenceFieldKey(type), choiceSchema])) as Record<string, typeof choiceSchema>)
  .transform((form) => ACCOUNT_EVENT_TYPES.map((type) => ({ eventType: type, ...form[preferenceFieldKey(type)]! })));

export type NotificationPreferencesInput = z.output<typeof notificationPreferencesSchema>;

/** The notifications page's URL: `?filter=unread&page=2`. */
export const notificationListQuerySchema = z.object({
  filter: z.enum(['all', 'unread']).catch('all').default('all'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

export const notificationIdSchema = z.object({ notificationId: z.string().uuid('Not a notification of yours') });
