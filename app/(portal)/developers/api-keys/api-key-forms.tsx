'use client';

import Link from 'next/link';
import { KeyRound, Trash2 } from 'lucide-react';
import { useActionState, useId } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { OneTimeSecret } from '@/components/ui/one-time-secret';
import { CheckboxField, SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import type { CreatedApiKey } from './actions';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

/** The refusal that asks the person to confirm their second factor before trying again. */
function StepUpNotice({ state }: { state: ActionState<unknown> }) {
  if (state.status !== 'error' || state.code !== 'forbidden:step_up') return null;
  return (
    <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      {state.message} Enter your code in the box above (or set up two-factor authentication in{' '}
      <Link href="/profile/security" className="font-medium underline">
        Profile → Security
      </Link>
      ), then create the key again: what you typed here stays.
    </p>
  );
}

export function CreateApiKeyForm({
  roles,
  minExpiry,
  maxExpiry,
  action,
  offerCdrWrite = false,
}: {
  roles: { value: string; label: string }[];
  minExpiry: string;
  maxExpiry: string;
  action: Action<CreatedApiKey>;
  /** Operator staff only: the key may push this account's CDRs (POST /api/v1/cdrs). */
  offerCdrWrite?: boolean;
}) {
  const [state, formAction] = useActionState<ActionState<CreatedApiKey>, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const value = (name: string, fallback = '') => echoed?.[name] ?? fallback;
  const created = state.status === 'success' ? state.data : undefined;
  return (
    <div className="space-y-4">
      {created ? <NewApiKeyPanel created={created} /> : null}
      <form action={formAction} className="space-y-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField idPrefix="api-key" label="Name" name="name" defaultValue={value('name')} maxLength={80} required errors={errors?.name} hint="What uses it, e.g. “billing export”." autoComplete="off" />
          <SelectField idPrefix="api-key" label="Role" name="role" defaultValue={value('role', 'viewer')} errors={errors?.role} hint="What the key may do; never more than your own role.">
            {roles.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </SelectField>
          <TextField
            idPrefix="api-key"
            label="Expires on (optional)"
            name="expiresAt"
            type="date"
            min={minExpiry}
            max={maxExpiry}
            defaultValue={value('expiresAt')}
            errors={errors?.expiresAt}
            hint="It stops working at 00:00 UTC that day. Blank: until revoked."
          />
        </div>
        {offerCdrWrite ? (
          <fieldset className="space-y-1 rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-sm font-medium text-slate-900">Scopes (operator staff)</legend>
            <CheckboxField idPrefix="api-key" name="cdrWrite" label="May push CDRs from the customer’s switch (cdr:write)" defaultChecked={value('cdrWrite') === 'on'} />
            <p className="text-xs text-slate-600">Calls it pushes count in this account’s usage and quality, for this account and its sub-accounts only.</p>
            {errors?.scopes ? <p className="text-sm text-red-700">{errors.scopes.join(' ')}</p> : null}
          </fieldset>
        ) : null}
        <SubmitButton pendingLabel="Creating…">
          <KeyRound aria-hidden="true" className="size-4" />
          Create API key
        </SubmitButton>
        <StepUpNotice state={state} />
        <FormMessage state={state} />
      </form>
    </div>
  );
}

/** The secret, once, right after creation: it exists only in this render of the action's answer. */
function NewApiKeyPanel({ created }: { created: CreatedApiKey }) {
  return (
    <OneTimeSecret title={<>Your new key “{created.name}”: copy it now</>} label="API key" value={created.secret} noun="the key" testId="new-api-key">
      <p>You will not see it again. We keep only a fingerprint of it; if it is lost, revoke it and create another.</p>
      <p>
        Send it as <code className="font-mono">Authorization: Bearer …</code>.{' '}
        <Link href={`/developers/api-keys/${created.id}`} className="font-medium underline">
          Its details and limits
        </Link>
      </p>
    </OneTimeSecret>
  );
}

export function RevokeApiKeyForm({ keyId, name, action, compact }: { keyId: string; name: string; action: Action; compact?: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="keyId" value={keyId} />
      <ConfirmDialog
        trigger={{ label: <><Trash2 aria-hidden="true" className="size-4" />{compact ? 'Revoke…' : 'Revoke this key…'}</>, variant: compact ? 'secondary' : 'danger', ariaLabel: `Revoke API key ${name}` }}
        title={`Revoke the API key “${name}”?`}
        description="Programs using it are refused from their next request."
        consequence="This cannot be undone: to let a program in again, create a new key and give it that one."
        confirmLabel={`Yes, revoke “${name}”`}
        pendingLabel="Revoking…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
    </form>
  );
}
