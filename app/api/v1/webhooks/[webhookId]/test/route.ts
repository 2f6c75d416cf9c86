import { withAccount } from '@/lib/api/handler';
import { testWebhookEndpoint } from '@/lib/api/contracts/webhooks';
import { sendTestWebhook } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const POST = withAccount(testWebhookEndpoint, async ({ access, params }) => sendTestWebhook(access, params.webhookId));
