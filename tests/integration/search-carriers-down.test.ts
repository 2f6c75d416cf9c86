/**
 * Issue 12.6, the customer's side: when the carriers are down, Buy numbers says so plainly and never
 * suggests the customer's search was at fault ("No numbers match: try a neighbouring area code").
 * The carriers are the four sandboxes, answering every request with a 5xx.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { SearchResults } from '@/components/numbers-buy/search-results';
import { resetBreakers } from '@/lib/providers/http';
import type { ProviderId } from '@/lib/providers/types';
import { getSearchPage, searchAvailableNumbers } from '@/lib/services/number-search';
import { numberSearchSchema } from '@/lib/validations/numbers';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants } from '../support/fixtures';
import { useSandboxes } from '../support/sandboxes';

describe('Buy numbers when every carrier is down', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    for (const provider of ['voicetel', 'vitcom', 'carrierx', 'voicemeup'] as ProviderId[]) sandboxes.get(provider).setKnobs({ errorRate: 1 });
    resetBreakers();
  });

  it('tells the customer the carriers did not answer, without blaming the search', async () => {
    const access = await accessAs(test.db, 'owner@acme.example', tenants.acme.id);
    const answer = await searchAvailableNumbers(access, numberSearchSchema.parse({ npa: '312', quantity: '5' }), { fresh: true });
    expect(answer.providers.every((outcome) => !outcome.ok)).toBe(true);
    const view = await getSearchPage(access, answer.searchId, { sort: 'number', dir: 'asc', page: 1 });
    expect(view.carriers.map((carrier) => [carrier.status, carrier.reason])).toEqual(view.carriers.map(() => ['failed', 'Did not answer this search.']));

    const html = renderToStaticMarkup(
      createElement(
        QueryClientProvider,
        { client: new QueryClient() },
        createElement(SearchResults, {
          initial: view,
          sort: { column: 'number', dir: 'asc', hrefs: {} },
          query: 'npa=312',
          canBuy: true,
          staff: false,
          action: async () => ({ status: 'idle' as const }),
          e911Href: '/numbers/buy?npa=312&e911=only',
        } as never),
      ),
    );
    expect(html).toContain('The problem is on our side, not in your search.');
    expect(html).not.toContain('No numbers match');
    expect(html).not.toContain('neighbouring area code');
  });
});
