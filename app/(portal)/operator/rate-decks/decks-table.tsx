'use client';

import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { useActionState } from 'react';
import { Badge } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** One deck as the staff list shows it, formatted on the server. */
export interface DeckRow {
  id: string;
  name: string;
  purpose: 'sell' | 'cost';
  connectionName: string | null;
  isDefault: boolean;
  currency: string;
  /** "v3 since 2026-12-01 00:00 UTC · 25,012 rates", or null when no version is in force yet. */
  inForce: string | null;
  upcoming: string | null;
  /** Sell decks: accounts it is assigned to directly. */
  assigned: string;
}

function MakeDefaultForm({ row, action }: { row: DeckRow; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="deckId" value={row.id} />
      <SubmitButton variant="secondary" pendingLabel="Saving…">
        Make default<span className="sr-only"> {row.name}</span>
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function DecksTable({ rows, caption, makeDefault }: { rows: DeckRow[]; caption: string; makeDefault: Action }) {
  const columns: ColumnDef<DeckRow>[] = [
    {
      id: 'name',
      header: 'Deck',
      cell: ({ row: { original: deck } }) => (
        <div className="space-y-1">
          <Link href={`/operator/rate-decks/${deck.id}`} className="break-words font-medium text-indigo-800 underline">
            {deck.name}
          </Link>
          <p className="flex flex-wrap items-center gap-1 text-xs text-slate-600">
            {deck.purpose === 'sell' ? <Badge tone="indigo">Sell</Badge> : <Badge>Cost</Badge>}
            {deck.isDefault ? <Badge tone="green">Default</Badge> : null}
            {deck.connectionName ? <span>what {deck.connectionName} charges</span> : null}
          </p>
        </div>
      ),
    },
    { id: 'currency', header: 'Currency', cell: ({ row }) => row.original.currency },
    { id: 'inForce', header: 'In force now', cell: ({ row }) => row.original.inForce ?? <span className="text-amber-800">No version yet: calls go unrated</span> },
    { id: 'upcoming', header: 'Scheduled', cell: ({ row }) => row.original.upcoming ?? '—' },
    { id: 'assigned', header: 'Assigned to', cell: ({ row }) => row.original.assigned },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original: deck } }) => (deck.purpose === 'sell' && !deck.isDefault ? <MakeDefaultForm row={deck} action={makeDefault} /> : null),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} cardTitle="name" />;
}
