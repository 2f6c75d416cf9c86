import { Badge } from '@/components/ui/card';

export type TrunkSyncStatus = 'not_needed' | 'pending' | 'applied' | 'partially_applied' | 'failed';
export type UpstreamCopyStatus = 'pending' | 'applied' | 'failed' | 'disabled';

const SYNC: Record<TrunkSyncStatus, { label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'indigo' }> = {
  applied: { label: 'Applied', tone: 'green' },
  partially_applied: { label: 'Partially applied', tone: 'amber' },
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

export function SyncStatusBadge({ status }: { status: TrunkSyncStatus }) {
  return <Badge tone={SYNC[status].tone}>{SYNC[status].label}</Badge>;
}

export function UpstreamStatusBadge({ status }: { status: UpstreamCopyStatus }) {
  return <Badge tone={UPSTREAM[status].tone}>{UPSTREAM[status].label}</Badge>;
}

export function DriftBadge({ carriers }: { carriers: number }) {
  if (carriers === 0) return <span className="text-slate-600">None</span>;
  return <Badge tone="amber">{`Drift on ${carriers} upstream${carriers === 1 ? '' : 's'}`}</Badge>;
}
