import { Badge } from '@/components/ui/card';

export type TrunkSyncStatus = 'not_needed' | 'pending' | 'applied' | 'partially_applied' | 'failed';
export type UpstreamCopyStatus = 'pending' | 'applied' | 'failed' | 'disabled';

const SYNC: Record<TrunkSyncStatus, { label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo' }> = {
  applied: { label: 'Applied', tone: 'green' },
  // Some of its numbers are not routed as configured: as serious as a failure for those numbers.
  partially_applied: { label: 'Partially applied', tone: 'red' },
  failed: { label: 'Failed', tone: 'red' },
  not_needed: { label: 'No numbers yet', tone: 'slate' },
  pending: { label: 'Applying…', tone: 'indigo' },
};

const UPSTREAM: Record<UpstreamCopyStatus, { label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo' }> = {
  applied: { label: 'Applied', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  pending: { label: 'Pending', tone: 'indigo' },
  disabled: { label: 'Disabled', tone: 'slate' },
};

export function syncStatusLabel(status: TrunkSyncStatus): string {
  return SYNC[status].label;
}

/** A disabled group routes nothing whatever its last push did, so it never reads "Applied". */
export function SyncStatusBadge({ status, groupStatus = 'active' }: { status: TrunkSyncStatus; groupStatus?: 'active' | 'disabled' }) {
  if (groupStatus === 'disabled') return <Badge tone="slate">Disabled</Badge>;
  return <Badge tone={SYNC[status].tone}>{SYNC[status].label}</Badge>;
}

/** Green only for a copy that holds the group's current settings. */
export function UpstreamStatusBadge({ status, outdated = false }: { status: UpstreamCopyStatus; outdated?: boolean }) {
  if (status === 'applied' && outdated) return <Badge tone="amber">Outdated</Badge>;
  return <Badge tone={UPSTREAM[status].tone}>{UPSTREAM[status].label}</Badge>;
}

export function DriftBadge({ carriers }: { carriers: number }) {
  if (carriers === 0) return <span className="text-slate-600">None</span>;
  return <Badge tone="amber">{`Drift on ${carriers} upstream${carriers === 1 ? '' : 's'}`}</Badge>;
}
