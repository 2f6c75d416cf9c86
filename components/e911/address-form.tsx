'use client';

import Link from 'next/link';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';
import { DEFAULT_CALLER_NAME_LIMIT, e911AddressSchema, formatE911Address } from '@/lib/validations/e911';
import { fieldErrorsOf } from '@/lib/validations/form-data';

export const E911_FIELDS = ['street', 'unit', 'city', 'state', 'postalCode', 'callerName'] as const;
export type E911Field = (typeof E911_FIELDS)[number];
export type E911FormValues = Partial<Record<E911Field, string>>;

/** An address an upstream proposed instead of the one typed. */
export interface E911AddressChoice {
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  callerName?: string;
}

/** What the save action answers when the address needs a choice ("Did you mean…"). */
export interface E911SaveData {
  kind: 'alternates';
  alternates: E911AddressChoice[];
  acceptedAsTyped: boolean;
}

type Action = (state: ActionState<E911SaveData>, formData: FormData) => Promise<ActionState<E911SaveData>>;

const TYPED = 'typed';

/**
 * Add or edit an emergency address. Checked here with the server's own schema before it is sent;
 * the server validates it with the upstreams, which may propose corrections to choose from. The
 * form is submitted by hand (not through `action=`), so what was typed stays after any failure.
 */
export function E911AddressForm({ action, initial, addressId, submitLabel, cancelHref, numberCount }: { action: Action; initial: E911FormValues; addressId?: string; submitLabel: string; cancelHref: string; numberCount?: number }) {
  const [state, formAction, pending] = useActionState<ActionState<E911SaveData>, FormData>(action, { status: 'idle' });
  const [clientErrors, setClientErrors] = useState<Record<string, string[]> | null>(null);
  const [choice, setChoice] = useState('');
  const [choiceError, setChoiceError] = useState<string | null>(null);
  // The suggestions belong to the address as it was sent; typing again dismisses them.
  const [dismissed, setDismissed] = useState<unknown>(null);
  const [answered, setAnswered] = useState<unknown>(state);
  if (answered !== state) {
    setAnswered(state);
    setChoice('');
    setChoiceError(null);
    if (state.status !== 'idle') setClientErrors(null);
  }
  const form = useRef<HTMLFormElement>(null);
  const choices = useRef<HTMLFieldSetElement>(null);

  const suggestion = state.status === 'success' && state.data?.kind === 'alternates' && dismissed !== state ? state.data : undefined;
  const errors = clientErrors ?? (state.status === 'error' ? state.fieldErrors : undefined) ?? {};

  useEffect(() => {
    if (suggestion) choices.current?.focus();
  }, [suggestion]);

  useEffect(() => {
    if (state.status !== 'error' || !state.fieldErrors) return;
    const first = E911_FIELDS.find((field) => state.fieldErrors?.[field]?.length);
    if (first) form.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  }, [state]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typed = new FormData(event.currentTarget);
    const values = Object.fromEntries(E911_FIELDS.map((field) => [field, String(typed.get(field) ?? '')]));
    const formData = new FormData();
    if (addressId) formData.set('addressId', addressId);

    if (suggestion) {
      if (!choice) {
        setChoiceError('Choose one of the addresses, or change the address above.');
        choices.current?.focus();
        return;
      }
      const picked = choice === TYPED ? undefined : suggestion.alternates[Number(choice)];
      const source: Record<string, string | undefined> = picked ? { ...picked, callerName: picked.callerName ?? values.callerName } : values;
      for (const field of E911_FIELDS) formData.set(field, source[field] ?? '');
      if (choice === TYPED) formData.set('choice', TYPED);
    } else {
      const parsed = e911AddressSchema.safeParse(values);
      if (!parsed.success) {
        const found = fieldErrorsOf(parsed.error.issues);
        setClientErrors(found);
        const first = E911_FIELDS.find((field) => found[field]?.length);
        if (first) event.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
        return;
      }
      for (const field of E911_FIELDS) formData.set(field, values[field] ?? '');
    }
    setClientErrors(null);
    setChoiceError(null);
    startTransition(() => formAction(formData));
  };

  const onTyping = () => {
    if (suggestion) setDismissed(state);
  };

  const field = (name: E911Field) => ({ name, idPrefix: 'e911', errors: errors[name], defaultValue: initial[name] ?? '', onInput: onTyping });
  const message = clientErrors ? ({ status: 'error', message: 'Please correct the highlighted fields.' } as const) : state.status === 'error' ? state : ({ status: 'idle' } as const);

  return (
    <form ref={form} onSubmit={onSubmit} className="space-y-5" noValidate aria-label={addressId ? 'Edit emergency address' : 'New emergency address'}>
      <div className="grid gap-4 sm:grid-cols-6">
        <TextField {...field('street')} label="Street address" autoComplete="address-line1" placeholder="123 Main St" className="sm:col-span-4" required />
        <TextField {...field('unit')} label="Apartment, suite or unit" hint="Optional" autoComplete="address-line2" className="sm:col-span-2" />
        <TextField {...field('city')} label="City" autoComplete="address-level2" className="sm:col-span-3" required />
        <TextField {...field('state')} label="State or province" hint="Two letters, like IL or ON" autoComplete="address-level1" className="sm:col-span-1" required />
        <TextField {...field('postalCode')} label="ZIP or postal code" autoComplete="postal-code" className="sm:col-span-2" required />
        <TextField
          {...field('callerName')}
          label="Caller name"
          hint={`What the emergency dispatcher sees, such as the company or site. Every carrier takes up to ${DEFAULT_CALLER_NAME_LIMIT} characters.`}
          autoComplete="organization"
          className="sm:col-span-4"
        />
      </div>

      {suggestion ? (
        <fieldset ref={choices} tabIndex={-1} className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4 focus:outline-2 focus:outline-indigo-700" aria-describedby="e911-choice-note e911-choice-error">
          <legend className="px-1 text-sm font-semibold text-amber-950">Did you mean…</legend>
          <p id="e911-choice-note" className="text-sm text-amber-950">
            {state.status === 'success' ? state.message : null}
          </p>
          <div className="space-y-2">
            {suggestion.alternates.map((alternate, index) => (
              <label key={`${index}-${formatE911Address(alternate)}`} className="flex items-start gap-2 text-sm text-slate-900">
                <input type="radio" name="choice" value={String(index)} checked={choice === String(index)} onChange={() => setChoice(String(index))} className="mt-0.5" />
                <span>{formatE911Address(alternate)}</span>
              </label>
            ))}
            {suggestion.acceptedAsTyped ? (
              <label className="flex items-start gap-2 text-sm text-slate-900">
                <input type="radio" name="choice" value={TYPED} checked={choice === TYPED} onChange={() => setChoice(TYPED)} className="mt-0.5" />
                <span>Keep the address as I typed it</span>
              </label>
            ) : null}
          </div>
          <p id="e911-choice-error" aria-live="polite" className="text-sm text-red-700">
            {choiceError}
          </p>
        </fieldset>
      ) : null}

      {numberCount ? (
        <p className="text-sm text-slate-700">
          Saving registers the address again on the {numberCount} number{numberCount === 1 ? '' : 's'} that use{numberCount === 1 ? 's' : ''} it.
        </p>
      ) : null}
      <FormMessage state={message} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? 'Checking the address…' : suggestion ? 'Use this address' : submitLabel}
        </Button>
        <Link href={cancelHref} className={buttonClass('ghost')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
