'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { ActionState } from '@/lib/auth/action';
import { WebhookButtonForm } from './webhook-forms';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string;
  events: string;
  enabled: boolean;
  createdAt: string;
}

export function WebhookEndpointTable({ rows, caption, empty }: { rows: WebhookEndpointRow[]; caption: string; empty: ReactNode }) {
  const columns: ColumnDef<WebhookEndpointRow>[] = [
    {
      id: 'url',
      header: 'URL',
      cell: ({ row }) => (
        <Link href={`/developers/webhooks/${row.original.id}`} className="break-all font-medium text-indigo-800 hover:underline">
          {row.original.url}
        </Link>
      ),
    },
    { id: 'description', header: 'Description', cell: ({ row }) => row.original.description || <span className="text-slate-500">—</span> },
    { id: 'events', header: 'Events', cell: ({ row }) => <span className="break-words font-mono text-xs">{row.original.events}</span> },
    { id: 'status', header: 'Status', cell: ({ row }) => <Badge tone={row.original.enabled ? 'green' : 'slate'}>{row.original.enabled ? 'Enabled' : 'Disabled'}</Badge> },
    { id: 'createdAt', header: 'Added', cell: ({ row }) => row.original.createdAt },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="url" empty={empty} />;
}

export interface WebhookDeliveryRow {
  id: string;
  webhookId: string;
  eventType: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  statusLabel: string;
  attempts: number;
  nextAttempt: string | null;
  lastAttempt: { time: string; result: string; duration: string; response: string | null } | null;
  createdAt: string;
  redelivery: boolean;
}

const STATUS_TONES = { pending: 'amber', delivered: 'green', failed: 'red', cancelled: 'slate' } as const;

export function WebhookDeliveryTable({ rows, caption, redeliverAction, canRedeliver, empty }: { rows: WebhookDeliveryRow[]; caption: string; redeliverAction: (state: ActionState, formData: FormData) => Promise<ActionState>; canRedeliver: boolean; empty: ReactNode }) {
  const columns: ColumnDef<WebhookDeliveryRow>[] = [
    {
      id: 'event',
      header: 'Event',
      cell: ({ row }) => (
        <span>
          <code className="font-mono text-xs">{row.original.eventType}</code>
          <span className="block break-all font-mono text-xs text-slate-600">{row.original.eventId}</span>
          {row.original.redelivery ? <span className="block text-xs text-slate-600">Sent again</span> : null}
        </span>
      ),
    },
    { id: 'createdAt', header: 'Created', cell: ({ row }) => row.original.createdAt },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => (
        <span>
          <Badge tone={STATUS_TONES[row.original.status]}>{row.original.statusLabel}</Badge>
          {row.original.nextAttempt ? <span className="block text-xs text-slate-600">Next try {row.original.nextAttempt}</span> : null}
        </span>
      ),
    },
    { id: 'attempts', header: 'Attempts', cell: ({ row }) => row.original.attempts },
    {
      id: 'lastAttempt',
      header: 'Last attempt',
      cell: ({ row }) => {
        const last = row.original.lastAttempt;
        if (!last) return <span className="text-slate-500">Not yet</span>;
        return (
          <span className="block min-w-0">
            <span className="block">{last.result}</span>
            <span className="block text-xs text-slate-600">
              {last.time} · {last.duration}
            </span>
            {last.response ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-indigo-800">Response body</summary>
                <pre className="mt-1 max-h-48 max-w-full overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{last.response}</pre>
              </details>
            ) : null}
          </span>
        );
      },
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { actions: true, label: 'Actions' },
      cell: ({ row }) =>
        canRedeliver ? (
          <WebhookButtonForm action={redeliverAction} fields={{ webhookId: row.original.webhookId, deliveryId: row.original.id }} label="Send again" pendingLabel="Sending…" icon="retry" />
        ) : null,
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="event" empty={empty} />;
}
