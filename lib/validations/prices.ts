import { z } from 'zod';
import { TOLL_FREE_PREFIXES } from '@/lib/providers/types';
import { CA_PROVINCES, US_STATES } from './numbers';
import { blankToUndefined, isSafeText, safeText, textProblem } from './common';

export const NUMBER_KINDS = ['local', 'tollfree'] as const;
export const KIND_LABELS: Record<(typeof NUMBER_KINDS)[number], string> = { local: 'Local', tollfree: 'Toll-free' };
export { CA_PROVINCES, TOLL_FREE_PREFIXES, US_STATES };

const REGIONS = new Set<string>([...US_STATES, ...CA_PROVINCES]);
const TOLL_FREE = new Set<string>(TOLL_FREE_PREFIXES);
const tollFreeList = `${TOLL_FREE_PREFIXES.slice(0, -1).join(', ')} or ${TOLL_FREE_PREFIXES.at(-1)}`;

/** number_prices and provider_number_costs are numeric(10, 4). */
const MAX_WHOLE_DIGITS = 6;

const blank = blankToUndefined;

/**
 * A money amount as typed ("1.25", "0.0075", "3"): a decimal ≥ 0 with at most 4 places, returned
 * normalised to 4 places ("1.2500") so it is stored and compared exactly, never through a float.
 */
export function amountField(label: string) {
  return z.preprocess(
    (value) => (typeof value === 'string' && isSafeText(value) ? value.trim() : value),
    z.string({ message: `Enter the ${label}, like 1.25` }).transform((value, context) => {
      const fail = (message: string) => {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      const problem = textProblem(value);
      if (problem) return fail(`The ${label} ${problem}`);
      if (value === '') return fail(`Enter the ${label}, like 1.25`);
      if (/^-\s*\d*\.?\d*$/.test(value) && /\d/.test(value)) return fail(`The ${label} cannot be negative`);
      const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
      if (!match || !/\d/.test(value)) return fail(`Enter the ${label} as a plain amount like 1.25 (digits and one decimal point, no currency sign)`);
      const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '') || '0';
      const fraction = match[2] ?? '';
      if (fraction.length > 4) return fail(`The ${label} can have at most 4 decimal places`);
      if (whole.length > MAX_WHOLE_DIGITS) return fail(`The ${label} can be at most 999999.9999`);
      return `${whole}.${fraction.padEnd(4, '0')}`;
    }),
  );
}

const kind = z.enum(NUMBER_KINDS, { message: 'Choose local or toll-free' });

const state = z.preprocess(
  blank,
  safeText('A state or province')
    .trim()
    .toUpperCase()
    .refine((value) => REGIONS.has(value), 'Unknown state or province: use a two-letter code like TX or ON')
    .optional(),
);

const npa = z.preprocess(blank, safeText('An area code').trim().regex(/^[2-9]\d{2}$/, 'An area code (NPA) is three digits, not starting with 0 or 1').optional());

/** The rules of where a price may apply, shared by overrides and the preview. */
function checkScope(value: { kind: (typeof NUMBER_KINDS)[number]; state?: string; npa?: string }, context: z.RefinementCtx) {
  if (value.kind === 'tollfree' && value.state) {
    context.addIssue({ code: 'custom', path: ['state'], message: 'Toll-free numbers have no state: use a toll-free prefix (NPA) instead' });
  }
  if (value.kind === 'tollfree' && value.npa && !TOLL_FREE.has(value.npa)) {
    context.addIssue({ code: 'custom', path: ['npa'], message: `Toll-free prefixes are ${tollFreeList}` });
  }
  if (value.kind === 'local' && value.npa && TOLL_FREE.has(value.npa)) {
    context.addIssue({ code: 'custom', path: ['npa'], message: `${value.npa} is a toll-free prefix: choose Toll-free as the number type` });
  }
}

/** Scope rules also run when an amount is wrong, so every field's message shows on the first submit. */
const scopeFieldsValid = { when: (payload: z.core.ParsePayload) => !payload.issues.some((issue) => ['kind', 'state', 'npa'].includes(String(issue.path?.[0]))) };

/** Adds or updates the override for one state or one NPA of a number type (never both). */
export const saveOverrideSchema = z
  .object({ kind, state, npa, monthly: amountField('monthly price (MRC)'), setup: amountField('one-time price (NRC)') })
  .superRefine((value, context) => {
    checkScope(value, context);
    if (value.kind === 'tollfree' && value.state) return;
    if (value.state && value.npa) {
      context.addIssue({ code: 'custom', path: ['npa'], message: 'Give a state or an area code (NPA), not both' });
    } else if (!value.state && !value.npa) {
      const message =
        value.kind === 'tollfree'
          ? `Enter the toll-free prefix (${tollFreeList}) this price applies to; to change every toll-free number, set the default instead`
          : 'Choose a state or province, or enter an area code (NPA); to change every local number, set the default instead';
      context.addIssue({ code: 'custom', path: [value.kind === 'tollfree' ? 'npa' : 'state'], message });
    }
  }, scopeFieldsValid);
export type SaveOverrideInput = z.output<typeof saveOverrideSchema>;

export const setDefaultPriceSchema = z.object({ kind, monthly: amountField('monthly price (MRC)'), setup: amountField('one-time price (NRC)') });
export type SetDefaultPriceInput = z.output<typeof setDefaultPriceSchema>;

export const deleteOverrideSchema = z.object({ priceId: z.string({ message: 'Choose a price row' }).uuid('That price row does not exist; reload the page') });

const connectionId = z.string({ message: 'Choose a connection' }).uuid('Choose a connection');

export const setConnectionCostSchema = z.object({ connectionId, kind, monthly: amountField('monthly cost'), setup: amountField('one-time cost') });
export type SetConnectionCostInput = z.output<typeof setConnectionCostSchema>;

export const clearConnectionCostSchema = z.object({ connectionId, kind });

/** The preview's question, from the query string: which row prices a number of this kind here? */
export const pricePreviewSchema = z.object({ kind, state, npa }).superRefine(checkScope);
export type PricePreviewInput = z.output<typeof pricePreviewSchema>;
