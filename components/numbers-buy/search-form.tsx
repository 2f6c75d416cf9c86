import { buttonClass } from '@/components/ui/button';

export interface SearchFormValues {
  kind?: string;
  state?: string;
  npa?: string;
  nxx?: string;
  rateCenter?: string;
  tollFreePrefix?: string;
  pattern?: string;
  quantity?: string;
  consecutive?: string;
}

const inputClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-700';

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <p id={`${id}-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
        {error}
      </p>
    </div>
  );
}

/** A plain GET form: the filters live in the URL, so results are shareable and Back works. */
export function NumberSearchForm({ values, e911Only, errors, prefixes }: { values: SearchFormValues; e911Only: boolean; errors: Record<string, string>; prefixes: readonly string[] }) {
  const describe = (name: string, hint?: boolean) => [errors[name] ? `search-${name}-error` : null, hint ? `search-${name}-hint` : null].filter(Boolean).join(' ') || undefined;
  const invalid = (name: string) => (errors[name] ? true : undefined);
  return (
    <form method="get" action="/numbers/buy" className="space-y-4" aria-label="Search numbers">
      <fieldset className="flex flex-wrap gap-4">
        <legend className="mb-1 text-sm font-medium text-slate-800">Number type</legend>
        {[
          ['local', 'Local'],
          ['tollfree', 'Toll-free'],
        ].map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input type="radio" name="kind" value={value} defaultChecked={(values.kind ?? 'local') === value} />
            {label}
          </label>
        ))}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6">
        <Field id="search-state" label="State / province" error={errors.state}>
          <input id="search-state" name="state" defaultValue={values.state} maxLength={2} placeholder="TX" className={inputClass} aria-invalid={invalid('state')} aria-describedby={describe('state')} />
        </Field>
        <Field id="search-npa" label="Area code (NPA)" error={errors.npa}>
          <input id="search-npa" name="npa" defaultValue={values.npa} inputMode="numeric" maxLength={3} placeholder="312" className={inputClass} aria-invalid={invalid('npa')} aria-describedby={describe('npa')} />
        </Field>
        <Field id="search-nxx" label="Exchange (NXX)" error={errors.nxx}>
          <input id="search-nxx" name="nxx" defaultValue={values.nxx} inputMode="numeric" maxLength={3} className={inputClass} aria-invalid={invalid('nxx')} aria-describedby={describe('nxx')} />
        </Field>
        <Field id="search-rateCenter" label="Rate center or city" error={errors.rateCenter}>
          <input id="search-rateCenter" name="rateCenter" defaultValue={values.rateCenter} className={inputClass} aria-invalid={invalid('rateCenter')} aria-describedby={describe('rateCenter')} />
        </Field>
        <Field id="search-tollFreePrefix" label="Toll-free prefix" error={errors.tollFreePrefix}>
          <select id="search-tollFreePrefix" name="tollFreePrefix" defaultValue={values.tollFreePrefix ?? ''} className={inputClass} aria-invalid={invalid('tollFreePrefix')} aria-describedby={describe('tollFreePrefix')}>
            <option value="">Any</option>
            {prefixes.map((prefix) => (
              <option key={prefix} value={prefix}>
                {prefix}
              </option>
            ))}
          </select>
        </Field>
        <Field id="search-quantity" label="Quantity" error={errors.quantity}>
          <input id="search-quantity" name="quantity" defaultValue={values.quantity ?? '10'} inputMode="numeric" className={inputClass} aria-invalid={invalid('quantity')} aria-describedby={describe('quantity')} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start">
        <Field id="search-pattern" label="Pattern or vanity word" error={errors.pattern} hint="Digits and letters; * stands for any digits. *FLOWERS* finds numbers that spell FLOWERS.">
          <input id="search-pattern" name="pattern" defaultValue={values.pattern} placeholder="*FLOWERS*" className={inputClass} aria-invalid={invalid('pattern')} aria-describedby={describe('pattern', true)} />
        </Field>
        <div className="space-y-2 sm:pt-6">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="consecutive" value="on" defaultChecked={values.consecutive === 'on'} aria-describedby="search-consecutive-hint" />
            Consecutive block
          </label>
          <p id="search-consecutive-hint" className="text-xs text-slate-600">
            Quantity is then the size of each block.
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="e911" value="only" defaultChecked={e911Only} />
            Only numbers that support E911
          </label>
        </div>
        <div className="pt-6">
          <button type="submit" className={buttonClass('primary')}>
            Search
          </button>
        </div>
      </div>
      {errors.kind ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.kind}
        </p>
      ) : null}
    </form>
  );
}
