import { withAccount } from '@/lib/api/handler';
import { rotateWebhookSecretEndpoint } from '@/lib/api/contracts/webhooks';
import { rotateWebhookSecret } from '@/lib/services/webhooks';

export const dynamic = 'force-dynamic';

export const POST = withAccount(rotateWebhookSecretEndpoint, async ({ access, params }) => rotateWebhookSecret(access, params.webhookId));
