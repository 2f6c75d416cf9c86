import { withAccount } from '@/lib/api/handler';
import { redeliverWebhookEndpoint } from '@/lib/api/contracts/webhooks';
import { redeliverWebhook } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const POST = withAccount(redeliverWebhookEndpoint, async ({ access, params }) => redeliverWebhook(access, params.webhookId, params.deliveryId));
