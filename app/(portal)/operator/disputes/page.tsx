import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount } from '@/lib/format';
import { listDisputeQueueFor } from '@/lib/services/disputes';
import { DISPUTE_BUSINESS_DAYS } from '@/lib/views/disputes';
import { DisputeListTable } from '../../billing/disputes/dispute-tables';
import { disputeListRow } from '../../billing/disputes/dispute-view';

export const metadata: Metadata = { title: 'Disputes (staff)' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function StaffDisputesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireStaff();
  const query = await searchParams;
  const view = first(query.view) === 'decided' ? 'decided' : 'open';
  const pageNumber = Math.min(10_000, Math.max(1, Number.parseInt(first(query.page) ?? '1', 10) || 1));
  const now = new Date();
  const queue = await listDisputeQueueFor(user, { view, page: pageNumber, now });
  const hrefOf = (next: { view: 'open' | 'decided'; page?: number }) => {
    const search = new URLSearchParams();
    if (next.view === 'decided') search.set('view', 'decided');
    if (next.page && next.page > 1) search.set('page', String(next.page));
    return search.size ? `/operator/disputes?${search}` : '/operator/disputes';
  };
  const tab = (target: 'open' | 'decided', label: string) => (
    <Link
      href={hrefOf({ view: target })}
      aria-current={view === target ? 'page' : undefined}
      className={cn('rounded-md px-3 py-1.5 text-sm font-medium', view === target ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-100')}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Disputes"
        description={`Customers’ disputes of invoiced calls. Seed 000 promises a decision within ${DISPUTE_BUSINESS_DAYS} business days: an open dispute past its due time is accepted in full by a job every 15 minutes.`}
      />
      <nav aria-label="Dispute lists" className="mb-4 flex flex-wrap gap-2">
        {tab('open', `Open (${formatCount(queue.counts.open)}${queue.counts.overdue ? `, ${formatCount(queue.counts.overdue)} overdue` : ''})`)}
        {tab('decided', `Decided (${formatCount(queue.counts.decided)})`)}
      </nav>
      <Card title={view === 'open' ? 'Open disputes, by due time' : 'Decided disputes, latest first'}>
        <DisputeListTable
          rows={queue.rows.map((dispute) => disputeListRow(dispute, { href: `/operator/disputes/${dispute.id}`, now, showAccount: true }))}
          caption={view === 'open' ? 'Open disputes, the most urgent first' : 'Decided disputes'}
          showAccount
          empty={<EmptyState title={view === 'open' ? 'Nothing to decide' : 'Nothing decided yet'}>{view === 'open' ? 'Disputes customers raise on their invoices’ calls appear here.' : 'Decided disputes appear here.'}</EmptyState>}
        />
        {pageNumber > 1 || queue.hasMore ? (
          <nav aria-label="Pages of disputes" className="mt-4 flex justify-between text-sm">
            {pageNumber > 1 ? (
              <Link href={hrefOf({ view, page: pageNumber - 1 })} rel="prev" className="font-medium text-indigo-800 underline">
                ← Previous
              </Link>
            ) : (
              <span />
            )}
            {queue.hasMore ? (
              <Link href={hrefOf({ view, page: pageNumber + 1 })} rel="next" className="font-medium text-indigo-800 underline">
                Next →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Card>
    </>
  );
}
