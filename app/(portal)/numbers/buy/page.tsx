import type { Metadata } from 'next';
import { NumbersTabs } from '@/components/numbers-buy/numbers-tabs';
import { ResultsTable } from '@/components/numbers-buy/results-table';
import { NumberSearchForm, type SearchFormValues } from '@/components/numbers-buy/search-form';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { formatE164 } from '@/lib/format';
import { TOLL_FREE_PREFIXES } from '@/lib/providers/types';
import { countCartItems } from '@/lib/services/number-cart';
import { pageOfResults, searchAvailableNumbers, SEARCH_PAGE_SIZE, type SearchAnswer } from '@/lib/services/number-search';
import { formatMoney, fromUnits, toUnits } from '@/lib/services/pricing';
import { numberSearchSchema, searchViewSchema, SORTABLE_SEARCH_COLUMNS } from '@/lib/validations/numbers';
import { addToCartAction } from './actions';

export const metadata: Metadata = { title: 'Buy numbers' };

const FILTER_KEYS = ['kind', 'state', 'npa', 'nxx', 'rateCenter', 'tollFreePrefix', 'pattern', 'quantity', 'consecutive'] as const;

export default async function BuyNumbersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const params = await searchParams;
  const values: SearchFormValues = Object.fromEntries(FILTER_KEYS.map((key) => [key, typeof params[key] === 'string' ? params[key] : undefined]));
  const searched = FILTER_KEYS.some((key) => values[key] !== undefined);
  const view = searchViewSchema.parse({ sort: params.sort, dir: params.dir, page: params.page });
  const errors: Record<string, string> = {};
  let answer: NumberSearchView | undefined;
  if (searched) {
    const parsed = numberSearchSchema.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'kind')] ??= issue.message;
    } else {
      answer = toSearchView(await startNumberSearch(access, parsed.data, { waitMs: FIRST_ANSWER_WAIT_MS }), view, access.user.isOperatorStaff);
    }
  }
  const staff = access.user.isOperatorStaff;
  const cartCount = await countCartItems(access);

  const hrefWith = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (values[key]) next.set(key, values[key]!);
    const merged = { sort: view.sort, dir: view.dir, page: String(view.page), ...changes };
    for (const [key, value] of Object.entries(merged)) if (value) next.set(key, value);
    return `/numbers/buy?${next.toString()}`;
  };
  const sortHrefs = Object.fromEntries(SORTABLE_SEARCH_COLUMNS.map((key) => [key, { asc: hrefWith({ sort: key, dir: 'asc', page: '1' }), desc: hrefWith({ sort: key, dir: 'desc', page: '1' }) }]));

  return (
    <>
      <PageHeader title="Buy numbers" description="Search local and toll-free numbers across all our carriers at once." />
      <NumbersTabs current="buy" cartCount={cartCount} />
      <div className="space-y-6">
        <Card>
          <NumberSearchForm values={values} errors={errors} prefixes={TOLL_FREE_PREFIXES} />
        </Card>
        {answer ? (
          <SearchResults key={answer.id} initial={answer} columns={columns} pageHref={hrefWith({ page: '' })} canBuy={can(access, 'technical.write')} staff={staff} action={addToCartAction} />
        ) : !searched ? (
          <EmptyState title="Search to see available numbers">Pick an area code, a state, a toll-free prefix or a vanity pattern above.</EmptyState>
        ) : null}
      </div>
    </>
  );
}
