'use client';

import { Ban, RotateCcw } from 'lucide-react';
import { startTransition, useActionState, useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * Suspend or reactivate one account from the staff list. The reason is asked in the dialog and kept
 * open with its message when refused, so what was typed is not lost; it closes once the change is made.
 */
export function AccountStatusControl({
  account,
  action,
}: {
  account: { id: string; name: string; status: 'active' | 'suspended'; topLevel: boolean; subAccounts: number };
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [open, setOpen] = useState(false);
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    if (state.status === 'success') setOpen(false);
  }
  const formId = useId();
  const reasonId = `${formId}-reason`;
  const suspend = account.status === 'active';
  const errors = state.status === 'error' ? state.fieldErrors?.reason : undefined;
  const refusal = state.status === 'error' && !errors ? state.message : undefined;
  const echoed = state.status === 'error' ? state.values?.reason : undefined;
  const below = account.subAccounts > 0 ? ` and its ${account.subAccounts === 1 ? 'sub-account' : `${account.subAccounts} sub-accounts`}` : '';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };

  return (
    <form id={formId} onSubmit={onSubmit} noValidate className="flex flex-col items-end gap-1">
      <input type="hidden" name="accountId" value={account.id} />
      <input type="hidden" name="status" value={suspend ? 'suspended' : 'active'} />
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        trigger={{
          label: suspend ? (
            <>
              <Ban aria-hidden="true" className="size-4" />
              Suspend…
            </>
          ) : (
            <>
              <RotateCcw aria-hidden="true" className="size-4" />
              Reactivate…
            </>
          ),
          variant: suspend ? 'ghost' : 'secondary',
          className: suspend ? 'text-red-800' : undefined,
          ariaLabel: `${suspend ? 'Suspend' : 'Reactivate'} ${account.name}`,
        }}
        title={suspend ? `Suspend ${account.name}?` : `Reactivate ${account.name}?`}
        description={
          <>
            {suspend
              ? `${account.name}${below} become read-only: their users can sign in and look but change nothing, their API keys are refused with 403, and their webhook endpoints are sent nothing (the events stay in their delivery logs, to send again later).`
              : `${account.name}${below} can be changed again and their API keys work again (unless an account above is suspended too).`}
            <label htmlFor={reasonId} className="mt-3 block font-medium text-slate-800">
              Reason
            </label>
            <span id={`${reasonId}-hint`} className="block text-xs text-slate-600">
              Required. Kept in {account.name}’s audit log, which its owners and admins can read.
            </span>
            <textarea
              id={reasonId}
              name="reason"
              form={formId}
              rows={3}
              maxLength={500}
              defaultValue={echoed}
              aria-invalid={errors?.length ? true : undefined}
              aria-describedby={`${reasonId}-hint${errors?.length ? ` ${reasonId}-error` : ''}`}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700"
            />
            <span id={`${reasonId}-error`} aria-live="polite" className="mt-1 block text-xs text-red-700">
              {errors?.[0] ?? refusal}
            </span>
          </>
        }
        consequence={suspend && account.topLevel ? 'A top-level account: its customers cannot reactivate it themselves; only the carrier’s staff can.' : undefined}
        confirmLabel={suspend ? `Yes, suspend ${account.name}` : `Yes, reactivate ${account.name}`}
        pendingLabel={suspend ? 'Suspending…' : 'Reactivating…'}
        pending={pending}
        form={formId}
        closeOn={state}
        tone={suspend ? 'danger' : 'caution'}
      />
      {/* A refusal is said in the dialog, beside the reason. */}
      <FormMessage state={state.status === 'error' ? { status: 'idle' } : state} />
    </form>
  );
}
