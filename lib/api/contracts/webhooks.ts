import { z } from 'zod';
import { webhookCreateSchema, webhookUpdateSchema } from '@/lib/validations/webhooks';
import { ACCOUNT_EVENT_TYPES } from '../events';
import { defineEndpoint, isoTime, pageOf, pageQuery } from '../contract';

const webhookId = z.object({ webhookId: z.string().uuid() });

export const webhookEndpointSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).meta({ description: `Among ${ACCOUNT_EVENT_TYPES.join(', ')}.` }),
    enabled: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
    previousSecretExpiresAt: isoTime.nullable().meta({ description: 'After a rotation: until when the previous secret still signs beside the new one.' }),
  })
  .meta({ id: 'WebhookEndpoint' });

const withSecret = z
  .object({
    endpoint: webhookEndpointSchema,
    secret: z.string().meta({ description: 'The signing secret (`whsec_…`). Shown only in this answer: store it now.' }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const webhookDeliverySchema = z
  .object({
    id: z.string().uuid(),
    webhookId: z.string().uuid(),
    eventId: z.string().meta({ description: 'The `webhook-id` header of every attempt (stable across retries and redeliveries).' }),
    eventType: z.string(),
    eventAccountId: z.string().uuid().meta({ description: 'The account the event happened in (this account or a sub-account).' }),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
    attemptCount: z.number().int(),
    nextAttemptAt: isoTime.nullable(),
    createdAt: isoTime,
    finishedAt: isoTime.nullable(),
    redeliveryOf: z.string().uuid().nullable(),
    attempts: z.array(
      z.object({
        attemptedAt: isoTime,
        responseStatus: z.number().int().nullable(),
        error: z.string().nullable(),
        durationMs: z.number().int(),
        responseBody: z.string().nullable().meta({ description: 'The first 4 KB of the answer.' }),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

export const listWebhooks = defineEndpoint({
  method: 'GET',
  path: '/webhooks',
  operationId: 'listWebhooks',
  tag: 'Webhooks',
  summary: 'The account’s webhook endpoints',
  access: { permission: 'technical.read' },
  answer: z.object({ data: z.array(webhookEndpointSchema) }),
});

export const createWebhook = defineEndpoint({
  method: 'POST',
  path: '/webhooks',
  operationId: 'createWebhook',
  tag: 'Webhooks',
  summary: 'Add a webhook endpoint',
  description:
    'The URL must be https and reach a public address (private, loopback, link-local and similar addresses are refused, also after DNS). At most 10 endpoints per account. The answer carries the signing secret, shown only once.',
  access: { permission: 'technical.write' },
  body: webhookCreateSchema,
  answer: withSecret,
  status: 201,
  errors: [409],
  answersSecretOnce: true,
});

export const getWebhook = defineEndpoint({
  method: 'GET',
  path: '/webhooks/{webhookId}',
  operationId: 'getWebhook',
  tag: 'Webhooks',
  summary: 'A webhook endpoint',
  access: { permission: 'technical.read' },
  params: webhookId,
  answer: webhookEndpointSchema,
});

export const updateWebhook = defineEndpoint({
  method: 'PATCH',
  path: '/webhooks/{webhookId}',
  operationId: 'updateWebhook',
  tag: 'Webhooks',
  summary: 'Change a webhook endpoint (URL, description, event types, enabled)',
  access: { permission: 'technical.write' },
  params: webhookId,
  body: webhookUpdateSchema,
  answer: webhookEndpointSchema,
});

export const deleteWebhook = defineEndpoint({
  method: 'DELETE',
  path: '/webhooks/{webhookId}',
  operationId: 'deleteWebhook',
  tag: 'Webhooks',
  summary: 'Delete a webhook endpoint and its delivery log',
  access: { permission: 'technical.write' },
  params: webhookId,
  answer: z.object({ deleted: z.literal(true) }),
});

export const rotateWebhookSecretEndpoint = defineEndpoint({
  method: 'POST',
  path: '/webhooks/{webhookId}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tag: 'Webhooks',
  summary: 'Rotate the signing secret',
  description: 'For 24 hours the previous secret keeps signing too: `webhook-signature` then holds both signatures, space-separated.',
  access: { permission: 'technical.write' },
  params: webhookId,
  answer: withSecret,
  answersSecretOnce: true,
});

export const listWebhookDeliveriesEndpoint = defineEndpoint({
  method: 'GET',
  path: '/webhooks/{webhookId}/deliveries',
  operationId: 'listWebhookDeliveries',
  tag: 'Webhooks',
  summary: 'The endpoint’s deliveries with each attempt, newest first',
  access: { permission: 'technical.read' },
  params: webhookId,
  query: z.object(pageQuery),
  answer: pageOf(webhookDeliverySchema),
});

export const redeliverWebhookEndpoint = defineEndpoint({
  method: 'POST',
  path: '/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
  operationId: 'redeliverWebhook',
  tag: 'Webhooks',
  summary: 'Send a delivery’s event again now (same webhook-id)',
  access: { permission: 'technical.write' },
  params: webhookId.extend({ deliveryId: z.string().uuid() }),
  answer: webhookDeliverySchema,
  status: 202,
  errors: [409],
});

export const testWebhookEndpoint = defineEndpoint({
  method: 'POST',
  path: '/webhooks/{webhookId}/test',
  operationId: 'testWebhook',
  tag: 'Webhooks',
  summary: 'Send a test event (webhook.test) to this endpoint only',
  access: { permission: 'technical.write' },
  params: webhookId,
  answer: webhookDeliverySchema,
  status: 202,
  errors: [409],
});

export const WEBHOOK_ENDPOINTS = [
  listWebhooks,
  createWebhook,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecretEndpoint,
  listWebhookDeliveriesEndpoint,
  redeliverWebhookEndpoint,
  testWebhookEndpoint,
] as const;
