'use client';

import { useActionState } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { BulkNumbersForm } from './bulk-numbers-form';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

export interface E911AddressOption {
  id: string;
  label: string;
}

/** "Set emergency address" for the numbers ticked in the My numbers table. */
export function SetE911AddressForm({ formId, selectionFormId, addresses, action }: { formId: string; selectionFormId: string; addresses: E911AddressOption[]; action: Action }) {
  return (
    <BulkNumbersForm
      formId={formId}
      selectionFormId={selectionFormId}
      field={{ name: 'addressId', label: 'Emergency address for selected numbers', placeholder: 'Choose an address', options: addresses, missing: 'Choose the emergency address to register the numbers at.' }}
      submitLabel="Set emergency address"
      pendingLabel="Registering…"
      nothingTicked="Tick the numbers to register first."
      ariaLabel="Set the emergency address of selected numbers"
      help={{ text: 'Tick numbers in the table, choose an address, and register them.', href: '/e911', link: 'Manage emergency addresses' }}
      action={action}
    />
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
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = `e911-remove-${numberId}`;
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="numberId" value={numberId} />
      <ConfirmDialog
        trigger={{ label: 'Remove…', variant: 'secondary' }}
        title="Remove this number’s emergency address?"
        description="Its registration is removed on the carrier."
        consequence="911 calls from this number carry no address until you register it at another one."
        confirmLabel="Yes, remove the registration"
        pendingLabel="Removing…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
    </form>
  );
}
