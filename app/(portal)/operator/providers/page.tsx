import type { Metadata } from 'next';
import { ConnectionButtonForm, EditConnectionForm, NewConnectionForm } from '@/components/providers/connection-forms';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { listConnections, listProviderOptions, type ConnectionView } from '@/lib/services/providers';
import { createConnectionAction, setConnectionEnabledAction, testConnectionAction, updateConnectionAction } from './actions';

export const metadata: Metadata = { title: 'Providers' };

const when = (date?: Date | null) => (date ? formatDateTime(date, { seconds: true }) : 'never');

function BreakerBadge({ state }: { state: ConnectionView['health']['breakerState'] }) {
  if (state === 'closed') return <Badge tone="green">Breaker closed</Badge>;
  if (state === 'half-open') return <Badge tone="amber">Breaker half-open</Badge>;
  return <Badge tone="red">Breaker open</Badge>;
}

function Health({ connection }: { connection: ConnectionView }) {
  const { health } = connection;
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
      <div>
        <dt className="text-slate-600">Last test</dt>
        <dd>
          {connection.lastTestOk === null ? 'not tested yet' : connection.lastTestOk ? 'passed' : 'failed'} · {when(connection.lastTestedAt)}
          {connection.lastTestDetail ? <span className="block text-xs text-slate-600">{connection.lastTestDetail}</span> : null}
        </dd>
      </div>
      <div>
        <dt className="text-slate-600">Last successful call</dt>
        <dd>{when(health.lastSuccessAt)}</dd>
      </div>
      <div>
        <dt className="text-slate-600">Recent error rate</dt>
        <dd>{health.recentErrorRate === undefined ? 'no calls yet' : `${Math.round(health.recentErrorRate * 100)}% of the last ${health.recentCalls} calls`}</dd>
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

export default async function ProvidersPage() {
  const user = await requireStaff();
  const connections = await listConnections(user);
  const providerOptions = listProviderOptions();

  return (
    <>
      <PageHeader title="Providers" description="The carrier's accounts at its upstream providers. Credentials are encrypted at rest and never shown again." />
      <div className="space-y-6">
        {connections.length === 0 ? (
          <EmptyState title="No provider connections yet">Add one below; every feature that needs an upstream uses the enabled connections.</EmptyState>
        ) : (
          connections.map((connection) => (
            <Card
              key={connection.id}
              title={connection.name}
              description={`${connection.providerName} · ${connection.baseUrl}`}
              actions={
                <div className="flex flex-wrap items-center gap-2">
                  {connection.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="slate">Disabled</Badge>}
                  <BreakerBadge state={connection.health.breakerState} />
                </div>
              }
            >
              <Health connection={connection} />
              <p className="mt-4 text-xs text-slate-600">
                <span className="font-medium text-slate-800">Capabilities:</span> {connection.capabilities.join(', ')}
              </p>
              <div className="mt-4 flex flex-wrap items-start gap-3 border-t border-slate-100 pt-4">
                <ConnectionButtonForm connectionId={connection.id} action={testConnectionAction} label="Test connection" pendingLabel="Testing…" showResult />
                <ConnectionButtonForm
                  connectionId={connection.id}
                  action={setConnectionEnabledAction}
                  hidden={{ enabled: connection.enabled ? 'false' : 'true' }}
                  label={connection.enabled ? 'Disable' : 'Enable'}
                  pendingLabel="Saving…"
                  variant="secondary"
                  confirm={
                    connection.enabled
                      ? {
                          title: `Disable ${connection.name}?`,
                          description: 'The portal stops calling this upstream: no searches, orders, syncs or e911 through it.',
                          consequence: 'Customers whose numbers or trunk groups live on it cannot change them until it is enabled again; calls already routed keep flowing at the carrier.',
                          confirmLabel: `Yes, disable ${connection.name}`,
                        }
                      : undefined
                  }
                />
                <EditConnectionForm connection={connection} action={updateConnectionAction} />
              </div>
            </Card>
          ))
        )}
        <Card title="Add a connection" description="Point at a provider's live API with your account's credentials, or at a sandbox.">
          <NewConnectionForm providers={providerOptions} action={createConnectionAction} />
        </Card>
      </div>
    </>
  );
}
