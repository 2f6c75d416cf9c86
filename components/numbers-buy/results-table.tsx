'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
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

export interface SortLink {
  key: string;
  label: string;
  href: string;
  active: boolean;
  dir: 'asc' | 'desc';
  numeric?: boolean;
}

export function ResultsTable({ searchId, rows, columns, showProvider, action, canBuy }: { searchId: string; rows: ResultRow[]; columns: SortLink[]; showProvider: boolean; action: (state: ActionState, formData: FormData) => Promise<ActionState>; canBuy: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (e164: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(e164)) next.delete(e164);
    else next.add(e164);
    return next;
  });
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.e164));
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="searchId" value={searchId} />
      {[...selected].map((e164) => (
        <input key={e164} type="hidden" name="numbers" value={e164} />
      ))}
      <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Available numbers, scrollable">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Available numbers</caption>
          <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
            <tr>
              <th scope="col" className="w-10 py-2">
                {canBuy ? (
                  <input
                    type="checkbox"
                    aria-label="Select every number on this page"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.e164)))}
                  />
                ) : null}
              </th>
              {columns.map((column) => (
                <th key={column.key} scope="col" className={`py-2 ${column.numeric ? 'text-right' : ''}`} aria-sort={column.active ? (column.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                  <Link href={column.href} className="hover:underline">
                    {column.label}
                    {column.active ? (column.dir === 'asc' ? ' ↑' : ' ↓') : ''}
                  </Link>
                </th>
              ))}
              <th scope="col" className="py-2">Features</th>
              {showProvider ? (
                <>
                  <th scope="col" className="py-2">Upstream</th>
                  <th scope="col" className="py-2 text-right">Margin / mo</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.e164} className="border-b border-slate-100 last:border-0">
                <td className="py-2">
                  {canBuy ? <input type="checkbox" aria-label={`Select ${row.display}`} checked={selected.has(row.e164)} onChange={() => toggle(row.e164)} /> : null}
                </td>
                <td className="py-2 font-mono tabular-nums">{row.display}</td>
                <td className="py-2">{row.state ?? '—'}</td>
                <td className="py-2">{row.rateCenter ?? '—'}</td>
                <td className="py-2 text-right tabular-nums">{row.monthly}</td>
                <td className="py-2 text-right tabular-nums">{row.setup}</td>
                <td className="py-2 text-xs text-slate-700">{row.features}</td>
                {showProvider ? (
                  <>
                    <td className="py-2 text-xs">{row.provider}</td>
                    <td className="py-2 text-right text-xs tabular-nums">{row.margin ?? 'no cost on file'}</td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
