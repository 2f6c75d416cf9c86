import 'server-only';

/** A trunk group's push to its upstreams, as its page and `GET /api/v1/trunk-groups/{id}/sync` show it. */
import type { AccountAccess } from '@/lib/auth/access';
import type { TrunkSyncView } from '@/lib/views/trunk-sync';
import { scrubProviderNames, upstreamLabels } from './carrier-labels';
import { getTrunkGroupDetail } from './trunk-groups';
import { fieldLabel } from './trunk-model';

export type { TrunkSyncView };

/** not_found for a trunk group of another account (or none), like the page. */
export async function getTrunkSyncStatus(access: AccountAccess, trunkGroupId: string, now = new Date()): Promise<TrunkSyncView> {
  const { group, upstreams } = await getTrunkGroupDetail(access, trunkGroupId);
  const staff = access.user.isOperatorStaff;
  const labels = upstreamLabels(
    upstreams.map(({ upstream, provider, connectionName }) => ({ connectionId: upstream.connectionId, provider, connectionName })),
    staff,
  );
  const rows = upstreams
    .map(({ upstream }) => {
      const label = labels.get(upstream.connectionId) ?? 'A carrier';
      return {
        label,
        status: upstream.status,
        outdated: upstream.status === 'applied' && upstream.appliedVersion !== null && upstream.appliedVersion !== group.version,
        error: upstream.status === 'failed' && upstream.lastError ? scrubProviderNames(upstream.lastError, staff, label) : null,
        errorDetail: staff && upstream.status === 'failed' ? upstream.lastErrorDetail : null,
        lastAppliedAt: upstream.lastAppliedAt?.toISOString() ?? null,
        lastCheckedAt: upstream.lastCheckedAt?.toISOString() ?? null,
        limitations: upstream.limitations.map((limitation) => scrubProviderNames(limitation, staff, label)),
        drift: upstream.drift.map((difference) => ({ field: difference.field, label: fieldLabel(difference.field), desired: difference.desired, actual: difference.actual })),
      };
    })
    .sort((left, right) => left.label.localeCompare(right.label, 'en', { numeric: true }));
  return {
    trunkGroupId: group.id,
    name: group.name,
    status: group.syncStatus,
    settled: group.syncStatus !== 'pending' && rows.every((row) => row.status !== 'pending'),
    applied: rows.filter((row) => row.status === 'applied').length,
    drifted: rows.filter((row) => row.drift.length > 0).length,
    upstreams: rows,
    generatedAt: now.toISOString(),
  };
}
