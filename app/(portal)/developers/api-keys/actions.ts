'use server';

import { revalidatePath } from 'next/cache';
import { accountAction } from '@/lib/auth/action';
import { createApiKey, getApiKey, revokeApiKey } from '@/lib/services/api-keys';
import { createApiKeyFormSchema, revokeApiKeyFormSchema } from '@/lib/validations/api-keys';

/** What the creation panel shows once: the secret lives only in this answer, never in a URL or storage. */
export interface CreatedApiKey {
  id: string;
  name: string;
  secret: string;
}

export const createApiKeyAction = accountAction({
  schema: createApiKeyFormSchema,
  permission: 'users.manage',
  async run(input, access) {
    const { key, secret } = await createApiKey(access, { ...input, scopes: input.cdrWrite ? ['cdr:write'] : [] });
    revalidatePath('/developers/api-keys');
    return { message: `API key "${key.name}" created. Copy it now: it is shown only once.`, data: { id: key.id, name: key.name, secret } satisfies CreatedApiKey };
  },
});

export const revokeApiKeyAction = accountAction({
  schema: revokeApiKeyFormSchema,
  permission: 'users.manage',
  load: (raw, access) => getApiKey(access, raw.keyId ?? ''),
  async run(_input, access, { subject }) {
    const { key, alreadyRevoked } = await revokeApiKey(access, subject.id);
    revalidatePath('/developers/api-keys', 'layout');
    return { message: alreadyRevoked ? `"${key.name}" was already revoked.` : `"${key.name}" is revoked: programs using it are refused from now on.` };
  },
});
