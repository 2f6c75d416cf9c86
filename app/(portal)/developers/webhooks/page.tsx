import type { Metadata } from 'next';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { ACCOUNT_EVENT_LABELS, ACCOUNT_EVENT_TYPES } from '@/lib/api/events';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { listWebhookEndpoints } from '@/lib/services/webhooks';
import { WEBHOOK_ENDPOINTS_PER_ACCOUNT } from '@/lib/validations/webhooks';
import { createWebhookAction } from './actions';
import { WebhookForm } from './webhook-forms';
import { WebhookEndpointTable, type WebhookEndpointRow } from './webhook-tables';

export const metadata: Metadata = { title: 'Webhooks' };
export const dynamic = 'force-dynamic';

export default async function WebhooksPage() {
  const access = await requireAccountAccess('technical.read');
  const endpoints = await listWebhookEndpoints(access);
  const writable = can(access, 'technical.write');
  const rows: WebhookEndpointRow[] = endpoints.map((endpoint) => ({
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.eventTypes.join(', '),
    enabled: endpoint.enabled,
    createdAt: formatDateTime(new Date(endpoint.createdAt)),
  }));
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={`We POST events of ${access.account.name} and its sub-accounts to your endpoints, signed as Standard Webhooks says (webhook-id, webhook-timestamp, webhook-signature). Answer 2xx within 15 seconds; anything else is retried for 24 hours.`}
      />
      <div className="space-y-6">
        <Card title="Endpoints">
          <WebhookEndpointTable
            rows={rows}
            caption={`Webhook endpoints of ${access.account.name}`}
            empty={
              <EmptyState title={`${access.account.name} has no webhook endpoints yet`}>
                {writable
                  ? 'Add one below to hear about finished orders, released numbers and failures as they happen.'
                  : 'An owner, admin or technical user of this account can add one, to hear about finished orders, released numbers and failures as they happen.'}
              </EmptyState>
            }
          />
        </Card>
        {writable && endpoints.length < WEBHOOK_ENDPOINTS_PER_ACCOUNT ? (
          <Card title="Add endpoint" description={`Up to ${WEBHOOK_ENDPOINTS_PER_ACCOUNT} per account. Private, loopback and link-local addresses are refused.`}>
            <WebhookForm action={createWebhookAction} accountId={access.account.id} eventTypes={ACCOUNT_EVENT_TYPES.map((type) => ({ value: type, label: ACCOUNT_EVENT_LABELS[type] }))} />
          </Card>
        ) : writable ? (
          <p role="status" className="text-sm text-slate-700">
            This account has {WEBHOOK_ENDPOINTS_PER_ACCOUNT} endpoints, the most it may have: delete one to add another.
          </p>
        ) : null}
      </div>
    </>
  );
}
