import type { Metadata } from 'next';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount, formatDateTime } from '@/lib/format';
import { listRateDecks } from '@/lib/services/rate-decks';
import { createRateDeckAction, makeDefaultRateDeckAction } from './actions';
import { CreateDeckForm } from './create-deck-form';
import { DecksTable, type DeckRow } from './decks-table';

export const metadata: Metadata = { title: 'Rate decks' };
export const dynamic = 'force-dynamic';

export default async function RateDecksPage() {
  const staff = await requireStaff();
  const { decks, connections } = await listRateDecks(staff);
  const rows: DeckRow[] = decks.map((deck) => ({
    id: deck.id,
    name: deck.name,
    purpose: deck.purpose,
    connectionName: deck.connectionName,
    isDefault: deck.isDefault,
    currency: deck.currency,
    inForce: deck.current ? `v${deck.current.version} since ${formatDateTime(deck.current.effectiveFrom)} · ${formatCount(deck.current.entryCount)} rates` : null,
    upcoming: deck.upcoming ? `v${deck.upcoming.version} from ${formatDateTime(deck.upcoming.effectiveFrom)}` : null,
    assigned: deck.purpose === 'cost' ? '—' : deck.isDefault ? `Default${deck.assignedCount ? ` + ${formatCount(deck.assignedCount)} accounts` : ''}` : deck.assignedCount ? `${formatCount(deck.assignedCount)} account${deck.assignedCount === 1 ? '' : 's'}` : 'Nobody yet',
  }));
  const sell = rows.filter((row) => row.purpose === 'sell');
  const cost = rows.filter((row) => row.purpose === 'cost');
  const missingCost = connections.filter((connection) => !connection.hasCostDeck);
  const hasDefault = sell.some((row) => row.isDefault);

  return (
    <>
      <PageHeader
        title="Rate decks"
        description="Per-minute prices by E.164 prefix. Sell decks price customers’ calls (assigned to an account, inherited by its sub-accounts, or the default); cost decks are what each upstream charges, for margins. A deck changes only by publishing a new version from a CSV file, previewed first."
      />
      <div className="space-y-6">
        {!hasDefault ? (
          <div role="note" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            No default sell deck: the calls of accounts without an assigned deck are stored unrated. Make a sell deck the default below.
          </div>
        ) : null}
        <Card title="Sell decks" description="What customers pay. The default prices every account that has no deck of its own or above it.">
          {sell.length === 0 ? <EmptyState title="No sell decks yet">Create one below, then import its rates from a CSV file.</EmptyState> : <DecksTable rows={sell} caption="Sell decks" makeDefault={makeDefaultRateDeckAction} />}
        </Card>
        <Card title="Cost decks" description="What each upstream connection charges the carrier: every call is costed against its connection’s deck, for margins.">
          {cost.length === 0 ? <EmptyState title="No cost decks yet">Create one per upstream connection below.</EmptyState> : <DecksTable rows={cost} caption="Cost decks" makeDefault={makeDefaultRateDeckAction} />}
          {missingCost.length > 0 ? <p className="mt-3 text-sm text-slate-600">{`Without a cost deck, so their calls have no cost: ${missingCost.map((connection) => connection.name).join(', ')}.`}</p> : null}
        </Card>
        <Card title="New deck" description="Starts empty: its first version comes from a CSV file on the deck’s page.">
          <CreateDeckForm action={createRateDeckAction} connections={connections.map((connection) => ({ id: connection.id, label: connection.name, hasCostDeck: connection.hasCostDeck }))} />
        </Card>
      </div>
    </>
  );
}
