'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useActionState } from 'react';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/** A task as the queue shows it, formatted on the server. */
export interface StaffTaskRow {
  id: string;
  kind: string;
  title: string;
  /** The carrier's own words. */
  detail: string;
  account: string;
  connection: string;
  subject: string;
  createdAt: string;
  /** When and by whom it was done; null while open. */
  resolved: string | null;
}

type ResolveAction = (state: ActionState, formData: FormData) => Promise<ActionState>;

function ResolveButton({ row, action }: { row: StaffTaskRow; action: ResolveAction }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="taskId" value={row.id} />
      <SubmitButton variant="secondary" pendingLabel="Marking…">
        Mark done<span className="sr-only">: {row.title}</span>
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

function columnsFor(action?: ResolveAction): ColumnDef<StaffTaskRow>[] {
  const columns: ColumnDef<StaffTaskRow>[] = [
    {
      id: 'title',
      header: 'Task',
      cell: ({ row: { original: task } }) => (
        <>
          <span className="block font-medium">{task.title}</span>
          <span className="block text-xs text-slate-600">{task.kind}</span>
        </>
      ),
    },
    { id: 'account', header: 'Account', cell: ({ row }) => row.original.account },
    {
      id: 'carrier',
      header: 'Carrier',
      cell: ({ row: { original: task } }) => (
        <>
          <span className="block">{task.connection}</span>
          <details className="mt-1 text-xs text-slate-700">
            <summary className="cursor-pointer">The carrier’s words</summary>
            <span className="mt-1 block break-words font-mono">{task.detail}</span>
            <span className="mt-1 block text-slate-500">About {task.subject}</span>
          </details>
        </>
      ),
    },
    { id: 'createdAt', header: 'Opened', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => row.original.createdAt },
  ];
  if (action) columns.push({ id: 'resolve', header: 'Done?', meta: { actions: true }, cell: ({ row }) => <ResolveButton row={row.original} action={action} /> });
  else columns.push({ id: 'resolved', header: 'Done', cell: ({ row }) => row.original.resolved ?? '' });
  return columns;
}

export function StaffTaskTable({ rows, resolveAction }: { rows: StaffTaskRow[]; resolveAction?: ResolveAction }) {
  return <DataTable rows={rows} columns={columnsFor(resolveAction)} getRowId={(row) => row.id} caption="Staff tasks" rowHeader="title" />;
}
