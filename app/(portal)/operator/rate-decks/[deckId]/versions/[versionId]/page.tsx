import type { Metadata } from 'next';
import Link from 'next/link';
import { RateEntriesTable } from '@/components/rate-decks/rate-entries-table';
import { buttonClass } from '@/components/ui/button';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { Pager } from '@/components/ui/pager';
import { requireStaff } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCount, formatDateTime } from '@/lib/format';
import { getRateDeckVersionEntries } from '@/lib/services/rate-decks';
import { parseDeckEntryQuery } from '@/lib/validations/rate-decks';
import { didTierLine, matchSentence, rateEntryRows, ratesHref } from '@/lib/views/rate-decks';

export const metadata: Metadata = { title: 'Rate deck version' };
export const dynamic = 'force-dynamic';

const STATUS = { in_force: <Badge tone="green">In force</Badge>, scheduled: <Badge tone="indigo">Scheduled</Badge>, superseded: <Badge>Superseded</Badge> };

export default async function RateDeckVersionPage({ params, searchParams }: { params: Promise<{ deckId: string; versionId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaff();
  const { deckId, versionId } = await params;
  const query = parseDeckEntryQuery(await searchParams);
  const view = await orNotFound(getRateDeckVersionEntries(staff, { deckId, versionId, query }));
  const { deck, version, page } = view;
  const pathname = `/operator/rate-decks/${deck.id}/versions/${version.id}`;
  const searched = Boolean(query.q || query.kind);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/operator/rate-decks/${deck.id}`} className="font-medium text-indigo-800 underline">
          ← {deck.name}
        </Link>
      </p>
      <PageHeader
        title={`${deck.name}: version ${version.version}`}
        description={`${formatCount(version.entryCount)} rates in ${deck.currency}, effective from ${formatDateTime(version.effectiveFrom)}.${version.note ? ` ${version.note}` : ''}`}
        actions={
          <div className="flex flex-wrap items-center gap-3">
            {STATUS[view.status]}
            <a href={`${pathname}/export`} download className={buttonClass('secondary')}>
              Export CSV
            </a>
          </div>
        }
      />
      <div className="space-y-6">
        <Card title="Rates">
          <form method="get" role="search" aria-label="Search the rates" className="mb-4 grid items-start gap-3 sm:grid-cols-[2fr_1fr_auto]" noValidate>
            <TextField idPrefix="rates" label="Number, prefix, destination or country" name="q" defaultValue={query.q} maxLength={60} autoComplete="off" placeholder="+5255 1234 5678, 44, Mexico or MX" errors={query.fieldErrors.q} />
            <SelectField idPrefix="rates" label="Kind" name="kind" defaultValue={query.kind ?? ''}>
              <option value="">Both</option>
              <option value="termination">Termination</option>
              <option value="origination">Origination</option>
            </SelectField>
            <div className="flex gap-3 sm:pt-6">
              <button type="submit" className={buttonClass('secondary')}>
                Search
              </button>
              {searched ? (
                <Link href={pathname} className="self-center text-sm font-medium text-indigo-800 underline">
                  Clear
                </Link>
              ) : null}
            </div>
          </form>
          {query.digits ? (
            <p role="status" className="mb-4 rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm text-indigo-950">
              {page.match ? `A call to +${query.digits} is priced by ${matchSentence(page.match, deck.currency)}.` : `No rate of this version covers +${query.digits}: such a call would be stored unrated (no_rate).`}
            </p>
          ) : null}
          <RateEntriesTable
            rows={rateEntryRows(page.rows, deck.currency, page.match)}
            caption={searched ? `Rates matching “${query.q || query.kind}”` : `Rates of version ${version.version}`}
            empty={<EmptyState title={searched ? 'No rate matches' : 'This version has no rates'}>{searched ? 'Search by a number, a prefix, part of a destination, or a country code such as MX.' : undefined}</EmptyState>}
          />
          <Pager label="Pages of rates" page={page.page} pageSize={page.pageSize} total={page.total} rowCount={page.rows.length} noun={{ one: 'rate', many: 'rates' }} hrefFor={(target) => ratesHref(pathname, { q: query.q, kind: query.kind, page: target })} />
        </Card>
        <Card title="DID tiers" description="Monthly and one-time prices of numbers by country, in this version.">
          {view.didTiers.length === 0 ? (
            <p className="text-sm text-slate-600">None in this version.</p>
          ) : (
            <ul className="space-y-1 text-sm text-slate-800">
              {view.didTiers.map((tier) => (
                <li key={tier.tier}>{didTierLine(tier, deck.currency)}</li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
