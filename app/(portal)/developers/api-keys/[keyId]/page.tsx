import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { formatCount, formatDateTime } from '@/lib/format';
import { orNotFound } from '@/lib/not-found';
import { getApiKeyWithLimits } from '@/lib/services/api-keys';
import { API_KEY_STATUS_LABELS } from '@/lib/views/api-keys';
import { formatIp } from '@/lib/views/audit-events';
import { revokeApiKeyAction } from '../actions';
import { RevokeApiKeyForm } from '../api-key-forms';
import { ApiKeyStatusBadge } from '../api-key-table';

export const metadata: Metadata = { title: 'API key' };
export const dynamic = 'force-dynamic';

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const perSecond = (rate: number) => (Number.isInteger(rate) ? formatCount(rate) : rate.toFixed(2));

function LimitLine({ limit }: { limit: { burst: number; perSecond: number; available: number } }) {
  return (
    <>
      Burst {formatCount(limit.burst)} requests, refilled at {perSecond(limit.perSecond)}/s, {formatCount(limit.available)} available now
    </>
  );
}

export default async function ApiKeyPage({ params }: { params: Promise<{ keyId: string }> }) {
  const access = await requireAccountAccess('users.manage');
  const { keyId } = await params;
  const { key, limits } = await orNotFound(getApiKeyWithLimits(access, keyId));
  const writable = can(access, 'users.manage');

  return (
    <>
      <PageHeader
        title={key.name}
        description={`API key of ${access.account.name}, acting as ${ROLE_LABELS[key.role].toLowerCase()} in this account and its sub-accounts.`}
        actions={
          <Link href="/developers/api-keys" className="text-sm font-medium text-indigo-800 underline">
            All API keys
          </Link>
        }
      />
      <div className="space-y-6">
        <Card title="Key">
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <Detail label="Status">
              <ApiKeyStatusBadge status={key.status} label={API_KEY_STATUS_LABELS[key.status]} />
              {key.statusDetail ? <span className="mt-1 block text-slate-700">{key.statusDetail}</span> : null}
            </Detail>
            <Detail label="Key">
              <code className="font-mono">{key.prefix}…</code>
            </Detail>
            <Detail label="Role">{ROLE_LABELS[key.role]}</Detail>
            <Detail label="Created">
              {formatDateTime(key.createdAt)} by {key.createdBy?.email ?? 'a removed user'}
            </Detail>
            <Detail label="Expires">{key.expiresAt ? formatDateTime(key.expiresAt) : 'Never (until revoked)'}</Detail>
            {key.revokedAt ? <Detail label="Revoked">{formatDateTime(key.revokedAt)}</Detail> : null}
            <Detail label="Last used">
              {key.lastUsedAt ? `${formatDateTime(key.lastUsedAt)}${key.lastUsedIp ? ` from ${formatIp(key.lastUsedIp)}` : ''}` : 'Never used'}
            </Detail>
          </dl>
        </Card>
        <Card title="Rate limits" description="Token buckets: a request takes one token from the key’s bucket and one from the account’s, shared by all its keys. An empty bucket answers 429 with Retry-After.">
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="This key">
              <LimitLine limit={limits.key} />
            </Detail>
            <Detail label={`${access.account.name} (all keys)`}>
              <LimitLine limit={limits.account} />
            </Detail>
          </dl>
        </Card>
        {writable && key.status !== 'revoked' ? (
          <Card title="Revoke" description="Revoke a key that leaked or is no longer used.">
            <RevokeApiKeyForm keyId={key.id} name={key.name} action={revokeApiKeyAction} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
