'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { useActionState } from 'react';
import { DataTable } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface AssignedRow {
  accountId: string;
  name: string;
  assigned: string;
}

export interface CandidateRow {
  accountId: string;
  name: string;
  /** "Sub-account of Acme Telecom" or "Top-level account". */
  where: string;
  /** "Standard 2026 (default)", "Acme special (inherited from Acme Telecom)". */
  current: string;
  /** Already priced by this deck through its own assignment. */
  hasThisDeck: boolean;
}

function RowForm({ fields, action, label, pendingLabel, variant }: { fields: Record<string, string>; action: Action; label: React.ReactNode; pendingLabel: string; variant: 'primary' | 'secondary' }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** The accounts a deck is assigned to, each with a way back to inheriting. */
export function AssignedTable({ rows, unassign }: { rows: AssignedRow[]; unassign: Action }) {
  const columns: ColumnDef<AssignedRow>[] = [
    { id: 'name', header: 'Account', meta: { className: 'break-words' }, cell: ({ row }) => row.original.name },
    { id: 'assigned', header: 'Assigned', cell: ({ row }) => row.original.assigned },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original } }) => (
        <RowForm
          fields={{ accountId: original.accountId }}
          action={unassign}
          variant="secondary"
          pendingLabel="Removing…"
          label={
            <>
              Inherit instead<span className="sr-only"> for {original.name}</span>
            </>
          }
        />
      ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.accountId} caption="Accounts this deck is assigned to" cardTitle="name" />;
}

/** Accounts found by the search, with the deck that prices each now, and a button to assign this one. */
export function CandidatesTable({ rows, deckId, deckName, assign }: { rows: CandidateRow[]; deckId: string; deckName: string; assign: Action }) {
  const columns: ColumnDef<CandidateRow>[] = [
    {
      id: 'name',
      header: 'Account',
      cell: ({ row }) => (
        <div>
          <p className="break-words font-medium text-slate-900">{row.original.name}</p>
          <p className="text-xs text-slate-600">{row.original.where}</p>
        </div>
      ),
    },
    { id: 'current', header: 'Priced now by', meta: { className: 'break-words' }, cell: ({ row }) => row.original.current },
    {
      id: 'actions',
      header: 'Actions',
      meta: { actions: true },
      cell: ({ row: { original } }) =>
        original.hasThisDeck ? (
          <span className="text-sm text-slate-600">Has this deck</span>
        ) : (
          <RowForm
            fields={{ accountId: original.accountId, deckId }}
            action={assign}
            variant="primary"
            pendingLabel="Assigning…"
            label={
              <>
                Assign<span className="sr-only"> “{deckName}” to {original.name}</span>
              </>
            }
          />
        ),
    },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.accountId} caption="Accounts found" cardTitle="name" />;
}
