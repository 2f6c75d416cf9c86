import type { Metadata } from 'next';
import { NumbersTabs } from '@/components/numbers-buy/numbers-tabs';
import { SearchResults } from '@/components/numbers-buy/search-results';
import { NumberSearchForm, type SearchFormValues } from '@/components/numbers-buy/search-form';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { countCartItems } from '@/lib/services/number-cart';
import { startNumberSearch, toSearchView, type NumberSearchView } from '@/lib/services/number-search';
import { E911_FILTER_VALUE, numberSearchSchema, searchViewSchema, SORTABLE_SEARCH_COLUMNS, TOLL_FREE_PREFIXES } from '@/lib/validations/numbers';
import { loadNumberSearchParams, NUMBER_SEARCH_FILTERS, serializeNumberSearch } from '@/lib/url-state/number-search';
import { addToCartAction } from './actions';

export const metadata: Metadata = { title: 'Buy numbers' };

/** Carriers that answer within this are in the first render; the slower ones arrive while the page polls. */
const FIRST_ANSWER_WAIT_MS = 1_000;

export default async function BuyNumbersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('technical.read');
  const params = await loadNumberSearchParams(searchParams);
  const values: SearchFormValues = Object.fromEntries(NUMBER_SEARCH_FILTERS.map((key) => [key, params[key] ?? undefined]));
  const searched = NUMBER_SEARCH_FILTERS.some((key) => values[key] !== undefined);
  const view = searchViewSchema.parse({ sort: params.sort, dir: params.dir, page: params.page, e911Only: params.e911 });
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

  // Blank fields from the search form are left out of links.
  const filters = Object.fromEntries(NUMBER_SEARCH_FILTERS.map((key) => [key, values[key] || null]));
  const e911 = view.e911Only ? E911_FILTER_VALUE : null;
  const hrefFor = (changes: Partial<{ sort: (typeof SORTABLE_SEARCH_COLUMNS)[number]; dir: 'asc' | 'desc'; page: number | null; e911: string | null }>) =>
    serializeNumberSearch('/numbers/buy', { ...filters, sort: view.sort, dir: view.dir, page: view.page, e911, ...changes });
  const sortHrefs = Object.fromEntries(SORTABLE_SEARCH_COLUMNS.map((key) => [key, { asc: hrefFor({ sort: key, dir: 'asc', page: 1 }), desc: hrefFor({ sort: key, dir: 'desc', page: 1 }) }]));

  return (
    <>
      <PageHeader title="Buy numbers" description="Search local and toll-free numbers across all our carriers at once." />
      <NumbersTabs current="buy" cartCount={cartCount} />
      <div className="space-y-6">
        <Card>
          <NumberSearchForm values={values} e911Only={view.e911Only} errors={errors} prefixes={TOLL_FREE_PREFIXES} />
        </Card>
        {answer ? (
          <SearchResults
            key={answer.id}
            initial={answer}
            sort={{ column: view.sort, dir: view.dir, hrefs: sortHrefs }}
            query={hrefFor({ page: null }).split('?')[1] ?? ''}
            canBuy={can(access, 'technical.write')}
            staff={staff}
            action={addToCartAction}
            pattern={values.pattern}
            e911Href={hrefFor({ page: null, e911: view.e911Only ? null : E911_FILTER_VALUE })}
          />
        ) : !searched ? (
          <EmptyState title="Search to see available numbers">Pick an area code, a state, a toll-free prefix or a vanity pattern above.</EmptyState>
        ) : null}
      </div>
    </>
  );
}
