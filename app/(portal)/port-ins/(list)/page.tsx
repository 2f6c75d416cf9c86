import type { Metadata } from 'next';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatCount, formatDateTime } from '@/lib/format';
import { listPortIns } from '@/lib/services/port-ins';
import { PortListTable } from '../port-tables';
import { PORT_LIST_FILTERS, portStatusTone, wizardHref } from '../port-views';

export const metadata: Metadata = { title: 'Port-ins' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function PortInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const query = await searchParams;
  const filter = PORT_LIST_FILTERS.find((candidate) => candidate.value === first(query.state));
  const ports = await listPortIns(access, { statuses: filter ? [...filter.statuses] : undefined });
  const writer = can(access, 'technical.write');
  const start = writer ? (
    <Link href="/port-ins/new" className={buttonClass('primary')}>
      <Plus aria-hidden className="h-4 w-4" />
      Start a port-in
    </Link>
  ) : null;
  const filters = [{ value: undefined, label: 'All' }, ...PORT_LIST_FILTERS];
  return (
    <>
      <PageHeader title="Port-ins" description={`Bring numbers ${access.account.name} has with another carrier over to us. A draft is saved at every step; finish it whenever you are ready.`} actions={start} />
      {first(query.discarded) === '1' ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          The draft was discarded.
        </p>
      ) : null}
      <Card title="Port-in orders">
        <nav aria-label="Show port-ins" className="mb-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {filters.map((option) => (
            <Link
              key={option.label}
              href={option.value ? `/port-ins?state=${option.value}` : '/port-ins'}
              aria-current={option.value === filter?.value ? 'page' : undefined}
              className={option.value === filter?.value ? 'font-semibold text-slate-900 underline' : 'text-indigo-800 hover:underline'}
            >
              {option.label}
            </Link>
          ))}
        </nav>
        <PortListTable
          caption={`Port-ins${filter ? `: ${filter.label.toLowerCase()}` : ''}, most recently updated first`}
          rows={ports.map((port) => ({
            id: port.id,
            href: port.status === 'draft' && writer ? wizardHref(port.id, port.step) : `/port-ins/${port.id}`,
            reference: port.reference,
            label: port.label ?? port.subscriberName ?? '—',
            numbers: formatCount(port.numberCount),
            losingCarrier: port.losingCarrier ?? '—',
            status: { label: port.statusLabel, tone: port.withdrawalPending ? 'amber' : portStatusTone(port.status) },
            date: port.focDate ? `FOC ${port.focDate}` : port.requestedFocDate ? `Requested ${port.requestedFocDate}` : '—',
            updated: formatDateTime(port.updatedAt),
          }))}
          empty={
            <EmptyState title={filter ? `No port-ins ${filter.value === 'drafts' ? 'in draft' : filter.label.toLowerCase()}` : 'No port-ins yet'}>
              {writer ? (
                <div className="space-y-3">
                  <p>To move numbers you have with another carrier, start a port-in: list the numbers, check they can move, and tell us the account they are on.</p>
                  {filter ? null : start}
                </div>
              ) : (
                'Someone with technical access to this account can start one.'
              )}
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
