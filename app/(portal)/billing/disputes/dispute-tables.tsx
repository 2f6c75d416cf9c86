'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import type { StatusTone } from '@/lib/views/disputes';

/** A dispute in a list, formatted on the server (the customer's list and the staff queue). */
export interface DisputeListRow {
  id: string;
  href: string;
  reference: string;
  /** Staff: the billing account. */
  account?: string;
  invoice: string;
  line: string;
  calls: string;
  disputed: string;
  credited: string;
  status: { label: string; tone: StatusTone };
  /** "by Tue 8 Dec 17:00 UTC", "Overdue since …" or the decision's date. */
  when: string;
  overdue: boolean;
}

export function DisputeListTable({ rows, caption, empty, showAccount = false }: { rows: DisputeListRow[]; caption: string; empty: React.ReactNode; showAccount?: boolean }) {
  const columns: ColumnDef<DisputeListRow>[] = [
    {
      id: 'reference',
      header: 'Dispute',
      cell: ({ row: { original: dispute } }) => (
        <Link href={dispute.href} className="font-mono font-medium text-indigo-800 underline">
          {dispute.reference}
        </Link>
      ),
    },
    ...(showAccount ? [{ id: 'account', header: 'Account', cell: ({ row: { original: dispute } }) => dispute.account ?? '—' } satisfies ColumnDef<DisputeListRow>] : []),
    {
      id: 'what',
      header: 'Invoice and line',
      cell: ({ row: { original: dispute } }) => (
        <div className="min-w-0">
          <p className="font-mono text-slate-900">{dispute.invoice}</p>
          <p className="break-words text-xs text-slate-600">{dispute.line}</p>
        </div>
      ),
    },
    { id: 'calls', header: 'Calls', meta: { numeric: true }, cell: ({ row: { original: dispute } }) => dispute.calls },
    { id: 'disputed', header: 'Disputed', meta: { numeric: true }, cell: ({ row: { original: dispute } }) => dispute.disputed },
    { id: 'credited', header: 'Credited', meta: { numeric: true }, cell: ({ row: { original: dispute } }) => dispute.credited },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: dispute } }) => (
        <span className="inline-flex flex-wrap items-center gap-1">
          <Badge tone={dispute.status.tone}>{dispute.status.label}</Badge>
          {dispute.overdue ? <Badge tone="red">Overdue</Badge> : null}
        </span>
      ),
    },
    { id: 'when', header: 'Due or decided', cell: ({ row: { original: dispute } }) => <span className={dispute.overdue ? 'font-medium text-red-800' : undefined}>{dispute.when}</span> },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="reference" empty={empty} regionLabel={`${caption}, scrollable`} />;
}

/** A disputed call, formatted on the server. */
export interface DisputedCallRow {
  id: string;
  time: string;
  from: string;
  to: string;
  result: string;
  billed: string;
  charge: string;
}

const callColumns: ColumnDef<DisputedCallRow>[] = [
  { id: 'time', header: 'Time (UTC)', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.time },
  { id: 'from', header: 'From', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.from },
  { id: 'to', header: 'To', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.to },
  { id: 'result', header: 'Result', cell: ({ row }) => row.original.result },
  { id: 'billed', header: 'Billed', meta: { numeric: true }, cell: ({ row }) => row.original.billed },
  { id: 'charge', header: 'Charge', meta: { numeric: true }, cell: ({ row }) => row.original.charge },
];

export function DisputedCallsTable({ rows, caption }: { rows: DisputedCallRow[]; caption: string }) {
  return <DataTable rows={rows} columns={callColumns} getRowId={(row) => row.id} caption={caption} cardTitle="time" regionLabel={`${caption}, scrollable`} />;
}
