import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui/card';
import { TextField } from '@/components/ui/field';
import { requireStaff } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCount, formatDateTime } from '@/lib/format';
import { describeAccountDecks, getRateDeckOverview } from '@/lib/services/rate-decks';
import { listCustomerAccounts } from '@/lib/services/staff-accounts';
import { firstParam } from '@/lib/validations/common';
import { parseStaffAccountsQuery } from '@/lib/validations/staff-accounts';
import { assignRateDeckAction, unassignRateDeckAction } from '../actions';
import { AssignedTable, CandidatesTable, type CandidateRow } from './assignment-parts';
import { ImportPanel } from './import-panel';
import { VersionsTable, type VersionRow } from './versions-table';

export const metadata: Metadata = { title: 'Rate deck' };
export const dynamic = 'force-dynamic';

type SearchParams = Record<string, string | string[] | undefined>;

const SOURCE_WORDS = { own: 'its own', inherited: 'inherited', default: 'the default', none: 'none' } as const;

export default async function RateDeckPage({ params, searchParams }: { params: Promise<{ deckId: string }>; searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff();
  const { deckId } = await params;
  const overview = await orNotFound(getRateDeckOverview(staff, deckId));
  const { deck } = overview;
  const raw = await searchParams;
  const accountQuery = parseStaffAccountsQuery({ q: firstParam(raw, 'account') });
  const found = deck.purpose === 'sell' && accountQuery.q ? await listCustomerAccounts(staff, { ...accountQuery, page: 1 }) : undefined;
  const candidates: CandidateRow[] = found
    ? (await describeAccountDecks(staff, found.rows.map((row) => ({ id: row.id, name: row.name, namePath: row.namePath })))).map((account) => ({
        accountId: account.id,
        name: account.name,
        where: account.path.length > 1 ? `Sub-account of ${account.path.slice(0, -1).join(' › ')}` : 'Top-level account',
        current: account.deck.name ? `${account.deck.name} (${SOURCE_WORDS[account.deck.source]}${account.deck.source === 'inherited' && account.deck.fromAccountName ? ` from ${account.deck.fromAccountName}` : ''})` : 'No deck: its calls go unrated',
        hasThisDeck: account.deck.id === deck.id && account.deck.source === 'own',
      }))
    : [];
  const versions: VersionRow[] = overview.versions.map((version) => ({
    id: version.id,
    version: version.version,
    effectiveFrom: formatDateTime(version.effectiveFrom),
    status: version.status,
    rates: formatCount(version.entryCount),
    published: `${formatDateTime(version.createdAt)}${version.createdBy ? ` by ${version.createdBy}` : ''}`,
    note: version.note ?? '',
    href: `/operator/rate-decks/${deck.id}/versions/${version.id}`,
    exportHref: `/operator/rate-decks/${deck.id}/versions/${version.id}/export`,
  }));

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/operator/rate-decks" className="font-medium text-indigo-800 underline">
          ← Rate decks
        </Link>
      </p>
      <PageHeader
        title={deck.name}
        description={
          deck.purpose === 'sell'
            ? `A sell deck in ${deck.currency}: it prices the calls of the accounts it is assigned to and of their sub-accounts that have no deck of their own${deck.isDefault ? ', and, as the default, of every account without an assigned deck' : ''}.`
            : `A cost deck in ${deck.currency}: what ${deck.connectionName ?? 'its connection'} charges the carrier per minute. Every call over that connection is costed against it.`
        }
        actions={
          <div className="flex flex-wrap gap-2">
            {deck.purpose === 'sell' ? <Badge tone="indigo">Sell</Badge> : <Badge>Cost</Badge>}
            {deck.isDefault ? <Badge tone="green">Default</Badge> : null}
          </div>
        }
      />
      <div className="space-y-6">
        <Card
          title="Versions"
          description={
            deck.current
              ? `Version ${deck.current.version} is in force since ${formatDateTime(deck.current.effectiveFrom)}${deck.upcoming ? `; version ${deck.upcoming.version} takes over ${formatDateTime(deck.upcoming.effectiveFrom)}` : ''}. A call is priced by the version in force at its INVITE.`
              : 'No version in force yet: calls this deck would price are stored unrated until one is.'
          }
        >
          {versions.length === 0 ? <EmptyState title="No versions yet">Import the first one from a CSV file below.</EmptyState> : <VersionsTable rows={versions} />}
        </Card>

        <Card title="Import a new version" description="Preview what the file changes against the version in force, then publish it. Nothing is written until you publish; a file with any bad row cannot be published.">
          <ImportPanel deckId={deck.id} deckName={deck.name} currency={deck.currency} />
        </Card>

        {deck.purpose === 'sell' ? (
          <Card title="Accounts" description="An assignment prices the account and every sub-account below it that has no assignment of its own. The account must bill in the deck’s currency.">
            <div className="space-y-6">
              <section aria-label="Assigned to" className="space-y-2">
                <h3 className="text-sm font-semibold text-slate-900">Assigned to</h3>
                {overview.assignments.length === 0 ? (
                  <p className="text-sm text-slate-600">{deck.isDefault ? 'No account has it assigned; as the default it prices every account without a deck.' : 'No account yet: assign it below.'}</p>
                ) : (
                  <AssignedTable
                    rows={overview.assignments.map((assignment) => ({ accountId: assignment.accountId, name: assignment.name, assigned: `${formatDateTime(assignment.assignedAt)}${assignment.assignedBy ? ` by ${assignment.assignedBy}` : ''}` }))}
                    unassign={unassignRateDeckAction}
                  />
                )}
              </section>
              <section aria-label="Inherited by" className="space-y-2">
                <h3 className="text-sm font-semibold text-slate-900">{`Inherited by ${formatCount(overview.inheriting.total)} account${overview.inheriting.total === 1 ? '' : 's'}`}</h3>
                {overview.inheriting.total === 0 ? (
                  <p className="text-sm text-slate-600">No account inherits it.</p>
                ) : (
                  <ul className="grid gap-1 text-sm text-slate-800 sm:grid-cols-2">
                    {overview.inheriting.rows.map((account) => (
                      <li key={account.accountId} className="break-words">
                        {account.name} <span className="text-slate-600">{account.fromAccountName ? `from ${account.fromAccountName}` : 'as the default'}</span>
                      </li>
                    ))}
                  </ul>
                )}
                {overview.inheriting.total > overview.inheriting.rows.length ? <p className="text-xs text-slate-600">{`The first ${formatCount(overview.inheriting.rows.length)} are listed.`}</p> : null}
              </section>
              <section aria-label="Assign to an account" className="space-y-3">
                <h3 className="text-sm font-semibold text-slate-900">Assign to an account</h3>
                <form method="get" role="search" aria-label="Find an account" className="flex flex-wrap items-start gap-3" noValidate>
                  <TextField idPrefix="assign" label="Account name or id" name="account" defaultValue={accountQuery.q} maxLength={100} autoComplete="off" placeholder="Acme, or 3f2a…" errors={accountQuery.fieldErrors.q} className="min-w-0 flex-1 sm:max-w-sm" />
                  <button type="submit" className={buttonClass('secondary', 'sm:mt-6')}>
                    Find
                  </button>
                </form>
                {found && candidates.length === 0 ? <p className="text-sm text-slate-600">No account matches: search by part of the name, or paste the whole id.</p> : null}
                {candidates.length > 0 ? <CandidatesTable rows={candidates} deckId={deck.id} deckName={deck.name} assign={assignRateDeckAction} /> : null}
                {found && found.total > found.rows.length ? <p className="text-xs text-slate-600">{`${formatCount(found.total)} accounts match; the first ${formatCount(found.rows.length)} are shown. Search more precisely for others.`}</p> : null}
              </section>
            </div>
          </Card>
        ) : null}
      </div>
    </>
  );
}
