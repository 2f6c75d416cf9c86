import { z } from 'zod';
import { defineEndpoint, pageOf, pageQuery } from '../contract';

const TAG = 'Accounts';

const limits = z.object({
  maxConcurrentCalls: z.number().int().nullable(),
  maxCallsPerSecond: z.number().int().nullable(),
  monthlySpendCap: z.string().nullable().optional().meta({ description: 'Decimal amount; only for keys and users that read billing.' }),
  internationalAllowed: z.boolean(),
});

const accountFields = {
  id: z.string().uuid(),
  name: z.string(),
  parentId: z.string().uuid().nullable(),
  status: z.enum(['active', 'suspended']),
  limits: limits.meta({ description: 'The account’s own settings (null: no limit of its own).' }),
  effectiveLimits: limits.meta({ description: 'The tightest along the path from its billing account: what binds.' }),
};

export const accountListItemSchema = z
  .object({
    ...accountFields,
    depth: z.number().int().meta({ description: 'Levels below the account the list starts at (0 for itself).' }),
  })
  .meta({ id: 'AccountInTree' });

export const accountViewSchema = z
  .object({ ...accountFields, subAccountCount: z.number().int(), memberCount: z.number().int() })
  .meta({ id: 'Account' });

export const listAccounts = defineEndpoint({
  method: 'GET',
  path: '/accounts',
  operationId: 'listAccounts',
  tag: TAG,
  summary: 'The account and every sub-account under it',
  description: 'Parents come before their sub-accounts. Use an `id` as `accountId` on any endpoint to act in that sub-account.',
  access: { permission: 'account.read' },
  query: z.object(pageQuery),
  answer: pageOf(accountListItemSchema),
});

export const getAccount = defineEndpoint({
  method: 'GET',
  path: '/accounts/{accountId}',
  operationId: 'getAccount',
  tag: TAG,
  summary: 'An account and its direct sub-accounts',
  description: 'Any account in the key’s subtree; 404 for any other.',
  access: { permission: 'account.read' },
  params: z.object({ accountId: z.string().uuid() }),
  answer: z.object({ account: accountViewSchema.nullable(), subAccounts: z.array(accountViewSchema) }).meta({ id: 'AccountWithSubAccounts' }),
});
