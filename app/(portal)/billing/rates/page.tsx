import type { Metadata } from 'next';
import Link from 'next/link';
import { RateEntriesTable } from '@/components/rate-decks/rate-entries-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import type { AccountAccess } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { isAppError } from '@/lib/errors';
import { formatCount, formatDateTime } from '@/lib/format';
import { getAccountRates, type AccountRatesView } from '@/lib/services/rate-decks';
import { firstParam, readInteger } from '@/lib/validations/common';
import { parseDeckEntryQuery, type DeckEntryQuery } from '@/lib/validations/rate-decks';
import { didTierLine, matchSentence, rateEntryRows, ratesHref } from '@/lib/views/rate-decks';

export const metadata: Metadata = { title: 'Rates' };
export const dynamic = 'force-dynamic';

const PATH = '/billing/rates';

const SOURCE_WORDS: Record<AccountRatesView['source'], string> = {
  own: 'assigned to this account',
  inherited: 'inherited from the account above it',
  default: 'the carrier’s standard deck',
};

/** The rates, or none when no deck applies; a version that does not exist falls back on the one in force. */
async function loadRates(access: AccountAccess, query: DeckEntryQuery, version?: number): Promise<{ view?: AccountRatesView; versionMissing: boolean }> {
  try {
    return { view: await getAccountRates(access, { query, version }), versionMissing: false };
  } catch (error) {
    if (!isAppError(error) || error.kind !== 'not_found') throw error;
    if (version !== undefined && error.code === 'not_found:rate_deck_version') return { view: (await loadRates(access, query)).view, versionMissing: true };
    return { versionMissing: false };
  }
}

/**
 * What the account's calls cost: the sell deck in force (or a scheduled version), searchable by a
 * number ("what would +5255… cost?"), a prefix, a destination or a country; its DID tiers; the CSV.
 */
