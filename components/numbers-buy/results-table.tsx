'use client';

import Link from 'next/link';
import { useActionState, useEffect } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { NO_E911_BADGE, NO_E911_SUMMARY } from '@/components/e911/no-e911-copy';
import { Button } from '@/components/ui/button';
import { Badge } from '@/components/ui/card';
import { DataTable, type DataTableSort } from '@/components/ui/data-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { findPatternMatch, highlightParts } from '@/lib/number-pattern';

/** A row of the results: one number, or a whole consecutive block (bought together). */
export interface ResultRow {
  /** The number, or the block's first number. */
  id: string;
  /** What ticking the row selects: the number, or every number of the block. */
  numbers: string[];
  display: string;
  /** Blocks: the last number, displayed. */
  lastDisplay?: string;
  state?: string;
  rateCenter?: string;
  features: string;
  monthly: string;
  setup: string;
  /** Blocks: what the whole block costs. */
  monthlyTotal?: string;
  setupTotal?: string;
  e911: boolean;
  provider?: string;
  margin?: string;
}

/** What adding to the cart did: a refusal of some numbers is not styled as success. */
export type AddToCartState = ActionState<{ added: number; failed: number }>;

/** Ticked rows by id, with the numbers each stands for (rows on other result pages included). */
export type Selection = ReadonlyMap<string, readonly string[]>;

/** A number with the digits the search pattern matched marked, and the word they spell. */
export function HighlightedNumber({ e164, display, pattern }: { e164: string; display: string; pattern?: string }) {
  const national = e164.startsWith('+1') ? e164.slice(2) : undefined;
  const matches = pattern && national ? findPatternMatch(national, pattern) : null;
  if (!matches?.length) return <>{display}</>;
  const words = matches.flatMap((match) => (match.letters ? [match.letters] : []));
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-2">
      <span>
        {highlightParts(display, matches).map((part, index) =>
          part.matched ? (
            <mark key={index} className="rounded-sm bg-amber-200 px-0.5 text-slate-900">
              {part.text}
            </mark>
          ) : (
            <span key={index}>{part.text}</span>
          ),
        )}
      </span>
      {words.length ? (
        <span className="font-sans text-xs font-semibold tracking-wide text-indigo-900">
          <span className="sr-only">spells </span>
          {words.join(' ')}
        </span>
      ) : null}
    </span>
  );
}

function NoE911Badge() {
  return (
    <span title={NO_E911_SUMMARY}>
      <Badge tone="amber">{NO_E911_BADGE}</Badge>
    </span>
  );
}

