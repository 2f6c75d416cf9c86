'use client';

import Link from 'next/link';
import { startTransition, useActionState, useId, useState, type FormEvent } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';
import { E911StatusBadge, type E911NumberStatus } from './status-badge';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface E911BulkRow {
  id: string;
  /** As shown: +1 312-555-0100. */
  number: string;
  status: E911NumberStatus;
  detail?: string;
  /** The address the number uses now, in words (coverage list). */
  address?: string;
}

/**
 * A table of numbers with checkboxes and one submit for the ticked ones: register them at an
 * address (fixed, or chosen from the address book) or release them from it. A failed submit keeps
 * the selection; numbers that leave the list drop out of it.
 */
export function E911NumberBulkForm({
  rows,
  action,
  caption,
  verb,
  pendingLabel,
  emptyText,
  addressId,
  addresses,
  variant = 'primary',
  showAddress,
  disabled,
}: {
  rows: E911BulkRow[];
  action: Action;
  caption: string;
  /** "Register" → "Register 2 numbers". */
  verb: string;
  pendingLabel: string;
  emptyText: string;
  /** The address the action is about; absent: the user picks one from `addresses`. */
  addressId?: string;
  addresses?: { id: string; label: string }[];
  variant?: ButtonVariant;
  showAddress?: boolean;
  disabled?: boolean;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [chosenAddress, setChosenAddress] = useState('');
  const [problem, setProblem] = useState<{ field: 'addressId' | 'numberIds'; message: string } | null>(null);
  const id = useId();
  const ids = new Set(rows.map((row) => row.id));
  const chosen = [...selected].filter((rowId) => ids.has(rowId));
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));
  const toggle = (rowId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(rowId)) next.delete(rowId);
      else next.add(rowId);
      return next;
    });

  const serverErrors = state.status === 'error' ? state.fieldErrors : undefined;
  const addressError = problem?.field === 'addressId' ? problem.message : serverErrors?.addressId?.[0];
  const numbersError = problem?.field === 'numberIds' ? problem.message : serverErrors?.numberIds?.[0];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const target = addressId ?? chosenAddress;
    if (!target) return setProblem({ field: 'addressId', message: 'Choose the address to register the numbers at.' });
    if (chosen.length === 0) return setProblem({ field: 'numberIds', message: 'Tick the numbers first.' });
    setProblem(null);
    const formData = new FormData();
    formData.set('addressId', target);
    formData.set('numberIds', chosen.join(','));
    startTransition(() => formAction(formData));
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label={caption}>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-700">{emptyText}</p>
      ) : (
        <div className="max-h-[32rem] overflow-auto" tabIndex={0} role="region" aria-label={`${caption}, scrollable`}>
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{caption}</caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="w-10 py-2">
                  <input
                    type="checkbox"
                    aria-label={`Select every number in ${caption.toLowerCase()}`}
                    checked={allSelected}
                    disabled={disabled}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
                  />
                </th>
                <th scope="col" className="py-2 pr-3">
                  Number
                </th>
                <th scope="col" className="py-2 pr-3">
                  Emergency address status
                </th>
                {showAddress ? (
                  <th scope="col" className="py-2">
                    Address
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-b border-slate-100 align-top last:border-0">
                  <td className="py-2">
                    <input type="checkbox" aria-label={`Select ${row.number}`} checked={selected.has(row.id)} disabled={disabled} onChange={() => toggle(row.id)} />
                  </td>
                  <th scope="row" className="py-2 pr-3 font-normal">
                    <Link href={`/numbers/${row.id}`} className="whitespace-nowrap tabular-nums text-indigo-800 hover:underline">
                      {row.number}
                    </Link>
                  </th>
                  <td className="py-2 pr-3">
                    <E911StatusBadge status={row.status} detail={row.detail} />
                  </td>
                  {showAddress ? <td className="py-2 text-slate-700">{row.address ?? 'None'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length === 0 ? null : (
        <div className="flex flex-wrap items-end gap-3">
          {addressId ? null : (
            <div>
              <label htmlFor={`${id}-address`} className="mb-1 block text-sm font-medium text-slate-800">
                Emergency address
              </label>
              <select
                id={`${id}-address`}
                value={chosenAddress}
                onChange={(event) => setChosenAddress(event.target.value)}
                disabled={disabled}
                className="block max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 aria-[invalid=true]:border-red-700"
                aria-invalid={addressError ? true : undefined}
                aria-describedby={`${id}-address-error`}
              >
                <option value="" disabled>
                  Choose an address
                </option>
                {(addresses ?? []).map((address) => (
                  <option key={address.id} value={address.id}>
                    {address.label}
                  </option>
                ))}
              </select>
              <p id={`${id}-address-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
                {addressError}
              </p>
            </div>
          )}
          <Button type="submit" variant={variant} disabled={pending || disabled} aria-disabled={pending || disabled} aria-describedby={`${id}-numbers-error`}>
            {pending ? pendingLabel : chosen.length ? `${verb} ${chosen.length} number${chosen.length === 1 ? '' : 's'}` : `${verb} selected numbers`}
          </Button>
        </div>
      )}
      <p id={`${id}-numbers-error`} aria-live="polite" className="text-sm text-red-700">
        {numbersError}
      </p>
      {numbersError || addressError ? null : <FormMessage state={state} />}
    </form>
  );
}
