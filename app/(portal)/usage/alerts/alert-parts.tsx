'use client';

import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { Check } from 'lucide-react';
import { useActionState, type ReactNode } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface QualityAlertRow {
  id: string;
  what: string;
  where: string;
  account: string;
  observed: string;
  baseline: string;
  window: string;
  status: 'open' | 'resolved';
  statusText: string;
  acknowledged: string | null;
}

export function AcknowledgeAlertForm({ action, alertId }: { action: Action; alertId: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="alertId" value={alertId} />
      <SubmitButton pendingLabel="Acknowledging…" variant="secondary">
        <Check aria-hidden="true" className="size-4" />
        Acknowledge
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function QualityAlertTable({ rows, caption, empty, acknowledgeAction }: { rows: QualityAlertRow[]; caption: string; empty: ReactNode; acknowledgeAction?: Action }) {
  const columns: ColumnDef<QualityAlertRow>[] = [
    {
      id: 'what',
      header: 'Alert',
      cell: ({ row }) => (
        <Link href={`/usage/alerts/${row.original.id}`} className="font-medium text-indigo-800 hover:underline">
          {row.original.what}
        </Link>
      ),
    },
    { id: 'where', header: 'Calls', cell: ({ row }) => row.original.where },
    { id: 'account', header: 'Account', cell: ({ row }) => row.original.account },
    { id: 'observed', header: 'Seen', cell: ({ row }) => <span className="tabular-nums">{row.original.observed}</span> },
    { id: 'baseline', header: 'Normal', cell: ({ row }) => <span className="tabular-nums">{row.original.baseline}</span> },
    { id: 'window', header: 'Window', cell: ({ row }) => row.original.window },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => (
        <span>
          <Badge tone={row.original.status === 'open' ? 'red' : 'green'}>{row.original.statusText}</Badge>
          {row.original.acknowledged ? <span className="block text-xs text-slate-600">{row.original.acknowledged}</span> : null}
        </span>
      ),
    },
    {
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { actions: true, label: 'Actions' },
      cell: ({ row }) => (acknowledgeAction && !row.original.acknowledged ? <AcknowledgeAlertForm action={acknowledgeAction} alertId={row.original.id} /> : null),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="what" empty={empty} />;
}
