import { createApiKey, listApiKeys } from '@/lib/api/contracts/api-keys';
import { withAccount } from '@/lib/api/handler';
import { createApiKey as createKey, listApiKeys as listKeys } from '@/lib/services/api-keys';
import { apiKeyJson } from '@/lib/views/api-keys';

export const dynamic = 'force-dynamic';

/** The account's keys, newest first, without secrets. */
export const GET = withAccount(listApiKeys, async ({ access, query }) => {
  const page = await listKeys(access, { cursor: query.cursor, limit: query.limit });
  return { data: page.data.map(apiKeyJson), nextCursor: page.nextCursor };
});

/** A new key with its secret, answered this once; refused for API keys (a person creates keys). */
export const POST = withAccount(createApiKey, async ({ access, body }) => {
  const { key, secret } = await createKey(access, { name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null });
  return { ...apiKeyJson(key), secret };
});
