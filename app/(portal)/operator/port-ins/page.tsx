import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { TextField } from '@/components/ui/field';
import { requireStaff } from '@/lib/auth/guard';
import { PORT_STATUS_LABELS } from '@/lib/ports/state-machine';
import type { PortStatus } from '@/lib/ports/types';
import { listStaffPortIns } from '@/lib/services/staff-port-ins';
import { parseStaffPortInsQuery, STAFF_PORT_STATUSES } from '@/lib/validations/port-ins';
import { StaffPortTable } from './port-tables';
import { statusTone } from './port-view';

export const metadata: Metadata = { title: 'Port-ins (staff)' };
export const dynamic = 'force-dynamic';

export default async function StaffPortInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireStaff();
  const { status, due: dueBefore, search, fieldErrors } = parseStaffPortInsQuery(await searchParams);
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
        {STAFF_PORT_STATUSES.map((candidate) => tab(candidate, `${PORT_STATUS_LABELS[candidate]} (${counts.get(candidate) ?? 0})`))}
      </nav>
      <form method="get" action="/operator/port-ins" className="mb-4 flex flex-wrap items-start gap-3" role="search" aria-label="Filter port-ins">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        <TextField idPrefix="staff-ports" label="Reference, account or number" name="q" defaultValue={search ?? ''} maxLength={100} autoComplete="off" errors={fieldErrors.q} />
        <TextField idPrefix="staff-ports" label="Due on or before (FOC, else requested)" name="due" type="date" defaultValue={dueBefore ?? ''} errors={fieldErrors.due} />
        <div className="flex items-center gap-3 pt-6">
          <button type="submit" className="rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white">
            Filter
          </button>
          {search || dueBefore ? (
            <Link href={hrefOf(status)} className="text-sm text-indigo-800 underline">
              Clear filters
            </Link>
          ) : null}
        </div>
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
              ...(row.pollFailure ? [`Status reads failing since ${row.pollFailure.since.toISOString().slice(0, 16).replace('T', ' ')} UTC`] : []),
            ],
          }))}
          empty={<EmptyState title="No port-ins here">{search || dueBefore || status ? 'Nothing matches these filters; clear them to see every port.' : 'Ports appear here once customers submit them.'}</EmptyState>}
        />
      </Card>
    </>
  );
}
