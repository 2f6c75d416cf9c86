'use client';

import Link from 'next/link';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface E911AddressOption {
  id: string;
  label: string;
}

const rowBoxes = (selectionFormId: string) => [...document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="numberIds"][form="${selectionFormId}"]`)];

/**
 * "Set emergency address" for the numbers ticked in the table. The row checkboxes belong to
 * `selectionFormId` (the "Route to trunk group" form when there is one, else this form), so the
 * ticked ids are gathered from the page on submit. A failed submit keeps the selection.
 */
export function SetE911AddressForm({ formId, selectionFormId, addresses, action }: { formId: string; selectionFormId: string; addresses: E911AddressOption[]; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (state.status !== 'success') return;
    formRef.current?.reset();
    for (const box of rowBoxes(selectionFormId)) box.checked = false;
    for (const box of document.querySelectorAll<HTMLInputElement>('input[type="checkbox"][aria-label^="Select every number"]')) box.checked = false;
  }, [state, selectionFormId]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const addressId = new FormData(event.currentTarget).get('addressId');
    if (!addressId) return setProblem('Choose the emergency address to register the numbers at.');
    const numberIds = rowBoxes(selectionFormId)
      .filter((box) => box.checked)
      .map((box) => box.value);
    if (numberIds.length === 0) return setProblem('Tick the numbers to register first.');
    setProblem(null);
    const formData = new FormData();
    formData.set('addressId', String(addressId));
    formData.set('numberIds', numberIds.join(','));
    startTransition(() => formAction(formData));
  };

  const fieldError = state.status === 'error' ? (state.fieldErrors?.numberIds?.[0] ?? state.fieldErrors?.addressId?.[0]) : undefined;
  const message = problem ?? fieldError;

  return (
    <form id={formId} ref={formRef} onSubmit={onSubmit} className="mb-4 flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-slate-50 p-3" noValidate aria-label="Set the emergency address of selected numbers">
      <div>
        <label htmlFor={`${formId}-address`} className="mb-1 block text-sm font-medium text-slate-800">
          Emergency address for selected numbers
        </label>
        <select
          id={`${formId}-address`}
          name="addressId"
          defaultValue=""
          className="block max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900"
          aria-describedby={`${formId}-error`}
          aria-invalid={message ? true : undefined}
        >
          <option value="" disabled>
            Choose an address
          </option>
          {addresses.map((address) => (
            <option key={address.id} value={address.id}>
              {address.label}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="secondary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Registering…' : 'Set emergency address'}
      </Button>
      <div className="min-w-0 flex-1">
        <p id={`${formId}-error`} aria-live="polite" className="text-sm text-red-700">
          {message}
        </p>
        {message ? null : <FormMessage state={state} />}
      </div>
      <p className="w-full text-xs text-slate-600">
        Tick numbers in the table, choose an address, and register them.{' '}
        <Link href="/e911" className="text-indigo-800 underline">
          Manage emergency addresses
        </Link>
      </p>
    </form>
  );
}

/** On a number's page: register the number at one of the account's addresses. */
export function AssignNumberE911Form({ numberId, addresses, currentAddressId, action }: { numberId: string; addresses: E911AddressOption[]; currentAddressId?: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const echoed = state.status === 'error' ? state.values?.addressId : undefined;
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="numberIds" value={numberId} />
      <SelectField idPrefix={`e911-${numberId}`} label="Emergency address" name="addressId" defaultValue={echoed ?? currentAddressId ?? ''} errors={errors?.addressId ?? errors?.numberIds} required>
        <option value="" disabled>
          Choose an address
        </option>
        {addresses.map((address) => (
          <option key={address.id} value={address.id}>
            {address.label}
          </option>
        ))}
      </SelectField>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Registering…">Set emergency address</SubmitButton>
    </form>
  );
}

/** On a number's page: remove the registration, leaving the number without an address. */
export function RemoveNumberE911Form({ numberId, action }: { numberId: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="numberId" value={numberId} />
      <SubmitButton variant="secondary" pendingLabel="Removing…">
        Remove
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
