'use client';

import { useActionState } from 'react';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

/** The idempotency key is minted when the page renders: a double click or a retry is one order. */
export function PlaceOrderForm({
  accountId,
  idempotencyKey,
  numbers,
  dueNow,
  disabled,
  action,
  trunkGroups,
  e911Addresses,
  noE911,
}: {
  accountId: string;
  idempotencyKey: string;
  /** The E.164 numbers the page shows: the order buys exactly these. */
  numbers: readonly string[];
  dueNow: string;
  disabled: boolean;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  trunkGroups: { id: string; name: string }[];
  e911Addresses: { id: string; label: string }[];
  /** Numbers whose carrier cannot register an emergency address: `e164` is sent, `label` is shown. */
  noE911: { e164: string; label: string }[];
}) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const values = state.status === 'error' ? state.values : undefined;
  const confirms = noE911.map((number) => number.e164).join(',');
  const confirmErrors = errors?.acknowledgedNoE911;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <input type="hidden" name="expectNumbers" value={numbers.join(',')} />
      {trunkGroups.length > 0 ? (
        <SelectField idPrefix="checkout" label="Route the new numbers to" name="trunkGroupRef" defaultValue={values?.trunkGroupRef ?? ''} errors={errors?.trunkGroupRef} hint="You can change routing later from My numbers or the trunk group.">
          <option value="">No trunk group yet (the carrier&apos;s default)</option>
          {trunkGroups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {e911Addresses.length > 0 ? (
        <SelectField idPrefix="checkout" label="Emergency address (e911)" name="e911AddressRef" defaultValue={values?.e911AddressRef ?? ''} errors={errors?.e911AddressRef} hint="Registered on each new number with its carrier once the number is yours.">
          <option value="">None yet (register on the E911 page later)</option>
          {e911Addresses.map((address) => (
            <option key={address.id} value={address.id}>
              {address.label}
            </option>
          ))}
        </SelectField>
      ) : null}
      {noE911.length > 0 ? (
        <fieldset className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          <legend className="px-1 font-medium">{noE911.length === 1 ? '1 number' : `${noE911.length} numbers`} cannot have E911</legend>
          <p id="checkout-acknowledgedNoE911-list">
            Their carrier cannot register an emergency address through us, so a 911 call from {noE911.length === 1 ? 'it' : 'them'} may not give the dispatcher your street address:{' '}
            <span className="font-mono">{noE911.map((number) => number.label).join(', ')}</span>
          </p>
          <div className="mt-2 flex items-start gap-2">
            {/* Keyed by the echo: after a refused submit React resets the form, and the box keeps what was ticked. */}
            <input
              key={values?.acknowledgedNoE911 ?? ''}
              id="checkout-acknowledgedNoE911"
              name="acknowledgedNoE911"
              type="checkbox"
              value={confirms}
              required
              defaultChecked={values?.acknowledgedNoE911 === confirms}
              aria-invalid={confirmErrors?.length ? true : undefined}
              aria-describedby={`checkout-acknowledgedNoE911-list${confirmErrors?.length ? ' checkout-acknowledgedNoE911-error' : ''}`}
              className="mt-0.5 h-4 w-4 rounded border-slate-400"
            />
            <label htmlFor="checkout-acknowledgedNoE911" className="font-medium">
              I understand {noE911.length === 1 ? '1 number' : `${noE911.length} numbers`} cannot have E911
            </label>
          </div>
          <p id="checkout-acknowledgedNoE911-error" aria-live="polite" className="mt-1 text-xs text-red-700">
            {confirmErrors?.[0]}
          </p>
        </fieldset>
      ) : null}
      <SubmitButton pendingLabel="Placing order…" disabled={disabled}>
        Place order · {dueNow} now
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
