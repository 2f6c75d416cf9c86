import { buttonClass } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { KIND_LABELS, NUMBER_KINDS } from '@/lib/validations/prices';
import { formatPriceScope, formatRate } from '@/lib/format';

export interface PreviewOutcome {
  query: { kind: string; state?: string; npa?: string };
  errors?: Record<string, string[]>;
  /** False until the form is submitted. */
  asked: boolean;
  row?: { kind: 'local' | 'tollfree'; scope: 'default' | 'state' | 'npa'; state: string | null; npa: string | null; monthly: string; setup: string };
}

function kindName(kind: string) {
  return kind === 'tollfree' || kind === 'local' ? KIND_LABELS[kind].toLowerCase() : kind;
}

function describeQuery(query: PreviewOutcome['query']) {
  return `${kindName(query.kind)} number${query.state ? ` in ${query.state}` : ''}${query.npa ? ` with NPA ${query.npa}` : ''}`;
}

/**
 * A plain GET form, so it works without JavaScript and the answer can be linked: which row of the
 * price list would price a number of this type, state and NPA, and at what.
 */
export function PricePreview({ outcome }: { outcome: PreviewOutcome }) {
  const { query, errors, row, asked } = outcome;
  return (
    <div className="space-y-4">
      <form method="get" className="grid items-start gap-4 sm:grid-cols-4" noValidate>
        <SelectField idPrefix="preview" label="Number type" name="kind" defaultValue={query.kind} errors={errors?.kind}>
          {NUMBER_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </SelectField>
        <TextField idPrefix="preview" label="State or province" name="state" defaultValue={query.state} maxLength={2} placeholder="NY" autoComplete="off" errors={errors?.state} hint="Optional; local numbers only" />
        <TextField idPrefix="preview" label="Area code or toll-free prefix" name="npa" defaultValue={query.npa} maxLength={3} inputMode="numeric" placeholder="212" autoComplete="off" errors={errors?.npa} hint="Optional" />
        <div className="sm:pt-6">
          <button type="submit" className={buttonClass('secondary')}>
            Preview price
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite" className="text-sm">
        {!asked || errors ? null : row ? (
          <p>
            A {describeQuery(query)} is priced by the <strong>{row.scope === 'default' ? `${kindName(row.kind)} default` : `${formatPriceScope(row)} override`}</strong>:{' '}
            <span className="tabular-nums">{formatRate(row.monthly)}</span> a month (MRC) and <span className="tabular-nums">{formatRate(row.setup)}</span> once (NRC).
          </p>
        ) : (
          <p className="text-red-800">
            No price applies to a {describeQuery(query)}: such numbers cannot be sold until a default {kindName(query.kind)} price is set.
          </p>
        )}
      </div>
    </div>
  );
}
