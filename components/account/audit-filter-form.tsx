import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { AuditFilter, AuditFilterField } from '@/lib/validations/account';

/** The audit logs' filters (an account's, and the staff's platform log): event, who, and a UTC date range. */
export function AuditFilterForm({
  idPrefix,
  filter,
  fieldErrors,
  actions,
  clearHref,
}: {
  idPrefix: string;
  filter: AuditFilter;
  fieldErrors: Partial<Record<AuditFilterField, string[]>>;
  actions: readonly { value: string; label: string }[];
  clearHref: string;
}) {
  const knownAction = !filter.action || actions.some((action) => action.value === filter.action);
  return (
    <>
      <form method="get" className="mb-4 grid gap-3 sm:grid-cols-5 sm:items-end">
        <div>
          <label htmlFor={`${idPrefix}-action`} className="mb-1 block text-sm font-medium">
            Event
          </label>
          <select
            id={`${idPrefix}-action`}
            name="action"
            defaultValue={filter.action ?? ''}
            aria-invalid={fieldErrors.action ? true : undefined}
            aria-describedby={fieldErrors.action ? `${idPrefix}-action-error` : undefined}
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
          <p id={`${idPrefix}-action-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
            {fieldErrors.action?.[0]}
          </p>
        </div>
        <TextField idPrefix={idPrefix} label="Who (email)" name="actor" defaultValue={filter.actor ?? ''} errors={fieldErrors.actor} />
        <TextField idPrefix={idPrefix} label="From (UTC)" name="from" type="date" defaultValue={filter.from ?? ''} errors={fieldErrors.from} />
        <TextField idPrefix={idPrefix} label="To (UTC)" name="to" type="date" defaultValue={filter.to ?? ''} errors={fieldErrors.to} />
        <div className="flex gap-2 pb-5">
          <button type="submit" className={buttonClass('primary')}>
            Filter
          </button>
          <Link href={clearHref} className={buttonClass('secondary')}>
            Clear
          </Link>
        </div>
      </form>
      {Object.keys(fieldErrors).length > 0 ? (
        <p role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          Some filters could not be used and were left out: correct the highlighted fields.
        </p>
      ) : null}
    </>
  );
}
