import { withAccount } from '@/lib/api/handler';
import { deleteWebhook, getWebhook, updateWebhook } from '@/lib/api/contracts/webhooks';
import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const GET = withAccount(getWebhook, async ({ access, params }) => getWebhookEndpoint(access, params.webhookId));

export const PATCH = withAccount(updateWebhook, async ({ access, params, body }) => updateWebhookEndpoint(access, params.webhookId, body));

export const DELETE = withAccount(deleteWebhook, async ({ access, params }) => {
  await deleteWebhookEndpoint(access, params.webhookId);
  return { deleted: true as const };
});
