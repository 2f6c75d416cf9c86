import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditFilterForm } from '@/components/account/audit-filter-form';
import { AuditLogTable } from '@/components/account/audit-log-table';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { auditQueryOf, getAuditLog } from '@/lib/services/audit';
import { parseAuditFilter } from '@/lib/validations/account';
import { serializeAuditLog } from '@/lib/url-state/audit';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('audit.read');
  const { filter, fieldErrors } = parseAuditFilter(await searchParams);
  const { events, actions } = await getAuditLog(access, { filter: auditQueryOf(filter), beforeId: filter.before, limit: PAGE_SIZE + 1 });
  const page = events.slice(0, PAGE_SIZE);
  const nextBefore = events.length > PAGE_SIZE ? page.at(-1)?.id : undefined;
  const filterState = { action: filter.action || null, actor: filter.actor || null, from: filter.from || null, to: filter.to || null };
  const olderHref = (before: number) => serializeAuditLog('/account/audit', { ...filterState, before });
  // The filters that could be used, never the page cursor: the file holds the whole filtered view.
  const exportHref = serializeAuditLog('/api/v1/audit/export', filterState);

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Every change in ${access.account.name} and its sub-accounts.`}
        actions={
          <a href={exportHref} download className={buttonClass('secondary')}>
            Export CSV
          </a>
        }
      />
      <Card>
        <AuditFilterForm idPrefix="audit" filter={filter} fieldErrors={fieldErrors} actions={actions} clearHref="/account/audit" />
        {page.length === 0 ? (
          <EmptyState title="No events match">Try a wider date range or clear the filters.</EmptyState>
        ) : (
          <AuditLogTable
            caption={`Audit events of ${access.account.name} and its sub-accounts`}
            rows={page.map((event) => ({
              id: String(event.id),
              when: formatDateTime(event.at, { seconds: true }),
              actor: event.actor,
              byOperatorStaff: event.byOperatorStaff,
              label: event.label,
              action: event.action,
              accountName: event.accountName,
              subject: event.subject,
              link: event.link,
              diff: event.diff,
              ip: event.ip,
            }))}
          />
        )}
        {nextBefore ? (
          <p className="mt-4">
            <Link href={olderHref(nextBefore)} className="text-sm font-medium text-indigo-800 underline">
              Older events →
            </Link>
          </p>
        ) : null}
      </Card>
    </>
  );
}
