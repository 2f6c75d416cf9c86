/**
 * A webhook endpoint as people and programs describe it: where to POST, a note, which events, and
 * whether it is on. Shared by the portal's form, the API's bodies and the service. Whether the
 * address is public is checked by the service (it needs DNS).
 */
import { z } from 'zod';
import { ACCOUNT_EVENT_TYPES, type AccountEventType } from '@/lib/api/events';
import { safeText } from './common';

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 200;
/** Endpoints one account may have. */
export const WEBHOOK_ENDPOINTS_PER_ACCOUNT = 10;

export const webhookUrlSchema = safeText('The URL', { message: 'Enter the URL to send events to' })
  .trim()
  .min(1, 'Enter the URL to send events to, such as https://example.com/webhooks')
  .max(WEBHOOK_URL_MAX, `The URL can be at most ${WEBHOOK_URL_MAX} characters`)
  .superRefine((value, context) => {
    const problem = webhookUrlShapeProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

/** What is wrong with the URL's form (scheme, credentials), before any DNS; null when nothing. */
export function webhookUrlShapeProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, such as https://example.com/webhooks';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must start with https://';
  if (url.username || url.password) return 'Leave user names and passwords out of the URL; verify our signature instead';
  if (url.hash) return 'The URL cannot have a #fragment';
  if (url.port === '0') return 'Port 0 cannot receive requests: leave the port out (443 for https) or give the one your endpoint listens on';
  return null;
}

export const webhookEventTypesSchema = z
  .array(z.enum(ACCOUNT_EVENT_TYPES as [AccountEventType, ...AccountEventType[]], { message: `Choose among ${ACCOUNT_EVENT_TYPES.join(', ')}` }), { message: 'Choose at least one event' })
  .min(1, 'Choose at least one event')
  .transform((types) => [...new Set(types)]);

export const webhookDescriptionSchema = safeText('Description').trim().max(WEBHOOK_DESCRIPTION_MAX, `Description can be at most ${WEBHOOK_DESCRIPTION_MAX} characters`);

export const webhookCreateSchema = z.object({
  url: webhookUrlSchema,
  description: webhookDescriptionSchema.default(''),
  eventTypes: webhookEventTypesSchema,
  enabled: z.boolean().default(true),
});

export const webhookUpdateSchema = z.object({
  url: webhookUrlSchema.optional(),
  description: webhookDescriptionSchema.optional(),
  eventTypes: webhookEventTypesSchema.optional(),
  enabled: z.boolean().optional(),
});

export type WebhookCreateInput = z.input<typeof webhookCreateSchema>;
export type WebhookUpdateInput = z.input<typeof webhookUpdateSchema>;

/** Checkboxes: a name sent several times arrives comma-joined (lib/validations/form-data.ts). */
const checkedEventTypes = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : String(value).split(',')),
  webhookEventTypesSchema,
);

/** The portal's form: the same fields, event types as checkboxes. */
export const webhookFormSchema = z.object({
  url: webhookUrlSchema,
  description: webhookDescriptionSchema.default(''),
  eventTypes: checkedEventTypes,
});

export const webhookEditFormSchema = webhookFormSchema.extend({ webhookId: z.string() });
