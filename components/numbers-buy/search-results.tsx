'use client';

import Link from 'next/link';
import { useCallback, useSyncExternalStore } from 'react';
import { ResultsTable, type AddToCartState, type ResultRow, type Selection } from '@/components/numbers-buy/results-table';
import { Card, EmptyState } from '@/components/ui/card';
import type { DataTableSort } from '@/components/ui/data-table';
import { Pager } from '@/components/ui/pager';
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

// The selection of a search outlives its pages (and a reload) in sessionStorage, one entry per search.
const NO_SELECTION: Selection = new Map();
const selectionListeners = new Set<() => void>();
const selectionCache = new Map<string, { raw: string | null; value: Selection }>();
const selectionKey = (searchId: string) => `number-search-selection:${searchId}`;

function readSelection(searchId: string): Selection {
  let raw: string | null = null;
  try {
    raw = window.sessionStorage.getItem(selectionKey(searchId));
  } catch {
    // Storage refused (private mode): the selection lives as long as the page.
  }
  const cached = selectionCache.get(searchId);
  if (cached && cached.raw === raw) return cached.value;
  let value: Selection = NO_SELECTION;
  try {
    const entries = raw ? (JSON.parse(raw) as unknown) : [];
    if (Array.isArray(entries)) value = new Map(entries.filter((entry): entry is [string, string[]] => Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1])));
  } catch {
    value = NO_SELECTION;
  }
  selectionCache.set(searchId, { raw, value });
  return value;
}

function writeSelection(searchId: string, selection: Selection) {
  const raw = selection.size ? JSON.stringify([...selection]) : null;
  try {
    if (raw) window.sessionStorage.setItem(selectionKey(searchId), raw);
    else window.sessionStorage.removeItem(selectionKey(searchId));
  } catch {
    // Kept in memory only.
  }
  selectionCache.set(searchId, { raw, value: selection });
  for (const listener of selectionListeners) listener();
}

/** The ticked rows of a search, the same on every page of its results. */
export function useSearchSelection(searchId: string): [Selection, (selection: Selection) => void] {
  const subscribe = useCallback((listener: () => void) => {
    selectionListeners.add(listener);
    return () => selectionListeners.delete(listener);
  }, []);
  const selection = useSyncExternalStore(
    subscribe,
    () => readSelection(searchId),
    () => NO_SELECTION,
  );
  return [selection, useCallback((next: Selection) => writeSelection(searchId, next), [searchId])];
}

/**
 * A search's results as each carrier answers: the page renders what is known, then polls the search
 * route until every carrier has answered or failed. Ticked numbers stay ticked as rows arrive.
 */
export function SearchResults({
  initial,
  sort,
  query: pageQuery,
  canBuy,
  staff,
  action,
  pattern,
  e911Href,
}: {
  initial: NumberSearchView;
  sort: DataTableSort;
  query: string;
  canBuy: boolean;
  staff: boolean;
  action: (state: AddToCartState, formData: FormData) => Promise<AddToCartState>;
  /** The pattern as typed (letters and all), for the highlight. */
  pattern?: string;
  /** The same results with the E911 filter switched the other way. */
  e911Href: string;
}) {
  const query = new URLSearchParams({ sort: initial.sort, dir: initial.dir, page: String(initial.page), ...(initial.e911Only ? { e911: 'only' } : {}) });
  const [selection, setSelection] = useSearchSelection(initial.id);
  const { data: search, error } = useLiveJson({
    queryKey: ['number-search', initial.id, initial.sort, initial.dir, initial.page, initial.e911Only],
    url: `/api/v1/number-searches/${initial.id}?${query.toString()}`,
    initialData: initial,
    settled: (view) => view.settled,
    intervalMs: 1000,
  });
  const pending = search.carriers.filter((carrier) => carrier.status === 'pending').length;
  const failed = search.carriers.filter((carrier) => carrier.status === 'failed').length;
  const searchedAt = formatTime(new Date(search.createdAt));
  const blocks = search.blockSize !== null;
  const noun = blocks ? { one: `block of ${search.blockSize}`, many: `blocks of ${search.blockSize}` } : { one: 'number', many: 'numbers' };
  const rows: ResultRow[] = blocks
    ? search.blocks.map((block) => ({
        id: block.id,
        numbers: block.numbers,
        display: formatE164(block.first),
        lastDisplay: formatE164(block.last),
        state: block.state ?? undefined,
        rateCenter: block.rateCenter ?? undefined,
        features: block.features.join(', '),
        monthly: block.monthly ? formatMoney(block.monthly) : 'varies',
        setup: block.setup ? formatMoney(block.setup) : 'varies',
        monthlyTotal: formatMoney(block.monthlyTotal),
        setupTotal: formatMoney(block.setupTotal),
        e911: block.e911,
        provider: block.upstream,
        margin: block.margin ? formatMoney(block.margin) : undefined,
      }))
    : search.results.map((row) => ({
        id: row.e164,
        numbers: [row.e164],
        display: formatE164(row.e164),
        state: row.state ?? undefined,
        rateCenter: row.rateCenter ?? undefined,
        features: row.features.join(', '),
        monthly: formatMoney(row.monthly),
        setup: formatMoney(row.setup),
        e911: row.e911,
        provider: row.upstream,
        margin: row.margin ? formatMoney(row.margin) : undefined,
      }));
  return (
    <Card
      title={`${search.total} ${search.total === 1 ? noun.one : noun.many} available`}
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
      {search.e911Only || search.hiddenWithoutE911 > 0 ? (
        <p role="status" className="mb-4 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
          Showing only {blocks ? 'blocks' : 'numbers'} whose carrier can register an emergency (E911) address
          {search.hiddenWithoutE911 > 0 ? `; ${search.hiddenWithoutE911} without E911 ${search.hiddenWithoutE911 === 1 ? 'is' : 'are'} hidden` : ''}.{' '}
          <Link href={e911Href} className="font-medium text-indigo-800 underline">
            Show all {blocks ? 'blocks' : 'numbers'}
          </Link>
        </p>
      ) : null}
      {rows.length > 0 ? (
        <>
          <ResultsTable
            searchId={search.id}
            canBuy={canBuy}
            showProvider={staff}
            sort={sort}
            action={action}
            rows={rows}
            blocks={blocks}
            pattern={pattern}
            selection={selection}
            onSelectionChange={setSelection}
          />
          <div className="mt-4">
            <Pager label="Result pages" page={search.page} pageSize={search.pageSize} total={search.total} noun={noun} pathname="/numbers/buy" searchParams={new URLSearchParams(pageQuery)} />
          </div>
        </>
      ) : pending > 0 ? (
        <EmptyState title="Waiting for the carriers">Numbers appear here as each carrier answers; you can change the search meanwhile.</EmptyState>
      ) : failed > 0 && failed === search.carriers.length ? (
        // Nobody answered: nothing here says anything about what was searched for.
        <EmptyState title="Our carriers did not answer">The problem is on our side, not in your search. Try the same search again in a few minutes.</EmptyState>
      ) : (
        <EmptyState title={blocks ? `No blocks of ${search.blockSize} consecutive numbers` : 'No numbers match'}>
          {blocks ? 'Ask for a smaller block, or search a state or a neighbouring area code.' : 'Try a neighbouring area code, drop the pattern, or search by state instead.'}
        </EmptyState>
      )}
    </Card>
  );
}
