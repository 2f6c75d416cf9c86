import { z } from 'zod';
import { API_KEY_NAME_MAX, API_KEY_ROLES } from '@/lib/validations/api-keys';
import { defineEndpoint, isoTime, pageOf, pageQuery } from '../contract';

export const apiKeySchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().uuid().meta({ description: 'The account the key acts in (and its sub-accounts).' }),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the secret, to tell keys apart.', example: 'cp_live_AbCd12' }),
    role: z.enum(API_KEY_ROLES),
    scopes: z.array(z.string()).meta({ description: 'Rights beyond the role, granted by the carrier’s operator staff only: `cdr:write` may push CDRs (POST /cdrs).' }),
    status: z.enum(['active', 'expired', 'revoked', 'stopped']).meta({
      description: '`stopped`: the person who created the key left the account or is disabled; the key no longer works.',
    }),
    createdAt: isoTime,
    createdBy: z.object({ id: z.string().uuid(), email: z.string() }).nullable(),
    expiresAt: isoTime.nullable(),
    revokedAt: isoTime.nullable(),
    lastUsedAt: isoTime.nullable().meta({ description: 'Updated at most once a minute.' }),
    lastUsedIp: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const newApiKeySchema = apiKeySchema
  .extend({ secret: z.string().meta({ description: 'The key itself (`cp_live_…`). Answered this once only: store it now.', example: 'cp_live_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg' }) })
  .meta({ id: 'NewApiKey' });

const keyParams = z.object({ keyId: z.string().uuid() });

export const listApiKeys = defineEndpoint({
  method: 'GET',
  path: '/api-keys',
  operationId: 'listApiKeys',
  tag: 'API keys',
  summary: 'The account’s API keys',
  description: 'Newest first, revoked and expired keys included. Never answers a secret. Owners and admins (keys with the admin role) only.',
  access: { permission: 'users.manage' },
  query: z.object(pageQuery),
  answer: pageOf(apiKeySchema),
});

export const createApiKey = defineEndpoint({
  method: 'POST',
  path: '/api-keys',
  operationId: 'createApiKey',
  tag: 'API keys',
  summary: 'Create an API key (portal sessions only)',
  description:
    'A key is created by a person, with their second factor: an API key calling this endpoint is refused with 403 `forbidden:api_key_creation`. The role may not exceed the creator’s own (never owner); the name is unique among the account’s working keys (409 otherwise); `expiresAt` must be in the future and at most 2 years ahead. The answer holds the `secret`, once.',
  access: { permission: 'users.manage' },
  body: z.object({
    name: z.string().max(API_KEY_NAME_MAX * 4).meta({ description: `1–${API_KEY_NAME_MAX} characters after trimming.`, example: 'billing export' }),
    role: z.enum(API_KEY_ROLES, { message: 'role must be admin, technical, finance or viewer (keys cannot be owners)' }),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'expiresAt must be an ISO 8601 time such as 2027-06-30T00:00:00Z' })
      .nullable()
      .optional()
      .meta({ description: 'When the key stops working; absent or null: never.' }),
  }),
  answer: newApiKeySchema,
  status: 201,
  answersSecretOnce: true,
});

export const getApiKey = defineEndpoint({
  method: 'GET',
  path: '/api-keys/{keyId}',
  operationId: 'getApiKey',
  tag: 'API keys',
  summary: 'One API key',
  access: { permission: 'users.manage' },
  params: keyParams,
  answer: apiKeySchema,
});

export const revokeApiKey = defineEndpoint({
  method: 'DELETE',
  path: '/api-keys/{keyId}',
  operationId: 'revokeApiKey',
  tag: 'API keys',
  summary: 'Revoke an API key',
  description: 'Programs using the key are refused from the next request. Idempotent: revoking a revoked key answers it unchanged (200, its first `revokedAt`).',
  access: { permission: 'users.manage' },
  params: keyParams,
  answer: apiKeySchema,
});
