'use client';

import Link from 'next/link';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

const rowBoxes = (selectionFormId: string) => [...document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="numberIds"][form="${selectionFormId}"]`)];

export interface BulkNumbersFormProps {
  formId: string;
  /** The form the table's row checkboxes belong to (a checkbox belongs to one form); may be this one. */
  selectionFormId: string;
  /** The one choice the action applies to the ticked numbers (a trunk group, an address…). */
  field: { name: string; label: string; placeholder: string; options: { id: string; label: string }[]; missing: string };
  submitLabel: string;
  pendingLabel: string;
  nothingTicked: string;
  ariaLabel: string;
  help: { text: string; href: string; link: string };
  action: Action;
}

/**
 * One change applied to the numbers ticked in the My numbers table. The ticked ids are gathered
 * from the page on submit; a failed submit keeps the selection, a successful one clears it.
 */
export function BulkNumbersForm({ formId, selectionFormId, field, submitLabel, pendingLabel, nothingTicked, ariaLabel, help, action }: BulkNumbersFormProps) {
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
    const choice = new FormData(event.currentTarget).get(field.name);
    if (!choice) return setProblem(field.missing);
    // The table and its phone cards each have a box per number; a number ticked in both counts once.
    const numberIds = [...new Set(rowBoxes(selectionFormId)
      .filter((box) => box.checked)
      .map((box) => box.value))];
    if (numberIds.length === 0) return setProblem(nothingTicked);
    setProblem(null);
    const formData = new FormData();
    formData.set(field.name, String(choice));
    formData.set('numberIds', numberIds.join(','));
    startTransition(() => formAction(formData));
  };

  const fieldError = state.status === 'error' ? (state.fieldErrors?.numberIds?.[0] ?? state.fieldErrors?.[field.name]?.[0]) : undefined;
  const message = problem ?? fieldError;

  return (
    <form id={formId} ref={formRef} onSubmit={onSubmit} className="mb-4 flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-slate-50 p-3" noValidate aria-label={ariaLabel}>
      <div className="min-w-0 max-w-full">
        <label htmlFor={`${formId}-${field.name}`} className="mb-1 block text-sm font-medium text-slate-800">
          {field.label}
        </label>
        <select
          id={`${formId}-${field.name}`}
          name={field.name}
          defaultValue=""
          className="block w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900"
          aria-describedby={`${formId}-error`}
          aria-invalid={message ? true : undefined}
        >
          <option value="" disabled>
            {field.placeholder}
          </option>
          {field.options.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="secondary" disabled={pending} aria-disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </Button>
      <div className="min-w-0 flex-1">
        <p id={`${formId}-error`} aria-live="polite" className="text-sm text-red-700">
          {message}
        </p>
        {message ? null : <FormMessage state={state} />}
      </div>
      <p className="w-full text-xs text-slate-600">
        {help.text}{' '}
        <Link href={help.href} className="text-indigo-800 underline">
          {help.link}
        </Link>
      </p>
    </form>
  );
}
