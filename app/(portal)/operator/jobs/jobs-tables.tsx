'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useActionState } from 'react';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { retryJobAction } from './actions';

/** Rows as the tables show them, formatted on the server. */
export interface QueueRow {
  name: string;
  schedule: string;
  retries: number;
  queued: number;
  active: number;
  failed: number;
  deadLettered: number;
  completedRecently: number;
  lastCompleted: string;
}

export interface FailureRow {
  id: string;
  queue: string;
  failedAt: string;
  attempts: string;
  error: string;
}

const queueColumns: ColumnDef<QueueRow>[] = [
  { id: 'name', header: 'Queue', cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
  { id: 'schedule', header: 'Schedule', cell: ({ row }) => row.original.schedule },
  { id: 'retries', header: 'Retries', meta: { numeric: true }, cell: ({ row }) => row.original.retries },
  { id: 'queued', header: 'Queued', meta: { numeric: true }, cell: ({ row }) => row.original.queued },
  { id: 'active', header: 'Running', meta: { numeric: true }, cell: ({ row }) => row.original.active },
  { id: 'failed', header: 'Failed', meta: { numeric: true }, cell: ({ row }) => <span className={row.original.failed ? 'font-semibold text-red-700' : undefined}>{row.original.failed}</span> },
  { id: 'deadLettered', header: 'Dead-lettered', meta: { numeric: true }, cell: ({ row }) => row.original.deadLettered },
  { id: 'completedRecently', header: 'Completed (24 h)', meta: { numeric: true }, cell: ({ row }) => row.original.completedRecently },
  { id: 'lastCompleted', header: 'Last completed', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.lastCompleted },
];

function RetryButton({ row }: { row: FailureRow }) {
  const [state, formAction] = useActionState<ActionState, FormData>(retryJobAction, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="queue" value={row.queue} />
      <input type="hidden" name="jobId" value={row.id} />
      <SubmitButton variant="secondary" pendingLabel="Retrying…">
        Retry<span className="sr-only"> {row.queue} failed at {row.failedAt}</span>
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

const failureColumns: ColumnDef<FailureRow>[] = [
  { id: 'queue', header: 'Job', cell: ({ row }) => <span className="font-medium">{row.original.queue}</span> },
  { id: 'failedAt', header: 'Failed at', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.failedAt },
  { id: 'attempts', header: 'Attempts', meta: { numeric: true }, cell: ({ row }) => row.original.attempts },
  { id: 'error', header: 'Error', meta: { className: 'break-words text-slate-800' }, cell: ({ row }) => row.original.error },
  { id: 'retry', header: 'Retry', meta: { actions: true }, cell: ({ row }) => <RetryButton row={row.original} /> },
];

export function QueuesTable({ rows }: { rows: QueueRow[] }) {
  return <DataTable rows={rows} columns={queueColumns} getRowId={(row) => row.name} caption="Queues" rowHeader="name" />;
}

export function FailuresTable({ rows }: { rows: FailureRow[] }) {
  return <DataTable rows={rows} columns={failureColumns} getRowId={(row) => row.id} caption="Recent failures" rowHeader="queue" />;
}
