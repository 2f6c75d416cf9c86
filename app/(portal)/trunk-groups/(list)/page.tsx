import type { Metadata } from 'next';
import Link from 'next/link';
import { DriftBadge, SyncStatusBadge } from '@/components/trunk-groups/badges';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { getDb } from '@/lib/db/client';
import { getTrunkGroupUpstreams, getTrunkGroupsByAccount } from '@/lib/db/queries/trunk-groups';
import { firstParam, readInteger } from '@/lib/validations/common';
import { TRUNK_AUTH_LABELS, TRUNK_DIRECTION_LABELS } from '@/lib/validations/trunk-groups';

export const metadata: Metadata = { title: 'Trunk groups' };

const DIRECTION_SHORT = { inbound: 'Inbound', outbound: 'Outbound', both: 'Both ways' } as const;
const AUTH_SHORT = { ip: 'IP address', digest: 'Password', both: 'IP + password' } as const;

export default async function TrunkGroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const params = await searchParams;
  const deleted = firstParam(params, 'deleted') === '1';
  const keptReading = readInteger(firstParam(params, 'kept') ?? '0', 'Kept', { min: 0, max: 4 });
  const kept = keptReading.ok ? keptReading.value : 0;
  const db = await getDb();
  const groups = await getTrunkGroupsByAccount(db, { accountId: access.account.id });
  const drifted = await Promise.all(
    groups.map(async ({ group }) => (await getTrunkGroupUpstreams(db, { trunkGroupId: group.id })).filter(({ upstream }) => upstream.drift.length > 0).length),
  );
  const writer = can(access, 'technical.write');
  const create = writer ? (
    <Link href="/trunk-groups/new" className={buttonClass('primary')}>
      Create a trunk group
    </Link>
  ) : null;

  return (
    <>
      <PageHeader title="Trunk groups" description={`SIP trunks of ${access.account.name}: where calls to your numbers go, and how your PBX sends calls.`} actions={groups.length > 0 ? create : null} />
      {deleted ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          The trunk group was deleted
          {kept > 0
            ? `. ${kept === 1 ? 'One carrier cannot' : `${kept} carriers cannot`} delete trunks through their API: ${kept === 1 ? 'its copy stays' : 'their copies stay'} there, with no numbers routed to ${kept === 1 ? 'it' : 'them'}.`
            : ', here and at every carrier.'}
        </p>
      ) : null}
      <Card>
        {groups.length === 0 ? (
          <EmptyState title={`${access.account.name} has no trunk groups yet`}>
            {writer ? (
              <div className="space-y-3">
                <p>A trunk group tells us where to deliver calls to your numbers and which PBX may place calls. Set one up, then route numbers to it.</p>
                {create}
              </div>
            ) : (
              'Someone with technical access to this account can create one.'
            )}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Trunk groups, scrollable">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Trunk groups of {access.account.name}</caption>
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Direction
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Authentication
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right">
                    Numbers
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Sync status
                  </th>
                  <th scope="col" className="py-2">
                    Drift
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.map(({ group, numbers }, index) => (
                  <tr key={group.id} className="border-b border-slate-100 last:border-0">
                    <th scope="row" className="py-2 pr-3 font-normal">
                      <Link href={`/trunk-groups/${group.id}`} className="font-medium text-indigo-800 hover:underline">
                        {group.name}
                      </Link>
                    </th>
                    <td className="py-2 pr-3" title={TRUNK_DIRECTION_LABELS[group.direction]}>
                      {DIRECTION_SHORT[group.direction]}
                    </td>
                    <td className="py-2 pr-3" title={TRUNK_AUTH_LABELS[group.auth]}>
                      {AUTH_SHORT[group.auth]}
                    </td>
                    <td className="py-2 pr-3 text-right tabular-nums">{Number(numbers).toLocaleString('en-US')}</td>
                    <td className="py-2 pr-3">
                      <SyncStatusBadge status={group.syncStatus} />
                    </td>
                    <td className="py-2">
                      <DriftBadge carriers={drifted[index] ?? 0} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
