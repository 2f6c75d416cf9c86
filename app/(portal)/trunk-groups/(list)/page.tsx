import type { Metadata } from 'next';
import Link from 'next/link';
import { TrunkGroupTable } from '@/components/trunk-groups/trunk-group-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount } from '@/lib/format';
import { listTrunkGroupsWithDrift } from '@/lib/services/trunk-groups';
import { loadTrunkGroupListParams } from '@/lib/url-state/trunk-groups';
import { TRUNK_AUTH_LABELS, TRUNK_DIRECTION_LABELS } from '@/lib/validations/trunk-groups';

export const metadata: Metadata = { title: 'Trunk groups' };

const DIRECTION_SHORT = { inbound: 'Inbound', outbound: 'Outbound', both: 'Both ways' } as const;
const AUTH_SHORT = { ip: 'IP address', digest: 'Password', both: 'IP + password' } as const;

export default async function TrunkGroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const { deleted, kept } = await loadTrunkGroupListParams(searchParams);
  const groups = await listTrunkGroupsWithDrift(access);
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
          <TrunkGroupTable
            caption={`Trunk groups of ${access.account.name}`}
            rows={groups.map(({ group, numbers, drifted }) => ({
              id: group.id,
              name: group.name,
              direction: { short: DIRECTION_SHORT[group.direction], full: TRUNK_DIRECTION_LABELS[group.direction] },
              auth: { short: AUTH_SHORT[group.auth], full: TRUNK_AUTH_LABELS[group.auth] },
              numbers: formatCount(Number(numbers)),
              syncStatus: group.syncStatus,
              status: group.status,
              drifted,
            }))}
          />
        )}
      </Card>
    </>
  );
}
