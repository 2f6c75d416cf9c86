import Form from 'next/form';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { E911_STATUSES, E911_STATUS_LABELS, NUMBER_STATUS_LABELS, LISTED_STATUSES, ROUTING_FILTERS, ROUTING_LABELS } from '@/lib/validations/number-inventory';

export interface NumberFilterOptions {
  accounts: { id: string; name: string; depth: number }[];
  /** Operator staff only: empty for customers, and the field is not shown. */
  connections: { id: string; label: string }[];
  trunkGroups: { id: string; name: string }[];
}

/**
 * A GET form: the filters live in the URL, so a view can be shared and the back button works.
 * `values` are what the URL said (echoed even when invalid, with the error beside the field).
 */
export function NumberFilters({
  values,
  errors,
  options,
  sort,
  dir,
}: {
  values: Record<string, string | undefined>;
  errors: Partial<Record<string, string[]>>;
  options: NumberFilterOptions;
  sort: string;
  dir: string;
}) {
  return (
    <Form action="/numbers" aria-label="Filter numbers" className="space-y-4">
      {sort !== 'number' ? <input type="hidden" name="sort" value={sort} /> : null}
      {dir !== 'asc' ? <input type="hidden" name="dir" value={dir} /> : null}
      <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-4">
        <TextField idPrefix="numbers" label="Number" name="q" defaultValue={values.q ?? ''} inputMode="tel" placeholder="312 555" maxLength={24} errors={errors.q} autoComplete="off" />
        <SelectField idPrefix="numbers" label="Match" name="match" defaultValue={values.match === 'prefix' ? 'prefix' : 'contains'}>
          <option value="contains">Anywhere in the number</option>
          <option value="prefix">Starts with</option>
        </SelectField>
        <TextField idPrefix="numbers" label="State or province" name="state" defaultValue={values.state ?? ''} placeholder="IL" maxLength={2} errors={errors.state} autoComplete="off" />
        <TextField idPrefix="numbers" label="Area code" name="npa" defaultValue={values.npa ?? ''} inputMode="numeric" placeholder="312" maxLength={3} errors={errors.npa} autoComplete="off" />
        <SelectField idPrefix="numbers" label="Trunk group" name="trunk" defaultValue={values.trunk ?? ''} errors={errors.trunk}>
          <option value="">Any trunk group</option>
          <option value="none">No trunk group</option>
          {options.trunkGroups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
          {values.trunk && values.trunk !== 'none' && !options.trunkGroups.some((group) => group.id === values.trunk) ? <option value={values.trunk}>A trunk group not in this account</option> : null}
        </SelectField>
        <SelectField idPrefix="numbers" label="Routing" name="routing" defaultValue={values.routing ?? ''} errors={errors.routing}>
          <option value="">Any routing</option>
          {ROUTING_FILTERS.map((state) => (
            <option key={state} value={state}>
              {ROUTING_LABELS[state]}
            </option>
          ))}
        </SelectField>
        <SelectField idPrefix="numbers" label="E911" name="e911" defaultValue={values.e911 ?? ''} errors={errors.e911}>
          <option value="">Any E911 status</option>
          {E911_STATUSES.map((status) => (
            <option key={status} value={status}>
              {E911_STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <SelectField idPrefix="numbers" label="Status" name="status" defaultValue={values.status ?? ''} errors={errors.status}>
          <option value="">Any status</option>
          {LISTED_STATUSES.map((status) => (
            <option key={status} value={status}>
              {NUMBER_STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        {options.accounts.length > 0 ? (
          <SelectField idPrefix="numbers" label="Account" name="account" defaultValue={values.account ?? ''} errors={errors.account}>
            <option value="">All accounts</option>
            {options.accounts.map((account) => (
              <option key={account.id} value={account.id}>
                {`${'— '.repeat(account.depth)}${account.name}`}
              </option>
            ))}
          </SelectField>
        ) : null}
        {options.connections.length > 0 ? (
          <SelectField idPrefix="numbers" label="Provider (staff)" name="connection" defaultValue={values.connection ?? ''} errors={errors.connection}>
            <option value="">All providers</option>
            {options.connections.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.label}
              </option>
            ))}
          </SelectField>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <div className="flex items-center gap-2">
          <input id="numbers-released" name="released" type="checkbox" value="1" defaultChecked={values.released === '1'} className="h-4 w-4 rounded border-slate-400" />
          <label htmlFor="numbers-released" className="text-sm text-slate-800">
            Show released numbers
          </label>
        </div>
        <div className="ml-auto flex gap-2">
          <button type="submit" className={buttonClass('primary')}>
            Apply filters
          </button>
          <Link href="/numbers" className={buttonClass('secondary')}>
            Clear
          </Link>
        </div>
      </div>
    </Form>
  );
}
