import type { Metadata } from 'next';
import Link from 'next/link';
import { AuditLogTable } from '@/components/account/audit-log-table';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { getAuditLog } from '@/lib/services/audit';
import { parseAuditFilter } from '@/lib/validations/account';
import { startOfDayUtc } from '@/lib/validations/common';
import { serializeAuditLog } from '@/lib/url-state/audit';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;

function summarize(value: unknown): string {
  if (value === null || value === undefined) return '';
  return Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${key}: ${item === null ? '—' : String(item)}`)
    .join(', ');
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('audit.read');
  const { filter, fieldErrors } = parseAuditFilter(await searchParams);
  const { events, actions } = await getAuditLog(access, {
    filter: {
      action: filter.action,
      actor: filter.actor,
      from: filter.from ? startOfDayUtc(filter.from) : undefined,
      to: filter.to ? new Date(startOfDayUtc(filter.to).getTime() + 86_400_000) : undefined,
    },
    beforeId: filter.before,
    limit: PAGE_SIZE + 1,
  });
  const page = events.slice(0, PAGE_SIZE);
  const nextBefore = events.length > PAGE_SIZE ? page.at(-1)?.event.id : undefined;
  const olderHref = (before: number) => serializeAuditLog('/account/audit', { action: filter.action || null, actor: filter.actor || null, from: filter.from || null, to: filter.to || null, before });

  return (
    <>
      <PageHeader title="Audit log" description={`Every change in ${access.account.name} and its sub-accounts.`} />
      <Card>
        <form method="get" className="mb-4 grid gap-3 sm:grid-cols-5 sm:items-end">
          <div>
            <label htmlFor="audit-action" className="mb-1 block text-sm font-medium">
              Action
            </label>
            <select
              id="audit-action"
              name="action"
              defaultValue={filter.action ?? ''}
              aria-invalid={fieldErrors.action ? true : undefined}
              aria-describedby={fieldErrors.action ? 'audit-action-error' : undefined}
              className="w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
            >
              <option value="">All actions</option>
              {actions.map((action) => (
                <option key={action} value={action}>
                  {action}
                </option>
              ))}
            </select>
            <p id="audit-action-error" aria-live="polite" className="mt-1 text-xs text-red-700">
              {fieldErrors.action?.[0]}
            </p>
          </div>
          <TextField idPrefix="audit" label="Who (email)" name="actor" defaultValue={filter.actor ?? ''} errors={fieldErrors.actor} />
          <TextField idPrefix="audit" label="From" name="from" type="date" defaultValue={filter.from ?? ''} errors={fieldErrors.from} />
          <TextField idPrefix="audit" label="To" name="to" type="date" defaultValue={filter.to ?? ''} errors={fieldErrors.to} />
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
            rows={page.map(({ event, accountName }) => ({
              id: String(event.id),
              when: formatDateTime(event.createdAt, { seconds: true }),
              actor: event.actorEmail ?? 'system',
              byOperatorStaff: Boolean(event.actingAsAccountId),
              action: event.action,
              accountName,
              before: summarize(event.before),
              after: summarize(event.after),
              ip: event.ip ?? '',
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
