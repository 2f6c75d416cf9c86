'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useActionState } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { fetchStatementsAction } from './actions';

/** One day or invoice of an upstream, formatted on the server. */
export interface ReconciliationTableRow {
  id: string;
  when: string;
  portalCost: string;
  upstreamAmount: string;
  difference: string;
  percent: string;
  status: 'matched' | 'flagged' | 'open' | 'not_fetched' | 'not_compared';
  note: string;
}

const STATUS_BADGES: Record<ReconciliationTableRow['status'], { label: string; tone: 'green' | 'red' | 'amber' | 'slate' }> = {
  matched: { label: 'Matched', tone: 'green' },
  flagged: { label: 'Difference', tone: 'red' },
  open: { label: 'Awaiting upstream', tone: 'amber' },
  not_fetched: { label: 'Not fetched', tone: 'slate' },
  not_compared: { label: 'Not compared', tone: 'amber' },
};

const numeric = { numeric: true } as const;

const columns: ColumnDef<ReconciliationTableRow>[] = [
  { id: 'when', header: 'Day or period', meta: { className: 'whitespace-nowrap tabular-nums' }, cell: ({ row }) => <span className="font-medium">{row.original.when}</span> },
  { id: 'portalCost', header: 'Portal cost', meta: numeric, cell: ({ row }) => row.original.portalCost },
  { id: 'upstreamAmount', header: 'Upstream amount', meta: numeric, cell: ({ row }) => row.original.upstreamAmount },
  {
    id: 'difference',
    header: 'Difference (upstream − portal)',
    meta: { ...numeric, label: 'Difference' },
    cell: ({ row }) => <span className={row.original.status === 'flagged' ? 'font-semibold text-red-800' : undefined}>{row.original.difference}</span>,
  },
  { id: 'percent', header: '%', meta: { ...numeric, label: 'Difference %' }, cell: ({ row }) => row.original.percent },
  {
    id: 'status',
    header: 'Status',
    cell: ({ row }) => {
      const badge = STATUS_BADGES[row.original.status];
      return <Badge tone={badge.tone}>{badge.label}</Badge>;
    },
  },
  { id: 'note', header: 'Note', meta: { className: 'break-words text-slate-700' }, cell: ({ row }) => row.original.note },
];

export function ReconciliationTable({ upstream, rows }: { upstream: string; rows: ReconciliationTableRow[] }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={`${upstream}: portal cost against the upstream's charges`} rowHeader="when" regionLabel={`${upstream} reconciliation, scrollable`} />;
}

/** Fetches the month's statement now, from every upstream or one (`connectionId`). */
export function FetchNowButton({ period, connectionId, label }: { period: string; connectionId?: string; label: React.ReactNode }) {
  const [state, formAction] = useActionState<ActionState, FormData>(fetchStatementsAction, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      <input type="hidden" name="period" value={period} />
      {connectionId ? <input type="hidden" name="connectionId" value={connectionId} /> : null}
      <SubmitButton variant="secondary" pendingLabel="Fetching…">
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
