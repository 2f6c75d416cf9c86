import type { Metadata } from 'next';
import Link from 'next/link';
import { NumbersTabs } from '@/components/numbers-buy/numbers-tabs';
import { ResultsTable, type SortLink } from '@/components/numbers-buy/results-table';
import { NumberSearchForm, type SearchFormValues } from '@/components/numbers-buy/search-form';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatE164 } from '@/lib/format';
import { TOLL_FREE_PREFIXES } from '@/lib/providers/types';
import { countCartItems } from '@/lib/services/number-cart';
import { pageOfResults, searchAvailableNumbers, type SearchAnswer } from '@/lib/services/number-search';
import { formatMoney, fromUnits, toUnits } from '@/lib/services/pricing';
import { numberSearchSchema, searchViewSchema, SORTABLE_SEARCH_COLUMNS } from '@/lib/validations/numbers';
import { addToCartAction } from './actions';

export const metadata: Metadata = { title: 'Buy numbers' };

const FILTER_KEYS = ['kind', 'state', 'npa', 'nxx', 'rateCenter', 'tollFreePrefix', 'pattern', 'quantity', 'consecutive'] as const;
const COLUMN_LABELS: Record<(typeof SORTABLE_SEARCH_COLUMNS)[number], string> = { number: 'Number', state: 'State', rateCenter: 'Rate center', monthly: 'Monthly', setup: 'One-time' };

export default async function BuyNumbersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const params = await searchParams;
  const values: SearchFormValues = Object.fromEntries(FILTER_KEYS.map((key) => [key, typeof params[key] === 'string' ? params[key] : undefined]));
  const searched = FILTER_KEYS.some((key) => values[key] !== undefined);
  const errors: Record<string, string> = {};
  let answer: SearchAnswer | undefined;
  if (searched) {
    const parsed = numberSearchSchema.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'kind')] ??= issue.message;
    } else {
      answer = await searchAvailableNumbers(access, parsed.data);
    }
  }
  const view = searchViewSchema.parse({ sort: params.sort, dir: params.dir, page: params.page });
  const staff = access.user.isOperatorStaff;
  const cartCount = await countCartItems(access);

  const hrefWith = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (values[key]) next.set(key, values[key]!);
    const merged = { sort: view.sort, dir: view.dir, page: String(view.page), ...changes };
    for (const [key, value] of Object.entries(merged)) if (value) next.set(key, value);
    return `/numbers/buy?${next.toString()}`;
  };
  // The order the table shows its cells in.
  const columnOrder = ['number', 'state', 'rateCenter', 'monthly', 'setup'] as const satisfies readonly (typeof SORTABLE_SEARCH_COLUMNS)[number][];
  const columns: SortLink[] = columnOrder.map((key) => ({
    key,
    label: COLUMN_LABELS[key],
    href: hrefWith({ sort: key, dir: view.sort === key && view.dir === 'asc' ? 'desc' : 'asc', page: '1' }),
    active: view.sort === key,
    dir: view.dir,
    numeric: key === 'monthly' || key === 'setup',
  }));
  const page = answer ? pageOfResults(answer.results, view) : undefined;
  const missing = answer?.providers.filter((outcome) => !outcome.ok) ?? [];

  return (
    <>
      <PageHeader title="Buy numbers" description="Search local and toll-free numbers across all our carriers at once." />
      <NumbersTabs current="buy" cartCount={cartCount} />
      <div className="space-y-6">
        <Card>
          <NumberSearchForm values={values} errors={errors} prefixes={TOLL_FREE_PREFIXES} />
        </Card>
        {answer ? (
          <Card title={`${answer.results.length} number${answer.results.length === 1 ? '' : 's'} available`} description={`Prices are per number. Searched ${answer.createdAt.toISOString().slice(11, 16)} UTC; results are kept for 10 minutes.`}>
            {missing.length > 0 ? (
              <div role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
                {staff ? (
                  <ul className="list-inside list-disc">
                    {missing.map((outcome) => (
                      <li key={outcome.connectionId}>
                        Missing from these results: {outcome.reason}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p>
                    {missing.length === 1 ? 'One of our carriers' : `${missing.length} of our carriers`} did not answer this search, so some numbers may be missing. Try again in a moment.
                  </p>
                )}
              </div>
            ) : null}
            {page && page.rows.length > 0 ? (
              <>
                <ResultsTable
                  searchId={answer.searchId}
                  canBuy={can(access, 'technical.write')}
                  showProvider={staff}
                  columns={columns}
                  action={addToCartAction}
                  rows={page.rows.map((row) => ({
                    e164: row.e164,
                    display: formatE164(row.e164),
                    state: row.state,
                    rateCenter: row.rateCenter,
                    features: row.features.join(', '),
                    monthly: formatMoney(row.monthly),
                    setup: formatMoney(row.setup),
                    provider: staff ? answer!.providers.find((outcome) => outcome.connectionId === row.connectionId)?.providerName : undefined,
                    margin: staff && row.cost ? formatMoney(fromUnits(toUnits(row.monthly) - toUnits(row.cost), 4)) : undefined,
                  }))}
                />
                {page.pages > 1 ? (
                  <nav aria-label="Result pages" className="mt-4 flex items-center gap-3 text-sm">
                    {page.page > 1 ? <Link href={hrefWith({ page: String(page.page - 1) })} className="text-indigo-800 underline">← Previous</Link> : null}
                    <span>
                      Page {page.page} of {page.pages}
                    </span>
                    {page.page < page.pages ? <Link href={hrefWith({ page: String(page.page + 1) })} className="text-indigo-800 underline">Next →</Link> : null}
                  </nav>
                ) : null}
              </>
            ) : (
              <EmptyState title="No numbers match">Try a neighbouring area code, drop the pattern, or search by state instead.</EmptyState>
            )}
          </Card>
        ) : !searched ? (
          <EmptyState title="Search to see available numbers">Pick an area code, a state, a toll-free prefix or a vanity pattern above.</EmptyState>
        ) : null}
      </div>
    </>
  );
}
