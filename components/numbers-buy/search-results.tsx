'use client';

import { ResultsTable } from '@/components/numbers-buy/results-table';
import { Card, EmptyState } from '@/components/ui/card';
import type { DataTableSort } from '@/components/ui/data-table';
import { Pager } from '@/components/ui/pager';
import type { ActionState } from '@/lib/auth/action';
import { formatE164, formatMoney, formatTime } from '@/lib/format';
import { useLiveJson } from '@/lib/hooks/use-live-json';
import type { NumberSearchView } from '@/lib/views/number-search';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function CarrierRows({ carriers }: { carriers: NumberSearchView['carriers'] }) {
  return (
    <ul className="mb-4 grid gap-1 text-sm sm:grid-cols-2" aria-label="Carriers searched">
      {carriers.map((carrier) => (
        <li key={carrier.label} className="flex flex-wrap items-baseline gap-x-2">
          <span className="font-medium">{carrier.label}</span>
          {carrier.status === 'pending' ? (
            <span className="inline-flex items-center gap-1 text-indigo-900">
              <span aria-hidden className="inline-block size-2 animate-pulse rounded-full bg-indigo-600" />
              searching…
            </span>
          ) : carrier.status === 'ok' ? (
            <span className="text-slate-700">{plural(carrier.count, 'number')} found</span>
          ) : (
            <span className="text-amber-900">{carrier.reason}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * A search's results as each carrier answers: the page renders what is known, then polls the search
 * route until every carrier has answered or failed. Ticked numbers stay ticked as rows arrive.
 */
export function SearchResults({ initial, sort, query: pageQuery, canBuy, staff, action }: { initial: NumberSearchView; sort: DataTableSort; query: string; canBuy: boolean; staff: boolean; action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const query = new URLSearchParams({ sort: initial.sort, dir: initial.dir, page: String(initial.page) });
  const { data: search, error } = useLiveJson({
    queryKey: ['number-search', initial.id, initial.sort, initial.dir, initial.page],
    url: `/api/v1/number-searches/${initial.id}?${query.toString()}`,
    initialData: initial,
    settled: (view) => view.settled,
    intervalMs: 1000,
  });
  const pending = search.carriers.filter((carrier) => carrier.status === 'pending').length;
  const failed = search.carriers.filter((carrier) => carrier.status === 'failed').length;
  const searchedAt = formatTime(new Date(search.createdAt));
  return (
    <Card
      title={`${plural(search.total, 'number')} available`}
      description={pending > 0 ? `Still searching ${plural(pending, 'carrier')}; their numbers appear here as they answer.` : `Prices are per number. Searched ${searchedAt}; results are kept for 10 minutes.`}
    >
      <p role="status" aria-live="polite" className="sr-only">
        {pending > 0 ? `${plural(search.total, 'number')} so far; still searching ${plural(pending, 'carrier')}.` : `Search finished: ${plural(search.total, 'number')} available.`}
      </p>
      {pending > 0 || (staff && failed > 0) ? <CarrierRows carriers={search.carriers} /> : null}
      {pending === 0 && failed > 0 && !staff ? (
        <div role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>{failed === 1 ? 'One of our carriers' : `${failed} of our carriers`} did not answer this search, so some numbers may be missing. Try again in a moment.</p>
        </div>
      ) : null}
      {error && pending > 0 ? (
        <p role="status" className="mb-4 text-sm text-amber-900">
          Could not check for more numbers just now ({error.message}); search again to see every carrier’s answer.
        </p>
      ) : null}
      {search.results.length > 0 ? (
        <>
          <ResultsTable
            searchId={search.id}
            canBuy={canBuy}
            showProvider={staff}
            sort={sort}
            action={action}
            rows={search.results.map((row) => ({
              e164: row.e164,
              display: formatE164(row.e164),
              state: row.state ?? undefined,
              rateCenter: row.rateCenter ?? undefined,
              features: row.features.join(', '),
              monthly: formatMoney(row.monthly),
              setup: formatMoney(row.setup),
              provider: row.upstream,
              margin: row.margin ? formatMoney(row.margin) : undefined,
            }))}
          />
          <div className="mt-4">
            <Pager label="Result pages" page={search.page} pageSize={search.pageSize} total={search.total} noun={{ one: 'number', many: 'numbers' }} pathname="/numbers/buy" searchParams={new URLSearchParams(pageQuery)} />
          </div>
        </>
      ) : pending > 0 ? (
        <EmptyState title="Waiting for the carriers">Numbers appear here as each carrier answers; you can change the search meanwhile.</EmptyState>
      ) : failed > 0 && failed === search.carriers.length ? (
        // Nobody answered: nothing here says anything about what was searched for.
        <EmptyState title="Our carriers did not answer">The problem is on our side, not in your search. Try the same search again in a few minutes.</EmptyState>
      ) : (
        <EmptyState title="No numbers match">Try a neighbouring area code, drop the pattern, or search by state instead.</EmptyState>
      )}
    </Card>
  );
}
