'use client';

import { useActionState } from 'react';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/** The idempotency key is minted when the page renders: a double click or a retry is one order. */
export function PlaceOrderForm({
  idempotencyKey,
  dueNow,
  disabled,
  action,
  trunkGroups,
  e911Addresses,
}: {
  idempotencyKey: string;
  dueNow: string;
  disabled: boolean;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  trunkGroups: { id: string; name: string }[];
  e911Addresses: { id: string; label: string }[];
}) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {trunkGroups.length > 0 ? (
        <SelectField idPrefix="checkout" label="Route the new numbers to" name="trunkGroupRef" defaultValue="" errors={errors?.trunkGroupRef} hint="You can change routing later from My numbers or the trunk group.">
          <option value="">No trunk group yet (the carrier&apos;s default)</option>
          {trunkGroups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {e911Addresses.length > 0 ? (
        <SelectField idPrefix="checkout" label="Emergency address (e911)" name="e911AddressRef" defaultValue="" errors={errors?.e911AddressRef} hint="Registered on each new number with its carrier once the number is yours.">
          <option value="">None yet (register on the E911 page later)</option>
          {e911Addresses.map((address) => (
            <option key={address.id} value={address.id}>
              {address.label}
            </option>
          ))}
        </SelectField>
      ) : null}
      <SubmitButton pendingLabel="Placing order…" disabled={disabled}>
        Place order · {dueNow} now
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
