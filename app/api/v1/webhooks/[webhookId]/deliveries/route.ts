import { withAccount } from '@/lib/api/handler';
import { listWebhookDeliveriesEndpoint } from '@/lib/api/contracts/webhooks';
import { listWebhookDeliveries } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const GET = withAccount(listWebhookDeliveriesEndpoint, async ({ access, params, query }) => listWebhookDeliveries(access, params.webhookId, query));
