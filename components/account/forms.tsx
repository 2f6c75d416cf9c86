'use client';

import { Ban, UserPlus } from 'lucide-react';
import { useActionState, useId, useState, useTransition, type FormEvent } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CheckboxField, SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

function useForm<Data = undefined>(action: Action<Data>) {
  const [state, formAction, pending] = useActionState<ActionState<Data>, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  /** The value to show: what the user just submitted if it failed, else the saved one. */
  const value = (name: string, saved?: string | number | boolean | null) => (echoed && name in echoed ? echoed[name] : saved === null || saved === undefined ? '' : String(saved));
  /** A checkbox after a failed submit is as it was sent (a clear box sends nothing), else as saved. */
  const checked = (name: string, saved: boolean) => (echoed ? (echoed[name] ?? '').split(',').includes('on') : saved);
  return { state, formAction, pending, errors: state.status === 'error' ? state.fieldErrors : undefined, value, checked, failed: Boolean(echoed) };
}

export interface LimitsValues {
  maxConcurrentCalls: number | null;
  maxCallsPerSecond: number | null;
  monthlySpendCap: string | null;
  internationalAllowed: boolean;
}

/** One effective limit as the page shows it: the tightest along the path, and whose it is. */
export interface EffectiveLimitView {
  label: string;
  value: string;
  /** The account whose own limit binds; absent when it is this account's own or nothing limits it. */
  setBy?: string;
}

