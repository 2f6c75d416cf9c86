'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '@/components/ui/data-table';
import type { AuditDiffRow } from '@/lib/views/audit-events';

/** One audit event, formatted on the server. */
export interface AuditLogRow {
  id: string;
  when: string;
  actor: string;
  /** Done by the carrier's staff acting in the account. */
  byOperatorStaff: boolean;
  /** The event in words, e.g. "Trunk group changed". */
  label: string;
  /** The event key, for those who search the log or talk to support. */
  action: string;
  accountName: string;
  subject?: string;
  /** The object's page, while it exists and the viewer may open it. */
  link?: { href: string; label: string };
  diff: AuditDiffRow[];
  ip: string;
}

/** Before and after, field by field: what changed, not a dump of the record. */
export function AuditDiff({ rows, caption }: { rows: AuditDiffRow[]; caption: string }) {
  if (rows.length === 0) return <span className="text-slate-500">No field changes recorded</span>;
  return (
    <table className="w-full min-w-56 text-left text-xs">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-500">
        <tr>
          <th scope="col" className="pb-1 pr-2 font-medium">
            Field
          </th>
          <th scope="col" className="pb-1 pr-2 font-medium">
            Before
          </th>
          <th scope="col" className="pb-1 font-medium">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field} className="align-top">
            <th scope="row" className="py-0.5 pr-2 font-medium text-slate-800">
              {row.label}
            </th>
            <td className="break-words py-0.5 pr-2 text-slate-600">
              {row.kind === 'added' ? <span className="text-slate-400">—</span> : <del className="decoration-slate-400">{row.before}</del>}
            </td>
            <td className="break-words py-0.5 text-slate-900">{row.kind === 'removed' ? <span className="text-slate-400">—</span> : <ins className="no-underline">{row.after}</ins>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const columns: ColumnDef<AuditLogRow>[] = [
  { id: 'when', header: 'When', meta: { className: 'tabular-nums md:whitespace-nowrap' }, cell: ({ row }) => row.original.when },
  {
    id: 'actor',
    header: 'Who',
    meta: { className: 'break-words' },
    cell: ({ row }) => (
      <>
        {row.original.actor}
        {row.original.byOperatorStaff ? <span className="block text-xs text-indigo-800">as operator staff</span> : null}
      </>
    ),
  },
  {
    id: 'event',
    header: 'Event',
    cell: ({ row: { original: event } }) => (
      <>
        <span className="font-medium text-slate-900" title={event.action}>
          {event.label}
        </span>
        {event.link ? (
          <Link href={event.link.href} className="block text-xs text-indigo-800 underline">
            {event.link.label}
          </Link>
        ) : event.subject ? (
          <span className="block text-xs text-slate-700">{event.subject}</span>
        ) : null}
      </>
    ),
  },
  { id: 'account', header: 'Account', cell: ({ row }) => row.original.accountName },
  {
    id: 'changes',
    header: 'Changes',
    meta: { className: 'md:min-w-64', wideInCard: true },
    cell: ({ row: { original: event } }) => <AuditDiff rows={event.diff} caption={`Changes: ${event.label}, ${event.when}`} />,
  },
  { id: 'ip', header: 'IP address', meta: { className: 'whitespace-nowrap text-xs text-slate-600' }, cell: ({ row }) => row.original.ip || '—' },
];

export function AuditLogTable({ rows, caption }: { rows: AuditLogRow[]; caption: string }) {
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} regionLabel="Audit events, scrollable" cardTitle="event" />;
}
