import { withAccount } from '@/lib/api/handler';
import { createWebhook, listWebhooks } from '@/lib/api/contracts/webhooks';
import { createWebhookEndpoint, listWebhookEndpoints } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const GET = withAccount(listWebhooks, async ({ access }) => ({ data: await listWebhookEndpoints(access) }));

/** The answer holds the signing secret: the only time it is shown. */
export const POST = withAccount(createWebhook, async ({ access, body }) => createWebhookEndpoint(access, body));
