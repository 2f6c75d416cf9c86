'use client';

import { startTransition, useActionState, useId, useState, type FormEvent } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { SelectableNumberTable, useNumberSelection, type NumberColumn } from '@/components/numbers/selectable-number-table';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';
import { E911StatusBadge, type E911NumberStatus } from './status-badge';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Asked before a change that leaves numbers without an emergency address (plain strings: it comes from a Server Component). */
export interface BulkConfirmation {
  /** `{numbers}` becomes the count ticked: "Unassign {numbers} from 1 Main St?". */
  title: string;
  description: string;
  consequence: string;
}

const countOf = (count: number) => `${count} number${count === 1 ? '' : 's'}`;

export interface E911BulkRow {
  id: string;
  /** As shown: +1 312-555-0100. */
  number: string;
  status: E911NumberStatus;
  detail?: string;
  /** The carrier's own words on a failed registration: operator staff only. */
  staffDetail?: string;
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
  confirm,
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
  confirm?: BulkConfirmation;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const selection = useNumberSelection(rows);
  const { chosen } = selection;
  const [chosenAddress, setChosenAddress] = useState('');
  const [problem, setProblem] = useState<{ field: 'addressId' | 'numberIds'; message: string } | null>(null);
  const [confirming, setConfirming] = useState<FormData | null>(null);
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    setConfirming(null);
  }
  const id = useId();
  const columns: NumberColumn<E911BulkRow>[] = [{ header: 'Emergency address status', cell: (row) => <E911StatusBadge status={row.status} detail={row.detail} staffDetail={row.staffDetail} /> }];
  if (showAddress) columns.push({ header: 'Address', cell: (row) => row.address ?? 'None' });

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
    if (confirm) return setConfirming(formData);
    startTransition(() => formAction(formData));
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label={caption}>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-700">{emptyText}</p>
      ) : (
        <SelectableNumberTable rows={rows} caption={caption} selection={selection} columns={columns} disabled={disabled} linkNumbers maxHeight="max-h-[32rem]" />
      )}
      {rows.length === 0 ? null : (
        <div className="flex flex-wrap items-end gap-3">
          {addressId ? null : (
            <div className="min-w-0 max-w-full">
              <label htmlFor={`${id}-address`} className="mb-1 block text-sm font-medium text-slate-800">
                Emergency address
              </label>
              <select
                id={`${id}-address`}
                value={chosenAddress}
                onChange={(event) => setChosenAddress(event.target.value)}
                disabled={disabled}
                className="block w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 aria-[invalid=true]:border-red-700"
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
      {confirm ? (
        <ConfirmDialog
          open={confirming !== null}
          onOpenChange={(open) => (open ? undefined : setConfirming(null))}
          title={confirm.title.replace('{numbers}', countOf(chosen.length))}
          description={confirm.description}
          consequence={confirm.consequence}
          confirmLabel={`Yes, ${verb.toLowerCase()} ${countOf(chosen.length)}`}
          pendingLabel={pendingLabel}
          pending={pending}
          onConfirm={() => {
            const formData = confirming;
            if (formData) startTransition(() => formAction(formData));
          }}
          closeOn={state}
        />
      ) : null}
    </form>
  );
}