export default async function RatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAccountAccess('billing.read');
  const raw = await searchParams;
  const query = parseDeckEntryQuery(raw);
  const versionParam = firstParam(raw, 'version');
  const versionReading = versionParam === undefined ? undefined : readInteger(versionParam, 'Version', { min: 1, max: 1_000_000 });
  const asked = versionReading?.ok ? versionReading.value : undefined;
  const loaded = await loadRates(access, query, asked);
  const view = loaded.view;
  const versionMissing = loaded.versionMissing || (versionReading !== undefined && !versionReading.ok);

  if (!view) {
    return (
      <>
        <PageHeader title="Rates" description={`What calls of ${access.account.name} cost per minute.`} />
        <Card>
          <EmptyState title="No rates yet">The carrier has not published rates for this account yet, so its calls are not priced. Ask the carrier for its rate deck.</EmptyState>
        </Card>
      </>
    );
  }

  const { deck, version, upcoming, page } = view;
  const viewingVersion = asked !== undefined && !versionMissing ? version.number : undefined;
  const searched = Boolean(query.q || query.kind);
  const csvHref = `/api/v1/rates?format=csv${viewingVersion ? `&version=${viewingVersion}` : ''}`;

  return (
    <>
      <PageHeader
        title="Rates"
        description={`What calls of ${access.account.name} cost: “${deck.name}”, ${SOURCE_WORDS[view.source]}, in ${deck.currency}. A call is priced by the longest prefix of the number it reaches, with the version in force when it started.`}
        actions={
          <a href={csvHref} download className={buttonClass('secondary')}>
            Download CSV
          </a>
        }
      />
      <div className="space-y-6">
        <Card>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-600">Deck</dt>
              <dd className="font-medium text-slate-900">{deck.name}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{version.status === 'in_force' ? 'Version in force' : version.status === 'scheduled' ? 'Scheduled version' : 'Earlier version'}</dt>
              <dd className="font-medium text-slate-900">{`Version ${version.number} · ${formatCount(version.entryCount)} rates`}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{version.status === 'scheduled' ? 'Takes effect' : 'Effective from'}</dt>
              <dd className="font-medium text-slate-900">{formatDateTime(version.effectiveFrom)}</dd>
            </div>
          </dl>
          {versionMissing ? <p className="mt-3 text-sm text-amber-800">That version does not exist: these are the rates in force.</p> : null}
          {upcoming ? (
            <p role="note" className="mt-4 rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm text-indigo-950">
              {`Version ${upcoming.number} takes effect ${formatDateTime(upcoming.effectiveFrom)}. `}
              <Link href={ratesHref(PATH, { version: upcoming.number })} className="font-medium underline">
                See its rates
              </Link>
            </p>
          ) : null}
          {viewingVersion ? (
            <p className="mt-3 text-sm">
              <Link href={PATH} className="font-medium text-indigo-800 underline">
                Back to the rates in force now
              </Link>
            </p>
          ) : null}
        </Card>

        <Card title="Find a rate" description="Type a number to see what a call to it costs, or a prefix, a destination or a country.">
          <form method="get" role="search" aria-label="Search the rates" className="mb-4 grid items-start gap-3 sm:grid-cols-[2fr_1fr_auto]" noValidate>
            {viewingVersion ? <input type="hidden" name="version" value={viewingVersion} /> : null}
            <TextField idPrefix="rates" label="Number, prefix, destination or country" name="q" defaultValue={query.q} maxLength={60} autoComplete="off" placeholder="+5255 1234 5678, 44, Mexico or MX" errors={query.fieldErrors.q} />
            <SelectField idPrefix="rates" label="Calls" name="kind" defaultValue={query.kind ?? ''}>
              <option value="">Out and in</option>
              <option value="termination">Out (termination)</option>
              <option value="origination">In, to your numbers (origination)</option>
            </SelectField>
            <div className="flex gap-3 sm:pt-6">
              <button type="submit" className={buttonClass('primary')}>
                Search
              </button>
              {searched ? (
                <Link href={ratesHref(PATH, { version: viewingVersion })} className="self-center text-sm font-medium text-indigo-800 underline">
                  Clear
                </Link>
              ) : null}
            </div>
          </form>
          {query.digits ? (
            <p role="status" className="mb-4 rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm text-indigo-950">
              {page.match
                ? `A ${query.kind === 'origination' ? 'call to your number' : 'call to'} +${query.digits} costs ${matchSentence(page.match, deck.currency)}.`
                : `No rate covers +${query.digits}: ask the carrier before calling it.`}
            </p>
          ) : null}
          <RateEntriesTable
            rows={rateEntryRows(page.rows, deck.currency, page.match)}
            caption={searched ? `Rates matching “${query.q || query.kind}”` : `Rates of version ${version.number}`}
            empty={<EmptyState title="No rate matches">Search by a number, a prefix, part of a destination, or a country code such as MX.</EmptyState>}
          />
          <Pager label="Pages of rates" page={page.page} pageSize={page.pageSize} total={page.total} rowCount={page.rows.length} noun={{ one: 'rate', many: 'rates' }} hrefFor={(target) => ratesHref(PATH, { q: query.q, kind: query.kind, version: viewingVersion, page: target })} />
        </Card>

        <Card title="Phone numbers" description="What each number costs, by its country’s tier.">
          {view.didTiers.length === 0 ? (
            <p className="text-sm text-slate-600">This deck prices no numbers.</p>
          ) : (
            <ul className="space-y-1 text-sm text-slate-800">
              {view.didTiers.map((tier) => (
                <li key={tier.tier}>{didTierLine(tier, deck.currency)}</li>
              ))}
            </ul>
          )}
        </Card>
        <p className="text-sm text-slate-600">
          Programs read the same deck from <code className="rounded bg-slate-100 px-1">GET /api/v1/rates</code> (JSON, or CSV with <code className="rounded bg-slate-100 px-1">Accept: text/csv</code>); see{' '}
          <Link href="/developers" className="font-medium text-indigo-800 underline">
            Developers
          </Link>
          .
        </p>
      </div>
    </>
  );
}
