import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditLogTable } from '@/components/account/audit-log-table';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
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
  const knownAction = !filter.action || actions.some((action) => action.value === filter.action);

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
        <form method="get" className="mb-4 grid gap-3 sm:grid-cols-5 sm:items-end">
          <div>
            <label htmlFor="audit-action" className="mb-1 block text-sm font-medium">
              Event
            </label>
            <select
              id="audit-action"
              name="action"
              defaultValue={filter.action ?? ''}
              aria-invalid={fieldErrors.action ? true : undefined}
              aria-describedby={fieldErrors.action ? 'audit-action-error' : undefined}
              className="w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
            >
              <option value="">All events</option>
              {actions.map((action) => (
                <option key={action.value} value={action.value}>
                  {action.label}
                </option>
              ))}
              {knownAction ? null : <option value={filter.action}>{filter.action}</option>}
            </select>
            <p id="audit-action-error" aria-live="polite" className="mt-1 text-xs text-red-700">
              {fieldErrors.action?.[0]}
            </p>
          </div>
          <TextField idPrefix="audit" label="Who (email)" name="actor" defaultValue={filter.actor ?? ''} errors={fieldErrors.actor} />
          <TextField idPrefix="audit" label="From (UTC)" name="from" type="date" defaultValue={filter.from ?? ''} errors={fieldErrors.from} />
          <TextField idPrefix="audit" label="To (UTC)" name="to" type="date" defaultValue={filter.to ?? ''} errors={fieldErrors.to} />
          <div className="flex gap-2 pb-5">
            <button type="submit" className={buttonClass('primary')}>
              Filter
            </button>
            <Link href="/account/audit" className={buttonClass('secondary')}>
              Clear
            </Link>
          </div>
        </form>
        {Object.keys(fieldErrors).length > 0 ? (
          <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            Some filters could not be used and were left out: correct the highlighted fields.
          </p>
        ) : null}
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
