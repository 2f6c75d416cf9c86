import type { Metadata } from 'next';
import Link from 'next/link';
import { SyncStatusBadge } from '@/components/trunk-groups/badges';
import { TrunkSyncStatus } from '@/components/trunk-groups/sync-status';
import { DeleteTrunkGroupForm, NumberBulkForm, ReapplyForm, RotatePasswordForm, TrunkStatusForm } from '@/components/trunk-groups/trunk-actions';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCount, formatDateTime, formatE164 } from '@/lib/format';
import { auditEventLabel } from '@/lib/views/audit-events';
import { getTrunkGroupDetail, getTrunkGroupNumbersAndHistory } from '@/lib/services/trunk-groups';
import { getTrunkGroupRouting } from '@/lib/services/number-routing';
import { getTrunkSyncStatus } from '@/lib/services/trunk-sync-status';
import { fieldLabel } from '@/lib/services/trunk-model';
import { CALLER_ID_POLICY_LABELS, CODEC_LABELS, SIP_TRANSPORT_LABELS, TRUNK_AUTH_LABELS, TRUNK_DIRECTION_LABELS, type CallerIdPolicy, type Codec } from '@/lib/validations/trunk-groups';
import {
  assignTrunkNumbersAction,
  deleteTrunkGroupAction,
  reapplyTrunkGroupAction,
  rotateTrunkPasswordAction,
  setTrunkGroupStatusAction,
  unassignTrunkNumbersAction,
} from '../actions';

export const metadata: Metadata = { title: 'Trunk group' };

const LIST_LIMIT = 200;
/** Numbers named in the not-routed banner before "and K more". */
const BANNER_NUMBERS = 10;

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const SNAPSHOT_LABELS: Record<string, string> = {
  name: 'name',
  techPrefix: 'tech prefix',
  callerIdPolicy: 'caller-ID policy',
  status: 'status',
};

const show = (value: unknown): string =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0) ? '—' : Array.isArray(value) ? value.map(String).join(', ') : String(value);

const numbersOf = (after: unknown): string[] =>
  after && typeof after === 'object' && Array.isArray((after as { numbers?: unknown }).numbers) ? ((after as { numbers: unknown[] }).numbers.map(String)) : [];

function describeEvent(action: string, before: unknown, after: unknown): { title: string; lines: string[] } {
  switch (action) {
    case 'trunk_group.create':
      return { title: 'Created', lines: [] };
    case 'trunk_group.update': {
      const was = (before ?? {}) as Record<string, unknown>;
      const now = (after ?? {}) as Record<string, unknown>;
      const lines = Object.keys({ ...was, ...now })
        .filter((key) => show(was[key]) !== show(now[key]))
        .map((key) => `${SNAPSHOT_LABELS[key] ?? fieldLabel(key)}: ${show(was[key])} → ${show(now[key])}`);
      return { title: lines.length ? 'Settings changed' : 'Saved without changes', lines };
    }
    case 'trunk_group.rotate_password':
      return { title: 'SIP password rotated', lines: [] };
    case 'trunk_group.assign_numbers':
      return { title: 'Numbers routed here', lines: [numbersOf(after).map(formatE164).join(', ')] };
    case 'trunk_group.unassign_numbers':
      return { title: 'Numbers no longer routed here', lines: [numbersOf(after).map(formatE164).join(', ')] };
    case 'trunk_group.reapply': {
      const status = after && typeof after === 'object' ? String((after as { status?: unknown }).status ?? '') : '';
      return { title: 'Re-applied to the carriers', lines: status ? [`Result: ${status.replace(/_/g, ' ')}`] : [] };
    }
    default:
      return { title: auditEventLabel(action), lines: [] };
  }
}

