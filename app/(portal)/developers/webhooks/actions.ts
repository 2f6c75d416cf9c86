'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountAction } from '@/lib/auth/action';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  updateWebhookEndpoint,
} from '@/lib/services/webhooks';
import { webhookEditFormSchema, webhookFormSchema } from '@/lib/validations/webhooks';

/** Shown once, right after creation or rotation: the secret lives only in this answer. */
export interface WebhookSecretData {
  webhookId: string;
  secret: string;
}

const loadEndpoint = (raw: Record<string, string>, access: Parameters<typeof getWebhookEndpoint>[0]) => getWebhookEndpoint(access, raw.webhookId ?? '');

function refresh(webhookId?: string) {
  revalidatePath('/developers/webhooks');
  if (webhookId) revalidatePath(`/developers/webhooks/${webhookId}`);
}

export const createWebhookAction = accountAction({
  schema: webhookFormSchema.extend({ accountId: z.string() }),
  permission: 'technical.write',
  accountField: 'accountId',
  async run(input, access) {
    const { endpoint, secret } = await createWebhookEndpoint(access, { ...input, enabled: true });
    refresh();
    return { message: 'Endpoint added. Copy its signing secret now: it is shown only once.', data: { webhookId: endpoint.id, secret } satisfies WebhookSecretData };
  },
});

export const updateWebhookAction = accountAction({
  schema: webhookEditFormSchema,
  permission: 'technical.write',
  load: loadEndpoint,
  async run(input, access, { subject }) {
    await updateWebhookEndpoint(access, subject.id, { url: input.url, description: input.description, eventTypes: input.eventTypes });
    refresh(subject.id);
    return { message: 'Endpoint saved.' };
  },
});

export const setWebhookEnabledAction = accountAction({
  schema: z.object({ webhookId: z.string(), enabled: z.enum(['true', 'false']) }),
  permission: 'technical.write',
  load: loadEndpoint,
  async run(input, access, { subject }) {
    const enabled = input.enabled === 'true';
    await updateWebhookEndpoint(access, subject.id, { enabled });
    refresh(subject.id);
    return { message: enabled ? 'Endpoint enabled: new events are sent to it.' : 'Endpoint disabled: no events are sent to it until you enable it.' };
  },
});

export const rotateWebhookSecretAction = accountAction({
  schema: z.object({ webhookId: z.string() }),
  permission: 'technical.write',
  load: loadEndpoint,
  async run(_input, access, { subject }) {
    const { secret } = await rotateWebhookSecret(access, subject.id);
    refresh(subject.id);
    return { message: 'New secret made. The old one keeps signing too for 24 hours.', data: { webhookId: subject.id, secret } satisfies WebhookSecretData };
  },
});

export const deleteWebhookAction = accountAction({
  schema: z.object({ webhookId: z.string() }),
  permission: 'technical.write',
  load: loadEndpoint,
  async run(_input, access, { subject }) {
    await deleteWebhookEndpoint(access, subject.id);
    refresh();
    redirect('/developers/webhooks');
  },
});

export const sendTestWebhookAction = accountAction({
  schema: z.object({ webhookId: z.string() }),
  permission: 'technical.write',
  load: loadEndpoint,
  async run(_input, access, { subject }) {
    await sendTestWebhook(access, subject.id);
    refresh(subject.id);
    return { message: 'Test event queued: it appears in the delivery log within seconds.' };
  },
});

export const redeliverWebhookAction = accountAction({
  schema: z.object({ webhookId: z.string(), deliveryId: z.string() }),
  permission: 'technical.write',
  load: loadEndpoint,
  async run(input, access, { subject }) {
    await redeliverWebhook(access, subject.id, input.deliveryId);
    refresh(subject.id);
    return { message: 'Sent again: the new delivery appears at the top of the log.' };
  },
});
