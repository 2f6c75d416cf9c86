'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { DriftBadge, UpstreamStatusBadge } from '@/components/trunk-groups/badges';
import { Card } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { useLiveJson } from '@/lib/hooks/use-live-json';
import type { TrunkSyncView } from '@/lib/views/trunk-sync';

const when = (iso: string | null) => formatDateTime(iso ? new Date(iso) : null);

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
          : `Applied on ${sync.applied} of ${total} upstream${total === 1 ? '' : 's'}${sync.settled ? '.' : '; applying the latest settings…'}`
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
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Sync status per upstream, scrollable">
          <table className="w-full text-left text-sm" aria-busy={!sync.settled}>
            <caption className="sr-only">Sync status of {sync.name} on each upstream</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3">Upstream</th>
                <th scope="col" className="py-2 pr-3">Status</th>
                <th scope="col" className="py-2 pr-3">Last applied</th>
                <th scope="col" className="py-2 pr-3">What it cannot hold</th>
                <th scope="col" className="py-2">Drift</th>
              </tr>
            </thead>
            <tbody>
              {sync.upstreams.map((upstream) => (
                <tr key={upstream.label} className="border-b border-slate-100 align-top last:border-0">
                  <th scope="row" className="py-2 pr-3 font-medium">
                    {upstream.label}
                  </th>
                  <td className="py-2 pr-3">
                    <UpstreamStatusBadge status={upstream.status} />
                    {upstream.outdated ? <span className="block text-xs text-amber-900">Holds an older version of the settings</span> : null}
                    {upstream.error ? <span className="mt-1 block text-xs text-red-800">{upstream.error}</span> : null}
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3 tabular-nums">{when(upstream.lastAppliedAt)}</td>
                  <td className="py-2 pr-3 text-xs text-slate-700">
                    {upstream.limitations.length === 0 ? (
                      'Holds every setting'
                    ) : (
                      <ul className="list-disc space-y-0.5 pl-4">
                        {upstream.limitations.map((limitation) => (
                          <li key={limitation}>{limitation}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="py-2">
                    {upstream.drift.length === 0 ? (
                      <span className="text-slate-600">{upstream.lastCheckedAt ? `None (checked ${when(upstream.lastCheckedAt)})` : 'None'}</span>
                    ) : (
                      <table className="text-xs">
                        <caption className="mb-1 text-left font-medium text-amber-900">Changed on {upstream.label} outside the portal</caption>
                        <thead>
                          <tr>
                            <th scope="col" className="pr-2 text-left">Setting</th>
                            <th scope="col" className="pr-2 text-left">Wanted</th>
                            <th scope="col" className="text-left">Found</th>
                          </tr>
                        </thead>
                        <tbody>
                          {upstream.drift.map((difference) => (
                            <tr key={difference.field}>
                              <th scope="row" className="pr-2 font-normal">
                                {difference.label}
                              </th>
                              <td className="pr-2 font-mono">{difference.desired}</td>
                              <td className="font-mono">{difference.actual}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
