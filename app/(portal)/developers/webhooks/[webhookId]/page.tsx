import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { ACCOUNT_EVENT_LABELS, ACCOUNT_EVENT_TYPES } from '@/lib/api/events';
import { can, type AccountAccess } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { getWebhookEndpoint, listWebhookDeliveries, type WebhookDeliveryView } from '@/lib/services/webhooks';
import { firstParam } from '@/lib/validations/common';
import { deleteWebhookAction, redeliverWebhookAction, rotateWebhookSecretAction, sendTestWebhookAction, setWebhookEnabledAction, updateWebhookAction } from '../actions';
import { DeleteWebhookForm, RotateWebhookSecretForm, WebhookButtonForm, WebhookForm } from '../webhook-forms';
import { WebhookDeliveryTable, type WebhookDeliveryRow } from '../webhook-tables';

export const metadata: Metadata = { title: 'Webhook endpoint' };
export const dynamic = 'force-dynamic';

const PAGE_SIZE = 25;
const STATUS_LABELS: Record<WebhookDeliveryView['status'], string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed', cancelled: 'Not sent' };

async function endpointOrNotFound(access: AccountAccess, webhookId: string) {
  try {
    return await getWebhookEndpoint(access, webhookId);
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') notFound();
    throw error;
  }
}

async function pageOfDeliveries(access: AccountAccess, webhookId: string, cursor: string | undefined) {
  try {
    return { ...(await listWebhookDeliveries(access, webhookId, { cursor, limit: PAGE_SIZE })), restarted: false };
  } catch (error) {
    if (isAppError(error) && error.code === 'invalid:cursor') return { ...(await listWebhookDeliveries(access, webhookId, { limit: PAGE_SIZE })), restarted: true };
    throw error;
  }
}

function rowOf(delivery: WebhookDeliveryView): WebhookDeliveryRow {
  const last = delivery.attempts.at(-1);
  const statusLabel = delivery.status === 'pending' && delivery.attemptCount === 0 ? 'Sending' : STATUS_LABELS[delivery.status];
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventType: delivery.eventType,
    eventId: delivery.eventId,
    status: delivery.status,
    statusLabel,
    attempts: delivery.attemptCount,
    nextAttempt: delivery.nextAttemptAt && delivery.attemptCount > 0 ? formatDateTime(new Date(delivery.nextAttemptAt)) : null,
    createdAt: formatDateTime(new Date(delivery.createdAt), { seconds: true }),
    redelivery: delivery.redeliveryOf !== null,
    lastAttempt: last
      ? {
          time: formatDateTime(new Date(last.attemptedAt), { seconds: true }),
          result: last.responseStatus !== null ? `HTTP ${last.responseStatus}` : (last.error ?? 'No answer'),
          duration: `${last.durationMs} ms`,
          response: last.responseBody,
        }
      : null,
  };
}

export default async function WebhookEndpointPage({ params, searchParams }: { params: Promise<{ webhookId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const { webhookId } = await params;
  const endpoint = await endpointOrNotFound(access, webhookId);
  const cursor = firstParam(await searchParams, 'cursor');
  const page = await pageOfDeliveries(access, endpoint.id, cursor);
  const writable = can(access, 'technical.write');
  const base = `/developers/webhooks/${endpoint.id}`;

  return (
    <>
      <PageHeader title={endpoint.description || 'Webhook endpoint'} description={endpoint.url} />
      <p className="-mt-4 mb-6 text-sm">
        <Link href="/developers/webhooks" className="font-medium text-indigo-800 underline">
          All webhook endpoints
        </Link>
      </p>
      <div className="space-y-6">
        <Card title="Endpoint">
          <dl className="grid gap-3 text-sm sm:grid-cols-2">
            <div>
              <dt className="font-medium text-slate-700">Status</dt>
              <dd>
                <Badge tone={endpoint.enabled ? 'green' : 'slate'}>{endpoint.enabled ? 'Enabled' : 'Disabled'}</Badge>
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-700">Added</dt>
              <dd>{formatDateTime(new Date(endpoint.createdAt))}</dd>
            </div>
            <div className="sm:col-span-2">
              <dt className="font-medium text-slate-700">URL</dt>
              <dd className="break-all font-mono text-xs">{endpoint.url}</dd>
            </div>
            <div className="sm:col-span-2">
              <dt className="font-medium text-slate-700">Events</dt>
              <dd className="break-words font-mono text-xs">{endpoint.eventTypes.join(', ')}</dd>
            </div>
            {endpoint.previousSecretExpiresAt ? (
              <div className="sm:col-span-2">
                <dt className="font-medium text-slate-700">Secret rotation</dt>
                <dd>The previous secret signs too until {formatDateTime(new Date(endpoint.previousSecretExpiresAt))}.</dd>
              </div>
            ) : null}
          </dl>
          {writable ? (
            <div className="mt-4 flex flex-wrap items-start gap-3">
              {endpoint.enabled ? (
                <WebhookButtonForm action={sendTestWebhookAction} fields={{ webhookId: endpoint.id }} label="Send test event" pendingLabel="Sending…" icon="send" variant="primary" />
              ) : null}
              <WebhookButtonForm
                action={setWebhookEnabledAction}
                fields={{ webhookId: endpoint.id, enabled: endpoint.enabled ? 'false' : 'true' }}
                label={endpoint.enabled ? 'Disable' : 'Enable'}
                pendingLabel={endpoint.enabled ? 'Disabling…' : 'Enabling…'}
              />
              <RotateWebhookSecretForm webhookId={endpoint.id} action={rotateWebhookSecretAction} />
              <DeleteWebhookForm webhookId={endpoint.id} url={endpoint.url} action={deleteWebhookAction} />
            </div>
          ) : null}
        </Card>

        <Card title="Delivery log" description="Each event sent here, with its last attempt. Failed attempts are retried with growing waits for 24 hours; “Send again” makes a new delivery now with the same webhook-id.">
          {page.restarted ? (
            <p role="status" className="mb-3 text-sm text-slate-700">
              That page link no longer works; showing the newest deliveries.
            </p>
          ) : null}
          <WebhookDeliveryTable
            rows={page.data.map(rowOf)}
            caption={`Deliveries to ${endpoint.url}`}
            redeliverAction={redeliverWebhookAction}
            canRedeliver={writable && endpoint.enabled}
            empty={<EmptyState title={cursor ? 'No older deliveries' : 'Nothing sent here yet'}>{writable && !cursor && endpoint.enabled ? 'Send a test event to see what your receiver gets.' : null}</EmptyState>}
          />
          {cursor || page.nextCursor ? (
            <nav aria-label="Pages of deliveries" className="mt-3 flex flex-wrap gap-4 text-sm">
              {cursor ? (
                <Link href={base} className="font-medium text-indigo-800 underline">
                  Newest deliveries
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link href={`${base}?cursor=${encodeURIComponent(page.nextCursor)}`} className="font-medium text-indigo-800 underline">
                  Older deliveries
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Card>

        {writable ? (
          <Card title="Change endpoint">
            <WebhookForm
              action={updateWebhookAction}
              eventTypes={ACCOUNT_EVENT_TYPES.map((type) => ({ value: type, label: ACCOUNT_EVENT_LABELS[type] }))}
              endpoint={{ id: endpoint.id, url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes }}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}
