'use client';

import { useActionState, useEffect, useId, useRef, useState } from 'react';
import { Button, buttonClass, type ButtonVariant } from '@/components/ui/button';
import { SelectableNumberTable, useNumberSelection, type NumberColumn } from '@/components/numbers/selectable-number-table';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { OneTimePassword } from './one-time-password';
import type { TrunkSavedData } from './trunk-group-form';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

/** A button that opens a confirmation naming what will happen; Escape or Cancel closes it. */
function Confirmation({
  opener,
  question,
  detail,
  confirmLabel,
  pendingLabel,
  variant = 'danger',
  disabled,
  closeOn,
}: {
  /** Any value that changes when the panel should close again (the action's latest answer). */
  closeOn: unknown;
  opener: string;
  question: string;
  detail: string;
  confirmLabel: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  disabled?: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const [answered, setAnswered] = useState(closeOn);
  if (answered !== closeOn) {
    setAnswered(closeOn);
    setConfirming(false);
  }
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) panel.current?.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
  }, [confirming]);

  const cancel = () => {
    setConfirming(false);
    queueMicrotask(() => openerRef.current?.focus());
  };

  if (!confirming) {
    return (
      <button ref={openerRef} type="button" className={buttonClass(variant === 'danger' ? 'danger' : 'secondary')} disabled={disabled} onClick={() => setConfirming(true)}>
        {opener}
      </button>
    );
  }
  const tone = variant === 'danger' ? 'border-red-200 bg-red-50 text-red-900' : 'border-amber-200 bg-amber-50 text-amber-950';
  return (
    <div ref={panel} role="group" aria-labelledby={`${id}-question`} className={`space-y-2 rounded-md border p-3 ${tone}`} onKeyDown={(event) => event.key === 'Escape' && cancel()}>
      <p id={`${id}-question`} className="text-sm font-medium">
        {question}
      </p>
      <p className="text-sm">{detail}</p>
      <div className="flex flex-wrap gap-2">
        <SubmitButton variant={variant} pendingLabel={pendingLabel}>
          {confirmLabel}
        </SubmitButton>
        <Button type="button" variant="secondary" onClick={cancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

export function ReapplyForm({ trunkGroupId, action, disabled }: { trunkGroupId: string; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <SubmitButton variant="secondary" pendingLabel="Re-applying…" disabled={disabled}>
        Re-apply
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function TrunkStatusForm({ trunkGroupId, status, action, disabled }: { trunkGroupId: string; status: 'active' | 'disabled'; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const next = status === 'active' ? 'disabled' : 'active';
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <input type="hidden" name="status" value={next} />
      <SubmitButton variant={next === 'disabled' ? 'danger' : 'primary'} pendingLabel="Saving…" disabled={disabled}>
        {next === 'disabled' ? 'Disable trunk group' : 'Enable trunk group'}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function RotatePasswordForm({ trunkGroupId, name, action, disabled }: { trunkGroupId: string; name: string; action: Action<TrunkSavedData>; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState<TrunkSavedData>, FormData>(action, { status: 'idle' });
  const secret = state.status === 'success' ? state.data : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <Confirmation
        closeOn={state}
        opener="Rotate password…"
        question={`Rotate the SIP password of ${name}?`}
        detail="A new password is generated and the old one stops working as soon as the carriers have it: calls from a PBX still using it are refused until you update it."
        confirmLabel="Yes, rotate the password"
        pendingLabel="Rotating…"
        variant="secondary"
        disabled={disabled}
      />
      <FormMessage state={state} />
      {secret?.digestPassword ? <OneTimePassword username={secret.digestUsername} password={secret.digestPassword} /> : null}
    </form>
  );
}

export function DeleteTrunkGroupForm({ trunkGroupId, name, numberCount, action, disabled }: { trunkGroupId: string; name: string; numberCount: number; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const inUse = state.status === 'error' && state.code === 'conflict:trunk_in_use';
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <Confirmation
        closeOn={state}
        opener={`Delete ${name}…`}
        question={`Delete ${name}?`}
        detail={
          numberCount > 0
            ? `It still routes ${numberCount} number${numberCount === 1 ? '' : 's'}: move or unassign them first, or the delete is refused.`
            : 'Its settings are removed from the portal and from the carriers. This cannot be undone.'
        }
        confirmLabel={`Yes, delete ${name}`}
        pendingLabel="Deleting…"
        disabled={disabled}
      />
      <FormMessage state={state} />
      {inUse ? (
        <p className="text-sm">
          <a href="#numbers" className="font-medium text-indigo-800 underline">
            Go to the numbers of {name} to move or unassign them
          </a>
        </p>
      ) : null}
    </form>
  );
}

export interface BulkNumberRow {
  id: string;
  number: string;
  /** Where the number routes now, in words ("Not routed", "Office PBX"). */
  routing?: string;
}

/** A table of numbers with checkboxes and one submit for the ticked ones (assign or unassign). */
export function NumberBulkForm({
  trunkGroupId,
  rows,
  action,
  caption,
  verb,
  pendingLabel,
  variant = 'primary',
  showRouting,
  disabled,
  emptyText,
}: {
  trunkGroupId: string;
  rows: BulkNumberRow[];
  /** Shown instead of the table when there is nothing to pick; the outcome of the last submit stays. */
  emptyText: string;
  action: Action;
  caption: string;
  /** "Assign" → "Assign 2 numbers". */
  verb: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  showRouting?: boolean;
  disabled?: boolean;
}) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const selection = useNumberSelection(rows);
  const { chosen } = selection;
  const errors = state.status === 'error' ? state.fieldErrors?.numberIds : undefined;
  const columns: NumberColumn<BulkNumberRow>[] = showRouting ? [{ header: 'Routes to now', cell: (row) => row.routing ?? 'Not routed' }] : [];
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <input type="hidden" name="numberIds" value={chosen.join(',')} />
      {rows.length === 0 ? (
        <p className="text-sm text-slate-700">{emptyText}</p>
      ) : (
        <SelectableNumberTable rows={rows} caption={caption} selection={selection} columns={columns} disabled={disabled} />
      )}
      <div className="flex flex-wrap items-center gap-3">
        {rows.length === 0 ? null : (
          <SubmitButton variant={variant} pendingLabel={pendingLabel} disabled={disabled || chosen.length === 0}>
            {chosen.length ? `${verb} ${chosen.length} number${chosen.length === 1 ? '' : 's'}` : `${verb} selected`}
          </SubmitButton>
        )}
        <FormMessage state={state} />
      </div>
      {errors?.length ? <p className="text-sm text-red-700">{errors[0]}</p> : null}
    </form>
  );
}