function LimitsFields({
  values,
  errors,
  idPrefix,
  disabled,
  readOnlyHint,
  value,
  checked,
}: {
  values?: LimitsValues;
  errors?: Record<string, string[]>;
  idPrefix: string;
  disabled?: boolean;
  /** Shown beside each limit when the user may see but not change them. */
  readOnlyHint?: string;
  value: (name: string, saved?: string | number | boolean | null) => string | undefined;
  checked: (name: string, saved: boolean) => boolean;
}) {
  const readOnly = Boolean(readOnlyHint);
  const hint = (editable: string) => readOnlyHint ?? editable;
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <TextField idPrefix={idPrefix} label="Concurrent calls" name="maxConcurrentCalls" inputMode="numeric" defaultValue={value('maxConcurrentCalls', values?.maxConcurrentCalls)} errors={errors?.maxConcurrentCalls} hint={hint('Blank: no limit of its own')} disabled={disabled} readOnly={readOnly} />
      <TextField idPrefix={idPrefix} label="Calls per second" name="maxCallsPerSecond" inputMode="numeric" defaultValue={value('maxCallsPerSecond', values?.maxCallsPerSecond)} errors={errors?.maxCallsPerSecond} hint={hint('Blank: no limit of its own')} disabled={disabled} readOnly={readOnly} />
      <TextField idPrefix={idPrefix} label="Monthly spend cap (USD)" name="monthlySpendCap" inputMode="decimal" defaultValue={value('monthlySpendCap', values?.monthlySpendCap)} errors={errors?.monthlySpendCap} hint={hint('Blank: no cap of its own')} disabled={disabled} readOnly={readOnly} />
      <div className="sm:col-span-3">
        <CheckboxField idPrefix={idPrefix} label="International calls allowed" name="internationalAllowed" defaultChecked={checked('internationalAllowed', values?.internationalAllowed ?? false)} disabled={disabled || readOnly} />
        <p id={`${idPrefix}-internationalAllowed-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
          {errors?.internationalAllowed?.[0]}
        </p>
      </div>
    </div>
  );
}

export function CreateSubAccountForm({ parents, defaultParentId, action }: { parents: { id: string; label: string }[]; defaultParentId: string; action: Action }) {
  const { state, formAction, errors, value, checked } = useForm(action);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField idPrefix="create" label="Parent account" name="parentId" defaultValue={value('parentId', defaultParentId)} errors={errors?.parentId}>
          {parents.map((parent) => (
            <option key={parent.id} value={parent.id}>
              {parent.label}
            </option>
          ))}
        </SelectField>
        <TextField idPrefix="create" label="Sub-account name" name="name" defaultValue={value('name')} required maxLength={80} errors={errors?.name} />
      </div>
      <LimitsFields idPrefix="create" errors={errors} value={value} checked={checked} />
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Creating…">Create sub-account</SubmitButton>
    </form>
  );
}

export function RenameAccountForm({ accountId, name, action, disabled }: { accountId: string; name: string; action: Action; disabled?: boolean }) {
  const { state, formAction, errors, value } = useForm(action);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      <TextField idPrefix="rename" label="Account name" name="name" defaultValue={value('name', name)} required maxLength={80} errors={errors?.name} disabled={disabled} />
      <FormMessage state={state} />
      <SubmitButton disabled={disabled}>Save name</SubmitButton>
    </form>
  );
}

export function LimitsForm({
  accountId,
  values,
  effective,
  intro,
  setBy,
  editable,
  action,
}: {
  accountId: string;
  values: LimitsValues;
  effective: EffectiveLimitView[];
  /** Who sets these limits and why the user can or cannot change them. */
  intro: string;
  /** Who decides these limits: the parent account's name, or "the carrier". */
  setBy: string;
  /** The user manages the parent (or is the carrier's staff for a top-level account), and nothing is suspended. */
  editable: boolean;
  action: Action;
}) {
  const { state, formAction, errors, value, checked } = useForm(action);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      <p className="text-sm text-slate-700">{intro}</p>
      <LimitsFields idPrefix="limits" values={values} errors={errors} readOnlyHint={editable ? undefined : `Set by ${setBy}`} value={value} checked={checked} />
      <div>
        <h3 className="mb-1 text-sm font-semibold">Effective limits</h3>
        <p className="mb-2 text-xs text-slate-600">The tightest limit along the way up to the billing account applies.</p>
        <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2" data-testid="effective-limits">
          {effective.map((limit) => (
            <div key={limit.label} className="flex justify-between gap-2 border-b border-slate-100 py-1">
              <dt className="text-slate-700">{limit.label}</dt>
              <dd className="tabular-nums">
                {limit.value}
                {limit.setBy ? <span className="text-slate-600"> · set by {limit.setBy}</span> : null}
              </dd>
            </div>
          ))}
        </dl>
      </div>
      <FormMessage state={state} />
      <SubmitButton disabled={!editable}>Save limits</SubmitButton>
    </form>
  );
}

export function RoutingPolicyForm({ accountId, required, action, disabled }: { accountId: string; required: boolean; action: Action; disabled?: boolean }) {
  const { state, formAction, value } = useForm(action);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      {/* Sent before the checkbox: unchecked arrives as "off", checked as "off,on". */}
      <input type="hidden" name="requireE911ForRouting" value="off" />
      <CheckboxField
        idPrefix="routing"
        label="Require a registered emergency address before a number can be routed to a trunk group"
        name="requireE911ForRouting"
        defaultChecked={(value('requireE911ForRouting', required ? 'on' : '') ?? '').split(',').includes('on')}
        disabled={disabled}
      />
      <p className="text-xs text-slate-600">Applies to this account and every sub-account under it.</p>
      <FormMessage state={state} />
      <SubmitButton disabled={disabled}>Save</SubmitButton>
    </form>
  );
}

export function AccountStatusForm({ accountId, name, status, action }: { accountId: string; name: string; status: 'active' | 'suspended'; action: Action }) {
  const { state, formAction, pending } = useForm(action);
  const formId = useId();
  const next = status === 'active' ? 'suspended' : 'active';
  return (
    <form id={formId} action={formAction} className="space-y-3">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="status" value={next} />
      {next === 'suspended' ? (
        <ConfirmDialog
          trigger={{ label: <><Ban aria-hidden="true" className="size-4" />Suspend {name}…</> }}
          title={`Suspend ${name}?`}
          description={`${name} and every sub-account under it are suspended.`}
          consequence="Their users can still sign in and look, but cannot change anything until the account is reactivated."
          confirmLabel={`Yes, suspend ${name}`}
          pendingLabel="Suspending…"
          pending={pending}
          form={formId}
          closeOn={state}
        />
      ) : (
        <SubmitButton pendingLabel="Reactivating…">Reactivate {name}</SubmitButton>
      )}
      <FormMessage state={state} />
    </form>
  );
}

export function InviteUserForm({ accountId, roles, action, disabled }: { accountId: string; roles: { value: string; label: string }[]; action: Action<{ inviteUrl: string }>; disabled?: boolean }) {
  const { state, formAction, errors, value } = useForm(action);
  const inviteUrl = state.status === 'success' ? state.data?.inviteUrl : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="accountId" value={accountId} />
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start">
        <TextField idPrefix="invite" label="Email" name="email" type="email" defaultValue={value('email')} required errors={errors?.email} disabled={disabled} />
        <SelectField idPrefix="invite" label="Role" name="role" defaultValue={value('role', 'viewer')} errors={errors?.role} disabled={disabled}>
          {roles.map((role) => (
            <option key={role.value} value={role.value}>
              {role.label}
            </option>
          ))}
        </SelectField>
        <div className="sm:pt-6">
          <SubmitButton pendingLabel="Inviting…" disabled={disabled}>
            <UserPlus aria-hidden="true" className="size-4" />
            Invite
          </SubmitButton>
        </div>
      </div>
      <FormMessage state={state} />
      {inviteUrl ? (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3">
          <label htmlFor="invite-link" className="block text-sm font-medium text-emerald-900">
            Invitation link (shown once)
          </label>
          <input id="invite-link" data-testid="invite-link" readOnly value={inviteUrl} className="mt-1 w-full rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(event) => event.currentTarget.select()} />
        </div>
      ) : null}
    </form>
  );
}

export function MemberRoleForm({ accountId, membershipId, role, roles, action, label, disabled }: { accountId: string; membershipId: string; role: string; roles: { value: string; label: string }[]; action: Action; label: string; disabled?: boolean }) {
  const { state, formAction, value } = useForm(action);
  // Not derived from the membership: the form appears in both the users table and its phone cards.
  const selectId = useId();
  const shown = value('role', role);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="membershipId" value={membershipId} />
      <label htmlFor={selectId} className="sr-only">
        Role of {label}
      </label>
      {/* Keyed by the choice shown: a select takes a new defaultValue only when it mounts (see SelectField). */}
      <select key={shown} id={selectId} name="role" defaultValue={shown} disabled={disabled} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm">
        {roles.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <SubmitButton variant="secondary" disabled={disabled} pendingLabel="Saving…">
        Change role
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** A small destructive action in a list row (remove a member, revoke an invitation), behind a confirmation. */
export function ConfirmActionForm({ hidden, action, label, confirmText, consequence, confirmLabel, pendingLabel, disabled }: { hidden: Record<string, string>; action: Action; label: string; confirmText: string; consequence?: string; confirmLabel?: string; pendingLabel: string; disabled?: boolean }) {
  const [state, setState] = useState<ActionState>({ status: 'idle' });
  const [pending, startTransition] = useTransition();
  const formId = useId();
  // The row this sits in is gone once the action succeeds, and an in-place message with it: the
  // toast is raised here, where it outlives the row.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await action(state, formData);
      if (result.status === 'success' && result.message) toast.success(result.message);
      startTransition(() => setState(result));
    });
  };
  return (
    <form id={formId} onSubmit={onSubmit} className="flex flex-wrap items-center justify-end gap-2">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ConfirmDialog
        trigger={{ label: `${label}…`, variant: 'ghost', className: 'text-red-800', disabled }}
        title={confirmText}
        description={consequence ?? 'This cannot be undone.'}
        confirmLabel={confirmLabel ?? `Yes, ${label.toLowerCase()}`}
        pendingLabel={pendingLabel}
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state.status === 'error' ? state : { status: 'idle' }} />
    </form>
  );
}
