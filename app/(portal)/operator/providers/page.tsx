import type { Metadata } from 'next';
import { ConnectionButtonForm, EditConnectionForm, NewConnectionForm } from '@/components/providers/connection-forms';
import { HealthBadge, OUTCOME_LABELS, formatAgo } from '@/components/providers/health-badge';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount, formatDateTime } from '@/lib/format';
import { getCdrPullStatuses, type CdrPullStatus } from '@/lib/services/cdr-pull';
import { listConnections, listProviderOptions, type ConnectionView } from '@/lib/services/providers';
import { createConnectionAction, setConnectionEnabledAction, testConnectionAction, updateConnectionAction } from './actions';

export const metadata: Metadata = { title: 'Providers' };

const when = (date?: Date | null) => (date ? formatDateTime(date, { seconds: true }) : 'never');

const breakerText: Record<ConnectionView['health']['breakerState'], string> = {
  closed: 'closed: calls go through',
  'half-open': 'half-open: trying one call after failures',
  open: 'open: calls fail fast for a moment after repeated failures',
  isolated: 'isolated: calls held',
};

function Health({ connection, now }: { connection: ConnectionView; now: Date }) {
  const { health } = connection;
  const last = health.lastCall;
  return (
    <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
      <div>
        <dt className="text-slate-600">Last call</dt>
        <dd>
          {last ? (
            <>
              {OUTCOME_LABELS[last.outcome]} · {formatAgo(last.at, now)}
              <span className="block text-xs text-slate-600">
                {[last.operation, last.outcome === 'success' ? null : last.message].filter(Boolean).join(' · ')} ({when(last.at)})
              </span>
            </>
          ) : (
            'no call yet'
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Last successful call</dt>
        <dd>{when(health.lastSuccessAt)}</dd>
      </div>
      <div>
        <dt className="text-slate-600">Last failure</dt>
        <dd>
          {health.lastFailure ? (
            <>
              {OUTCOME_LABELS[health.lastFailure.outcome]} · {when(health.lastFailure.at)}
              {health.lastFailure.message ? <span className="block text-xs break-words text-slate-600">{health.lastFailure.message}</span> : null}
            </>
          ) : (
            'none recorded'
          )}
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Last test</dt>
        <dd>
          {connection.lastTestOk === null ? 'not tested yet' : connection.lastTestOk ? 'passed' : 'failed'} · {when(connection.lastTestedAt)}
          {connection.lastTestDetail ? <span className="block text-xs text-slate-600">{connection.lastTestDetail}</span> : null}
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Recent error rate (this server)</dt>
        <dd>{health.recentErrorRate === undefined ? 'no calls yet' : `${Math.round(health.recentErrorRate * 100)}% of the last ${health.recentCalls} calls`}</dd>
        <dd className="text-xs text-slate-600">Breaker {breakerText[health.breakerState]}</dd>
      </div>
      <div>
        <dt className="text-slate-600">Rate budget</dt>
        <dd>
          {health.budgets.length === 0
            ? 'no fixed budget'
            : health.budgets.map((budget) => (
                <span key={budget.name} className="block">
                  {budget.name}: {budget.remaining}/{budget.limit} left
                </span>
              ))}
        </dd>
      </div>
    </dl>
  );
}

function CdrPull({ status, now }: { status: CdrPullStatus | undefined; now: Date }) {
  if (!status) return <p className="mt-4 text-sm text-slate-600">CDRs: not pulled yet. The CDR pull runs every 5 minutes and at start.</p>;
  const failing = status.lastErrorAt && (!status.lastSuccessAt || status.lastErrorAt > status.lastSuccessAt);
  return (
    <dl className="mt-4 grid gap-x-6 gap-y-3 border-t border-slate-100 pt-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
      <div>
        <dt className="text-slate-600">CDRs pulled until</dt>
        <dd>
          {when(status.pulledUntil)}
          {status.midWindow ? <span className="block text-xs text-slate-600">Part-way through the next window; it resumes where it stopped.</span> : null}
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Last CDR pull that went through</dt>
        <dd>{status.lastSuccessAt ? `${formatAgo(status.lastSuccessAt, now)} (${when(status.lastSuccessAt)})` : 'none yet'}</dd>
      </div>
      <div>
        <dt className="text-slate-600">CDRs imported</dt>
        <dd>
          {formatCount(status.imported)} new · {formatCount(status.duplicates)} already stored
          <span className="block text-xs text-slate-600">{formatCount(status.unattributed)} on numbers no account holds (counted, not stored)</span>
          {status.rejected > 0 ? (
            <span className="block text-xs text-amber-800">
              {formatCount(status.rejected)} refused by the store{status.lastRejection ? `; latest: ${status.lastRejection}` : ''}
            </span>
          ) : null}
        </dd>
      </div>
      <div className="sm:col-span-2 lg:col-span-3">
        <dt className="text-slate-600">Last CDR pull error</dt>
        <dd className={failing ? 'text-red-800' : undefined}>
          {status.lastError ? (
            <>
              {status.lastError} · {when(status.lastErrorAt)}
              <span className="block text-xs text-slate-600">{failing ? 'Not resolved yet: the pull retries from the same place, nothing is skipped.' : 'Resolved: a later pull went through.'}</span>
            </>
          ) : (
            'none'
          )}
        </dd>
      </div>
    </dl>
  );
}

function numbersOn(count: number) {
  return count === 1 ? '1 live customer number' : `${formatCount(count)} live customer numbers`;
}

function disableConsequence(connection: ConnectionView) {
  if (connection.liveNumbers === 0) return 'No customer numbers live on it today, so nothing already sold is affected.';
  return `${numbersOn(connection.liveNumbers)} live on it. Calls to them keep flowing at ${connection.providerName}, and customers can still route them, register E911 for them and release them; no new numbers are sold on it.`;
}

export default async function ProvidersPage() {
  const user = await requireStaff();
  const [connections, cdrPulls] = await Promise.all([listConnections(user), getCdrPullStatuses(user)]);
  const providerOptions = listProviderOptions(user);
  const now = new Date();

  return (
    <>
      <PageHeader title="Providers" description="The carrier's accounts at its upstream providers. Credentials are encrypted at rest and never shown again. A connection goes live only once its connection test passes." />
      <div className="space-y-6">
        {connections.length === 0 ? (
          <EmptyState title="No provider connections yet">Add one below; it is tested right away, and every feature that needs an upstream uses the enabled connections.</EmptyState>
        ) : (
          connections.map((connection) => (
            <Card
              key={connection.id}
              title={connection.name}
              description={`${connection.providerName} · ${connection.baseUrl} · ${numbersOn(connection.liveNumbers)}`}
              actions={
                <div className="flex flex-wrap items-center justify-end gap-2">
                  {connection.enabled ? <Badge tone="indigo">Enabled</Badge> : <Badge tone={connection.disabledReason === 'test_failed' ? 'red' : 'slate'}>{connection.disabledReason === 'test_failed' ? 'Disabled: test failed' : 'Disabled'}</Badge>}
                  <HealthBadge health={connection.health} now={now} />
                </div>
              }
            >
              {!connection.enabled && connection.disabledReason === 'test_failed' ? (
                <p role="status" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
                  Not in use: its connection test failed{connection.lastTestDetail ? ` (${connection.lastTestDetail})` : ''}. Correct its settings with “Edit settings…”; it is enabled again once a test passes.
                </p>
              ) : null}
              <Health connection={connection} now={now} />
              {connection.capabilities.includes('cdrs') ? <CdrPull status={cdrPulls.get(connection.id)} now={now} /> : null}
              <p className="mt-4 text-xs text-slate-600">
                <span className="font-medium text-slate-800">Capabilities:</span> {connection.capabilities.join(', ')}
              </p>
              <div className="mt-4 flex flex-wrap items-start gap-3 border-t border-slate-100 pt-4">
                <ConnectionButtonForm connectionId={connection.id} action={testConnectionAction} label="Test connection" pendingLabel="Testing…" showResult />
                {connection.enabled ? (
                  <ConnectionButtonForm
                    connectionId={connection.id}
                    action={setConnectionEnabledAction}
                    hidden={{ enabled: 'false' }}
                    label="Disable"
                    pendingLabel="Disabling…"
                    variant="secondary"
                    confirm={{
                      title: `Disable ${connection.name}?`,
                      description: `The portal stops calling ${connection.providerName} through this connection: no number searches, orders, trunk-group or E911 changes, and no sync on it.`,
                      consequence: disableConsequence(connection),
                      confirmLabel: `Disable ${connection.name}`,
                    }}
                  />
                ) : (
                  <ConnectionButtonForm connectionId={connection.id} action={setConnectionEnabledAction} hidden={{ enabled: 'true' }} label="Test and enable" pendingLabel="Testing…" variant="secondary" showResult />
                )}
                <EditConnectionForm connection={connection} action={updateConnectionAction} />
              </div>
            </Card>
          ))
        )}
        <Card title="Add a connection" description="Point at a provider's live API with your account's credentials, or at a sandbox. The connection is tested before it is put to use.">
          <NewConnectionForm providers={providerOptions} action={createConnectionAction} />
        </Card>
      </div>
    </>
  );
}
