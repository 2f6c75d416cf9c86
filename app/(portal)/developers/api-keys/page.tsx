import type { Metadata } from 'next';
import Link from 'next/link';
import { StepUpPrompt } from '@/components/auth/step-up-prompt';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { isAppError } from '@/lib/errors';
import { formatDate, formatDateTime, isoDate } from '@/lib/format';
import { grantableApiKeyRoles, listApiKeys } from '@/lib/services/api-keys';
import { firstParam } from '@/lib/validations/common';
import { latestApiKeyExpiry } from '@/lib/validations/api-keys';
import { API_KEY_STATUS_LABELS } from '@/lib/views/api-keys';
import { formatIp } from '@/lib/views/audit-events';
import { hasRecentSecondFactor } from '@/lib/services/two-factor';
import { stepUpAction } from '../../profile/security/actions';
import { createApiKeyAction, revokeApiKeyAction } from './actions';
import { CreateApiKeyForm } from './api-key-forms';
import { ApiKeyTable, type ApiKeyRow } from './api-key-table';

export const metadata: Metadata = { title: 'API keys' };
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 50;

async function pageOfKeys(access: Awaited<ReturnType<typeof requireAccountAccess>>, cursor: string | undefined) {
  try {
    return { ...(await listApiKeys(access, { cursor, limit: PAGE_SIZE })), restarted: false };
  } catch (error) {
    // A cursor from an old link is not worth an error page: start from the newest key.
    if (isAppError(error) && error.code === 'invalid:cursor') return { ...(await listApiKeys(access, { limit: PAGE_SIZE })), restarted: true };
    throw error;
  }
}

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('users.manage');
  const cursor = firstParam(await searchParams, 'cursor');
  const page = await pageOfKeys(access, cursor);
  const writable = can(access, 'users.manage');
  const steppedUp = writable ? await hasRecentSecondFactor(access) : true;
  const now = new Date();
  const tomorrow = new Date(now.getTime() + 24 * 3600_000);
  const rows: ApiKeyRow[] = page.data.map((key) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.scopes.length ? `${ROLE_LABELS[key.role]} · ${key.scopes.join(', ')}` : ROLE_LABELS[key.role],
    status: key.status,
    statusLabel: API_KEY_STATUS_LABELS[key.status],
    statusDetail: key.statusDetail,
    createdBy: key.createdBy?.email ?? 'A removed user',
    createdAt: formatDateTime(key.createdAt),
    expires: key.expiresAt ? formatDateTime(key.expiresAt) : 'Never',
    lastUsed: key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never used',
    lastUsedIp: formatIp(key.lastUsedIp),
  }));

  return (
    <>
      <PageHeader
        title="API keys"
        description={`Keys let programs use the API as ${access.account.name}, with a role you choose. Each key reaches this account and its sub-accounts.`}
      />
      <div className="space-y-6">
        {access.readOnly ? (
          <p role="status" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950">
            {access.suspendedAccountName ?? 'This account'} is suspended: its keys do not work and no key can be created or revoked until it is reactivated.
          </p>
        ) : null}
        <Card title="Keys" description="Secrets are never shown again after creation: a key is known here by its first characters.">
          {page.restarted ? (
            <p role="status" className="mb-3 text-sm text-slate-700">
              That page link no longer works; showing the newest keys.
            </p>
          ) : null}
          <ApiKeyTable
            rows={rows}
            caption={`API keys of ${access.account.name}`}
            revokeAction={revokeApiKeyAction}
            canRevoke={writable}
            empty={
              <EmptyState title={cursor ? 'No more keys' : `${access.account.name} has no API keys yet`}>
                {writable && !cursor ? 'Create one below for each program, so you can revoke one without stopping the others.' : null}
              </EmptyState>
            }
          />
          {cursor || page.nextCursor ? (
            <nav aria-label="Pages of API keys" className="mt-3 flex flex-wrap gap-4 text-sm">
              {cursor ? (
                <Link href="/developers/api-keys" className="font-medium text-indigo-800 underline">
                  Newest keys
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link href={`/developers/api-keys?cursor=${encodeURIComponent(page.nextCursor)}`} className="font-medium text-indigo-800 underline">
                  Older keys
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Card>
        {writable ? (
          <Card
            title="Create API key"
            description={`You confirm with your second factor. Keys expire on the day you choose (at most ${formatDate(latestApiKeyExpiry(now), 'long')}) or when revoked, and stop if you leave the account.`}
          >
            {steppedUp ? null : (
              <div className="mb-4">
                <StepUpPrompt action={stepUpAction} reason="Creating an API key needs your authenticator code from the last 10 minutes. Without two-factor authentication, set it up in Profile → Security first." />
              </div>
            )}
            <CreateApiKeyForm
              roles={grantableApiKeyRoles(access).map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
              minExpiry={isoDate(tomorrow)}
              maxExpiry={isoDate(latestApiKeyExpiry(now))}
              action={createApiKeyAction}
              offerCdrWrite={access.user.isOperatorStaff}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}
