'use client';

import { ArrowRightLeft, Trash2 } from 'lucide-react';
import { startTransition, useActionState, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SelectField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * Release behind a confirmation that names the number and when billing stops. It stays mounted
 * after the release so the page can say the number is gone once it has re-rendered.
 */
export function ReleaseNumberForm({ numberId, formatted, released, billingNote, action, disabled }: { numberId: string; formatted: string; released: boolean; billingNote: string; action: Action; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = `release-${numberId}`;
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="numberId" value={numberId} />
      {released ? null : (
        <ConfirmDialog
          trigger={{ label: <><Trash2 aria-hidden="true" className="size-4" />Release {formatted}…</>, disabled }}
          title={`Release ${formatted}?`}
          description="The number goes back to the carrier, which may give it to another customer."
          consequence={`${billingNote} This cannot be undone.`}
          confirmLabel={`Yes, release ${formatted}`}
          pendingLabel="Releasing…"
          pending={pending}
          form={formId}
          closeOn={state}
        />
      )}
      <FormMessage state={state} />
      {released ? <p className="text-sm text-slate-700">This number has been released.</p> : null}
    </form>
  );
}

/** Move behind a confirmation that names the number and the account it goes to. */
export function MoveNumberForm({ numberId, formatted = 'this number', targets, action, disabled }: { numberId: string; formatted?: string; targets: { id: string; label: string }[]; action: Action; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values?.targetAccountId : undefined;
  const [targetId, setTargetId] = useState(echoed ?? '');
  const [missing, setMissing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    setConfirming(false);
  }
  const errors = missing ? ['Choose the account to move the number to.'] : state.status === 'error' ? state.fieldErrors?.targetAccountId : undefined;
  const target = targets.find((option) => option.id === targetId);
  const targetName = target?.label.replace(/^(— )+/, '') ?? '';
  const formId = `move-${numberId}`;
  // Dispatched by hand: React's reset after an action would put the (controlled) select back on its
  // first option while the confirmation still names the chosen account, so a retry could move the
  // number elsewhere.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };
  return (
    <form id={formId} action={formAction} onSubmit={onSubmit} className="space-y-3" noValidate>
      <input type="hidden" name="numberId" value={numberId} />
      <SelectField
        idPrefix="move"
        label="Move to account"
        name="targetAccountId"
        value={targetId}
        onChange={(event) => {
          setTargetId(event.target.value);
          setMissing(false);
        }}
        errors={errors}
        disabled={disabled}
        required
      >
        <option value="" disabled>
          Choose an account
        </option>
        {targets.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <FormMessage state={state} />
      <Button type="button" variant="secondary" disabled={disabled || pending} onClick={() => (targetId ? setConfirming(true) : setMissing(true))}>
        <ArrowRightLeft aria-hidden="true" className="size-4" />
        {pending ? 'Moving…' : 'Move number…'}
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        tone="caution"
        title={`Move ${formatted} to ${targetName}?`}
        description={`${formatted} and its emergency address go to ${targetName}.`}
        consequence={`Users of this account lose it, and only someone who manages ${targetName} can move it back.`}
        confirmLabel={`Yes, move to ${targetName}`}
        pendingLabel="Moving…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
    </form>
  );
}
