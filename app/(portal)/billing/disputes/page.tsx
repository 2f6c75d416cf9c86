import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { listDisputesFor } from '@/lib/services/disputes';
import { DISPUTE_STATUSES, DISPUTE_STATUS_LABELS, type DisputeStatus } from '@/lib/validations/disputes';
import { DISPUTE_BUSINESS_DAYS } from '@/lib/views/disputes';
import { DisputeListTable } from './dispute-tables';
import { disputeListRow } from './dispute-view';

export const metadata: Metadata = { title: 'Disputes' };
export const dynamic = 'force-dynamic';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function DisputesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess();
  if (!can(access, 'billing.read')) notFound();
  const query = await searchParams;
  const statusParam = first(query.status);
  const status = DISPUTE_STATUSES.find((candidate) => candidate === statusParam);
  const cursor = first(query.cursor)?.slice(0, 200);
  const page = await listDisputesFor(access, { status, cursor }).catch(async (error: unknown) => {
    // A sub-account's finance users: invoices (and their disputes) are the billing account's.
    if (isAppError(error) && error.code === 'not_found:dispute') return null;
    // A cursor from another list, or tampered with: the first page.
    if (isAppError(error) && error.kind === 'invalid') return listDisputesFor(access, { status });
    throw error;
  });
  const hrefOf = (next: { status?: DisputeStatus; cursor?: string }) => {
    const search = new URLSearchParams(Object.entries(next).filter((entry): entry is [string, string] => Boolean(entry[1])));
    return search.size ? `/billing/disputes?${search}` : '/billing/disputes';
  };
  const filters: { value?: DisputeStatus; label: string }[] = [{ label: 'All' }, ...DISPUTE_STATUSES.map((value) => ({ value, label: DISPUTE_STATUS_LABELS[value] }))];
  return (
    <>
      <PageHeader
        title="Disputes"
        description={`Calls of an issued invoice you disputed. We decide within ${DISPUTE_BUSINESS_DAYS} business days, or credit it in full; a credit shows on the next invoice. To dispute calls, open an invoice and a line's calls.`}
      />
      {page === null ? (
        <Card>
          <EmptyState title="Disputes are the billing account’s">
            {access.account.name} is invoiced as part of its billing account; only that account’s owners, admins and finance users see and raise disputes.
          </EmptyState>
        </Card>
      ) : (
        <Card title="Disputes">
          <nav aria-label="Show disputes" className="mb-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {filters.map((filter) => (
              <Link
                key={filter.label}
                href={hrefOf({ status: filter.value })}
                aria-current={filter.value === status ? 'page' : undefined}
                className={filter.value === status ? 'font-semibold text-slate-900 underline' : 'text-indigo-800 hover:underline'}
              >
                {filter.label}
              </Link>
            ))}
          </nav>
          <DisputeListTable
            rows={page.data.map((dispute) => disputeListRow(dispute, { href: `/billing/disputes/${dispute.id}` }))}
            caption={`Disputes${status ? `: ${DISPUTE_STATUS_LABELS[status].toLowerCase()}` : ''}, newest first`}
            empty={
              <EmptyState title={status ? 'No disputes with this status' : 'No disputes yet'}>
                To dispute calls, open an issued invoice on{' '}
                <Link href="/billing/invoices" className="text-indigo-800 underline">
                  Invoices
                </Link>
                , then a line’s calls, and tick the calls that are wrong.
              </EmptyState>
            }
          />
          {page.nextCursor ? (
            <p className="mt-4">
              <Link href={hrefOf({ status, cursor: page.nextCursor })} className="text-sm font-medium text-indigo-800 underline">
                Older disputes
              </Link>
            </p>
          ) : null}
        </Card>
      )}
    </>
  );
}