export default async function TrunkGroupPage({ params }: { params: Promise<{ trunkGroupId: string }> }) {
  const { trunkGroupId } = await params;
  const access = await requireAccountAccess('technical.read');
  const { group, upstreams } = await orNotFound(getTrunkGroupDetail(access, trunkGroupId));
  const [{ numbers, assignable, events, groups }, sync, routing] = await Promise.all([
    getTrunkGroupNumbersAndHistory(access, group, { limit: LIST_LIMIT }),
    getTrunkSyncStatus(access, group.id),
    getTrunkGroupRouting(access, group.id, { sample: BANNER_NUMBERS }),
  ]);
  const writer = can(access, 'technical.write');
  const groupNames = new Map(groups.map(({ group: other }) => [other.id, other.name]));
  const ipAuth = group.auth !== 'digest';
  const digestAuth = group.auth !== 'ip';
  const inbound = group.direction !== 'outbound';

  return (
    <>
      <PageHeader
        title={group.name}
        description={`Trunk group of ${access.account.name}`}
        actions={
          <div className="flex items-center gap-3">
            <SyncStatusBadge status={group.syncStatus} groupStatus={group.status} />
            {writer ? (
              <Link href={`/trunk-groups/${group.id}/edit`} className={buttonClass('primary')}>
                Edit settings
              </Link>
            ) : null}
          </div>
        }
      />
      <p className="mb-6 text-sm">
        <Link href="/trunk-groups" className="text-indigo-800 underline">
          ← Trunk groups
        </Link>
      </p>
      {routing.mayReachHosts.numbers > 0 ? (
        <section role="alert" aria-labelledby="may-reach-hosts-title" data-testid="may-reach-hosts-banner" className="mb-6 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-950">
          <h2 id="may-reach-hosts-title" className="font-semibold">
            {group.name} is disabled, but calls to {routing.mayReachHosts.numbers === 1 ? '1 number' : `${formatCount(routing.mayReachHosts.numbers)} numbers`} may still reach its hosts
          </h2>
          <p className="mt-1">
            The carriers have not confirmed moving{' '}
            {routing.mayReachHosts.sample.map((number, index) => (
              <span key={number.id}>
                {index > 0 ? (index === routing.mayReachHosts.sample.length - 1 && routing.mayReachHosts.numbers === routing.mayReachHosts.sample.length ? ' and ' : ', ') : null}
                <Link href={`/numbers/${number.id}`} className="font-medium tabular-nums underline">
                  {formatE164(number.e164)}
                </Link>
              </span>
            ))}
            {routing.mayReachHosts.numbers > routing.mayReachHosts.sample.length ? ` and ${formatCount(routing.mayReachHosts.numbers - routing.mayReachHosts.sample.length)} more` : null} to their default route.
          </p>
          <ul className="mt-2 space-y-2">
            {routing.mayReachHosts.problems.map((problem) => (
              <li key={problem.reason}>
                {problem.reason} <span className="block text-red-900">What to do: {problem.nextStep}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {routing.notRouted > 0 ? (
        <section role="alert" aria-labelledby="not-routed-title" data-testid="routing-banner" className="mb-6 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-950">
          <h2 id="not-routed-title" className="font-semibold">
            {routing.notRouted === 1 ? '1 number is' : `${formatCount(routing.notRouted)} numbers are`} not routed as configured
            {routing.routed > 0 ? ` (${formatCount(routing.routed)} ${routing.routed === 1 ? 'is' : 'are'})` : ''}
          </h2>
          <p className="mt-1">
            Calls to{' '}
            {routing.sample.map((number, index) => (
              <span key={number.id}>
                {index > 0 ? (index === routing.sample.length - 1 && routing.notRouted === routing.sample.length ? ' and ' : ', ') : null}
                <Link href={`/numbers/${number.id}`} className="font-medium tabular-nums underline">
                  {formatE164(number.e164)}
                </Link>
              </span>
            ))}
            {routing.notRouted > routing.sample.length ? (
              <>
                {' and '}
                <Link href={`/numbers?${new URLSearchParams({ trunk: group.id, routing: 'not_routed' }).toString()}`} className="font-medium underline">
                  {formatCount(routing.notRouted - routing.sample.length)} more
                </Link>
              </>
            ) : null}{' '}
            do not reach {group.name}’s hosts.
          </p>
          <ul className="mt-2 space-y-2">
            {routing.problems.map((problem) => (
              <li key={problem.reason}>
                <span className="font-medium">
                  {problem.numbers === 1 ? '1 number' : `${formatCount(problem.numbers)} numbers`}:
                </span>{' '}
                {problem.reason} <span className="block text-red-900">What to do: {problem.nextStep}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <TrunkSyncStatus
          initial={sync}
          canReapply={writer}
          actions={writer && upstreams.length > 0 ? <ReapplyForm trunkGroupId={group.id} action={reapplyTrunkGroupAction} disabled={access.readOnly} /> : null}
        />

        <Card title="Settings" actions={null}>
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail label="Direction">{TRUNK_DIRECTION_LABELS[group.direction]}</Detail>
            <Detail label="Authentication">{TRUNK_AUTH_LABELS[group.auth]}</Detail>
            {ipAuth ? (
              <Detail label="Allowed IP addresses">
                <span className="font-mono text-xs">{group.allowedIps.join(', ') || '—'}</span>
              </Detail>
            ) : null}
            {digestAuth ? <Detail label="Digest username">{group.digestUsername ? <span className="font-mono text-xs">{group.digestUsername}</span> : 'Generated on the next save'}</Detail> : null}
            {inbound ? (
              <div className="sm:col-span-2">
                <dt className="text-sm text-slate-600">Destinations</dt>
                <dd className="mt-0.5 text-sm text-slate-900">
                  <ul className="space-y-0.5">
                    {group.destinations.map((destination) => (
                      <li key={`${destination.host}:${destination.port}`}>
                        <span className="font-mono text-xs">
                          {destination.host}:{destination.port}
                        </span>{' '}
                        · {SIP_TRANSPORT_LABELS[destination.transport]} · priority {destination.priority} · weight {destination.weight}
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
            ) : null}
            <Detail label="Channel limit">{typeof group.maxChannels === 'number' ? formatCount(group.maxChannels) : 'None set'}</Detail>
            <Detail label="Calls per second limit">{typeof group.maxCps === 'number' ? formatCount(group.maxCps) : 'None set'}</Detail>
            <Detail label="Codecs, in order">{group.codecs.map((codec, index) => `${index + 1}. ${CODEC_LABELS[codec as Codec] ?? codec}`).join(' · ')}</Detail>
            <Detail label="Tech prefix">{group.techPrefix ?? 'None'}</Detail>
            <Detail label="Caller ID">
              {CALLER_ID_POLICY_LABELS[group.callerIdPolicy as CallerIdPolicy] ?? group.callerIdPolicy}
              {group.callerIdNumber ? `: ${formatE164(group.callerIdNumber)}` : ''}
            </Detail>
            <Detail label="Last changed">{formatDateTime(group.updatedAt)}</Detail>
          </dl>
          {digestAuth && writer ? (
            <div className="mt-6 border-t border-slate-200 pt-4">
              <h3 className="mb-2 text-sm font-semibold">SIP password</h3>
              <p className="mb-3 text-sm text-slate-600">The password is stored encrypted and never shown again after it is generated. Rotate it if it may have leaked.</p>
              <RotatePasswordForm trunkGroupId={group.id} name={group.name} action={rotateTrunkPasswordAction} disabled={access.readOnly} />
            </div>
          ) : null}
        </Card>

        <Card title="Activity" description="The latest changes to this trunk group.">
          {events.length === 0 ? (
            <p className="text-sm text-slate-600">No changes recorded yet.</p>
          ) : (
            <ol className="divide-y divide-slate-100 text-sm">
              {events.map((event) => {
                const { title, lines } = describeEvent(event.action, event.before, event.after);
                return (
                  <li key={event.id} className="py-2">
                    <div className="flex flex-wrap justify-between gap-2">
                      <span className="font-medium">{title}</span>
                      <span className="text-slate-600">
                        {event.actorEmail ?? 'system'}
                        {event.actingAsAccountId ? ' (operator staff)' : ''} · {formatDateTime(event.createdAt)}
                      </span>
                    </div>
                    {lines.filter(Boolean).length ? (
                      <ul className="mt-1 space-y-0.5 text-xs text-slate-700">
                        {lines.filter(Boolean).map((line) => (
                          <li key={line} className="break-words">
                            {line}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ol>
          )}
        </Card>

        <div id="numbers" className="scroll-mt-6 lg:col-span-2">
          <Card title={`Numbers (${numbers.length}${numbers.length === LIST_LIMIT ? '+' : ''})`} description="Calls to these numbers are delivered through this trunk group.">
            {writer ? (
              <NumberBulkForm
                emptyText={assignable.length > 0 ? 'No numbers route here yet: pick some below and assign them.' : 'No numbers route here yet.'}
                trunkGroupId={group.id}
                rows={numbers.map((number) => ({ id: number.id, number: formatE164(number.e164) }))}
                action={unassignTrunkNumbersAction}
                caption={`Numbers of ${group.name}`}
                verb="Unassign"
                pendingLabel="Unassigning…"
                variant="secondary"
                disabled={access.readOnly}
              />
            ) : numbers.length === 0 ? (
              <EmptyState title="No numbers route here yet" />
            ) : (
              <ul className="grid gap-1 text-sm tabular-nums sm:grid-cols-3">
                {numbers.map((number) => (
                  <li key={number.id}>{formatE164(number.e164)}</li>
                ))}
              </ul>
            )}
            {writer ? (
              <div className="mt-6 border-t border-slate-200 pt-4">
                <h3 className="mb-1 text-sm font-semibold">Assign numbers</h3>
                <p className="mb-3 text-sm text-slate-600">Numbers of {access.account.name} routed elsewhere or not at all. A number moves here from any other trunk group.</p>
                <NumberBulkForm
                  emptyText={numbers.length > 0 ? 'Every number of the account already routes here.' : `${access.account.name} has no numbers yet: buy some, then assign them here.`}
                  trunkGroupId={group.id}
                  rows={assignable.map((number) => ({
                    id: number.id,
                    number: formatE164(number.e164),
                    routing: number.trunkGroupRef ? (groupNames.get(number.trunkGroupRef) ?? 'Another trunk group') : 'Not routed',
                  }))}
                  action={assignTrunkNumbersAction}
                  caption="Numbers you can assign"
                  verb="Assign"
                  pendingLabel="Assigning…"
                  showRouting
                  disabled={access.readOnly}
                />
                {assignable.length === 0 ? (
                  <p className="mt-2 text-sm">
                    <Link href="/numbers/buy" className="text-indigo-800 underline">
                      Buy numbers
                    </Link>
                  </p>
                ) : null}
              </div>
            ) : null}
          </Card>
        </div>

        {writer ? (
          <Card
            title={group.status === 'active' ? 'Active' : 'Disabled'}
            description={
              group.status === 'active'
                ? "Disabling sends this group's numbers to each carrier's default route instead of these hosts; its settings are kept."
                : routing.mayReachHosts.numbers > 0
                  ? "Its numbers should go to each carrier's default route, but some may still reach these hosts (see above): Re-apply to ask the carriers again. Enabling pushes the group again and routes them back here."
                  : "Its numbers go to each carrier's default route. Enabling pushes the group again and routes them back here."
            }
            className="lg:col-span-2"
          >
            <TrunkStatusForm trunkGroupId={group.id} name={group.name} status={group.status} action={setTrunkGroupStatusAction} disabled={access.readOnly} />
          </Card>
        ) : null}

        {writer ? (
          <Card
            title="Delete"
            description="Remove this trunk group from the portal and from its carriers. A carrier whose API can delete trunks loses its copy too; where a carrier's cannot, the copy stays there with no numbers routed to it. If a carrier does not confirm the removal, the trunk group is kept here and you can try again."
            className="lg:col-span-2"
          >
            <DeleteTrunkGroupForm trunkGroupId={group.id} name={group.name} numberCount={numbers.length} action={deleteTrunkGroupAction} disabled={access.readOnly} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
