'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { DriftBadge } from '@/components/trunk-groups/badges';
import { UpstreamSyncTable } from '@/components/trunk-groups/upstream-sync-table';
import { Card } from '@/components/ui/card';
import { useLiveJson } from '@/lib/hooks/use-live-json';
import type { TrunkSyncView } from '@/lib/views/trunk-sync';

/**
 * The group's copy on each upstream. Polls the sync route while a push is in flight; once it
 * settles, the page is refreshed once so its header badge and activity log catch up.
 */
export function TrunkSyncStatus({ initial, actions, canReapply }: { initial: TrunkSyncView; actions?: React.ReactNode; canReapply: boolean }) {
  const router = useRouter();
  const { data: sync, error } = useLiveJson({ queryKey: ['trunk-group-sync', initial.trunkGroupId], url: `/api/v1/trunk-groups/${initial.trunkGroupId}/sync`, initialData: initial, settled: (view) => view.settled, intervalMs: 2000 });
  const wasSettled = useRef(initial.settled);
  useEffect(() => {
    if (sync.settled && !wasSettled.current) router.refresh();
    wasSettled.current = sync.settled;
  }, [sync.settled, router]);
  const total = sync.upstreams.length;
  return (
    <Card
      title="Sync status"
      description={
        total === 0
          ? 'No numbers route here yet: the group is pushed to the carriers when its first number is assigned.'
          : `Applied on ${sync.applied} of ${total} upstream${total === 1 ? '' : 's'}${!sync.settled ? '; applying the latest settings…' : sync.applied < total ? ': numbers carried by the others are not routed as configured.' : '.'}`
      }
      className="lg:col-span-2"
      actions={actions}
    >
      {error && !sync.settled ? (
        <p role="status" className="mb-3 text-sm text-amber-900">
          Could not check the sync just now ({error.message}); reload the page to see where it stands.
        </p>
      ) : null}
      {total === 0 ? null : (
        <div>
          <UpstreamSyncTable upstreams={sync.upstreams} caption={`Sync status of ${sync.name} on each upstream`} busy={!sync.settled} />
          {sync.drifted > 0 ? (
            <p className="mt-3 flex items-center gap-2 text-sm text-amber-900">
              <DriftBadge carriers={sync.drifted} /> {canReapply ? 'Re-apply to put the portal’s settings back.' : 'Someone with technical access can re-apply the settings.'}
            </p>
          ) : null}
        </div>
      )}
    </Card>
  );
}