function resultColumns({ showProvider, blocks, pattern }: { showProvider: boolean; blocks: boolean; pattern?: string }): ColumnDef<ResultRow>[] {
  const numberCell = (row: ResultRow) =>
    blocks ? (
      <span>
        {row.display} – {row.lastDisplay}
        <span className="block font-sans text-xs text-slate-600">{row.numbers.length} consecutive numbers</span>
      </span>
    ) : (
      <HighlightedNumber e164={row.id} display={row.display} pattern={pattern} />
    );
  const columns: ColumnDef<ResultRow>[] = [
    { id: 'number', header: blocks ? 'Block' : 'Number', meta: { className: 'whitespace-nowrap font-mono tabular-nums' }, cell: ({ row }) => numberCell(row.original) },
    { id: 'e911', header: 'E911', cell: ({ row }) => (row.original.e911 ? <span className="text-slate-700">Supported</span> : <NoE911Badge />) },
    { id: 'state', header: 'State', cell: ({ row }) => row.original.state ?? '—' },
    { id: 'rateCenter', header: 'Rate center', cell: ({ row }) => row.original.rateCenter ?? '—' },
    { id: 'monthly', header: blocks ? 'Monthly per number' : 'Monthly', meta: { numeric: true }, cell: ({ row }) => row.original.monthly },
    ...(blocks ? [{ id: 'monthlyTotal', header: 'Monthly, whole block', meta: { numeric: true }, cell: ({ row }) => row.original.monthlyTotal }] satisfies ColumnDef<ResultRow>[] : []),
    { id: 'setup', header: blocks ? 'One-time, whole block' : 'One-time', meta: { numeric: true }, cell: ({ row }) => (blocks ? row.original.setupTotal : row.original.setup) },
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

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * The results of one page with their ticks, and a bar that says what is ticked on every page of the
 * search ("3 selected"), stays in view while scrolling (also at 390 px), and adds it all to the cart.
 */
export function ResultsTable({
  searchId,
  rows,
  sort,
  showProvider,
  action,
  canBuy,
  blocks = false,
  pattern,
  selection,
  onSelectionChange,
}: {
  searchId: string;
  rows: ResultRow[];
  sort: DataTableSort;
  showProvider: boolean;
  action: (state: AddToCartState, formData: FormData) => Promise<AddToCartState>;
  canBuy: boolean;
  blocks?: boolean;
  pattern?: string;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
}) {
  const [state, formAction] = useActionState<AddToCartState, FormData>(action, { status: 'idle' });
  const partly = state.status === 'success' && (state.data?.failed ?? 0) > 0;
  const numbers = [...new Set([...selection.values()].flat())];
  const onPage = new Set(rows.map((row) => row.id));
  const elsewhere = [...selection.keys()].filter((id) => !onPage.has(id)).length;
  const unit = blocks ? 'block' : 'number';

  // What was added leaves the selection; a refusal keeps it so nothing ticked is lost.
  useEffect(() => {
    if (state.status === 'success') onSelectionChange(new Map());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);

  const setTicked = (ids: Set<string>) => {
    const next = new Map<string, readonly string[]>();
    for (const [id, members] of selection) if (ids.has(id) || !onPage.has(id)) next.set(id, members);
    for (const row of rows) if (ids.has(row.id)) next.set(row.id, row.numbers);
    for (const id of [...next.keys()]) if (onPage.has(id) && !ids.has(id)) next.delete(id);
    onSelectionChange(next);
  };

  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="searchId" value={searchId} />
      {numbers.map((e164) => (
        <input key={e164} type="hidden" name="numbers" value={e164} />
      ))}
      <DataTable
        rows={rows}
        columns={resultColumns({ showProvider, blocks, pattern })}
        getRowId={(row) => row.id}
        caption={blocks ? 'Available consecutive blocks' : 'Available numbers'}
        cardTitle="number"
        sort={sort}
        selection={
          canBuy
            ? {
                selected: new Set(selection.keys()),
                onChange: setTicked,
                allLabel: blocks ? 'Select every block on this page' : 'Select every number on this page',
                label: (row) => (blocks ? `Select the block ${row.display} to ${row.lastDisplay}` : `Select ${row.display}`),
              }
            : undefined
        }
      />
      {rows.some((row) => !row.e911) ? (
        <p className="text-xs text-slate-600">
          <Badge tone="amber">{NO_E911_BADGE}</Badge> {NO_E911_SUMMARY}
        </p>
      ) : null}
      {canBuy ? (
        <div
          className={
            selection.size > 0
              ? 'sticky bottom-0 z-10 -mx-5 flex flex-wrap items-center gap-x-3 gap-y-2 border-t border-indigo-200 bg-indigo-50 px-5 py-3 shadow-[0_-2px_6px_rgba(15,23,42,0.08)]'
              : 'flex flex-wrap items-center gap-3'
          }
          aria-label="Selection"
          role="group"
        >
          <p role="status" aria-live="polite" className="text-sm font-medium text-slate-900">
            {selection.size > 0 ? (
              <>
                {plural(selection.size, unit)} selected
                {blocks ? <span className="font-normal text-slate-700"> ({plural(numbers.length, 'number')})</span> : null}
                {elsewhere > 0 ? <span className="font-normal text-slate-700"> · {elsewhere} on other pages</span> : null}
              </>
            ) : (
              <span className="font-normal text-slate-600">Tick {blocks ? 'blocks' : 'numbers'} on any page of the results, then add them to your cart.</span>
            )}
          </p>
          {selection.size > 0 ? (
            <Button type="button" variant="secondary" onClick={() => onSelectionChange(new Map())}>
              Clear selection
            </Button>
          ) : null}
          <SubmitButton pendingLabel="Adding…" disabled={numbers.length === 0}>
            {numbers.length ? `Add ${numbers.length} to cart` : 'Add to cart'}
          </SubmitButton>
          <FormMessage state={partly ? { status: 'idle' } : state} />
          {partly && state.status === 'success' ? (
            <p role="alert" className="basis-full rounded-md border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
              {state.message}
            </p>
          ) : null}
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
