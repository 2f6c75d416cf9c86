'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable, type DataTableSort } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

export interface ResultRow {
  e164: string;
  display: string;
  state?: string;
  rateCenter?: string;
  features: string;
  monthly: string;
  setup: string;
  provider?: string;
  margin?: string;
}

function resultColumns(showProvider: boolean): ColumnDef<ResultRow>[] {
  const columns: ColumnDef<ResultRow>[] = [
    { id: 'number', header: 'Number', meta: { className: 'whitespace-nowrap font-mono tabular-nums' }, cell: ({ row }) => row.original.display },
    { id: 'state', header: 'State', cell: ({ row }) => row.original.state ?? '—' },
    { id: 'rateCenter', header: 'Rate center', cell: ({ row }) => row.original.rateCenter ?? '—' },
    { id: 'monthly', header: 'Monthly', meta: { numeric: true }, cell: ({ row }) => row.original.monthly },
    { id: 'setup', header: 'One-time', meta: { numeric: true }, cell: ({ row }) => row.original.setup },
    { id: 'features', header: 'Features', meta: { className: 'text-xs text-slate-700' }, cell: ({ row }) => row.original.features },
  ];
  if (showProvider) {
    columns.push(
      { id: 'provider', header: 'Upstream', meta: { className: 'text-xs' }, cell: ({ row }) => row.original.provider },
      { id: 'margin', header: 'Margin / mo', meta: { numeric: true, className: 'text-xs' }, cell: ({ row }) => row.original.margin ?? 'no cost on file' },
    );
  }
  return columns;
}

export function ResultsTable({ searchId, rows, sort, showProvider, action, canBuy }: { searchId: string; rows: ResultRow[]; sort: DataTableSort; showProvider: boolean; action: (state: ActionState, formData: FormData) => Promise<ActionState>; canBuy: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="searchId" value={searchId} />
      {[...selected].map((e164) => (
        <input key={e164} type="hidden" name="numbers" value={e164} />
      ))}
      <DataTable
        rows={rows}
        columns={resultColumns(showProvider)}
        getRowId={(row) => row.e164}
        caption="Available numbers"
        cardTitle="number"
        sort={sort}
        selection={canBuy ? { selected, onChange: setSelected, allLabel: 'Select every number on this page', label: (row) => `Select ${row.display}` } : undefined}
      />
      {canBuy ? (
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Adding…" disabled={selected.size === 0}>
            Add {selected.size || ''} to cart
          </SubmitButton>
          <FormMessage state={state} />
          {state.status === 'success' ? (
            <Link href="/numbers/cart" className="text-sm font-medium text-indigo-800 underline">
              Go to cart
            </Link>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
