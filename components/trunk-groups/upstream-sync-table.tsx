'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { StaffDetail } from '@/components/ui/staff-detail';
import { formatDateTime } from '@/lib/format';
import type { TrunkSyncView } from '@/lib/views/trunk-sync';
import { UpstreamStatusBadge } from './badges';

type UpstreamCopy = TrunkSyncView['upstreams'][number];

const when = (iso: string | null) => formatDateTime(iso ? new Date(iso) : null);

const columns: ColumnDef<UpstreamCopy>[] = [
  { id: 'upstream', header: 'Upstream', meta: { className: 'font-medium' }, cell: ({ row }) => row.original.label },
  {
    id: 'status',
    header: 'Status',
    cell: ({ row: { original: copy } }) => (
      <>
        <UpstreamStatusBadge status={copy.status} outdated={copy.outdated} />
        {copy.outdated ? <span className="block text-xs text-amber-900">Holds an older version of the settings</span> : null}
        {copy.error ? <span className="mt-1 block break-words text-xs text-red-800">{copy.error}</span> : null}
        {copy.errorDetail ? <StaffDetail>{copy.errorDetail}</StaffDetail> : null}
      </>
    ),
  },
  { id: 'lastApplied', header: 'Last applied', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => when(row.original.lastAppliedAt) },
  {
    id: 'limitations',
    header: 'What it cannot hold',
    meta: { className: 'text-xs text-slate-700' },
    cell: ({ row: { original: copy } }) =>
      copy.limitations.length === 0 ? (
        'Holds every setting'
      ) : (
        <ul className="list-disc space-y-0.5 pl-4">
          {copy.limitations.map((limitation) => (
            <li key={limitation}>{limitation}</li>
          ))}
        </ul>
      ),
  },
  {
    id: 'drift',
    header: 'Drift',
    cell: ({ row: { original: copy } }) =>
      copy.drift.length === 0 ? (
        <span className="text-slate-600">{copy.lastCheckedAt ? `None (checked ${when(copy.lastCheckedAt)})` : 'None'}</span>
      ) : (
        <table className="text-xs">
          <caption className="mb-1 text-left font-medium text-amber-900">Changed on {copy.label} outside the portal</caption>
          <thead>
            <tr>
              <th scope="col" className="pr-2 text-left">
                Setting
              </th>
              <th scope="col" className="pr-2 text-left">
                Wanted
              </th>
              <th scope="col" className="text-left">
                Found
              </th>
            </tr>
          </thead>
          <tbody>
            {copy.drift.map((difference) => (
              <tr key={difference.field}>
                <th scope="row" className="pr-2 font-normal">
                  {difference.label}
                </th>
                <td className="break-all pr-2 font-mono">{difference.desired}</td>
                <td className="break-all font-mono">{difference.actual}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ),
  },
];

/** A trunk group's copy on each upstream: status, what it cannot hold, and drift found there. */
export function UpstreamSyncTable({ upstreams, caption, busy }: { upstreams: UpstreamCopy[]; caption: string; busy?: boolean }) {
  return <DataTable rows={upstreams} columns={columns} getRowId={(row) => row.label} caption={caption} regionLabel="Sync status per upstream, scrollable" rowHeader="upstream" busy={busy} />;
}
