'use client';

import Link from 'next/link';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

const rowBoxes = (formId: string) => [...document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="numberIds"][form="${formId}"]`)];

/** The header checkbox of the numbers table: ticks or clears every routable number on the page. */
export function SelectAllNumbers({ formId }: { formId: string }) {
  return (
    <input
      type="checkbox"
      aria-label="Select every number on this page that can be routed"
      onChange={(event) => {
        for (const box of rowBoxes(formId)) box.checked = event.target.checked;
      }}
    />
  );
}

/**
 * "Route to trunk group" for the numbers ticked in the table (their checkboxes belong to this form
 * through their `form` attribute). A failed submit keeps the selection; a successful one clears it.
 */
export function RouteNumbersForm({ formId, trunkGroups, action }: { formId: string; trunkGroups: { id: string; name: string }[]; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (state.status !== 'success') return;
    formRef.current?.reset();
    for (const box of document.querySelectorAll<HTMLInputElement>('input[type="checkbox"][aria-label^="Select every number"]')) box.checked = false;
  }, [state]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    if (!formData.get('trunkGroupId')) return setProblem('Choose the trunk group to route the numbers to.');
    if (formData.getAll('numberIds').length === 0) return setProblem('Tick the numbers to route first.');
    setProblem(null);
    startTransition(() => formAction(formData));
  };

  const fieldError = state.status === 'error' ? (state.fieldErrors?.numberIds?.[0] ?? state.fieldErrors?.trunkGroupId?.[0]) : undefined;
  const message = problem ?? fieldError;

  return (
    <form id={formId} ref={formRef} onSubmit={onSubmit} className="mb-4 flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-slate-50 p-3" noValidate aria-label="Route selected numbers to a trunk group">
      <div>
        <label htmlFor={`${formId}-group`} className="mb-1 block text-sm font-medium text-slate-800">
          Route selected numbers to
        </label>
        <select
          id={`${formId}-group`}
          name="trunkGroupId"
          defaultValue=""
          className="block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900"
          aria-describedby={`${formId}-error`}
          aria-invalid={message ? true : undefined}
        >
          <option value="" disabled>
            Choose a trunk group
          </option>
          {trunkGroups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="secondary" disabled={pending} aria-disabled={pending}>
        {pending ? 'Routing…' : 'Route to trunk group'}
      </Button>
      <div className="min-w-0 flex-1">
        <p id={`${formId}-error`} aria-live="polite" className="text-sm text-red-700">
          {message}
        </p>
        {message ? null : <FormMessage state={state} />}
      </div>
      <p className="w-full text-xs text-slate-600">
        Tick numbers in the table, choose a trunk group, and route them. <Link href="/trunk-groups" className="text-indigo-800 underline">Manage trunk groups</Link>
      </p>
    </form>
  );
}
