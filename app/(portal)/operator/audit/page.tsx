import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditFilterForm } from '@/components/account/audit-filter-form';
import { AuditLogTable } from '@/components/account/audit-log-table';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { auditQueryOf, getPlatformAuditLog } from '@/lib/services/audit';
import { serializeAuditLog } from '@/lib/url-state/audit';
import { parseAuditFilter } from '@/lib/validations/account';

export const metadata: Metadata = { title: 'Staff audit log' };

const PAGE_SIZE = 50;

export default async function StaffAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaff();
  const { filter, fieldErrors } = parseAuditFilter(await searchParams);
  const { events, actions } = await getPlatformAuditLog(staff, { filter: auditQueryOf(filter), beforeId: filter.before, limit: PAGE_SIZE + 1 });
  const page = events.slice(0, PAGE_SIZE);
  const nextBefore = events.length > PAGE_SIZE ? page.at(-1)?.id : undefined;
  const filterState = { action: filter.action || null, actor: filter.actor || null, from: filter.from || null, to: filter.to || null };
  const olderHref = (before: number) => serializeAuditLog('/operator/audit', { ...filterState, before });
  const filtered = Boolean(filter.action || filter.actor || filter.from || filter.to);

  return (
    <>
      <PageHeader
        title="Staff audit log"
        description="Changes by the carrier’s staff that belong to no customer account: carrier connections and their credentials, prices and costs, rate decks, job retries and staff tasks. What staff change in a customer account (acting as it, suspending it, its invoices and port-ins) is in that account’s own audit log."
      />
      <Card>
        <AuditFilterForm idPrefix="staff-audit" filter={filter} fieldErrors={fieldErrors} actions={actions} clearHref="/operator/audit" />
        {page.length === 0 ? (
          filtered || filter.before ? (
            <EmptyState title="No events match">Try a wider date range or clear the filters.</EmptyState>
          ) : (
            <EmptyState title="No platform changes yet">Connecting a carrier, setting a price or publishing a rate deck is recorded here, with who did it and from where.</EmptyState>
          )
        ) : (
          <AuditLogTable
            caption="Platform changes by the carrier’s staff, newest first"
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
