/**
 * The Developers pages and actions (API reference, API keys, webhooks), for the isolation suite
 * (merged into SURFACES). Key- and webhook-scoped surfaces use the side's seeded key or webhook
 * when the suite seeds one (`context.apiKeyId`, `context.webhookId`), else ids that exist nowhere
 * (which must 404 like any other id of someone else's).
 */
import type { Role } from '@/lib/auth/permissions';
import type { Surface } from './surfaces';

const ALL_ROLES: Role[] = ['owner', 'admin', 'technical', 'finance', 'viewer'];
const MANAGERS: Role[] = ['owner', 'admin'];
const TECHNICAL_READERS: Role[] = ['owner', 'admin', 'technical', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];
const NOWHERE = '00000000-0000-4000-8000-00000000d0c5';

const apiKeyActions = () => import('@/app/(portal)/developers/api-keys/actions');
const webhookActions = () => import('@/app/(portal)/developers/webhooks/actions');
/** A public address the SSRF guard accepts without DNS. */
const webhookForm = { url: 'https://93.184.216.34/hooks/isolation', description: 'Isolation probe', eventTypes: 'order.completed' };

export const DEVELOPER_SURFACES: Surface[] = [
  { kind: 'page', name: 'API reference', scope: 'current', allowed: ALL_ROLES, load: () => import('@/app/(portal)/developers/page') },
  { kind: 'page', name: 'API keys', scope: 'current', allowed: MANAGERS, load: () => import('@/app/(portal)/developers/api-keys/page') },
  {
    kind: 'page',
    name: 'API key detail',
    scope: 'url',
    allowed: MANAGERS,
    load: () => import('@/app/(portal)/developers/api-keys/[keyId]/page'),
    params: ({ apiKeyId }) => ({ keyId: apiKeyId ?? NOWHERE }),
  },
  { kind: 'action', name: 'create API key', scope: 'current', allowed: MANAGERS, load: async () => (await apiKeyActions()).createApiKeyAction, form: () => ({ name: `Probe ${Math.floor(performance.now())}`, role: 'viewer' }) },
  { kind: 'action', name: 'revoke API key', allowed: MANAGERS, load: async () => (await apiKeyActions()).revokeApiKeyAction, form: ({ apiKeyId }) => ({ keyId: apiKeyId ?? NOWHERE }) },
  { kind: 'page', name: 'webhooks', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/developers/webhooks/page') },
  {
    kind: 'page',
    name: 'webhook detail',
    scope: 'url',
    allowed: TECHNICAL_READERS,
    load: () => import('@/app/(portal)/developers/webhooks/[webhookId]/page'),
    params: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE }),
  },
  { kind: 'action', name: 'create webhook', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).createWebhookAction, form: ({ accountId }) => ({ accountId, ...webhookForm }) },
  { kind: 'action', name: 'update webhook', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).updateWebhookAction, form: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE, ...webhookForm }) },
  { kind: 'action', name: 'disable webhook', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).setWebhookEnabledAction, form: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE, enabled: 'false' }) },
  { kind: 'action', name: 'rotate webhook secret', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).rotateWebhookSecretAction, form: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE }) },
  { kind: 'action', name: 'delete webhook', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).deleteWebhookAction, form: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE }) },
  { kind: 'action', name: 'send test webhook', allowed: TECHNICAL_WRITERS, load: async () => (await webhookActions()).sendTestWebhookAction, form: ({ webhookId }) => ({ webhookId: webhookId ?? NOWHERE }) },
  {
    kind: 'action',
    name: 'redeliver webhook',
    allowed: TECHNICAL_WRITERS,
    load: async () => (await webhookActions()).redeliverWebhookAction,
    form: ({ webhookId, webhookDeliveryId }) => ({ webhookId: webhookId ?? NOWHERE, deliveryId: webhookDeliveryId ?? NOWHERE }),
  },
];
