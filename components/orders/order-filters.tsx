import Form from 'next/form';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { ORDER_STATUSES, ORDER_STATUS_LABELS } from '@/lib/validations/order-history';

/**
 * A GET form: the filters live in the URL, so a view can be shared and the back button works.
 * `values` are what the URL said (echoed even when invalid, with the error beside the field).
 */
export function OrderFilters({ values, errors, sort, dir }: { values: Record<string, string | undefined>; errors: Partial<Record<string, string[]>>; sort: string; dir: string }) {
  return (
    <Form action="/numbers/orders" aria-label="Filter orders" className="space-y-4">
      {sort !== 'placed' ? <input type="hidden" name="sort" value={sort} /> : null}
      {dir !== 'desc' ? <input type="hidden" name="dir" value={dir} /> : null}
      <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField idPrefix="orders" label="Status" name="status" defaultValue={values.status ?? ''} errors={errors.status}>
          <option value="">Any status</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {ORDER_STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <TextField idPrefix="orders" label="Placed from (UTC)" name="from" type="date" defaultValue={values.from ?? ''} errors={errors.from} />
        <TextField idPrefix="orders" label="Placed to (UTC)" name="to" type="date" defaultValue={values.to ?? ''} errors={errors.to} />
        <TextField idPrefix="orders" label="Number" name="q" defaultValue={values.q ?? ''} inputMode="tel" placeholder="312 555" maxLength={24} errors={errors.q} autoComplete="off" hint="Orders with a number containing these digits" />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClass('primary')}>
          Filter
        </button>
        <Link href="/numbers/orders" className={buttonClass('secondary')}>
          Clear
        </Link>
      </div>
    </Form>
  );
}
