import { getApiKey, revokeApiKey } from '@/lib/api/contracts/api-keys';
import { withAccount } from '@/lib/api/handler';
import { getApiKey as getKey, revokeApiKey as revokeKey } from '@/lib/services/api-keys';
import { apiKeyJson } from '@/lib/views/api-keys';

export const dynamic = 'force-dynamic';

export const GET = withAccount(getApiKey, async ({ access, params }) => apiKeyJson(await getKey(access, params.keyId)));

/** Revokes the key; a revoked key is answered as it is, so a retried DELETE is harmless. */
export const DELETE = withAccount(revokeApiKey, async ({ access, params }) => apiKeyJson((await revokeKey(access, params.keyId)).key));
