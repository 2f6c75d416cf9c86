import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { requireStaff } from '@/lib/auth/guard';
import { PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import { PORT_STATUSES, type PortStatus } from '@/lib/ports/types';
import { listStaffPortIns } from '@/lib/services/staff-port-ins';
import { StaffPortTable } from './port-tables';
import { statusTone } from './port-view';

export const metadata: Metadata = { title: 'Port-ins (staff)' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const STAFF_STATUSES = PORT_STATUSES.filter((status) => status !== 'draft');

export default async function StaffPortInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireStaff();
  const query = await searchParams;
  const statusWord = first(query.status);
  const status = STAFF_STATUSES.find((candidate) => candidate === statusWord);
  const dueBefore = /^\d{4}-\d{2}-\d{2}$/.test(first(query.due) ?? '') ? first(query.due) : undefined;
  const search = first(query.q)?.trim().slice(0, 100) || undefined;
  const [rows, everything] = await Promise.all([listStaffPortIns(user, { statuses: status ? [status] : undefined, dueBefore, search }), listStaffPortIns(user)]);
  const counts = new Map<PortStatus, number>();
  for (const row of everything) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const hrefOf = (next: PortStatus | undefined) => {
    const params = new URLSearchParams();
    if (next) params.set('status', next);
    if (dueBefore) params.set('due', dueBefore);
    if (search) params.set('q', search);
    return params.size ? `/operator/port-ins?${params}` : '/operator/port-ins';
  };
  const tab = (target: PortStatus | undefined, label: string) => (
    <Link
      key={target ?? 'all'}
      href={hrefOf(target)}
      aria-current={status === target ? 'page' : undefined}
      className={cn('rounded-md px-3 py-1.5 text-sm font-medium', status === target ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-100')}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader title="Port-ins" description="Every submitted port across accounts (drafts stay with their customers). Act on exceptions, set FOC dates, and watch for carrier states we do not recognise." />
      <nav aria-label="Port states" className="mb-4 flex flex-wrap gap-2">
        {tab(undefined, `All (${everything.length})`)}
        {STAFF_STATUSES.map((candidate) => tab(candidate, `${PORT_STATUS_LABELS[candidate]} (${counts.get(candidate) ?? 0})`))}
      </nav>
      <form method="get" action="/operator/port-ins" className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter port-ins">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        <label className="flex flex-col text-sm text-slate-800">
          Reference, account or number
          <input name="q" defaultValue={search ?? ''} maxLength={100} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col text-sm text-slate-800">
          Due on or before (FOC, else requested)
          <input type="date" name="due" defaultValue={dueBefore ?? ''} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white">
          Filter
        </button>
        {search || dueBefore ? (
          <Link href={hrefOf(status)} className="text-sm text-indigo-800 underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      <Card title={status ? PORT_STATUS_LABELS[status] : 'All port-ins'}>
        <StaffPortTable
          rows={rows.map((row) => ({
            id: row.id,
            reference: row.reference,
            account: row.accountName,
            status: row.statusLabel,
            tone: statusTone(row.status),
            numbers: row.numberCount,
            losingCarrier: row.losingCarrier ?? '—',
            carrier: row.connectionName ?? '—',
            due: row.focDate ? `${row.focDate} (FOC)` : row.requestedFocDate ? `${row.requestedFocDate} (requested)` : '—',
            flags: [
              ...(row.upstreamStatusUnknown ? [`Unknown carrier state “${row.upstreamStatus ?? ''}”`] : []),
              ...(row.exceptionLabel ? [row.exceptionLabel] : []),
              ...(row.awaitingUpstream ? ['Not yet taken by the carrier'] : []),
            ],
          }))}
          empty={<EmptyState title="No port-ins here">{search || dueBefore || status ? 'Nothing matches these filters; clear them to see every port.' : 'Ports appear here once customers submit them.'}</EmptyState>}
        />
      </Card>
    </>
  );
}
