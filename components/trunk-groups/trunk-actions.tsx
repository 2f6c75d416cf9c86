'use client';

import { KeyRound, Power, RefreshCw, Trash2 } from 'lucide-react';
import { useActionState, useId } from 'react';
import { type ButtonVariant } from '@/components/ui/button';
import { SelectableNumberTable, useNumberSelection, type NumberColumn } from '@/components/numbers/selectable-number-table';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { OneTimePassword } from './one-time-password';
import type { TrunkSavedData } from './trunk-group-form';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

export function ReapplyForm({ trunkGroupId, action, disabled }: { trunkGroupId: string; action: Action; disabled?: boolean }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <SubmitButton variant="secondary" pendingLabel="Re-applying…" disabled={disabled}>
        <RefreshCw aria-hidden="true" className="size-4" />
        Re-apply
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function TrunkStatusForm({ trunkGroupId, name = 'this trunk group', status, action, disabled }: { trunkGroupId: string; name?: string; status: 'active' | 'disabled'; action: Action; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  const next = status === 'active' ? 'disabled' : 'active';
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <input type="hidden" name="status" value={next} />
      {next === 'disabled' ? (
        <ConfirmDialog
          trigger={{ label: <><Power aria-hidden="true" className="size-4" />Disable trunk group…</>, disabled }}
          title={`Disable ${name}?`}
          description="Its numbers go to each carrier’s default route instead of these hosts; its settings are kept."
          consequence="Calls stop reaching your PBX through this trunk group until you enable it again."
          confirmLabel={`Yes, disable ${name}`}
          pendingLabel="Disabling…"
          pending={pending}
          form={formId}
          closeOn={state}
        />
      ) : (
        <SubmitButton pendingLabel="Enabling…" disabled={disabled}>
          <Power aria-hidden="true" className="size-4" />
          Enable trunk group
        </SubmitButton>
      )}
      <FormMessage state={state} />
    </form>
  );
}

export function RotatePasswordForm({ trunkGroupId, name, action, disabled }: { trunkGroupId: string; name: string; action: Action<TrunkSavedData>; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState<TrunkSavedData>, FormData>(action, { status: 'idle' });
  const formId = useId();
  const secret = state.status === 'success' ? state.data : undefined;
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <ConfirmDialog
        tone="caution"
        trigger={{ label: <><KeyRound aria-hidden="true" className="size-4" />Rotate password…</>, variant: 'secondary', disabled }}
        title={`Rotate the SIP password of ${name}?`}
        description="A new password is generated and shown once."
        consequence="The old one stops working as soon as the carriers have the new one: calls from a PBX still using it are refused until you update it."
        confirmLabel="Yes, rotate the password"
        pendingLabel="Rotating…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
      {secret?.digestPassword ? <OneTimePassword username={secret.digestUsername} password={secret.digestPassword} /> : null}
    </form>
  );
}

export function DeleteTrunkGroupForm({ trunkGroupId, name, numberCount, action, disabled }: { trunkGroupId: string; name: string; numberCount: number; action: Action; disabled?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  const inUse = state.status === 'error' && state.code === 'conflict:trunk_in_use';
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="trunkGroupId" value={trunkGroupId} />
      <ConfirmDialog
        trigger={{ label: <><Trash2 aria-hidden="true" className="size-4" />Delete {name}…</>, disabled }}
        title={`Delete ${name}?`}
        description="It is removed from the portal and from each carrier whose API can delete trunks; where a carrier's cannot, its copy stays there with no numbers routed to it."
        consequence={
          numberCount > 0
            ? `It still routes ${numberCount} number${numberCount === 1 ? '' : 's'}: move or unassign them first, or the delete is refused.`
            : 'This cannot be undone.'
        }
        confirmLabel={`Yes, delete ${name}`}
        pendingLabel="Deleting…"
        pending={pending}
        form={formId}
        closeOn={state}
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
